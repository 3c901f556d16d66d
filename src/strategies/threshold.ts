import * as v from "valibot";
import { ConfigError } from "../core/index.ts";
import { RollingPercentile } from "../metrics/adaptive-threshold.ts";
import { integerIn, numberIn } from "./config.ts";

/**
 * Thresholds that are a fixed number or a percentile rule (the memo's "Change 1"): every
 * threshold a strategy compares a metric against is configured as either
 * - a number, in the metric's unit (a fixed threshold, as before), or
 * - `{ "percentile": 90, "window": 1000, "minSamples": 100, "fallback": 1e-6 }`: the
 *   `percentile`-th percentile (numpy's linear interpolation) of the metric's last `window`
 *   values observed by this strategy on this market, once `minSamples` of them exist; the
 *   `fallback` (in the metric's unit) before that.
 *
 * No look-ahead: a value is observed at the strategy's own evaluation (a closed bar, a funding
 * settlement, a book) and enters the sample only AFTER the decision it takes part in
 * ({@link Threshold.decide}): the threshold at t is the percentile of the values strictly before
 * t, never of the current one or later ones. Two-sided rules (|x| > t) sample |value|.
 *
 * A signal records each threshold it met: a fixed threshold as its number (as before), a
 * percentile rule as a {@link ThresholdMet}: value, source (`percentile` or `fallback`),
 * percentile, samples.
 */

/** A threshold set by the percentile of the metric's own recent values (see the file comment). */
export interface PercentileRule {
  /** Percentile, 0..100 (numpy linear). */
  readonly percentile: number;
  /** Values kept, most recent first out; one value per evaluation of the strategy. */
  readonly window: number;
  /** Values needed before the percentile replaces the fallback (≤ window). */
  readonly minSamples: number;
  /** The threshold until `minSamples` values exist, in the metric's unit. */
  readonly fallback: number;
}

/** A configured threshold: a fixed number in the metric's unit, or a percentile rule. */
export type ThresholdSetting = number | PercentileRule;

/** The threshold a percentile rule gave one decision, as a signal records it. */
export interface ThresholdMet {
  /** The threshold in force, in the metric's unit. */
  readonly value: number;
  /** `percentile` once `minSamples` values were known before this decision; `fallback` before. */
  readonly source: "percentile" | "fallback";
  /** The rule's percentile (0..100). */
  readonly percentile: number;
  /** Values known before this decision (≤ window). */
  readonly samples: number;
}

/** What a signal records for one threshold: the number of a fixed one, or how a rule set it. */
export type RecordedThreshold = number | ThresholdMet;

/** True for a recorded percentile-rule threshold. */
export function isThresholdMet(x: RecordedThreshold | undefined): x is ThresholdMet {
  return typeof x === "object" && x !== null && (x.source === "percentile" || x.source === "fallback");
}

/** The numeric value of a recorded threshold (fixed or rule). */
export function recordedValue(x: RecordedThreshold): number {
  return typeof x === "number" ? x : x.value;
}

/**
 * Where a signal's rule-based thresholds came from, for grouping results: `fixed` when none of
 * them is a percentile rule, `percentile` when every rule met its percentile, `fallback` when
 * every rule was still on its fallback, `mixed` otherwise.
 */
export function thresholdSourceOf(thresholds: Readonly<Record<string, RecordedThreshold>>): "fixed" | "percentile" | "fallback" | "mixed" {
  let percentile = 0;
  let fallback = 0;
  for (const t of Object.values(thresholds)) {
    if (!isThresholdMet(t)) continue;
    if (t.source === "percentile") percentile += 1;
    else fallback += 1;
  }
  if (percentile === 0 && fallback === 0) return "fixed";
  if (fallback === 0) return "percentile";
  if (percentile === 0) return "fallback";
  return "mixed";
}

/** The memo's rule: the 90th percentile of the last 1000 values once 100 exist. */
export const MEMO_PERCENTILE = { percentile: 90, window: 1000, minSamples: 100 } as const;

/** A percentile rule with the memo's window and warm-up and `fallback` (today's fixed number). */
export function percentileRule(fallback: number, percentile: number = MEMO_PERCENTILE.percentile): PercentileRule {
  return { percentile, window: MEMO_PERCENTILE.window, minSamples: MEMO_PERCENTILE.minSamples, fallback };
}

/**
 * The config leaf of a threshold in [min, max] of `unit`: a number, or a percentile rule whose
 * fallback is such a number. `minSamples` must not exceed `window` (it could never be reached).
 */
export function thresholdLeaf(min: number, max: number, unit: string) {
  const allowed = `a number of ${unit} between ${min} and ${max}, or a percentile rule { "percentile": 0..100, "window": values, "minSamples": values ≤ window, "fallback": a number of ${unit} between ${min} and ${max} }`;
  const rule = v.pipe(
    v.strictObject({
      percentile: numberIn(0, 100, "percent"),
      window: integerIn(1, 1_000_000, "values"),
      minSamples: integerIn(1, 1_000_000, "values"),
      fallback: numberIn(min, max, unit),
    }),
    v.check((r) => r.minSamples <= r.window, "minSamples at most window"),
  );
  return v.pipe(v.union([numberIn(min, max, unit), rule], allowed), v.description(allowed));
}

/** A threshold leaf with a default (a number or a rule). */
export function thresholdWithDefault(min: number, max: number, unit: string, value: ThresholdSetting) {
  return v.optional(thresholdLeaf(min, max, unit), value as never);
}

