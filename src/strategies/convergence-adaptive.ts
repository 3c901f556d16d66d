import * as v from "valibot";
import { mean, sampleStdDev } from "../analytics/moments.ts";
import { ConfigError, DAY_MS } from "../core/index.ts";
import type { Market, MarketEvent } from "../core/index.ts";
import { integerIn, parseStrategyConfig, withDefault } from "./config.ts";
import {
  checkConvergenceConfig,
  CONVERGENCE_COMPONENTS,
  convergenceConfigEntries,
  convergenceDecision,
  convergenceDescription,
  convergenceDraft,
  ConvergenceFeed,
  scoreConvergence,
  strongPointsSum,
  ConvergenceLevels,
  weightsOf,
} from "./convergence.ts";
import type { ConvergenceComponent, ConvergenceOptions, ConvergenceWeights, LevelPoints } from "./convergence.ts";
import { Rearm } from "./rearm.ts";
import { SignalFactory } from "./signal.ts";
import type { Signal } from "./signal.ts";
import type { Strategy, StrategyContext, StrategyDescription } from "./strategy.ts";
import { VolumeFilter } from "./volume-filter.ts";

/**
 * The memo's adaptive convergence score (II.1): the same five metrics, thresholds and rules as
 * {@link ConvergenceStrategy}, but each metric's points proportional to its trailing 30-day
 * Sharpe ratio, so metrics that have earned money weigh more.
 *
 * Rules (the memo's sketch divided by a total Sharpe that may be 0 or negative; these fix it):
 * - Sharpe of a component = mean / SAMPLE std (n − 1) of its daily returns × √365 (24/7 market),
 *   the analytics layer's convention. Zero spread → Sharpe 0 (weight 0), never a division by 0.
 * - weight = max(0, Sharpe): a losing metric gets nothing, never a negative weight.
 * - Strong points of component c = S × weight_c / Σ weights, with S = the fixed strong points'
 *   sum (25 + 25 + 30 + 20 + 20 = 120), so the score keeps its scale and the 70 / 85 rules
 *   keep their meaning; weak points keep the fixed weak/strong ratio (15/25, 20/30, 10/20).
 *   The funding-basis +15 / −20 is not a metric with its own returns: it stays fixed.
 * - All weights 0 (every Sharpe ≤ 0) → no trade.
 * - Enough history: every component needs ≥ `minHistoryDays` (default 30) daily returns in the
 *   trailing `lookbackDays` (default 30) window; until then the fixed weights are used
 *   (mixing adaptive and fixed weights would compare numbers on different scales).
 * - No look-ahead: weights are computed once per UTC day D, from the returns of days
 *   [D − lookbackDays, D) only, at the first evaluation in D, and frozen until D + 1. Returns
 *   that arrive during D (even late ones for day D − 1) count from D + 1.
 */

export const CONVERGENCE_ADAPTIVE_ID = "convergence-adaptive";

/**
 * Where per-component performance comes from (the analytics layer implements it from the
 * journal). A component's performance is the daily return of trading that metric alone.
 */
export interface ComponentPerformanceSource {
  /**
   * Daily returns (fractions) of `component` (a {@link ConvergenceComponent} name) for the UTC
   * days whose start lies in [fromMs, toMs), oldest first.
   */
  dailyReturns(component: string, fromMs: number, toMs: number): readonly number[];
}

/** The port kept in memory (tests, and runs without analytics). Memory: one number per component and day recorded. */
export class InMemoryComponentPerformance implements ComponentPerformanceSource {
  private readonly byComponent = new Map<string, Map<number, number>>();

  /** Records (or replaces) the return of `component` on the UTC day starting at `dayStartMs`. */
  record(component: string, dayStartMs: number, dailyReturn: number): void {
    let days = this.byComponent.get(component);
    if (days === undefined) {
      days = new Map();
      this.byComponent.set(component, days);
    }
    days.set(Math.floor(dayStartMs / DAY_MS) * DAY_MS, dailyReturn);
  }

  dailyReturns(component: string, fromMs: number, toMs: number): readonly number[] {
    const days = this.byComponent.get(component);
    if (days === undefined) return [];
    return [...days.entries()]
      .filter(([day]) => day >= fromMs && day < toMs)
      .sort(([a], [b]) => a - b)
      .map(([, r]) => r);
  }
}

/**
 * Annualised Sharpe of daily returns: mean / sample std × √365. `undefined` below 2 returns;
 * 0 when the spread is 0 (see `sampleStdDev`).
 */
export function annualizedSharpe(dailyReturns: readonly number[]): number | undefined {
  const m = mean(dailyReturns);
  const sd = sampleStdDev(dailyReturns);
  if (m === undefined || sd === undefined) return undefined;
  if (sd === 0) return 0;
  const sharpe = (m / sd) * Math.sqrt(365);
  return Number.isFinite(sharpe) ? sharpe : 0;
}

