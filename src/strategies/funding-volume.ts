import * as v from "valibot";
import type { Market, MarketEvent } from "../core/index.ts";
import { FundingRate } from "../metrics/funding.ts";
import { VolumeRatio } from "../metrics/volume-ratio.ts";
import { integerIn, intervalLeaf, numberIn, parseStrategyConfig, withDefault } from "./config.ts";
import { LastPrice } from "./last-price.ts";
import { Rearm } from "./rearm.ts";
import { describeSetting, nominal, percentileRule, Threshold, thresholdWithDefault } from "./threshold.ts";
import type { ThresholdSetting } from "./threshold.ts";
import { bracket, DEFAULT_SIGNAL_EXPIRY_MS, SignalFactory } from "./signal.ts";
import type { Side, Signal } from "./signal.ts";
import { hours, pct } from "./strategy.ts";
import type { Strategy, StrategyContext, StrategyDescription } from "./strategy.ts";

export const FUNDING_VOLUME_ID = "funding-volume";

/**
 * "Extreme" funding, fraction per hour: 10 % a year simple = 0.10 / 8760 = 1.1416e-5 per hour.
 * The memo's `abs(funding) > 10.0` was annualised percent (the original monitor's display unit).
 * Note that Hyperliquid's baseline, 1.25e-5 per hour (10.95 %/yr), is above it: in a calm market
 * with baseline funding this counts as "extreme". The original monitor's code annualised as if
 * funding were paid every 8 h (× 1095), so in effect it used 0.10 / 1095 = 9.13e-5 per hour
 * (80 %/yr); set `extremePerHour` to that to reproduce it.
 */
export const EXTREME_FUNDING_PER_HOUR = 0.1 / 8760;

/** A funding threshold for descriptions: `1.1416e-5 per hour (10 %/yr)`, or its percentile rule with the fallback so. */
export function describeFundingThreshold(setting: ThresholdSetting): string {
  const perHour = nominal(setting);
  const fixed = `${perHour.toExponential(4)} per hour (${pct(perHour * 8760)}/yr)`;
  return typeof setting === "number" ? fixed : `p${setting.percentile} of the last ${setting.window} |rates| (${fixed} until ${setting.minSamples})`;
}

/** Configuration of {@link FundingVolumeStrategy} (`strategies.fundingVolume`). */
export const fundingVolumeConfigSchema = v.strictObject({
  /**
   * |funding| strictly above this is extreme, fraction per hour: a number, or a percentile rule of
   * |funding| at this market's earlier settlements. Default the memo's rule (p90 of the last 1000
   * settlements once 100 exist), 0.10 / 8760 ≈ 1.1416e-5 (10 %/yr) before.
   */
  extremePerHour: thresholdWithDefault(0, 0.04, "fraction per hour (0.1 / 8760 = 10 %/yr)", percentileRule(EXTREME_FUNDING_PER_HOUR)),
  /** Volume ratio strictly below this: declining → fade (a number or a percentile rule). Default 0.8 (the memo's). */
  decliningBelow: thresholdWithDefault(0, 100, "× the mean bar volume", 0.8),
  /** Volume ratio strictly above this: surging → follow (a number or a percentile rule). Default 1.5 (the memo's). */
  surgingAbove: thresholdWithDefault(0, 100, "× the mean bar volume", 1.5),
  /** Bars of the volume ratio. Default "1h", 20 bars. */
  volumeInterval: withDefault(intervalLeaf(), "1h"),
  volumeBars: withDefault(integerIn(1, 1000, "bars"), 20),
  stopFraction: withDefault(numberIn(0.0001, 0.5, "fraction of the entry price"), 0.02),
  targetFraction: withDefault(numberIn(0.0001, 1, "fraction of the entry price"), 0.03),
  maxHoldMs: withDefault(integerIn(60_000, 7 * 86_400_000, "ms"), hours(8)),
  maxPriceAgeMs: withDefault(integerIn(1, 86_400_000, "ms"), 300_000),
  expiryMs: withDefault(integerIn(1_000, 3_600_000, "ms"), DEFAULT_SIGNAL_EXPIRY_MS),
  rearmAfterFalse: withDefault(integerIn(1, 100_000, "evaluations"), 1),
});

export type FundingVolumeConfig = v.InferOutput<typeof fundingVolumeConfigSchema>;

type Branch = "fade" | "follow";

/**
 * Funding with volume context (memo II.2 Strategy B): extreme funding (|rate| > 10 %/yr as an
 * hourly fraction) with declining volume (ratio < 0.8) is exhaustion → fade it (positive funding
 * → short); with surging volume (ratio > 1.5) it is momentum → follow it (positive → long).
 * Evaluated at each funding settlement of its market.
 */
