import { HOUR_MS, intervalMs } from "../core/index.ts";
import type { CandleInterval } from "../core/index.ts";
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
}

/** What the fetch gave, for the log and the status line. */
export interface WarmUpFetch {
  readonly body: WarmUpBody;
  readonly bars: number;
  readonly settlements: number;
  /** Requests that failed after the REST client's retries (each is logged; the rest still warms). */
  readonly failures: number;
  readonly tookMs: number;
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
  if (plan.bars > 0) {
    const series = [
      ...plan.coins.map((coin) => ({ coin, market: undefined })),
      ...plan.spotPairs.map((p) => ({ coin: p.wireName, market: p.market })),
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
    for (const coin of plan.coins) {
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
  return { body: { candles, funding }, bars, settlements: funding.length, failures, tookMs: Date.now() - started };
}