/** The weights in force on one UTC day, and why. */
export interface AdaptiveWeightsState {
  /** `fixed`: not enough history; `adaptive`: Sharpe-weighted; `all-zero`: every Sharpe ≤ 0, no trade. */
  readonly mode: "fixed" | "adaptive" | "all-zero";
  /** Start of the UTC day they are for, ms. */
  readonly dayStartMs: number;
  readonly weights: ConvergenceWeights;
  /** Annualised Sharpe per component (undefined with < 2 returns). */
  readonly sharpe: Readonly<Record<ConvergenceComponent, number | undefined>>;
  /** Daily returns found per component in the window. */
  readonly historyDays: Readonly<Record<ConvergenceComponent, number>>;
}

/** Options of the weighting. */
export interface AdaptiveWeightOptions {
  /** Trailing window, UTC days. Default 30. */
  readonly lookbackDays: number;
  /** Daily returns every component needs in the window before weights adapt. Default 30. */
  readonly minHistoryDays: number;
}

/** The weights for the UTC day starting at `dayStartMs`, from returns of the days before it. Pure. */
export function adaptiveWeightsFor(
  fixed: ConvergenceWeights,
  source: ComponentPerformanceSource,
  dayStartMs: number,
  options: AdaptiveWeightOptions,
): AdaptiveWeightsState {
  const fromMs = dayStartMs - options.lookbackDays * DAY_MS;
  const sharpe = {} as Record<ConvergenceComponent, number | undefined>;
  const historyDays = {} as Record<ConvergenceComponent, number>;
  let enough = true;
  for (const c of CONVERGENCE_COMPONENTS) {
    const returns = source.dailyReturns(c, fromMs, dayStartMs).filter((r) => Number.isFinite(r));
    historyDays[c] = returns.length;
    sharpe[c] = annualizedSharpe(returns);
    if (returns.length < options.minHistoryDays || sharpe[c] === undefined) enough = false;
  }
  if (!enough) return { mode: "fixed", dayStartMs, weights: fixed, sharpe, historyDays };
  let total = 0;
  for (const c of CONVERGENCE_COMPONENTS) total += Math.max(0, sharpe[c] ?? 0);
  const scale = strongPointsSum(fixed);
  const components = {} as Record<ConvergenceComponent, LevelPoints>;
  for (const c of CONVERGENCE_COMPONENTS) {
    const f = fixed.components[c];
    const strong = total > 0 ? (scale * Math.max(0, sharpe[c] ?? 0)) / total : 0;
    components[c] = { strong, weak: f.strong > 0 ? (strong * f.weak) / f.strong : 0 };
  }
  const weights: ConvergenceWeights = { components, alignmentBonus: fixed.alignmentBonus, conflictPenalty: fixed.conflictPenalty };
  return { mode: total > 0 ? "adaptive" : "all-zero", dayStartMs, weights, sharpe, historyDays };
}

/**
 * The weights frozen per UTC day: computed at the first call in a day, returned unchanged for
 * every later call in that day, whatever the source reports meanwhile.
 */
export class DailyAdaptiveWeights {
  readonly fixed: ConvergenceWeights;
  readonly options: AdaptiveWeightOptions;
  private readonly source: ComponentPerformanceSource;
  private current: AdaptiveWeightsState | undefined;

  constructor(fixed: ConvergenceWeights, source: ComponentPerformanceSource, options: AdaptiveWeightOptions) {
    this.fixed = fixed;
    this.source = source;
    this.options = options;
  }

  /** The weights in force at `nowMs` (ms). */
  at(nowMs: number): AdaptiveWeightsState {
    const dayStartMs = Math.floor(nowMs / DAY_MS) * DAY_MS;
    if (this.current?.dayStartMs !== dayStartMs) this.current = adaptiveWeightsFor(this.fixed, this.source, dayStartMs, this.options);
    return this.current;
  }
}

/** Configuration of {@link AdaptiveConvergenceStrategy} (`strategies.convergenceAdaptive`): the convergence keys plus these. */
export const adaptiveConvergenceConfigSchema = v.strictObject({
  ...convergenceConfigEntries,
  /** Trailing window of the Sharpe ratios, UTC days. Default 30 (the memo's). */
  lookbackDays: withDefault(integerIn(2, 365, "days"), 30),
  /** Daily returns each component needs in the window before its weights replace the fixed ones. Default 30. */
  minHistoryDays: withDefault(integerIn(2, 365, "days"), 30),
});

export type AdaptiveConvergenceConfig = v.InferOutput<typeof adaptiveConvergenceConfigSchema>;

/** The convergence options plus the performance source. */
export interface AdaptiveConvergenceOptions extends ConvergenceOptions {
  /** Per-component daily returns. Default: an empty in-memory source (the fixed weights forever). */
  performance?: ComponentPerformanceSource;
}

