import * as v from "valibot";
import type { Market, MarketEvent } from "../core/index.ts";
import { boolLeaf, integerIn, numberIn, parseStrategyConfig, withDefault } from "./config.ts";
import { LastPrice } from "./last-price.ts";
import { Rearm } from "./rearm.ts";
import { describeSetting, Threshold, thresholdWithDefault } from "./threshold.ts";
import { DEFAULT_SIGNAL_EXPIRY_MS, SignalFactory } from "./signal.ts";
import type { Side, Signal } from "./signal.ts";
import { hours, pct } from "./strategy.ts";
import type { Strategy, StrategyContext, StrategyDescription } from "./strategy.ts";

export const BASIS_ARBITRAGE_ID = "basis-arbitrage";

/** Configuration of {@link BasisArbitrageStrategy} (`strategies.basisArbitrage`). Fractions of notional. */
export const basisArbitrageConfigSchema = v.strictObject({
  /**
   * Enter when |basis| ≥ this, fraction: a number, or a percentile rule of |basis| at this pair's
   * earlier evaluations. Default fixed 0.003 (0.3 %, the memo's): the entry is bounded by the
   * round-trip cost, not by the basis's own history.
   */
  threshold: thresholdWithDefault(0, 1, "fraction of the spot price", 0.003),
  /** Perp taker fee per side, fraction. Default 0.00045 (tier 0: 0.045 %). */
  perpTakerFee: withDefault(numberIn(0, 0.01, "fraction of notional"), 0.00045),
  /** Spot taker fee per side, fraction. Default 0.0007 (tier 0: 0.070 %). */
  spotTakerFee: withDefault(numberIn(0, 0.01, "fraction of notional"), 0.0007),
  /** Perp spread assumed when no book is known (candle or context prices), fraction of mid. Default 0.0001 (1 bp). */
  perpAssumedSpread: withDefault(numberIn(0, 0.1, "fraction of the mid"), 0.0001),
  /** Spot spread assumed when no book is known, fraction of mid. Default 0.0005 (5 bp; spot books are thinner). */
  spotAssumedSpread: withDefault(numberIn(0, 0.1, "fraction of the mid"), 0.0005),
  /** Enter only when expected convergence − round-trip cost is strictly above this, fraction. Default 0. */
  minNetEdge: withDefault(numberIn(0, 1, "fraction of notional"), 0),
  /** Target basis, fraction. Default 0 (full convergence). */
  targetBasis: withDefault(numberIn(-0.1, 0.1, "fraction"), 0),
  /** Stop when the basis widens this much further away from the target, fraction. Default 0.003. */
  stopWidening: withDefault(numberIn(0.0001, 1, "fraction"), 0.003),
  /** Maximum hold, ms. Default 8 h (the memo's). */
  maxHoldMs: withDefault(integerIn(60_000, 7 * 86_400_000, "ms"), hours(8)),
  /** A leg's price older than this at nowMs is stale, ms. Default 120 000 (two 1 m bars). */
  maxPriceAgeMs: withDefault(integerIn(1, 86_400_000, "ms"), 120_000),
  /** The two legs' prices must be observed within this of each other, ms. Default 60 000. */
  maxLegSkewMs: withDefault(integerIn(0, 86_400_000, "ms"), 60_000),
  /** Signal shelf life, ms. Default 120 000. */
  expiryMs: withDefault(integerIn(1_000, 3_600_000, "ms"), DEFAULT_SIGNAL_EXPIRY_MS),
  /** Consecutive non-firing evaluations before the same side may fire again. Default 1. */
  rearmAfterFalse: withDefault(integerIn(1, 100_000, "evaluations"), 1),
  /** Apply the 1.2× volume filter. Default false (see the description's reason). */
  volumeFilter: withDefault(v.strictObject({ enabled: withDefault(boolLeaf(), false) }), { enabled: false }),
});

export type BasisArbitrageConfig = v.InferOutput<typeof basisArbitrageConfigSchema>;

/** Round-trip cost of a basis trade: both legs in and out as taker, plus one full spread per leg. */
export function basisRoundTripCost(perpTakerFee: number, spotTakerFee: number, perpSpread: number, spotSpread: number): number {
  return 2 * (perpTakerFee + spotTakerFee) + perpSpread + spotSpread;
}

/**
 * Basis arbitrage (memo IV.1), two legs: the perp against the venue's spot pair of the same
 * asset (UBTC/USDC for BTC). Basis = (perp − spot) / spot. Enter when |basis| ≥ 0.3 % and the
 * expected convergence |basis − target| exceeds the round-trip cost of both legs (fees +
 * spreads): basis > 0 → short perp, long spot; basis < 0 → long perp, short spot (on the venue
 * that means selling spot inventory, since spot cannot be borrowed). Target basis 0, stop when
 * it widens a further 0.3 %, maximum hold 8 h. The signal's `spread` records entry basis, cost
 * and the expected edge net of costs.
 *
 * A spot leg on another venue (an external reference, e.g. Binance) is allowed for research:
 * its signals are flagged `executable: false`.
 */
export class BasisArbitrageStrategy implements Strategy<BasisArbitrageConfig> {
  readonly id = BASIS_ARBITRAGE_ID;
  readonly market: Market;
  readonly spotMarket: Market;
  readonly config: BasisArbitrageConfig;
  readonly description: StrategyDescription;
  readonly warmUp = "one fresh price of each leg (book mid, context mid or candle close) within the leg skew";
  private readonly perpPx: LastPrice;
  private readonly spotPx: LastPrice;
  private readonly rich: Rearm;
  private readonly cheap: Rearm;
  private readonly signals: SignalFactory;
  private readonly threshold: Threshold;

