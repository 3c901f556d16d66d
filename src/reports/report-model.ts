/**
 * The report as data: journal rows in, everything the terminal, JSON, HTML and CSV outputs show
 * out. A thin adapter around `performanceReport` (src/analytics), which computes every figure;
 * this file only gathers its inputs, adds what the outputs need beyond it (chart series, the
 * lifecycle changes a verdict implies, what the journal holds) and never re-computes a statistic.
 * Pure: no I/O, no clock (the CLI reads the journal and passes the rows in).
 */
import { DEFAULT_GATE_CONFIG, maxDrawdown, performanceReport, realisedEquityPoints } from "../analytics/index.ts";
import type { EquityPoint, GateConfig, PerformanceReport, Recommendation } from "../analytics/index.ts";
import type { EquitySnapshot, Outcome } from "../paper/index.ts";
import { transition } from "../strategies/lifecycle.ts";
import type { LifecycleState } from "../strategies/lifecycle.ts";

/** Default capital when neither the flag nor the journal gives one: the paper broker's default, USD. */
export const DEFAULT_STARTING_EQUITY_USD = 10_000;

/** Most points one chart series keeps (an hourly curve over a year has 8 760). */
export const MAX_CHART_POINTS = 2_000;

/** A strategy's current lifecycle state as the journal holds it. */
export interface CurrentLifecycle {
  readonly strategy: string;
  readonly state: LifecycleState;
  /** Since when, ms. */
  readonly sinceMs: number;
}

/** Signals a strategy fired and what the risk layer did with them. */
export interface SignalCounts {
  readonly strategy: string;
  readonly fired: number;
  readonly accepted: number;
  readonly rejected: number;
}

/** Where the starting equity came from (stated in every output). */
export type StartingEquitySource = "flag" | "journal" | "default";

/** Everything the CLI reads from the journal (plus the flag values). */
export interface ReportInput {
  /** Journal file, for the header. */
  readonly journalPath: string;
  readonly startingEquityUsd: number;
  readonly startingEquitySource: StartingEquitySource;
  readonly outcomes: readonly Outcome[];
  /** Account snapshots, oldest first. */
  readonly equity: readonly EquitySnapshot[];
  /** Strategy id → variants tried (journal.variantCount); strategies missing count as 1. */
  readonly variantCounts: Readonly<Record<string, number>>;
  readonly lifecycle: readonly CurrentLifecycle[];
  readonly signals: readonly SignalCounts[];
  /** Positions still open at the end of the journal (not in any figure). */
  readonly openPositions: number;
  /** Gates and bootstrap settings; default `DEFAULT_GATE_CONFIG`. */
  readonly config?: GateConfig | undefined;
}

/** One lifecycle move the verdict implies (`--apply-lifecycle` writes them in order). */
export interface LifecycleStep {
  readonly strategy: string;
  /** Undefined: the strategy has no state yet (its first state may be any). */
  readonly from: LifecycleState | undefined;
  readonly to: LifecycleState;
  /** Decision time written to the journal, ms (see {@link planLifecycle}). */
  readonly tsMs: number;
  readonly reason: string;
}

/** What the verdict means for a strategy's lifecycle. */
export interface LifecyclePlan {
  readonly strategy: string;
  readonly current: LifecycleState | null;
  readonly recommendation: Recommendation;
  /** Moves needed (empty when none, or when the lifecycle does not allow the move: see `note`). */
  readonly steps: readonly LifecycleStep[];
  /** Why nothing moves, when the recommendation differs from the current state. */
  readonly note: string | null;
}

/** A histogram bin of per-trade net P&L: [fromUsd, toUsd), the last bin closed. */
export interface HistogramBin {
  readonly fromUsd: number;
  readonly toUsd: number;
  readonly count: number;
}

/** One line of a chart. */
export interface ChartSeries {
  readonly name: string;
  /** "account" (marked to market) or "realised" (closed trades only). */
  readonly equitySource: "account" | "realised";
  readonly points: readonly EquityPoint[];
}