/**
 * The number a setting stands for at configuration time (a fixed number, or a rule's fallback),
 * for cross-field checks (weak ≤ strong) and descriptions.
 */
export function nominal(setting: ThresholdSetting): number {
  return typeof setting === "number" ? setting : setting.fallback;
}

/** A setting for descriptions and reasons: `2` or `p90 of the last 1000 (2 until 100)`. */
export function describeSetting(setting: ThresholdSetting, absolute = false, format: (x: number) => string = String): string {
  if (typeof setting === "number") return format(setting);
  const of = absolute ? "|values|" : "values";
  return `p${setting.percentile} of the last ${setting.window} ${of} (${format(setting.fallback)} until ${setting.minSamples})`;
}

/**
 * Cross-checks a weak/strong pair of settings: both fixed → weak ≤ strong; both rules → the weak
 * percentile ≤ the strong one and the fallbacks ordered the same way; mixed → the weak one's
 * nominal value ≤ the strong one's.
 * @throws ConfigError naming `path.weakKey`.
 */
export function checkOrdered(path: string, weakKey: string, weak: ThresholdSetting, strongKey: string, strong: ThresholdSetting): void {
  if (typeof weak !== "number" && typeof strong !== "number" && weak.percentile > strong.percentile) {
    throw new ConfigError(`${path}.${weakKey}`, weak, `a percentile at most ${strongKey}'s (${strong.percentile})`);
  }
  if (nominal(weak) > nominal(strong)) throw new ConfigError(`${path}.${weakKey}`, weak, `at most ${strongKey} (${describeSetting(strong)})`);
}

/** One decision's threshold: the number to compare against and what the signal records. */
export interface ThresholdReading {
  readonly value: number;
  readonly recorded: RecordedThreshold;
}

/**
 * One configured threshold of one strategy on one market. Fixed: always its number. Rule: the
 * percentile of the values observed before (see {@link decide}). Memory: 2 × window numbers.
 */
export class Threshold {
  readonly setting: ThresholdSetting;
  /** Samples |value| (two-sided thresholds). */
  readonly absolute: boolean;
  private readonly values: RollingPercentile | undefined;

  constructor(setting: ThresholdSetting, options: { readonly absolute?: boolean } = {}) {
    this.setting = setting;
    this.absolute = options.absolute ?? false;
    this.values = typeof setting === "number" ? undefined : new RollingPercentile(setting.window);
  }

  /** True for a percentile rule. */
  get adaptive(): boolean {
    return this.values !== undefined;
  }

  /** Values held (0 for a fixed threshold). */
  get samples(): number {
    return this.values?.size ?? 0;
  }

  /** The threshold in force now, from the values observed so far (none of them the one being judged). */
  current(): ThresholdReading {
    const s = this.setting;
    if (typeof s === "number" || this.values === undefined) return { value: s as number, recorded: s as number };
    const samples = this.values.size;
    const p = samples >= s.minSamples ? this.values.percentile(s.percentile) : undefined;
    const met: ThresholdMet = p === undefined ? { value: s.fallback, source: "fallback", percentile: s.percentile, samples } : { value: p, source: "percentile", percentile: s.percentile, samples };
    return { value: met.value, recorded: met };
  }

  /** Adds one observed value (|value| when two-sided; non-finite values are ignored). */
  observe(value: number): void {
    this.values?.push(this.absolute ? Math.abs(value) : value);
  }

  /**
   * The threshold for judging `value` — computed from the values before it — and then `value`
   * joins the sample. Call once per evaluation, before comparing.
   */
  decide(value: number): ThresholdReading {
    const reading = this.current();
    this.observe(value);
    return reading;
  }
}

/** One decision over several thresholds: the numbers to compare against and what the signal records. */
export interface ThresholdDecision<K extends string> {
  readonly levels: Readonly<Record<K, number>>;
  readonly recorded: Readonly<Record<K, RecordedThreshold>>;
}

/**
 * Several named thresholds of one strategy on one market, decided together: each judges the
 * value of its metric at this evaluation against the values before it (see {@link Threshold.decide}).
 */
export class ThresholdSet<K extends string> {
  private readonly thresholds: Readonly<Record<K, Threshold>>;

  /** @param specs per key: the setting and whether the rule is two-sided (samples |value|). */
  constructor(specs: Readonly<Record<K, { readonly setting: ThresholdSetting; readonly absolute?: boolean }>>) {
    const out = {} as Record<K, Threshold>;
    for (const key of Object.keys(specs) as K[]) {
      const spec = specs[key];
      out[key] = new Threshold(spec.setting, { absolute: spec.absolute ?? false });
    }
    this.thresholds = out;
  }

  /** The thresholds for judging `values` (one per key), from the values before; then `values` join the samples. */
  decide(values: Readonly<Record<K, number>>): ThresholdDecision<K> {
    const levels = {} as Record<K, number>;
    const recorded = {} as Record<K, RecordedThreshold>;
    for (const key of Object.keys(this.thresholds) as K[]) {
      const reading = this.thresholds[key].decide(values[key]);
      levels[key] = reading.value;
      recorded[key] = reading.recorded;
    }
    return { levels, recorded };
  }
}

/** The nominal numbers of a set of settings (a rule's fallback), for pure rule functions and descriptions. */
export function nominalLevels<K extends string>(settings: Readonly<Record<K, ThresholdSetting>>): Record<K, number> {
  const out = {} as Record<K, number>;
  for (const key of Object.keys(settings) as K[]) out[key] = nominal(settings[key]);
  return out;
}
