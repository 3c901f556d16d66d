import * as v from "valibot";
import { HOUR_MS } from "../core/index.ts";
import type { Market, MarketEvent } from "../core/index.ts";
import { FundingRate, FundingVelocity } from "../metrics/funding.ts";
import { VolumeRatio } from "../metrics/volume-ratio.ts";
import { integerIn, intervalLeaf, numberIn, parseStrategyConfig, withDefault } from "./config.ts";
import { DEFAULT_ACCELERATION_PER_HOUR2 } from "./funding-velocity.ts";
import { describeFundingThreshold, EXTREME_FUNDING_PER_HOUR } from "./funding-volume.ts";
import { LastPrice } from "./last-price.ts";
import { Rearm } from "./rearm.ts";
import { SampledSeries } from "./sampled-series.ts";
import { describeSetting, percentileRule, ThresholdSet, thresholdWithDefault } from "./threshold.ts";
import type { ThresholdSetting } from "./threshold.ts";
import { bracket, DEFAULT_SIGNAL_EXPIRY_MS, SignalFactory } from "./signal.ts";
import type { Side, Signal } from "./signal.ts";
import { hours, pct } from "./strategy.ts";
import type { Strategy, StrategyContext, StrategyDescription } from "./strategy.ts";

export const POSITIONING_REGIMES_ID = "positioning-regimes";

/** The four regimes, in the order they are checked. */
export const POSITIONING_REGIMES = ["accumulation", "distribution", "momentum", "exhaustion"] as const;

export type PositioningRegime = (typeof POSITIONING_REGIMES)[number];

const perHour2 = (d: ThresholdSetting) => thresholdWithDefault(0, 1, "fraction per hour per hour", d);
const ratio = (d: ThresholdSetting) => thresholdWithDefault(0, 100, "× the mean bar volume", d);

/** Configuration of {@link PositioningRegimesStrategy} (`strategies.positioningRegimes`). Funding in fraction per hour. */
export const positioningRegimesConfigSchema = v.strictObject({
  /**
   * "Funding rising steadily": 4 h velocity strictly above this AND 8 h velocity > 0, fraction per
   * hour per hour. Default 5e-7 (the hourly rate up 2e-6 over 4 h, 16 % of the 1.25e-5 baseline).
   */
  steadyVelocityPerHour2: perHour2(5e-7),
  /**
   * Momentum: |acceleration| strictly above this, fraction per hour². Default the memo's percentile
   * rule (p90 of |acceleration| at the last 1000 settlements once 100 exist), 1e-6 before (as `funding-velocity`).
   */
  accelerationPerHour2: perHour2(percentileRule(DEFAULT_ACCELERATION_PER_HOUR2)),
  /** Exhaustion: acceleration against the funding sign by strictly more than this, fraction per hour². Default 2.5e-7. */
  turnPerHour2: perHour2(2.5e-7),
  /**
   * Exhaustion: |funding| strictly above this, fraction per hour. Default the memo's percentile rule
   * (p90 of |funding| at the last 1000 settlements once 100 exist), 0.10 / 8760 (10 %/yr) before (as `funding-volume`).
   */
  extremePerHour: thresholdWithDefault(0, 0.04, "fraction per hour (0.1 / 8760 = 10 %/yr)", percentileRule(EXTREME_FUNDING_PER_HOUR)),
  /** "Rising volume": volume ratio at or above this. Default 1.2 (the volume filter's level). */
  risingVolumeRatio: ratio(1.2),
  /** "Declining volume": volume ratio strictly below this. Default 0.8 (the memo's). */
  decliningVolumeRatio: ratio(0.8),
  /** Bars of the volume ratio. Default "1h", 20 bars. */
  volumeInterval: withDefault(intervalLeaf(), "1h"),
  volumeBars: withDefault(integerIn(1, 1000, "bars"), 20),
  /** Price "up" / "down" over 4 h: change strictly beyond ± this, fraction (a number or a percentile rule of |change|). Default 0.005. */
  minPriceChange4h: thresholdWithDefault(0, 1, "fraction", 0.005),
  /** The price 4 h ago must be observed within this of now − 4 h, ms. Default 30 min. */
  priceToleranceMs: withDefault(integerIn(60_000, 4 * HOUR_MS, "ms"), 30 * 60_000),
  /** Stop / target from entry, fractions. Defaults 0.02 / 0.03 (assumptions to measure). */
  stopFraction: withDefault(numberIn(0.0001, 0.5, "fraction of the entry price"), 0.02),
  targetFraction: withDefault(numberIn(0.0001, 1, "fraction of the entry price"), 0.03),
  /** Maximum hold, ms. Default 8 h (the funding strategies' horizon; an assumption to measure). */
  maxHoldMs: withDefault(integerIn(60_000, 7 * 86_400_000, "ms"), hours(8)),
  /** Entry reference older than this at nowMs is stale, ms. Default 300 000. */
  maxPriceAgeMs: withDefault(integerIn(1, 86_400_000, "ms"), 300_000),
  expiryMs: withDefault(integerIn(1_000, 3_600_000, "ms"), DEFAULT_SIGNAL_EXPIRY_MS),
  rearmAfterFalse: withDefault(integerIn(1, 100_000, "evaluations"), 1),
});

