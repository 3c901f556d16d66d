import * as v from "valibot";
import type { Market, MarketEvent } from "../core/index.ts";
import { FundingVelocity } from "../metrics/funding.ts";
import { integerIn, numberIn, parseStrategyConfig, withDefault } from "./config.ts";
import { LastPrice } from "./last-price.ts";
import { Rearm } from "./rearm.ts";
import { describeSetting, percentileRule, Threshold, thresholdWithDefault } from "./threshold.ts";
import type { RecordedThreshold } from "./threshold.ts";
import { bracket, DEFAULT_SIGNAL_EXPIRY_MS, SignalFactory } from "./signal.ts";
import type { Side, Signal } from "./signal.ts";
import { hours, pct } from "./strategy.ts";
import type { Strategy, StrategyContext, StrategyDescription } from "./strategy.ts";
import { VolumeFilter, volumeFilterSchema } from "./volume-filter.ts";

export const FUNDING_VELOCITY_ID = "funding-velocity";

/**
 * Default acceleration threshold, fraction per hour per hour: 1e-6.
 *
 * Units: the memo's `acceleration > 0.05` was written for funding quoted in annualised percent
 * (the original monitor showed 10.0 for 10 %/yr). Converted literally — 0.05 percentage points
 * a year = 0.0005 / 8760 = 5.7e-8 per hour of raw change, ≈ 7e-9 /h² as a slope over 8 h — it
 * sits far below the hour-to-hour noise of Hyperliquid funding and would fire on almost every
 * settlement. The default is the metric's "notable" level instead: 1e-6 /h², e.g. a rate that
 * sat at 1e-5 /h for 4 h and rose to 1.8e-5 /h over the next 4 h:
 * (1.8e-5 − 2 × 1e-5 + 1e-5) / 8 = 1e-6. Prefer a percentile of the market's own history.
 */
export const DEFAULT_ACCELERATION_PER_HOUR2 = 1e-6;

/** Configuration of {@link FundingVelocityStrategy} (`strategies.fundingVelocity`). */
export const fundingVelocityConfigSchema = v.strictObject({
  /**
   * Fire when |acceleration| is strictly above this, fraction per hour per hour: a number, or a
   * percentile rule of |acceleration| at this market's earlier settlements. Default the memo's
   * rule (p90 of the last 1000 settlements once 100 exist), 1e-6 before.
   */
  accelerationPerHour2: thresholdWithDefault(0, 1, "fraction per hour per hour", percentileRule(DEFAULT_ACCELERATION_PER_HOUR2)),
  /** Stop / target from entry, fractions. Defaults 0.02 / 0.03 (assumptions to measure). */
  stopFraction: withDefault(numberIn(0.0001, 0.5, "fraction of the entry price"), 0.02),
  targetFraction: withDefault(numberIn(0.0001, 1, "fraction of the entry price"), 0.03),
  /** Maximum hold, ms. Default 8 h. */
  maxHoldMs: withDefault(integerIn(60_000, 7 * 86_400_000, "ms"), hours(8)),
  /** Entry reference price older than this at nowMs is stale, ms. Default 300 000. */
  maxPriceAgeMs: withDefault(integerIn(1, 86_400_000, "ms"), 300_000),
  expiryMs: withDefault(integerIn(1_000, 3_600_000, "ms"), DEFAULT_SIGNAL_EXPIRY_MS),
  rearmAfterFalse: withDefault(integerIn(1, 100_000, "evaluations"), 1),
  volumeFilter: volumeFilterSchema({ interval: "1h" }),
});

export type FundingVelocityConfig = v.InferOutput<typeof fundingVelocityConfigSchema>;

/**
 * Funding velocity, momentum (memo II.2 Strategy A): when funding accelerates upward, big
 * players are paying up to be long — go with them; downward → short. Acceleration is the
 * `FundingVelocity` metric's (r₀ − 2r₋₄ + r₋₈) / 8 from settled hourly rates (the memo's
 * difference ignored the current rate). Evaluated at each funding settlement of its market,
 * behind the 1.2× volume filter on 1 h bars.
 */
