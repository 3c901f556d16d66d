import { HOUR_MS, intervalMs } from "../core/index.ts";
import type { CandleInterval } from "../core/index.ts";
import { baseWeight, itemWeight } from "../venues/hyperliquid/rate-limiter.ts";
import type { HyperliquidRest } from "../venues/hyperliquid/rest.ts";
import type { RawCandleRow, RawFundingRow } from "../venues/hyperliquid/parse.ts";
import type { SpotPair } from "../venues/hyperliquid/spot.ts";
import type { WarmUpBody } from "../venues/hyperliquid/warm-up.ts";
import type { Logger } from "../config/index.ts";

/** What a live session fetches at its start: markets, intervals, depth. */
export interface WarmUpPlan {
  readonly coins: readonly string[];
  readonly spotPairs: readonly SpotPair[];
  readonly intervals: readonly CandleInterval[];
  /** Closed bars per (market, interval), ≤ 5000 (the venue keeps no more). 0: no candles. */
  readonly bars: number;
  /** Hours of funding settlements per perp, ≤ 500 (one `fundingHistory` page). 0: none. */
  readonly fundingHours: number;
  /**
   * Request weight the warm-up may spend (the venue allows 1200 a minute); markets past it, in
   * the order of `coins` (most traded first for a venue-wide selection), warm up from live data.
   * Default unlimited.
   */
  readonly maxWeight?: number;
}

/** The weight the warm-up of one perp (its candles, its spot pair's, its funding) costs, as the venue counts it. */
export function warmUpWeight(plan: Pick<WarmUpPlan, "intervals" | "bars" | "fundingHours">, withSpotPair: boolean): number {
  const candles = plan.bars > 0 ? (withSpotPair ? 2 : 1) * plan.intervals.length * (baseWeight("candleSnapshot") + itemWeight("candleSnapshot", plan.bars + 1)) : 0;
  const funding = plan.fundingHours > 0 ? baseWeight("fundingHistory") + itemWeight("fundingHistory", plan.fundingHours) : 0;
  return candles + funding;
}

/** What the fetch gave, for the log and the status line. */
export interface WarmUpFetch {
  readonly body: WarmUpBody;
  readonly bars: number;
  readonly settlements: number;
  /** Requests that failed after the REST client's retries (each is logged; the rest still warms). */
  readonly failures: number;
  readonly tookMs: number;
  /** Perps left out of the warm-up by `maxWeight` (they warm up from live data). */
  readonly skippedCoins: readonly string[];
}

/**
 * Fetches the closed candles (every interval of every perp and spot pair) and the funding history
 * a session's strategies need to be warm, over REST, before the live feed's events reach the
 * kernel. A bar counts as closed when its close time `T` is before `nowMs` (the forming bar comes
 * from the live feed). A failed request is logged and skipped: that market warms up from live data.
 * Requests go through the REST client's weight limiter (about 45 weight units for 1500 bars).
 */
export async function fetchWarmUp(rest: Pick<HyperliquidRest, "candleSnapshot" | "fundingHistory">, plan: WarmUpPlan, nowMs: number, log: Logger, signal?: AbortSignal): Promise<WarmUpFetch> {
  const started = Date.now();
  const candles: { coin: string; interval: string; rows: RawCandleRow[] }[] = [];
  const funding: RawFundingRow[] = [];
  let bars = 0;
  let failures = 0;
  const options = signal === undefined ? {} : { signal };
  // Within the weight budget, the first coins (most traded first for a venue-wide selection).
  const spotOf = new Map(plan.spotPairs.map((p) => [p.market.base, p]));
  const coins: string[] = [];
  const skippedCoins: string[] = [];
  let weight = 0;
  for (const coin of plan.coins) {
    const cost = warmUpWeight(plan, spotOf.has(coin));
    if (weight + cost <= (plan.maxWeight ?? Number.POSITIVE_INFINITY)) {
      coins.push(coin);
      weight += cost;
    } else {
      skippedCoins.push(coin);
    }
  }
  if (skippedCoins.length > 0) {
    log.warn({ warmed: coins.length, skipped: skippedCoins.length, first: skippedCoins.slice(0, 10), weight, maxWeight: plan.maxWeight }, "warm-up: weight budget reached; the rest warm up from live data");
  }
  if (plan.bars > 0) {
    const series = [
      ...coins.map((coin) => ({ coin, market: undefined })),
      ...coins.flatMap((coin) => {
        const pair = spotOf.get(coin);
        return pair === undefined ? [] : [{ coin: pair.wireName, market: pair.market }];
      }),
    ];
    for (const { coin, market } of series) {
      for (const interval of plan.intervals) {
        if (signal?.aborted === true) break;
        try {
          // One bar more than asked: the window also holds the forming bar, which is not kept.
          const result = await rest.candleSnapshot(coin, interval, nowMs - (plan.bars + 1) * intervalMs(interval), nowMs, market === undefined ? options : { ...options, market });
          const rows = result.rows.filter((r) => Number(r.T) < nowMs).slice(-plan.bars);
          bars += rows.length;
          candles.push({ coin, interval, rows });
        } catch (error) {
          failures += 1;
          log.warn({ err: error instanceof Error ? error.message : String(error), coin, interval }, "warm-up: candles not fetched; this market warms up from live bars");
        }
      }
    }
  }
  if (plan.fundingHours > 0) {
    for (const coin of coins) {
      if (signal?.aborted === true) break;
      try {
        const result = await rest.fundingHistory(coin, nowMs - plan.fundingHours * HOUR_MS, undefined, options);
        funding.push(...result.rows.filter((r) => Number(r.time) <= nowMs));
      } catch (error) {
        failures += 1;
        log.warn({ err: error instanceof Error ? error.message : String(error), coin }, "warm-up: funding history not fetched; funding strategies warm up from live settlements");
      }
    }
  }
  return { body: { candles, funding }, bars, settlements: funding.length, failures, tookMs: Date.now() - started, skippedCoins };
}