export type PositioningRegimesConfig = v.InferOutput<typeof positioningRegimesConfigSchema>;

/** The thresholds of the regimes (each a number or a percentile rule in the config). */
export const POSITIONING_THRESHOLD_KEYS = [
  "steadyVelocityPerHour2",
  "accelerationPerHour2",
  "turnPerHour2",
  "extremePerHour",
  "risingVolumeRatio",
  "decliningVolumeRatio",
  "minPriceChange4h",
] as const;

export type PositioningThresholdKey = (typeof POSITIONING_THRESHOLD_KEYS)[number];

/** The numbers the regimes compare against at one decision. */
export type PositioningLevels = Readonly<Record<PositioningThresholdKey, number>>;

/** The threshold settings of a parsed config. */
export function positioningSettings(c: PositioningRegimesConfig): Record<PositioningThresholdKey, ThresholdSetting> {
  return {
    steadyVelocityPerHour2: c.steadyVelocityPerHour2,
    accelerationPerHour2: c.accelerationPerHour2,
    turnPerHour2: c.turnPerHour2,
    extremePerHour: c.extremePerHour,
    risingVolumeRatio: c.risingVolumeRatio,
    decliningVolumeRatio: c.decliningVolumeRatio,
    minPriceChange4h: c.minPriceChange4h,
  };
}

/** What the regimes are read from, at one instant. */
export interface PositioningInputs {
  /** Latest settled funding, fraction per hour. */
  readonly fundingPerHour: number;
  /** (r₀ − r₋₄ₕ) / 4 and (r₀ − r₋₈ₕ) / 8, fraction per hour per hour. */
  readonly velocity4hPerHour2: number;
  readonly velocity8hPerHour2: number;
  /** velocity4h − velocity8h, fraction per hour per hour. */
  readonly accelerationPerHour2: number;
  /** Latest closed bar volume / mean of the bars before. */
  readonly volumeRatio: number;
  /** (price now − price 4 h ago) / price 4 h ago. */
  readonly priceChange4h: number;
}

/**
 * Which regimes hold, each with its side (pure). Rules — interpretations of the later monitor,
 * whose code is not available:
 * - accumulation: velocity4h > steady, velocity8h > 0, volume ratio ≥ rising, price 4 h > +min → long;
 * - distribution: velocity4h < −steady, velocity8h < 0, volume ratio ≥ rising, price 4 h < −min → short;
 * - momentum: |acceleration| > threshold with the price moving the same way beyond ±min → follow the price;
 * - exhaustion: |funding| > extreme, acceleration against it by > turn, volume ratio < declining →
 *   fade the crowded side (positive funding → short).
 */
export function positioningRegimes(i: PositioningInputs, c: PositioningLevels): Partial<Record<PositioningRegime, Side>> {
  const out: Partial<Record<PositioningRegime, Side>> = {};
  const rising = i.volumeRatio >= c.risingVolumeRatio;
  const priceUp = i.priceChange4h > c.minPriceChange4h;
  const priceDown = i.priceChange4h < -c.minPriceChange4h;
  if (i.velocity4hPerHour2 > c.steadyVelocityPerHour2 && i.velocity8hPerHour2 > 0 && rising && priceUp) out.accumulation = "long";
  if (i.velocity4hPerHour2 < -c.steadyVelocityPerHour2 && i.velocity8hPerHour2 < 0 && rising && priceDown) out.distribution = "short";
  if (i.accelerationPerHour2 > c.accelerationPerHour2 && priceUp) out.momentum = "long";
  if (i.accelerationPerHour2 < -c.accelerationPerHour2 && priceDown) out.momentum = "short";
  const declining = i.volumeRatio < c.decliningVolumeRatio;
  if (declining && i.fundingPerHour > c.extremePerHour && i.accelerationPerHour2 < -c.turnPerHour2) out.exhaustion = "short";
  if (declining && i.fundingPerHour < -c.extremePerHour && i.accelerationPerHour2 > c.turnPerHour2) out.exhaustion = "long";
  return out;
}

