import * as v from "valibot";
import { ConfigError } from "../core/index.ts";

/**
 * Gates: the thresholds a strategy must beat. Every criterion is optional (absent = not
 * checked). Comparisons are strict as in the memo: win rate > min, profit factor > min,
 * Sharpe > min, max drawdown < max; trades ≥ min.
 */
export interface GateThresholds {
  /** Win rate must exceed this fraction. */
  readonly minWinRate?: number | undefined;
  /** Profit factor must exceed this. */
  readonly minProfitFactor?: number | undefined;
  /** Annualised Sharpe of daily returns must exceed this. */
  readonly minSharpe?: number | undefined;
  /** Maximum drawdown (fraction of peak equity) must stay below this. */
  readonly maxDrawdown?: number | undefined;
  /** At least this many trades (the confidence-aware verdict counts effective trades). */
  readonly minTrades?: number | undefined;
}

/** The memo's target metrics before going live (section VII): WR > 55 %, PF > 1.5, Sharpe > 1.5, MDD < 10 %, ≥ 30 trades. */
export const GENERAL_GATE: GateThresholds = { minWinRate: 0.55, minProfitFactor: 1.5, minSharpe: 1.5, maxDrawdown: 0.1, minTrades: 30 };

/**
 * The memo's phase-1 success criteria for basis arbitrage (section V): WR > 70 %, PF > 2.0,
 * Sharpe > 2.0. The memo's sample-size rule (≥ 30 trades per strategy) applies here too;
 * phase 1 sets no drawdown limit.
 */
export const PHASE1_BASIS_GATE: GateThresholds = { minWinRate: 0.7, minProfitFactor: 2, minSharpe: 2, minTrades: 30 };

/** Validated gate configuration (`analytics` section). */
export interface GateConfig {
  /** Named gates. */
  readonly gates: Readonly<Record<string, GateThresholds>>;
  /** Strategy id → gate name; strategies not listed use `defaultGate`. */
  readonly byStrategy: Readonly<Record<string, string>>;
  readonly defaultGate: string;
  /** PSR (and DSR) needed for a confident Sharpe pass. Default 0.95. */
  readonly psrConfidence: number;
  /** Two-sided bootstrap coverage; its lower bound is a one-sided (1 + c)/2 bound. Default 0.9. */
  readonly bootstrapConfidence: number;
  /** Bootstrap resamples. Default 2000. */
  readonly resamples: number;
  /** Bootstrap PRNG seed. Default 1. */
  readonly seed: number;
  /** Kill when the upper bound of the annualised Sharpe interval is below this (after ≥ minTrades trades). Default 0. */
  readonly killSharpeUpperBelow: number;
}

const num = (min: number, max: number, what: string) => {
  const allowed = `${what}, a number between ${min} and ${max}`;
  return v.optional(v.pipe(v.number(allowed), v.finite(allowed), v.minValue(min, allowed), v.maxValue(max, allowed)));
};
const int = (min: number, max: number, what: string) => {
  const allowed = `${what}, an integer between ${min} and ${max}`;
  return v.pipe(v.number(allowed), v.integer(allowed), v.minValue(min, allowed), v.maxValue(max, allowed));
};

const THRESHOLDS = v.strictObject({
  minWinRate: num(0, 1, "win rate as a fraction (0.55 = 55 %)"),
  minProfitFactor: num(0, 1000, "profit factor"),
  minSharpe: num(-100, 100, "annualised Sharpe"),
  maxDrawdown: num(0, 1, "drawdown as a fraction (0.1 = 10 %)"),
  minTrades: v.optional(int(0, 1_000_000, "number of trades")),
});

const GATE_NAME = "a gate name: letters, digits, '-' or '_'";
const SCHEMA = v.strictObject({
  gates: v.optional(v.record(v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]+$/, GATE_NAME)), THRESHOLDS), {}),
  byStrategy: v.optional(v.record(v.string(), v.string(GATE_NAME)), {}),
  defaultGate: v.optional(v.string(GATE_NAME), "general"),
  psrConfidence: v.optional(v.pipe(v.number(), v.finite(), v.minValue(0.5, "a probability between 0.5 and 0.9999"), v.maxValue(0.9999, "a probability between 0.5 and 0.9999")), 0.95),
  bootstrapConfidence: v.optional(v.pipe(v.number(), v.finite(), v.minValue(0.5, "a coverage between 0.5 and 0.999"), v.maxValue(0.999, "a coverage between 0.5 and 0.999")), 0.9),
  resamples: v.optional(int(100, 100_000, "bootstrap resamples"), 2000),
  seed: v.optional(int(0, 4_294_967_295, "PRNG seed"), 1),
  killSharpeUpperBelow: v.optional(v.pipe(v.number("annualised Sharpe"), v.finite("annualised Sharpe")), 0),
});

/** Built-in gates, always present; the configuration may override or add. */
export const DEFAULT_GATES: Readonly<Record<string, GateThresholds>> = { general: GENERAL_GATE, "phase1-basis": PHASE1_BASIS_GATE };

/** Built-in assignment: basis arbitrage is judged by the phase-1 gate. */
export const DEFAULT_GATE_ASSIGNMENT: Readonly<Record<string, string>> = { "basis-arbitrage": "phase1-basis" };

/**
 * Validates the gate configuration; missing keys take the defaults above.
 * @param path config path of the section, for error messages.
 * @throws ConfigError naming the key, the value and what is allowed (unknown keys and unknown gate names too).
 */
export function parseGateConfig(input: unknown, path = "analytics"): GateConfig {
  const result = v.safeParse(SCHEMA, input ?? {});
  if (!result.success) {
    const issue = result.issues[0];
    const dot = v.getDotPath(issue);
    const key = dot === null || dot === "" ? path : `${path}.${dot}`;
    if (issue.type === "strict_object") throw new ConfigError(key, issue.path?.at(-1)?.value, "not a known key of this section");
    throw new ConfigError(key, issue.input, issue.message);
  }
  const o = result.output;
  const gates: Record<string, GateThresholds> = { ...DEFAULT_GATES };
  for (const [name, thresholds] of Object.entries(o.gates)) gates[name] = { ...(DEFAULT_GATES[name] ?? {}), ...thresholds };
  const byStrategy = { ...DEFAULT_GATE_ASSIGNMENT, ...o.byStrategy };
  const known = Object.keys(gates).join(", ");
  for (const [strategy, gate] of Object.entries(byStrategy)) {
    if (gates[gate] === undefined) throw new ConfigError(`${path}.byStrategy.${strategy}`, gate, `one of the gates: ${known}`);
  }
  if (gates[o.defaultGate] === undefined) throw new ConfigError(`${path}.defaultGate`, o.defaultGate, `one of the gates: ${known}`);
  return { ...o, gates, byStrategy };
}

/** The defaults (`parseGateConfig({})`). */
export const DEFAULT_GATE_CONFIG: GateConfig = parseGateConfig({});

/** The gate that judges `strategy`: its assigned gate, or the default gate. */
export function gateFor(config: GateConfig, strategy: string): { readonly name: string; readonly thresholds: GateThresholds } {
  const name = config.byStrategy[strategy] ?? config.defaultGate;
  return { name, thresholds: config.gates[name] ?? GENERAL_GATE };
}