/** The report as data, JSON-safe: `null` for "not measured" in what this file adds. */
export interface ReportModel {
  readonly journalPath: string;
  readonly startingEquityUsd: number;
  readonly startingEquitySource: StartingEquitySource;
  /** What `performance.conventions.equity` says, per output: which curve each figure comes from. */
  readonly equitySourceNote: string;
  readonly performance: PerformanceReport;
  /** Strategy id → variants tried (the DSR's N, from the journal); "combined" → their sum. */
  readonly variants: Readonly<Record<string, number>>;
  readonly lifecycle: readonly LifecyclePlan[];
  readonly signals: readonly SignalCounts[];
  readonly openPositions: number;
  readonly charts: {
    /** Account curve (or realised when the journal has no snapshots), then one realised curve per strategy. */
    readonly equity: readonly ChartSeries[];
    /** Drawdown of the combined curve, fraction below the running peak (peak starts at the starting equity). */
    readonly drawdown: readonly { readonly tsMs: number; readonly fraction: number }[];
    readonly pnlHistogram: readonly HistogramBin[];
  };
  /** Plain-language notes (no trades, open positions left out, …). */
  readonly notes: readonly string[];
}

/**
 * The starting equity the journal implies: at the first snapshot with no open position, cash =
 * starting equity + Σ net P&L of the positions closed so far (the broker's cash definition), so
 * starting equity = cash − that sum. Undefined without such a snapshot.
 */
export function startingEquityFromJournal(equity: readonly EquitySnapshot[], outcomes: readonly Pick<Outcome, "closedMs" | "pnlUsd">[]): number | undefined {
  const flat = equity.find((s) => s.openPositions === 0);
  if (flat === undefined) return undefined;
  let realised = 0;
  for (const o of outcomes) if (o.closedMs <= flat.tsMs) realised += o.pnlUsd;
  const start = flat.cashUsd - realised;
  return Number.isFinite(start) && start > 0 ? start : undefined;
}

/** Keeps at most `max` points, evenly strided, always the first and the last. */
export function thinPoints<T>(points: readonly T[], max = MAX_CHART_POINTS): T[] {
  if (points.length <= max) return [...points];
  const out: T[] = [];
  const step = (points.length - 1) / (max - 1);
  for (let i = 0; i < max; i += 1) out.push(points[Math.round(i * step)]!);
  return out;
}

/** Drawdown at each point of a curve, the running peak starting at `startingEquityUsd` (as `maxDrawdown` measures it). */
export function drawdownSeries(points: readonly EquityPoint[], startingEquityUsd: number): { tsMs: number; fraction: number }[] {
  let peak = startingEquityUsd;
  return points.map((p) => {
    peak = Math.max(peak, p.equityUsd);
    return { tsMs: p.tsMs, fraction: peak > 0 ? Math.max(0, (peak - p.equityUsd) / peak) : 0 };
  });
}

/**
 * Histogram of per-trade net P&L: ⌈√n⌉ equal-width bins, clamped to 5…40; one bin when every
 * trade has the same P&L; none without trades.
 */
export function pnlHistogram(pnlUsd: readonly number[]): HistogramBin[] {
  if (pnlUsd.length === 0) return [];
  const lo = Math.min(...pnlUsd);
  const hi = Math.max(...pnlUsd);
  if (lo === hi) return [{ fromUsd: lo, toUsd: hi, count: pnlUsd.length }];
  const k = Math.min(40, Math.max(5, Math.ceil(Math.sqrt(pnlUsd.length))));
  const width = (hi - lo) / k;
  const counts = new Array<number>(k).fill(0);
  for (const p of pnlUsd) counts[Math.min(k - 1, Math.floor((p - lo) / width))]! += 1;
  return counts.map((count, i) => ({ fromUsd: lo + i * width, toUsd: i === k - 1 ? hi : lo + (i + 1) * width, count }));
}

/**
 * The lifecycle moves a recommendation implies, following the lifecycle's allowed transitions:
 * - no state yet → the recommended state directly (a first state may be any);
 * - candidate → forward-testing (it has traded), and on to validated when recommended; killed directly;
 * - forward-testing → validated or killed as recommended;
 * - validated → killed only; a validated strategy is not demoted to forward-testing by one report;
 * - killed → nothing: a killed strategy is revived only by hand, as a new candidate.
 * Decision times are the report period's end (event time, so the same journal gives the same
 * writes), moved 1 ms past the current state's time when that is later (the journal refuses a
 * change that goes back in time).
 */
export function planLifecycle(strategy: string, current: CurrentLifecycle | undefined, recommendation: Recommendation, reason: string, decisionMs: number): LifecyclePlan {
  const base = { strategy, current: current?.state ?? null, recommendation };
  const target: LifecycleState = recommendation;
  if (current === undefined) return { ...base, steps: [{ strategy, from: undefined, to: target, tsMs: decisionMs, reason }], note: null };
  if (current.state === target) return { ...base, steps: [], note: null };
  const path: LifecycleState[] = current.state === "candidate" && target === "validated" ? ["forward-testing", "validated"] : [target];
  let from = current.state;
  let ts = Math.max(decisionMs, current.sinceMs + 1);
  const steps: LifecycleStep[] = [];
  for (const to of path) {
    const move = transition(from, to);
    if (!move.ok) return { ...base, steps: [], note: `stays ${current.state}: ${move.reason}` };
    steps.push({ strategy, from, to, tsMs: ts, reason });
    from = to;
    ts += 1;
  }
  return { ...base, steps, note: null };
}