const REASON: Record<PositioningRegime, string> = {
  accumulation: "institutional accumulation: funding rising steadily on rising volume with price up",
  distribution: "institutional distribution: funding falling steadily on rising volume with price down",
  momentum: "funding momentum: acceleration beyond its threshold in the direction of price, follow",
  exhaustion: "funding exhaustion: extreme funding turning against itself on declining volume, fade",
};

/**
 * The later monitor's positioning regimes from funding velocity, acceleration and volume (see
 * {@link positioningRegimes} for the rules). Evaluated at each funding settlement of its market;
 * when several regimes hold, the first in the order accumulation, distribution, momentum,
 * exhaustion fires (each has its own rearm). Units per hour, as the funding strategies.
 */
export class PositioningRegimesStrategy implements Strategy<PositioningRegimesConfig> {
  readonly id = POSITIONING_REGIMES_ID;
  readonly market: Market;
  readonly config: PositioningRegimesConfig;
  readonly description: StrategyDescription;
  readonly warmUp: string;
  private readonly funding: FundingRate;
  private readonly velocity: FundingVelocity;
  private readonly volume: VolumeRatio;
  private readonly price: LastPrice;
  private readonly prices: SampledSeries;
  private readonly triggers: Record<`${PositioningRegime}-${Side}`, Rearm>;
  private readonly signals: SignalFactory;
  private readonly levels: ThresholdSet<PositioningThresholdKey>;

  /** @throws ConfigError for an invalid `config`. */
  constructor(market: Market, config: unknown = {}) {
    this.market = market;
    this.config = parseStrategyConfig("strategies.positioningRegimes", positioningRegimesConfigSchema, config);
    const c = this.config;
    this.funding = new FundingRate({ market });
    this.velocity = new FundingVelocity({ market });
    this.volume = new VolumeRatio({ market, interval: c.volumeInterval, bars: c.volumeBars });
    this.price = new LastPrice(market, c.maxPriceAgeMs);
    this.prices = new SampledSeries(60_000, 4 * HOUR_MS + c.priceToleranceMs);
    const r = () => new Rearm(c.rearmAfterFalse);
    this.triggers = {
      "accumulation-long": r(),
      "accumulation-short": r(),
      "distribution-long": r(),
      "distribution-short": r(),
      "momentum-long": r(),
      "momentum-short": r(),
      "exhaustion-long": r(),
      "exhaustion-short": r(),
    };
    this.signals = new SignalFactory(this.id, c.expiryMs);
    const t = positioningSettings(c);
    this.levels = new ThresholdSet({
      steadyVelocityPerHour2: { setting: t.steadyVelocityPerHour2, absolute: true },
      accelerationPerHour2: { setting: t.accelerationPerHour2, absolute: true },
      turnPerHour2: { setting: t.turnPerHour2, absolute: true },
      extremePerHour: { setting: t.extremePerHour, absolute: true },
      risingVolumeRatio: { setting: t.risingVolumeRatio },
      decliningVolumeRatio: { setting: t.decliningVolumeRatio },
      minPriceChange4h: { setting: t.minPriceChange4h, absolute: true },
    });
    this.warmUp = `${this.velocity.warmUp}; ${this.volume.warmUp}; 4 h of prices`;
    this.description = {
      idea: "Funding velocity, acceleration and volume read who is positioning: steady funding rises on rising volume are accumulation, falls distribution; sharp acceleration is momentum; extreme funding that turns on fading volume is exhaustion.",
      entry: `accumulation: velocity4h > ${describeSetting(c.steadyVelocityPerHour2, true)} /h² and velocity8h > 0, volume ≥ ${describeSetting(c.risingVolumeRatio)} ×, price 4 h > +${describeSetting(c.minPriceChange4h, true)} → long; distribution: the mirror → short; momentum: |acceleration| > ${describeSetting(c.accelerationPerHour2, true)} /h² with price 4 h beyond that ± the same way → follow; exhaustion: |funding| > ${describeFundingThreshold(c.extremePerHour)}, acceleration against it by > ${describeSetting(c.turnPerHour2, true)} /h², volume < ${describeSetting(c.decliningVolumeRatio)} × → fade`,
      exit: `stop ${pct(c.stopFraction)}, target ${pct(c.targetFraction)}, or after ${c.maxHoldMs / HOUR_MS} h`,
      expectedHold: { minMs: hours(1), maxMs: hours(8) },
      needs: ["funding", "candles"],
      candleOnly: { canFire: true, why: "settled funding history and 1 h candles (volume, prices) are enough" },
      volumeFilter: {
        applies: false,
        reason: "volume is part of each regime's own rule: exhaustion wants declining volume (< 0.8 ×), which the ≥ 1.2 × filter forbids; accumulation and distribution already demand ≥ 1.2 ×",
      },
    };
  }

