import * as v from "valibot";
import type { Market, MarketEvent } from "../core/index.ts";
import { FlowToxicity } from "../metrics/flow-toxicity.ts";
import { integerIn, intervalLeaf, numberIn, parseStrategyConfig, withDefault } from "./config.ts";
import { Rearm } from "./rearm.ts";
import { describeSetting, percentileRule, Threshold, thresholdWithDefault } from "./threshold.ts";
import type { RecordedThreshold } from "./threshold.ts";
import { bracket, DEFAULT_SIGNAL_EXPIRY_MS, SignalFactory } from "./signal.ts";
import type { Side, Signal } from "./signal.ts";
import { minutes, pct } from "./strategy.ts";
import type { Strategy, StrategyContext, StrategyDescription } from "./strategy.ts";
import { VolumeFilter, volumeFilterSchema } from "./volume-filter.ts";

export const FLOW_TOXICITY_ID = "flow-toxicity";

/** Configuration of {@link FlowToxicityStrategy} (`strategies.flowToxicity`). */
export const flowToxicityConfigSchema = v.strictObject({
  /** Bar interval of the toxicity. Default "1m". */
  interval: withDefault(intervalLeaf(), "1m"),
  /** Bars in the impact window. Default 10 (the memo's). */
  window: withDefault(integerIn(4, 500, "bars"), 10),
  /** Bars before the window for the volume mean. Default 20 (the memo's). */
  volumeBars: withDefault(integerIn(1, 500, "bars"), 20),
  /**
   * Fire when toxicity is strictly above this (dimensionless): a number, or a percentile rule of
   * the toxicity at this market's earlier bar closes. Default the memo's rule: p90 of the last 1000
   * bars once 100 exist, the memo's 2.0 before.
   */
  threshold: thresholdWithDefault(0, 1000, "toxicity units (mean / std of impact)", percentileRule(2.0)),
  /** Stop distance from entry, fraction. Default 0.005 (0.5 %; not in the memo, an assumption to measure). */
  stopFraction: withDefault(numberIn(0.0001, 0.5, "fraction of the entry price"), 0.005),
  /** Target distance from entry, fraction. Default 0.01 (1 %; not in the memo). */
  targetFraction: withDefault(numberIn(0.0001, 1, "fraction of the entry price"), 0.01),
  /** Maximum hold, ms. Default 60 min (the memo's 15–60 min hold). */
  maxHoldMs: withDefault(integerIn(60_000, 7 * 86_400_000, "ms"), minutes(60)),
  /** Signal shelf life, ms. Default 120 000. */
  expiryMs: withDefault(integerIn(1_000, 3_600_000, "ms"), DEFAULT_SIGNAL_EXPIRY_MS),
  /** Consecutive non-firing bars before the same side may fire again. Default 1. */
  rearmAfterFalse: withDefault(integerIn(1, 1000, "evaluations"), 1),
  volumeFilter: volumeFilterSchema(),
});

export type FlowToxicityConfig = v.InferOutput<typeof flowToxicityConfigSchema>;

/**
 * Flow toxicity (memo IV.2): when price impact per unit of normalised volume is consistently
 * high (toxicity > 2.0), informed traders are moving the market; follow the direction of price
 * over the window. Evaluated once per closed bar of its interval. Confidence MEDIUM (unvalidated).
 */
export class FlowToxicityStrategy implements Strategy<FlowToxicityConfig> {
  readonly id = FLOW_TOXICITY_ID;
  readonly market: Market;
  readonly config: FlowToxicityConfig;
  readonly description: StrategyDescription;
  readonly warmUp: string;
  private readonly toxicity: FlowToxicity;
  private readonly threshold: Threshold;
  private readonly volume: VolumeFilter;
  private readonly long: Rearm;
  private readonly short: Rearm;
  private readonly signals: SignalFactory;

  /** @throws ConfigError for an invalid `config`. */
  constructor(market: Market, config: unknown = {}) {
    this.market = market;
    this.config = parseStrategyConfig("strategies.flowToxicity", flowToxicityConfigSchema, config);
    const c = this.config;
    this.toxicity = new FlowToxicity({ market, interval: c.interval, window: c.window, volumeBars: c.volumeBars });
    this.threshold = new Threshold(c.threshold);
    this.volume = new VolumeFilter(market, c.volumeFilter);
    this.long = new Rearm(c.rearmAfterFalse);
    this.short = new Rearm(c.rearmAfterFalse);
    this.signals = new SignalFactory(this.id, c.expiryMs);
    this.warmUp = [this.toxicity.warmUp, this.volume.warmUp].filter((s) => s !== "").join("; ");
    this.description = {
      idea: "High price impact per unit of normalised volume means informed flow; trade with it.",
      entry: `toxicity > ${describeSetting(c.threshold)} over ${c.window} closed ${c.interval} bars (volume normalised by the ${c.volumeBars} bars before): long if the window's last close is above its first, short if below`,
      exit: `stop ${pct(c.stopFraction)}, target ${pct(c.targetFraction)}, or after ${c.maxHoldMs / 60_000} min`,
      expectedHold: { minMs: minutes(15), maxMs: minutes(60) },
      needs: ["candles"],
      candleOnly: { canFire: true, why: "the toxicity is computed from bar closes and volumes only" },
      volumeFilter: { applies: true },
    };
  }

  isWarm(nowMs: number): boolean {
    return this.toxicity.direction(nowMs) !== undefined && this.volume.check(nowMs).volumeRatio !== undefined;
  }

  onEvent(event: MarketEvent, ctx: StrategyContext): readonly Signal[] {
    this.toxicity.update(event);
    this.volume.update(event);
    if (event.kind !== "candle" || !event.closed || event.market.key !== this.market.key || event.interval !== this.config.interval) return [];
    const nowMs = ctx.nowMs;
    const toxicity = this.toxicity.value(nowMs);
    const direction = this.toxicity.direction(nowMs);
    const gate = this.volume.check(nowMs);
    // Missing or stale inputs are not an observation: nothing fires and the triggers keep their state.
    if (toxicity === undefined || direction === undefined || (!gate.pass && gate.reason === "volume-not-warm")) return [];
    const threshold = this.threshold.decide(toxicity);
    const toxic = toxicity > threshold.value && gate.pass;
    const fireLong = this.long.step(toxic && direction > 0);
    const fireShort = this.short.step(toxic && direction < 0);
    if (!fireLong && !fireShort) return [];
    const side: Side = fireLong ? "long" : "short";
    const entryPx = event.close;
    const metrics: Record<string, number> = { flowToxicity: toxicity, priceDirection: direction };
    if (gate.volumeRatio !== undefined) metrics["volumeRatio"] = gate.volumeRatio;
    const thresholds: Record<string, RecordedThreshold> = { threshold: threshold.recorded };
    if (this.config.volumeFilter.enabled) thresholds["volumeFilter.minRatio"] = this.config.volumeFilter.minRatio;
    return [
      this.signals.create(
        {
          market: this.market,
          side,
          confidence: "MEDIUM",
          entryPx,
          ...bracket(side, entryPx, this.config.stopFraction, this.config.targetFraction),
          maxHoldMs: this.config.maxHoldMs,
          reason: `flow toxicity ${toxicity.toFixed(2)} > ${threshold.value} with price ${direction > 0 ? "rising" : "falling"} over ${this.config.window} bars: follow`,
          metrics,
          thresholds,
        },
        nowMs,
      ),
    ];
  }
}
