import type { EquitySnapshot, Outcome } from "../paper/index.ts";
import { CONVENTIONS } from "./conventions.ts";
import { correlationMatrix } from "./correlation.ts";
import type { CorrelationMatrix } from "./correlation.ts";
import type { MarketCorrelation } from "./effective-sample-size.ts";
import { DEFAULT_GATE_CONFIG, gateFor } from "./gates.ts";
import type { GateConfig } from "./gates.ts";
import { recommendLifecycle } from "./lifecycle-recommendation.ts";
import type { LifecycleRecommendation } from "./lifecycle-recommendation.ts";
import { performanceFigures } from "./performance-figures.ts";
import type { PerformanceFigures } from "./performance-figures.ts";
import { realisedEquityPoints } from "./realised-equity.ts";
import { evaluateGate } from "./verdict.ts";
import type { GateVerdict } from "./verdict.ts";

/** Everything the report needs; the CLI reads it from the journal. */
export interface PerformanceInput {
  /** Account capital before the first snapshot, USD (> 0). */
  readonly startingBalanceUsd: number;
  readonly outcomes: readonly Outcome[];
  /** Account equity snapshots (mark-to-market); empty → the combined curve is realised-only too. */
  readonly equity: readonly EquitySnapshot[];
  /** Covered period, ms; default from the first snapshot or opened position to the last snapshot or close. */
  readonly periodStartMs?: number | undefined;
  readonly periodEndMs?: number | undefined;
  /** Strategy id → number of variants tried (the journal counts them). Default 1 each. */
  readonly trials?: Readonly<Record<string, number>> | undefined;
  /** Variants tried of all strategies, the combined selection's N (a trial registry counts them). Default the sum of `trials`. */
  readonly combinedTrials?: number | undefined;
  /** Strategy id → per-day Sharpe of each variant tried. */
  readonly trialSharpes?: Readonly<Record<string, readonly number[]>> | undefined;
  readonly correlation?: MarketCorrelation | undefined;
  readonly config?: GateConfig | undefined;
  /**
   * Each strategy's own book: the account it traded alone (its outcomes and its account
   * snapshots, from `startingBalanceUsd`, default the combined one's). A strategy with a book is
   * judged on it, marked to market; one without (a journal from before books) on its outcomes in
   * `outcomes`, realised only.
   */
  readonly strategyBooks?: Readonly<Record<string, StrategyBookInput>> | undefined;
}

/** One strategy's own paper book, as {@link PerformanceInput.strategyBooks} takes it. */
export interface StrategyBookInput {
  readonly outcomes: readonly Outcome[];
  readonly equity: readonly EquitySnapshot[];
  readonly startingBalanceUsd?: number | undefined;
}

/** Figures, verdict and (for a strategy) the lifecycle recommendation. */
export interface StrategyReport {
  readonly figures: PerformanceFigures;
  readonly verdict: GateVerdict;
  /** Undefined for the combined account. */
  readonly lifecycle: LifecycleRecommendation | undefined;
}

/** The whole report as data (JSON-safe). */
export interface PerformanceReport {
  readonly conventions: typeof CONVENTIONS;
  readonly periodStartMs: number | undefined;
  readonly periodEndMs: number | undefined;
  readonly combined: StrategyReport;
  /** One per strategy, sorted by id. */
  readonly strategies: readonly StrategyReport[];
  /** Daily P&L correlation between strategies (memo: want |ρ| < 0.6). */
  readonly dailyPnlCorrelation: CorrelationMatrix;
}

function period(input: PerformanceInput): { startMs: number | undefined; endMs: number | undefined } {
  const starts = [...input.equity.map((e) => e.tsMs), ...input.outcomes.map((o) => o.openedMs)];
  const ends = [...input.equity.map((e) => e.tsMs), ...input.outcomes.map((o) => o.closedMs)];
  return {
    startMs: input.periodStartMs ?? (starts.length > 0 ? Math.min(...starts) : undefined),
    endMs: input.periodEndMs ?? (ends.length > 0 ? Math.max(...ends) : undefined),
  };
}

/**
 * Builds the performance report: combined figures from the account snapshots, per-strategy
 * figures from each strategy's own book (its account snapshots; realised P&L of the combined
 * book's trades when a journal has no books), all over one common period so their days align, the gate verdict
 * of each, the lifecycle recommendations and the daily P&L correlation matrix. Pure and
 * deterministic (bootstrap seeded from the config).
 */
export function performanceReport(input: PerformanceInput): PerformanceReport {
  const config = input.config ?? DEFAULT_GATE_CONFIG;
  const { startMs, endMs } = period(input);
  const common = {
    startingBalanceUsd: input.startingBalanceUsd,
    periodStartMs: startMs ?? 0,
    periodEndMs: endMs ?? -1,
    correlation: input.correlation,
    resamples: config.resamples,
    bootstrapConfidence: config.bootstrapConfidence,
    seed: config.seed,
  };
  const judge = (figures: PerformanceFigures, strategy: string | undefined): StrategyReport => {
    const gate = strategy === undefined ? { name: config.defaultGate, thresholds: config.gates[config.defaultGate] ?? {} } : gateFor(config, strategy);
    const verdict = evaluateGate(figures, gate.name, gate.thresholds, config);
    const lifecycle = strategy === undefined ? undefined : recommendLifecycle(figures, verdict, gate.thresholds.minTrades ?? 30, config.killSharpeUpperBelow);
    return { figures, verdict, lifecycle };
  };

  const accountCurve = input.equity.length > 0;
  const combined = performanceFigures({
    ...common,
    name: "combined",
    outcomes: input.outcomes,
    equity: accountCurve ? input.equity : realisedEquityPoints(input.outcomes, input.startingBalanceUsd),
    equitySource: accountCurve ? "account" : "realised",
    trials: Math.max(1, input.combinedTrials ?? Object.values(input.trials ?? {}).reduce((a, b) => a + b, 0)),
  });

  const byStrategy = new Map<string, Outcome[]>();
  for (const o of input.outcomes) {
    const list = byStrategy.get(o.strategy) ?? [];
    list.push(o);
    byStrategy.set(o.strategy, list);
  }
  const books = input.strategyBooks ?? {};
  const ids = new Set([...byStrategy.keys(), ...Object.entries(books).filter(([, b]) => b.outcomes.length > 0).map(([id]) => id)]);
  const strategies = [...ids].sort().map((id) => {
    const book = books[id];
    const outcomes = book?.outcomes ?? byStrategy.get(id) ?? [];
    const startingBalanceUsd = book?.startingBalanceUsd ?? input.startingBalanceUsd;
    const marked = book !== undefined && book.equity.length > 0;
    const figures = performanceFigures({
      ...common,
      startingBalanceUsd,
      name: id,
      outcomes,
      equity: marked ? book.equity : realisedEquityPoints(outcomes, startingBalanceUsd),
      equitySource: marked ? "account" : "realised",
      trials: input.trials?.[id],
      trialSharpes: input.trialSharpes?.[id],
    });
    return judge(figures, id);
  });
  const dailyPnlCorrelation = correlationMatrix(new Map(strategies.map((s) => [s.figures.name, s.figures.daily.pnlUsd])));
  return { conventions: CONVENTIONS, periodStartMs: startMs, periodEndMs: endMs, combined: judge(combined, undefined), strategies, dailyPnlCorrelation };
}