export class FundingVelocityStrategy implements Strategy<FundingVelocityConfig> {
  readonly id = FUNDING_VELOCITY_ID;
  readonly market: Market;
  readonly config: FundingVelocityConfig;
  readonly description: StrategyDescription;
  readonly warmUp: string;
  private readonly velocity: FundingVelocity;
  private readonly acceleration: Threshold;
  private readonly price: LastPrice;
  private readonly volume: VolumeFilter;
  private readonly long: Rearm;
  private readonly short: Rearm;
  private readonly signals: SignalFactory;

  /** @throws ConfigError for an invalid `config`. */
  constructor(market: Market, config: unknown = {}) {
    this.market = market;
    this.config = parseStrategyConfig("strategies.fundingVelocity", fundingVelocityConfigSchema, config);
    const c = this.config;
    this.velocity = new FundingVelocity({ market });
    this.acceleration = new Threshold(c.accelerationPerHour2, { absolute: true });
    this.price = new LastPrice(market, c.maxPriceAgeMs);
    this.volume = new VolumeFilter(market, c.volumeFilter);
    this.long = new Rearm(c.rearmAfterFalse);
    this.short = new Rearm(c.rearmAfterFalse);
    this.signals = new SignalFactory(this.id, c.expiryMs);
    this.warmUp = [this.velocity.warmUp, this.volume.warmUp].filter((s) => s !== "").join("; ");
    this.description = {
      idea: "Funding that accelerates shows crowding entering; trade with it, not against it.",
      entry: `funding acceleration (r₀ − 2r₋₄ₕ + r₋₈ₕ)/8 > t per hour² → long; < −t → short; t = ${describeSetting(c.accelerationPerHour2, true)}`,
      exit: `stop ${pct(c.stopFraction)}, target ${pct(c.targetFraction)}, or after ${c.maxHoldMs / 3_600_000} h (the memo: exit when velocity slows)`,
      expectedHold: { minMs: hours(1), maxMs: hours(8) },
      needs: ["funding", "candles"],
      candleOnly: { canFire: true, why: "settled funding history and 1 h candles are enough (funding history is not a book, trade or OI feed)" },
      volumeFilter: { applies: true },
    };
  }

  isWarm(nowMs: number): boolean {
    return this.velocity.value(nowMs) !== undefined && this.price.value(nowMs) !== undefined && this.volume.check(nowMs).volumeRatio !== undefined;
  }

  onEvent(event: MarketEvent, ctx: StrategyContext): readonly Signal[] {
    this.velocity.update(event);
    this.price.update(event);
    this.volume.update(event);
    if (event.kind !== "funding" || event.market.key !== this.market.key) return [];
    const nowMs = ctx.nowMs;
    const c = this.config;
    const vel = this.velocity.value(nowMs);
    const px = this.price.value(nowMs);
    const gate = this.volume.check(nowMs);
    if (vel === undefined || px === undefined || (!gate.pass && gate.reason === "volume-not-warm")) return [];
    const a = vel.accelerationPerHour;
    const t = this.acceleration.decide(a);
    const fireLong = this.long.step(gate.pass && a > t.value);
    const fireShort = this.short.step(gate.pass && a < -t.value);
    if (!fireLong && !fireShort) return [];
    const side: Side = fireLong ? "long" : "short";
    const metrics: Record<string, number> = {
      fundingAccelerationPerHour2: a,
      fundingVelocity4hPerHour2: vel.velocity4hPerHour,
      fundingVelocity8hPerHour2: vel.velocity8hPerHour,
    };
    if (gate.volumeRatio !== undefined) metrics["volumeRatio"] = gate.volumeRatio;
    const thresholds: Record<string, RecordedThreshold> = { accelerationPerHour2: t.recorded };
    if (c.volumeFilter.enabled) thresholds["volumeFilter.minRatio"] = c.volumeFilter.minRatio;
    return [
      this.signals.create(
        {
          market: this.market,
          side,
          confidence: "MEDIUM",
          entryPx: px.px,
          ...bracket(side, px.px, c.stopFraction, c.targetFraction),
          maxHoldMs: c.maxHoldMs,
          reason: `funding accelerating ${side === "long" ? "up" : "down"} at ${a.toExponential(3)} /h² (threshold ${t.value}): follow`,
          metrics,
          thresholds,
        },
        nowMs,
      ),
    ];
  }
}
