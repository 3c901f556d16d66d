import * as v from "valibot";
import type { Market, MarketEvent } from "../core/index.ts";
import { bookMid } from "../metrics/basis.ts";
import { BookImbalance } from "../metrics/book-imbalance.ts";
import { BookConcentration, LiquidityVelocity, QuoteStuffing } from "../metrics/book-quality.ts";
import { integerIn, numberIn, parseStrategyConfig, withDefault } from "./config.ts";
import { Rearm } from "./rearm.ts";
import { describeSetting, percentileRule, ThresholdSet, thresholdWithDefault } from "./threshold.ts";
import type { RecordedThreshold } from "./threshold.ts";
import { bracket, DEFAULT_SIGNAL_EXPIRY_MS, SignalFactory } from "./signal.ts";
import type { Side, Signal } from "./signal.ts";
import { minutes, pct } from "./strategy.ts";
import type { Strategy, StrategyContext, StrategyDescription } from "./strategy.ts";
import { VolumeFilter, volumeFilterSchema } from "./volume-filter.ts";

export const LIQUIDITY_ID = "liquidity";

/** Configuration of {@link LiquidityStrategy} (`strategies.liquidity`). */
export const liquidityConfigSchema = v.strictObject({
  /** Book levels per side for imbalance, concentration, velocity and churn. Default 10. */
  levels: withDefault(integerIn(1, 100, "levels"), 10),
  /**
   * A book older than this is stale (its metrics are undefined) and a longer silence between two
   * books is a feed gap (the churn window starts over), ms. Default 5 000: about 9 × the measured
   * l2Book cadence (median 543 ms, p99 781 ms in the 2025 recording). Raise it where the venue
   * sends books more slowly (a 2026 capture reports about 5 s), or quote stuffing never warms.
   */
  bookStaleMs: withDefault(integerIn(500, 600_000, "ms"), 5_000),
  /** Reject when either side's Herfindahl concentration is strictly above this (a fake wall). Default 0.5 (half a side's notional in one level, give or take). */
  fakeWallHerfindahl: thresholdWithDefault(0, 1, "Herfindahl index in [1/levels, 1]", 0.5),
  /**
   * Fire when |imbalance × (1 − max side Herfindahl)| is strictly above this: a number, or a
   * percentile rule of that |weighted imbalance| at this market's earlier books. Default the memo's
   * rule (p90 of the last 1000 books — about 9 minutes at 0.5 s — once 100 exist), 0.4 (the
   * original's weak book level) before.
   */
  threshold: thresholdWithDefault(0, 1, "fraction in [0, 1]", percentileRule(0.4)),
  /** Liquidity velocity compares with the snapshot this long before, ms. Default 5 000. */
  velocityLookbackMs: withDefault(integerIn(0, 600_000, "ms"), 5_000),
  /** The velocity must point the imbalance's way and exceed this in size, imbalance per second. Default 0 (any agreeing change). */
  minVelocityPerSecond: thresholdWithDefault(0, 100, "imbalance per second", 0),
  /** Quote stuffing: churn above k × the median of the previous `stuffingWindow` intervals. Defaults 120 and 5 (the metric's). */
  stuffingWindow: withDefault(integerIn(2, 10_000, "snapshot intervals"), 120),
  stuffingK: withDefault(numberIn(1, 1000, "× the median churn"), 5),
  /**
   * Stop / target from entry, fractions. Defaults 0.005 / 0.0075 (assumptions to measure): the
   * stop at the risk layer's minimum (0.5 %, the memo's "too tight" line; the former 0.2 % was
   * always refused), the target keeping the 1.5 : 1 ratio. Most exits are the 5 min time limit.
   */
  stopFraction: withDefault(numberIn(0.0001, 0.5, "fraction of the entry price"), 0.005),
  targetFraction: withDefault(numberIn(0.0001, 1, "fraction of the entry price"), 0.0075),
  /** Maximum hold, ms. Default 5 min (a short-lived book signal; 1–5 min expected). */
  maxHoldMs: withDefault(integerIn(10_000, 86_400_000, "ms"), minutes(5)),
  expiryMs: withDefault(integerIn(1_000, 3_600_000, "ms"), DEFAULT_SIGNAL_EXPIRY_MS),
  /** Books arrive about every 0.5 s: re-arm only after 20 non-firing snapshots (≈ 10 s), so a flickering book does not flap. */
  rearmAfterFalse: withDefault(integerIn(1, 100_000, "evaluations"), 20),
  /** Off by default: a seconds-scale book signal; the 1 m bar filter would judge it on the previous minute. */
  volumeFilter: volumeFilterSchema({ enabled: false }),
});