/**
 * The adaptive convergence score: {@link ConvergenceStrategy} with Sharpe-proportional points
 * (see this file's TSDoc). Every signal records the mode, the points and the Sharpe ratios in force.
 */
export class AdaptiveConvergenceStrategy implements Strategy<AdaptiveConvergenceConfig> {
  readonly id = CONVERGENCE_ADAPTIVE_ID;
  readonly market: Market;
  readonly config: AdaptiveConvergenceConfig;
  readonly description: StrategyDescription;
  readonly warmUp: string;
  private readonly feedIn: ConvergenceFeed;
  private readonly weights: DailyAdaptiveWeights;
  private readonly volume: VolumeFilter;
  private readonly long: Rearm;
  private readonly short: Rearm;
  private readonly signals: SignalFactory;
  private readonly levels: ConvergenceLevels;

  /** @throws ConfigError for an invalid `config` (also minHistoryDays > lookbackDays). */
  constructor(market: Market, config: unknown = {}, options: AdaptiveConvergenceOptions = {}) {
    const path = "strategies.convergenceAdaptive";
    this.market = market;
    this.config = parseStrategyConfig(path, adaptiveConvergenceConfigSchema, config);
    const c = this.config;
    checkConvergenceConfig(path, c);
    if (c.minHistoryDays > c.lookbackDays) throw new ConfigError(`${path}.minHistoryDays`, c.minHistoryDays, `at most lookbackDays (${c.lookbackDays})`);
    this.feedIn = new ConvergenceFeed(market, c, options);
    this.weights = new DailyAdaptiveWeights(weightsOf(c), options.performance ?? new InMemoryComponentPerformance(), {
      lookbackDays: c.lookbackDays,
      minHistoryDays: c.minHistoryDays,
    });
    this.volume = new VolumeFilter(market, c.volumeFilter);
    this.long = new Rearm(c.rearmAfterFalse);
    this.short = new Rearm(c.rearmAfterFalse);
    this.signals = new SignalFactory(this.id, c.expiryMs);
    this.levels = new ConvergenceLevels(c);
    this.warmUp = [this.feedIn.warmUp, `${c.minHistoryDays} daily returns per component before the weights adapt (fixed weights until then)`, this.volume.warmUp]
      .filter((s) => s !== "")
      .join("; ");
    const base = convergenceDescription(c, "The convergence score with each metric's points proportional to its trailing Sharpe ratio (max(0, Sharpe)), recomputed once per UTC day.");
    this.description = {
      ...base,
      entry: `${base.entry}; points re-weighted daily: strong points = ${strongPointsSum(weightsOf(c))} × max(0, Sharpe_c) / Σ max(0, Sharpe) over the trailing ${c.lookbackDays} UTC days (fixed weights until every metric has ${c.minHistoryDays} daily returns; all Sharpe ≤ 0 → no trade)`,
    };
  }

  /** The weights in force at `nowMs` (for reports). */
  weightsAt(nowMs: number): AdaptiveWeightsState {
    return this.weights.at(nowMs);
  }

  isWarm(nowMs: number): boolean {
    const gate = this.volume.check(nowMs);
    return this.feedIn.read(nowMs).ok && (gate.pass || gate.reason !== "volume-not-warm");
  }

  onEvent(event: MarketEvent, ctx: StrategyContext): readonly Signal[] {
    this.feedIn.update(event);
    this.volume.update(event);
    if (event.kind !== "candle" || !event.closed || event.market.key !== this.market.key || event.interval !== this.config.interval) return [];
    const nowMs = ctx.nowMs;
    const reading = this.feedIn.read(nowMs);
    const gate = this.volume.check(nowMs);
    if (!reading.ok || (!gate.pass && gate.reason === "volume-not-warm")) return [];
    const state = this.weights.at(nowMs);
    const levels = this.levels.decide(reading.inputs);
    const score = scoreConvergence(reading.inputs, levels.levels, state.weights);
    const decision = gate.pass && state.mode !== "all-zero" ? convergenceDecision(score, this.config) : undefined;
    const fireLong = this.long.step(decision?.side === "long");
    const fireShort = this.short.step(decision?.side === "short");
    if (decision === undefined || (!fireLong && !fireShort)) return [];
    const extra: Record<string, number> = { adaptiveWeights: state.mode === "adaptive" ? 1 : 0 };
    for (const c of CONVERGENCE_COMPONENTS) {
      extra[`weight.${c}`] = state.weights.components[c].strong;
      const s = state.sharpe[c];
      if (s !== undefined) extra[`sharpe.${c}`] = s;
    }
    if (gate.volumeRatio !== undefined) extra["volumeRatio"] = gate.volumeRatio;
    const label = state.mode === "adaptive" ? "adaptive convergence" : "adaptive convergence (fixed weights: not enough history)";
    return [this.signals.create(convergenceDraft(this.market, this.config, reading, score, decision, label, extra, levels.recorded), nowMs)];
  }
}