export class FundingVolumeStrategy implements Strategy<FundingVolumeConfig> {
  readonly id = FUNDING_VOLUME_ID;
  readonly market: Market;
  readonly config: FundingVolumeConfig;
  readonly description: StrategyDescription;
  readonly warmUp: string;
  private readonly funding: FundingRate;
  private readonly volume: VolumeRatio;
  private readonly price: LastPrice;
  private readonly triggers: Record<`${Branch}-${Side}`, Rearm>;
  private readonly signals: SignalFactory;
  private readonly extreme: Threshold;
  private readonly declining: Threshold;
  private readonly surging: Threshold;

  /** @throws ConfigError for an invalid `config`. */
  constructor(market: Market, config: unknown = {}) {
    this.market = market;
    this.config = parseStrategyConfig("strategies.fundingVolume", fundingVolumeConfigSchema, config);
    const c = this.config;
    this.funding = new FundingRate({ market });
    this.volume = new VolumeRatio({ market, interval: c.volumeInterval, bars: c.volumeBars });
    this.price = new LastPrice(market, c.maxPriceAgeMs);
    const r = () => new Rearm(c.rearmAfterFalse);
    this.triggers = { "fade-long": r(), "fade-short": r(), "follow-long": r(), "follow-short": r() };
    this.signals = new SignalFactory(this.id, c.expiryMs);
    this.extreme = new Threshold(c.extremePerHour, { absolute: true });
    this.declining = new Threshold(c.decliningBelow);
    this.surging = new Threshold(c.surgingAbove);
    this.warmUp = `${this.funding.warmUp}; ${this.volume.warmUp}`;
    this.description = {
      idea: "Extreme funding on fading volume is exhaustion (fade it); on surging volume it is momentum (follow it).",
      entry: `|funding| > ${describeFundingThreshold(c.extremePerHour)} and ${c.volumeInterval} volume ratio < ${describeSetting(c.decliningBelow)} → fade, > ${describeSetting(c.surgingAbove)} → follow`,
      exit: `stop ${pct(c.stopFraction)}, target ${pct(c.targetFraction)}, or after ${c.maxHoldMs / 3_600_000} h`,
      expectedHold: { minMs: hours(1), maxMs: hours(8) },
      needs: ["funding", "candles"],
      candleOnly: { canFire: true, why: "settled funding history and 1 h candles are enough" },
      volumeFilter: {
        applies: false,
        reason: "its own volume context decides the branch: the fade wants declining volume (< 0.8 ×), which the ≥ 1.2 × filter would forbid; the follow branch already demands > 1.5 ×",
      },
    };
  }

  isWarm(nowMs: number): boolean {
    return this.funding.value(nowMs) !== undefined && this.volume.value(nowMs) !== undefined && this.price.value(nowMs) !== undefined;
  }

  onEvent(event: MarketEvent, ctx: StrategyContext): readonly Signal[] {
    this.funding.update(event);
    this.volume.update(event);
    this.price.update(event);
    if (event.kind !== "funding" || event.market.key !== this.market.key) return [];
    const nowMs = ctx.nowMs;
    const c = this.config;
    const rate = this.funding.value(nowMs);
    const volumeRatio = this.volume.value(nowMs);
    const px = this.price.value(nowMs);
    if (rate === undefined || volumeRatio === undefined || px === undefined) return [];
    const tExtreme = this.extreme.decide(rate.perHour);
    const tDeclining = this.declining.decide(volumeRatio);
    const tSurging = this.surging.decide(volumeRatio);
    const extreme = Math.abs(rate.perHour) > tExtreme.value;
    const fade = extreme && volumeRatio < tDeclining.value;
    const follow = extreme && volumeRatio > tSurging.value;
    const up = rate.perHour > 0;
    const fired: [Branch, Side][] = [];
    if (this.triggers["fade-short"].step(fade && up)) fired.push(["fade", "short"]);
    if (this.triggers["fade-long"].step(fade && !up)) fired.push(["fade", "long"]);
    if (this.triggers["follow-long"].step(follow && up)) fired.push(["follow", "long"]);
    if (this.triggers["follow-short"].step(follow && !up)) fired.push(["follow", "short"]);
    const first = fired[0];
    if (first === undefined) return [];
    const [branch, side] = first;
    return [
      this.signals.create(
        {
          market: this.market,
          side,
          confidence: "MEDIUM",
          entryPx: px.px,
          ...bracket(side, px.px, c.stopFraction, c.targetFraction),
          maxHoldMs: c.maxHoldMs,
          reason: `extreme funding ${rate.perHour.toExponential(3)} /h (${pct(rate.annualized)}/yr) on ${branch === "fade" ? "declining" : "surging"} volume ${volumeRatio.toFixed(2)} ×: ${branch}`,
          metrics: { fundingRatePerHour: rate.perHour, fundingRateAnnualized: rate.annualized, volumeRatio },
          thresholds: { extremePerHour: tExtreme.recorded, decliningBelow: tDeclining.recorded, surgingAbove: tSurging.recorded },
        },
        nowMs,
      ),
    ];
  }
}