  /**
   * @param perpMarket the perp (primary leg).
   * @param spotMarket its spot pair (`hyperliquid` = executable) or an external reference (research only).
   * @throws ConfigError for an invalid `config`.
   */
  constructor(perpMarket: Market, spotMarket: Market, config: unknown = {}) {
    this.market = perpMarket;
    this.spotMarket = spotMarket;
    this.config = parseStrategyConfig("strategies.basisArbitrage", basisArbitrageConfigSchema, config);
    const c = this.config;
    this.perpPx = new LastPrice(perpMarket, c.maxPriceAgeMs);
    this.spotPx = new LastPrice(spotMarket, c.maxPriceAgeMs);
    this.threshold = new Threshold(c.threshold, { absolute: true });
    this.rich = new Rearm(c.rearmAfterFalse);
    this.cheap = new Rearm(c.rearmAfterFalse);
    this.signals = new SignalFactory(this.id, c.expiryMs);
    this.description = {
      idea: "Funding pulls the perp toward spot; when the perp–spot basis exceeds the cost of trading both legs, capture its convergence market-neutrally.",
      entry: `|basis| ≥ ${describeSetting(c.threshold, true, pct)} and |basis − ${c.targetBasis}| − round-trip cost > ${c.minNetEdge}; cost = 2 × (perp taker ${pct(c.perpTakerFee)} + spot taker ${pct(c.spotTakerFee)}) + both spreads`,
      exit: `basis reaches ${c.targetBasis} (target), widens ${pct(c.stopWidening)} further (stop), or after ${c.maxHoldMs / 3_600_000} h`,
      expectedHold: { minMs: hours(4), maxMs: hours(8) },
      needs: ["candles", "spot"],
      candleOnly: { canFire: true, why: "perp and spot closes give the basis; spreads fall back to the configured assumptions" },
      volumeFilter: {
        applies: false,
        reason: "the edge is convergence forced by funding, market-neutral; a volume surge is not evidence for it and tends to come with a widening basis",
      },
    };
  }

  isWarm(nowMs: number): boolean {
    return this.legs(nowMs) !== undefined;
  }

  onEvent(event: MarketEvent, ctx: StrategyContext): readonly Signal[] {
    if (event.kind === "status") return [];
    if (event.market.key !== this.market.key && event.market.key !== this.spotMarket.key) return [];
    this.perpPx.update(event);
    this.spotPx.update(event);
    const nowMs = ctx.nowMs;
    const legs = this.legs(nowMs);
    if (legs === undefined) return [];
    const c = this.config;
    const basis = (legs.perp.px - legs.spot.px) / legs.spot.px;
    const perpSpread = legs.perp.spreadFraction ?? c.perpAssumedSpread;
    const spotSpread = legs.spot.spreadFraction ?? c.spotAssumedSpread;
    const roundTripCost = basisRoundTripCost(c.perpTakerFee, c.spotTakerFee, perpSpread, spotSpread);
    const expectedNetEdge = Math.abs(basis - c.targetBasis) - roundTripCost;
    const t = this.threshold.decide(basis);
    const enter = Math.abs(basis) >= t.value && expectedNetEdge > c.minNetEdge;
    const fireRich = this.rich.step(enter && basis > 0);
    const fireCheap = this.cheap.step(enter && basis < 0);
    if (!fireRich && !fireCheap) return [];
    const side: Side = fireRich ? "short" : "long";
    const away = side === "short" ? 1 : -1;
    const stopBasis = basis + away * c.stopWidening;
    const executable = this.spotMarket.venue === "hyperliquid";
    const notes = [
      side === "long" ? "the spot leg sells spot inventory (spot cannot be borrowed on the venue)" : "",
      executable ? "" : `research only: external spot reference ${this.spotMarket.key}, not executable on the venue`,
    ].filter((s) => s !== "");
    return [
      this.signals.create(
        {
          market: this.market,
          side,
          confidence: "MEDIUM",
          entryPx: legs.perp.px,
          // The perp leg's prices at which the basis would be at target / stop, spot held at its entry.
          targetPx: legs.spot.px * (1 + c.targetBasis),
          stopPx: legs.spot.px * (1 + stopBasis),
          maxHoldMs: c.maxHoldMs,
          legs: [
            { market: this.market, side, entryPx: legs.perp.px },
            { market: this.spotMarket, side: side === "short" ? "long" : "short", entryPx: legs.spot.px },
          ],
          executable,
          spread: { entryBasis: basis, targetBasis: c.targetBasis, stopBasis, roundTripCost, expectedNetEdge },
          reason: [
            `basis ${(basis * 100).toFixed(3)} % ${side === "short" ? "≥" : "≤"} ${side === "short" ? "" : "−"}${pct(t.value)}, expected net edge ${(expectedNetEdge * 100).toFixed(3)} % after ${(roundTripCost * 100).toFixed(3)} % round-trip cost: ${side === "short" ? "short perp, long spot" : "long perp, short spot"}`,
            ...notes,
          ].join("; "),
          metrics: { basis, perpPx: legs.perp.px, spotPx: legs.spot.px, perpSpread, spotSpread, roundTripCost, expectedNetEdge },
          thresholds: { threshold: t.recorded, minNetEdge: c.minNetEdge, perpTakerFee: c.perpTakerFee, spotTakerFee: c.spotTakerFee },
        },
        nowMs,
      ),
    ];
  }

  /** Both legs' prices, fresh at nowMs and observed within the skew of each other. */
  private legs(nowMs: number) {
    const perp = this.perpPx.value(nowMs);
    const spot = this.spotPx.value(nowMs);
    if (perp === undefined || spot === undefined || Math.abs(perp.tsMs - spot.tsMs) > this.config.maxLegSkewMs) return undefined;
    return { perp, spot };
  }
}