  /** The inputs at `nowMs`, or undefined while any is cold or stale. */
  inputs(nowMs: number): PositioningInputs | undefined {
    const rate = this.funding.value(nowMs);
    const vel = this.velocity.value(nowMs);
    const volumeRatio = this.volume.value(nowMs);
    const px = this.price.value(nowMs);
    if (rate === undefined || vel === undefined || volumeRatio === undefined || px === undefined) return undefined;
    const then = this.prices.nearest(px.tsMs - 4 * HOUR_MS, this.config.priceToleranceMs);
    if (then === undefined || !(then > 0)) return undefined;
    return {
      fundingPerHour: rate.perHour,
      velocity4hPerHour2: vel.velocity4hPerHour,
      velocity8hPerHour2: vel.velocity8hPerHour,
      accelerationPerHour2: vel.accelerationPerHour,
      volumeRatio,
      priceChange4h: (px.px - then) / then,
    };
  }

  isWarm(nowMs: number): boolean {
    return this.inputs(nowMs) !== undefined;
  }

  onEvent(event: MarketEvent, ctx: StrategyContext): readonly Signal[] {
    this.funding.update(event);
    this.velocity.update(event);
    this.volume.update(event);
    this.price.update(event);
    if (event.kind !== "status" && event.market.key === this.market.key) {
      const px = this.price.value(event.tsEvent);
      if (px !== undefined && px.tsMs === event.tsEvent) this.prices.add(px.tsMs, px.px);
    }
    if (event.kind !== "funding" || event.market.key !== this.market.key) return [];
    const nowMs = ctx.nowMs;
    const c = this.config;
    const inputs = this.inputs(nowMs);
    if (inputs === undefined) return [];
    const decision = this.levels.decide({
      steadyVelocityPerHour2: inputs.velocity4hPerHour2,
      accelerationPerHour2: inputs.accelerationPerHour2,
      turnPerHour2: inputs.accelerationPerHour2,
      extremePerHour: inputs.fundingPerHour,
      risingVolumeRatio: inputs.volumeRatio,
      decliningVolumeRatio: inputs.volumeRatio,
      minPriceChange4h: inputs.priceChange4h,
    });
    const regimes = positioningRegimes(inputs, decision.levels);
    let fired: [PositioningRegime, Side] | undefined;
    for (const regime of POSITIONING_REGIMES) {
      for (const side of ["long", "short"] as const) {
        if (this.triggers[`${regime}-${side}`].step(regimes[regime] === side) && fired === undefined) fired = [regime, side];
      }
    }
    if (fired === undefined) return [];
    const [regime, side] = fired;
    const entryPx = this.price.value(nowMs)?.px;
    if (entryPx === undefined) return [];
    return [
      this.signals.create(
        {
          market: this.market,
          side,
          confidence: "MEDIUM",
          entryPx,
          ...bracket(side, entryPx, c.stopFraction, c.targetFraction),
          maxHoldMs: c.maxHoldMs,
          reason: `${REASON[regime]} (funding ${inputs.fundingPerHour.toExponential(3)} /h, velocity4h ${inputs.velocity4hPerHour2.toExponential(3)} /h², acceleration ${inputs.accelerationPerHour2.toExponential(3)} /h², volume ${inputs.volumeRatio.toFixed(2)} ×, price 4 h ${pct(inputs.priceChange4h)})`,
          metrics: {
            regime: POSITIONING_REGIMES.indexOf(regime),
            fundingRatePerHour: inputs.fundingPerHour,
            fundingVelocity4hPerHour2: inputs.velocity4hPerHour2,
            fundingVelocity8hPerHour2: inputs.velocity8hPerHour2,
            fundingAccelerationPerHour2: inputs.accelerationPerHour2,
            volumeRatio: inputs.volumeRatio,
            priceChange4h: inputs.priceChange4h,
          },
          thresholds: decision.recorded,
        },
        nowMs,
      ),
    ];
  }
}
