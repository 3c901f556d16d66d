import * as v from "valibot";
import type { Market, MarketEvent } from "../core/index.ts";
import { FundingRate } from "../metrics/funding.ts";
import { integerIn, numberIn, parseStrategyConfig, withDefault } from "./config.ts";
import { describeFundingThreshold, EXTREME_FUNDING_PER_HOUR } from "./funding-volume.ts";
import { LastPrice } from "./last-price.ts";
import { Rearm } from "./rearm.ts";
import { Threshold, thresholdWithDefault } from "./threshold.ts";
import type { RecordedThreshold } from "./threshold.ts";
import { bracket, DEFAULT_SIGNAL_EXPIRY_MS, SignalFactory } from "./signal.ts";
import type { Side, Signal } from "./signal.ts";
import { hours, pct } from "./strategy.ts";
import type { Strategy, StrategyContext, StrategyDescription } from "./strategy.ts";
import { VolumeFilter, volumeFilterSchema } from "./volume-filter.ts";

export const CONTRARIAN_FUNDING_ID = "contrarian-funding";

/** Configuration of {@link ContrarianFundingStrategy} (`strategies.contrarianFunding`). */
export const contrarianFundingConfigSchema = v.strictObject({
  /**
   * Fade when |funding| is strictly above this, fraction per hour: a number, or a percentile rule
   * of |funding| at earlier settlements. Default FIXED at 0.10 / 8760 (10 %/yr; see
   * EXTREME_FUNDING_PER_HOUR): this is the original monitor's fixed rule, kept as the baseline the
   * memo expects to fail; a percentile variant is a separate trial.
   */
  extremePerHour: thresholdWithDefault(0, 0.04, "fraction per hour (0.1 / 8760 = 10 %/yr)", EXTREME_FUNDING_PER_HOUR),
  /** Stop / target, fractions. Defaults 0.02 / 0.015: the original monitor's 2 % stop and minimum 1.5 % target. */
  stopFraction: withDefault(numberIn(0.0001, 0.5, "fraction of the entry price"), 0.02),
  targetFraction: withDefault(numberIn(0.0001, 1, "fraction of the entry price"), 0.015),
  maxHoldMs: withDefault(integerIn(60_000, 7 * 86_400_000, "ms"), hours(8)),
  maxPriceAgeMs: withDefault(integerIn(1, 86_400_000, "ms"), 300_000),
  expiryMs: withDefault(integerIn(1_000, 3_600_000, "ms"), DEFAULT_SIGNAL_EXPIRY_MS),
  rearmAfterFalse: withDefault(integerIn(1, 100_000, "evaluations"), 1),
  volumeFilter: volumeFilterSchema({ interval: "1h" }),
});

export type ContrarianFundingConfig = v.InferOutput<typeof contrarianFundingConfigSchema>;

/**
 * Contrarian funding, the original monitor's logic and the memo's expected failure (memo IV.6):
 * funding above the extreme level → short (longs are crowded), below its negative → long.
 * Kept as the baseline every other funding idea must beat. Confidence LOW. Evaluated at each
 * funding settlement, behind the 1.2× volume filter on 1 h bars.
 */
export class ContrarianFundingStrategy implements Strategy<ContrarianFundingConfig> {
  readonly id = CONTRARIAN_FUNDING_ID;
  readonly market: Market;
  readonly config: ContrarianFundingConfig;
  readonly description: StrategyDescription;
  readonly warmUp: string;
  private readonly funding: FundingRate;
  private readonly price: LastPrice;
  private readonly volume: VolumeFilter;
  private readonly long: Rearm;
  private readonly short: Rearm;
  private readonly signals: SignalFactory;
  private readonly extreme: Threshold;

  /** @throws ConfigError for an invalid `config`. */
  constructor(market: Market, config: unknown = {}) {
    this.market = market;
    this.config = parseStrategyConfig("strategies.contrarianFunding", contrarianFundingConfigSchema, config);
    const c = this.config;
    this.funding = new FundingRate({ market });
    this.price = new LastPrice(market, c.maxPriceAgeMs);
    this.volume = new VolumeFilter(market, c.volumeFilter);
    this.long = new Rearm(c.rearmAfterFalse);
    this.short = new Rearm(c.rearmAfterFalse);
    this.signals = new SignalFactory(this.id, c.expiryMs);
    this.extreme = new Threshold(c.extremePerHour, { absolute: true });
    this.warmUp = [this.funding.warmUp, this.volume.warmUp].filter((s) => s !== "").join("; ");
    this.description = {
      idea: "The original monitor's rule: extreme funding means a crowded side; bet against it. The memo expects it to fail in trends.",
      entry: `funding > ${describeFundingThreshold(c.extremePerHour)} → short; < −that → long`,
      exit: `stop ${pct(c.stopFraction)}, target ${pct(c.targetFraction)}, or after ${c.maxHoldMs / 3_600_000} h`,
      expectedHold: { minMs: hours(1), maxMs: hours(8) },
      needs: ["funding", "candles"],
      candleOnly: { canFire: true, why: "settled funding history and 1 h candles are enough" },
      volumeFilter: { applies: true },
    };
  }

  isWarm(nowMs: number): boolean {
    return this.funding.value(nowMs) !== undefined && this.price.value(nowMs) !== undefined && this.volume.check(nowMs).volumeRatio !== undefined;
  }

  onEvent(event: MarketEvent, ctx: StrategyContext): readonly Signal[] {
    this.funding.update(event);
    this.price.update(event);
    this.volume.update(event);
    if (event.kind !== "funding" || event.market.key !== this.market.key) return [];
    const nowMs = ctx.nowMs;
    const c = this.config;
    const rate = this.funding.value(nowMs);
    const px = this.price.value(nowMs);
    const gate = this.volume.check(nowMs);
    if (rate === undefined || px === undefined || (!gate.pass && gate.reason === "volume-not-warm")) return [];
    const t = this.extreme.decide(rate.perHour);
    const fireShort = this.short.step(gate.pass && rate.perHour > t.value);
    const fireLong = this.long.step(gate.pass && rate.perHour < -t.value);
    if (!fireShort && !fireLong) return [];
    const side: Side = fireShort ? "short" : "long";
    const metrics: Record<string, number> = { fundingRatePerHour: rate.perHour, fundingRateAnnualized: rate.annualized };
    if (gate.volumeRatio !== undefined) metrics["volumeRatio"] = gate.volumeRatio;
    const thresholds: Record<string, RecordedThreshold> = { extremePerHour: t.recorded };
    if (c.volumeFilter.enabled) thresholds["volumeFilter.minRatio"] = c.volumeFilter.minRatio;
    return [
      this.signals.create(
        {
          market: this.market,
          side,
          confidence: "LOW",
          entryPx: px.px,
          ...bracket(side, px.px, c.stopFraction, c.targetFraction),
          maxHoldMs: c.maxHoldMs,
          reason: `funding ${rate.perHour.toExponential(3)} /h (${pct(rate.annualized)}/yr) beyond ±${t.value.toExponential(3)}: fade the crowded side`,
          metrics,
          thresholds,
        },
        nowMs,
      ),
    ];
  }
}