/**
 * Builds the report: figures, verdicts and recommendations from `performanceReport` (trials =
 * the journal's variant count per strategy), plus chart series, lifecycle plans and notes.
 * @throws RangeError when the starting equity is not a positive finite number (the CLI validates the flag).
 */
export function buildReport(input: ReportInput): ReportModel {
  if (!Number.isFinite(input.startingEquityUsd) || input.startingEquityUsd <= 0) {
    throw new RangeError(`startingEquityUsd must be a positive finite number, got ${input.startingEquityUsd}`);
  }
  const strategyIds = [...new Set(input.outcomes.map((o) => o.strategy))].sort();
  const trials = Object.fromEntries(strategyIds.map((id) => [id, Math.max(1, input.variantCounts[id] ?? 1)]));
  const performance = performanceReport({
    startingBalanceUsd: input.startingEquityUsd,
    outcomes: input.outcomes,
    equity: input.equity,
    trials,
    config: input.config ?? DEFAULT_GATE_CONFIG,
  });

  const decisionMs = performance.periodEndMs ?? 0;
  const currentBy = new Map(input.lifecycle.map((l) => [l.strategy, l]));
  const lifecycle = performance.strategies.map((s) =>
    planLifecycle(s.figures.name, currentBy.get(s.figures.name), s.lifecycle?.recommendation ?? "forward-testing", s.lifecycle?.reason ?? s.verdict.reason, decisionMs),
  );

  const combinedPoints: EquityPoint[] =
    input.equity.length > 0
      ? input.equity.map((s) => ({ tsMs: s.tsMs, equityUsd: s.equityUsd }))
      : realisedEquityPoints(input.outcomes, input.startingEquityUsd);
  const equity: ChartSeries[] = [
    { name: "combined", equitySource: performance.combined.figures.equitySource, points: thinPoints(combinedPoints) },
    ...performance.strategies.map((s) => ({
      name: s.figures.name,
      equitySource: s.figures.equitySource,
      points: thinPoints(s.figures.daily.dayStartMs.map((d, i) => ({ tsMs: d, equityUsd: s.figures.daily.equityUsd[i]! }))),
    })),
  ];
  // The drawdown chart uses every snapshot (the figure does too), thinned only for drawing.
  const drawdown = thinPoints(drawdownSeries(combinedPoints, input.startingEquityUsd));

  const notes: string[] = [];
  if (input.outcomes.length === 0) notes.push("no closed trades in this journal: there is nothing to judge yet");
  if (input.equity.length === 0 && input.outcomes.length > 0) notes.push("the journal has no equity snapshots: the combined curve is realised-only too");
  if (input.openPositions > 0) notes.push(`${input.openPositions} position(s) still open at the end of the journal: their P&L is in the account curve, not in any trade figure`);
  if (input.startingEquitySource === "default") notes.push(`starting equity not given and not derivable from the journal: assumed ${DEFAULT_STARTING_EQUITY_USD} USD (use --starting-equity)`);
  // Sanity: the drawdown series must agree with the analytics figure (same curve, same rule).
  const ddCheck = maxDrawdown(combinedPoints, input.startingEquityUsd).fraction;
  if (Math.abs(ddCheck - performance.combined.figures.maxDrawdown.fraction) > 1e-12) {
    notes.push(`drawdown chart (${ddCheck}) and figure (${performance.combined.figures.maxDrawdown.fraction}) disagree: please report this`);
  }

  return {
    journalPath: input.journalPath,
    startingEquityUsd: input.startingEquityUsd,
    startingEquitySource: input.startingEquitySource,
    equitySourceNote: `combined: ${performance.combined.figures.equitySource === "account" ? "account snapshots, marked to market" : "realised P&L only (no snapshots)"}; per strategy: realised P&L only (no mark-to-market of open positions), each on the starting equity`,
    performance,
    variants: { ...trials, combined: Object.values(trials).reduce((a, b) => a + b, 0) || 1 },
    lifecycle,
    signals: input.signals,
    openPositions: input.openPositions,
    charts: { equity, drawdown, pnlHistogram: pnlHistogram(input.outcomes.map((o) => o.pnlUsd)) },
    notes,
  };
}