export type LiquidityConfig = v.InferOutput<typeof liquidityConfigSchema>;

/**
 * The later monitor's liquidity signal (our interpretation; its code is not available): book
 * imbalance weighted by book quality. On each book snapshot of its market:
 * - reject when either side's Herfindahl concentration (top N levels) is > `fakeWallHerfindahl`
 *   (one level dominates: a wall that may be pulled) or the quote-stuffing flag is set;
 * - quality-weighted imbalance = imbalance × (1 − max(H_bid, H_ask)): a flat 10-level book keeps
 *   90 % of its imbalance, a side with half its notional in one level keeps at most 50 %;
 * - fire when |weighted imbalance| > `threshold` and the liquidity velocity (imbalance change
 *   per second over `velocityLookbackMs`) has the imbalance's sign (the pressure is building,
 *   not fading) and |velocity| > `minVelocityPerSecond`: bids heavy → long, asks heavy → short.
 * Needs live books: it cannot fire on candle-only history.
 */
export class LiquidityStrategy implements Strategy<LiquidityConfig> {
  readonly id = LIQUIDITY_ID;
  readonly market: Market;
  readonly config: LiquidityConfig;
  readonly description: StrategyDescription;
  readonly warmUp: string;
  private readonly imbalance: BookImbalance;
  private readonly concentration: BookConcentration;
  private readonly velocity: LiquidityVelocity;
  private readonly stuffing: QuoteStuffing;
  private readonly volume: VolumeFilter;
  private readonly long: Rearm;
  private readonly short: Rearm;
  private readonly signals: SignalFactory;
  private readonly levels: ThresholdSet<"threshold" | "fakeWallHerfindahl" | "minVelocityPerSecond">;

  /** @throws ConfigError for an invalid `config`. */
  constructor(market: Market, config: unknown = {}) {
    this.market = market;
    this.config = parseStrategyConfig("strategies.liquidity", liquidityConfigSchema, config);
    const c = this.config;
    this.imbalance = new BookImbalance({ market, levels: c.levels, staleAfterMs: c.bookStaleMs });
    this.concentration = new BookConcentration({ market, levels: c.levels, staleAfterMs: c.bookStaleMs });
    this.velocity = new LiquidityVelocity({ market, levels: c.levels, lookbackMs: c.velocityLookbackMs, staleAfterMs: c.bookStaleMs });
    this.stuffing = new QuoteStuffing({ market, levels: c.levels, window: c.stuffingWindow, k: c.stuffingK, staleAfterMs: c.bookStaleMs });
    this.volume = new VolumeFilter(market, c.volumeFilter);
    this.long = new Rearm(c.rearmAfterFalse);
    this.short = new Rearm(c.rearmAfterFalse);
    this.signals = new SignalFactory(this.id, c.expiryMs);
    this.levels = new ThresholdSet({
      threshold: { setting: c.threshold, absolute: true },
      fakeWallHerfindahl: { setting: c.fakeWallHerfindahl },
      minVelocityPerSecond: { setting: c.minVelocityPerSecond, absolute: true },
    });
    this.warmUp = [this.stuffing.warmUp, `liquidity velocity: ${this.velocity.warmUp}`, this.volume.warmUp].filter((s) => s !== "").join("; ");
    this.description = {
      idea: "Book imbalance is informative only when the book is real: weight it by how evenly the liquidity is spread, and ignore walls and quote stuffing.",
      entry: `no side with Herfindahl > ${describeSetting(c.fakeWallHerfindahl)}, no quote stuffing (churn > ${c.stuffingK} × its ${c.stuffingWindow}-interval median); |imbalance × (1 − max side Herfindahl)| > ${describeSetting(c.threshold, true)} over ${c.levels} levels with the ${c.velocityLookbackMs / 1000} s liquidity velocity the same sign (|v| > ${describeSetting(c.minVelocityPerSecond, true)} /s): bids heavy → long, asks heavy → short`,
      exit: `stop ${pct(c.stopFraction)}, target ${pct(c.targetFraction)}, or after ${c.maxHoldMs / 60_000} min`,
      expectedHold: { minMs: minutes(1), maxMs: minutes(5) },
      needs: ["book"],
      candleOnly: { canFire: false, why: "it reads only L2 book snapshots, which Hyperliquid does not serve as history; only live recordings have them" },
      volumeFilter: { applies: false, reason: "a seconds-scale book signal; the 1 m bar filter would judge it on the previous minute's volume (enable volumeFilter to test it)" },
    };
  }

  isWarm(nowMs: number): boolean {
    const gate = this.volume.check(nowMs);
    return (
      this.imbalance.value(nowMs) !== undefined &&
      this.concentration.value(nowMs) !== undefined &&
      this.velocity.value(nowMs) !== undefined &&
      this.stuffing.value(nowMs) !== undefined &&
      (gate.pass || gate.reason !== "volume-not-warm")
    );
  }

  onEvent(event: MarketEvent, ctx: StrategyContext): readonly Signal[] {
    this.imbalance.update(event);
    this.concentration.update(event);
    this.velocity.update(event);
    this.stuffing.update(event);
    this.volume.update(event);
    if (event.kind !== "book" || event.market.key !== this.market.key) return [];
    const nowMs = ctx.nowMs;
    const c = this.config;
    const imbalance = this.imbalance.value(nowMs);
    const concentration = this.concentration.value(nowMs);
    const velocity = this.velocity.value(nowMs);
    const stuffing = this.stuffing.value(nowMs);
    const mid = bookMid(event);
    const gate = this.volume.check(nowMs);
    if (imbalance === undefined || concentration === undefined || velocity === undefined || stuffing === undefined || mid === undefined) return [];
    if (!gate.pass && gate.reason === "volume-not-warm") return [];
    const penalty = Math.max(concentration.bid, concentration.ask);
    const weighted = imbalance * (1 - penalty);
    const t = this.levels.decide({ threshold: weighted, fakeWallHerfindahl: penalty, minVelocityPerSecond: velocity });
    const clean = penalty <= t.levels.fakeWallHerfindahl && stuffing.stuffing === 0;
    const strong = Math.abs(weighted) > t.levels.threshold;
    const agrees = Math.sign(velocity) === Math.sign(weighted) && Math.abs(velocity) > t.levels.minVelocityPerSecond;
    const enter = clean && strong && agrees && gate.pass;
    const fireLong = this.long.step(enter && weighted > 0);
    const fireShort = this.short.step(enter && weighted < 0);
    if (!fireLong && !fireShort) return [];
    const side: Side = fireLong ? "long" : "short";
    const metrics: Record<string, number> = {
      bookImbalance: imbalance,
      qualityWeightedImbalance: weighted,
      herfindahlBid: concentration.bid,
      herfindahlAsk: concentration.ask,
      liquidityVelocityPerSecond: velocity,
      churnUsdPerSecond: stuffing.churnUsdPerSecond,
      medianChurnUsdPerSecond: stuffing.medianChurnUsdPerSecond,
    };
    if (gate.volumeRatio !== undefined) metrics["volumeRatio"] = gate.volumeRatio;
    const thresholds: Record<string, RecordedThreshold> = { ...t.recorded, stuffingK: c.stuffingK };
    if (c.volumeFilter.enabled) thresholds["volumeFilter.minRatio"] = c.volumeFilter.minRatio;
    return [
      this.signals.create(
        {
          market: this.market,
          side,
          confidence: "MEDIUM",
          entryPx: mid,
          ...bracket(side, mid, c.stopFraction, c.targetFraction),
          maxHoldMs: c.maxHoldMs,
          reason: `quality-weighted book imbalance ${weighted.toFixed(3)} (imbalance ${imbalance.toFixed(3)}, max Herfindahl ${penalty.toFixed(3)}) building at ${velocity.toFixed(3)} /s, no wall, no stuffing: ${side}`,
          metrics,
          thresholds,
        },
        nowMs,
      ),
    ];
  }
}
