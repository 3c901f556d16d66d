/**
 * The report as data: journal rows in, everything the terminal, JSON, HTML and CSV outputs show
 * out. A thin adapter around `performanceReport` (src/analytics), which computes every figure;
 * this file only gathers its inputs, adds what the outputs need beyond it (chart series, the
 * lifecycle changes a verdict implies, what the journal holds) and never re-computes a statistic.
 * Pure: no I/O, no clock (the CLI reads the journal and passes the rows in).
 */
import { DEFAULT_GATE_CONFIG, applyWindow, maxDrawdown, performanceReport, realisedEquityPoints } from "../analytics/index.ts";
import type { EquityPoint, GateConfig, PerformanceReport, PeriodBasis, Recommendation, ReportWindow, StrategyBookInput, WindowedInput } from "../analytics/index.ts";
import type { EquitySnapshot, Outcome } from "../paper/index.ts";
import { DAY_MS } from "../core/index.ts";
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

/** What one book did with a strategy's signals. */
export interface DecisionCounts {
  readonly accepted: number;
  readonly rejected: number;
  /** Refusals by decision code (`above_max_notional`, `cooldown`, `shadow`, …), for every signal not accepted. */
  readonly refusedByCode: Readonly<Record<string, number>>;
}

/**
 * Signals a strategy fired and what the books did with them: the combined book (the top-level
 * counts, every strategy in one account) and the strategy's own book (`own`; null in a journal
 * from before books).
 */
export interface SignalCounts extends DecisionCounts {
  readonly strategy: string;
  readonly fired: number;
  readonly own: DecisionCounts | null;
}

/**
 * Strategies that fired but never had a signal accepted in their own book (the combined book's
 * when the journal has no books): a setting refuses them all, or they only ever cooled down.
 */
export function firedNeverTraded(signals: readonly SignalCounts[]): SignalCounts[] {
  return signals.filter((s) => s.fired > 0 && (s.own ?? s).accepted === 0);
}

/** `code ×n, code ×n`, most frequent first (ties by code), for a book's refusals of a strategy. */
export function refusalSummary(counts: DecisionCounts): string {
  return Object.entries(counts.refusedByCode)
    .sort(([a, x], [b, y]) => y - x || (a < b ? -1 : a > b ? 1 : 0))
    .map(([code, n]) => `${code} ×${n}`)
    .join(", ");
}

/** Where a signal's thresholds came from (see `thresholdSourceOf` in src/strategies/threshold.ts). */
export type ThresholdSource = "fixed" | "percentile" | "fallback" | "mixed";

/** A strategy's closed trades (in its own book) grouped by where the thresholds of their signals came from. */
export interface ThresholdSourceRow {
  readonly strategy: string;
  readonly source: ThresholdSource;
  readonly trades: number;
  readonly wins: number;
  /** wins / trades. */
  readonly winRate: number;
  readonly pnlUsd: number;
}

/** Where the starting equity came from (stated in every output). */
export type StartingEquitySource = "flag" | "journal" | "default";

/** Where the deflated Sharpe ratio's N came from (stated in every output). */
export interface TrialsSource {
  /** "registry": the trial registry (with the journal's own variants); "journal": the journal's variants only. */
  readonly source: "registry" | "journal";
  /** The registry file (read, or looked for and not found); null when none was looked for. */
  readonly registryPath: string | null;
  /** Journals whose variants the registry holds; null without a registry. */
  readonly journals: number | null;
}

/**
 * Whether the journal holds its whole run. A replay interrupted before its last batch (its
 * checkpoint not `complete`) has judged only a prefix of its inputs: every verdict is provisional.
 */
export interface Completeness {
  readonly complete: boolean;
  /** Why the verdicts are provisional (null when complete). */
  readonly reason: string | null;
}

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
  /** Restrict every figure to [fromMs, toMs) (see `applyWindow`); default: the whole journal. */
  readonly window?: ReportWindow | undefined;
  /** What the window rests on and why (`resolveReportWindow`); default: the flags if any, else the journal's records. */
  readonly periodBasis?: { readonly basis: PeriodBasis; readonly why: string } | undefined;
  /** Variants tried of all strategies (the combined selection's N); default the sum over the reported strategies. */
  readonly combinedTrials?: number | undefined;
  /** Where the variant counts came from; default the journal's. */
  readonly trialsSource?: TrialsSource | undefined;
  /** Default complete. */
  readonly completeness?: Completeness | undefined;
  /**
   * Each strategy's own book (its outcomes and account snapshots, from the same starting
   * equity): the strategy's figures and verdict come from it. Absent (a journal from before
   * books): from its trades in the combined book, realised only.
   */
  readonly books?: Readonly<Record<string, { readonly outcomes: readonly Outcome[]; readonly equity: readonly EquitySnapshot[] }>> | undefined;
  /** Signal id → where its thresholds came from; the report groups each strategy's trades by it. Default none (no grouping). */
  readonly thresholdSources?: ReadonlyMap<string, ThresholdSource> | undefined;
}

/** The period the figures cover, stated first in every output. */
export interface ReportPeriod {
  /** First and last instant of the daily series, ms, and the same as ISO 8601 UTC; null without data. */
  readonly startMs: number | null;
  readonly endMs: number | null;
  readonly startUtc: string | null;
  readonly endUtc: string | null;
  /** UTC days in the daily series (the annualisation's n). */
  readonly days: number;
  /** The `--from` / `--to` window, ms ([from, to)); null when that side is the journal's own. */
  readonly fromMs: number | null;
  readonly toMs: number | null;
  /** Equity the figures are measured from, USD: the starting equity, or the account's equity at the window start. */
  readonly startingEquityUsd: number;
  /** Where that came from: "journal start" (the starting equity), "account snapshot" (last one before the window), "realised" (starting equity + P&L closed before the window). */
  readonly startingEquitySource: WindowedInput["startingBalanceSource"];
  /** One line for the outputs, e.g. "2025-07-21 00:00 → 2025-07-26 23:59 UTC (6 days; window --from 2025-07-21 --to 2025-07-26)". */
  readonly text: string;
  /** What the period rests on: the flags ("window"), the market data's span ("data"), or the journal's records ("records"). */
  readonly basis: PeriodBasis;
  /** Why this period, in words. */
  readonly why: string;
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
  /** The period every figure covers (and the equity it starts from). */
  readonly period: ReportPeriod;
  /** Account capital at the journal's start, USD (the flag, the journal or the default). */
  readonly startingEquityUsd: number;
  readonly startingEquitySource: StartingEquitySource;
  /** What `performance.conventions.equity` says, per output: which curve each figure comes from. */
  readonly equitySourceNote: string;
  readonly performance: PerformanceReport;
  /** Strategy id → variants tried (the DSR's N); "combined" → variants of all strategies (the combined selection's N). */
  readonly variants: Readonly<Record<string, number>>;
  /** Where `variants` came from. */
  readonly trials: TrialsSource & { readonly text: string };
  /** Whether the journal holds its whole run; if not, every verdict and lifecycle move is provisional. */
  readonly completeness: Completeness;
  readonly lifecycle: readonly LifecyclePlan[];
  readonly signals: readonly SignalCounts[];
  /**
   * Each strategy's trades (its own book's; the combined book's in a journal without books) by
   * where the thresholds of their signals came from: a percentile rule met (`percentile`), a rule
   * still on its fallback (`fallback`), fixed numbers (`fixed`), or some of each (`mixed`).
   */
  readonly thresholdSources: readonly ThresholdSourceRow[];
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

const SOURCE_ORDER: readonly ThresholdSource[] = ["fixed", "fallback", "percentile", "mixed"];

/** Trades per strategy and threshold source (strategies in the given order, sources fixed → fallback → percentile → mixed). */
export function groupByThresholdSource(byStrategy: readonly (readonly Outcome[])[], sources: ReadonlyMap<string, ThresholdSource> | undefined): ThresholdSourceRow[] {
  if (sources === undefined) return [];
  const rows: ThresholdSourceRow[] = [];
  for (const outcomes of byStrategy) {
    const groups = new Map<ThresholdSource, { trades: number; wins: number; pnlUsd: number }>();
    for (const o of outcomes) {
      const source = sources.get(o.signalId) ?? "fixed";
      const g = groups.get(source) ?? { trades: 0, wins: 0, pnlUsd: 0 };
      g.trades += 1;
      if (o.pnlUsd > 0) g.wins += 1;
      g.pnlUsd += o.pnlUsd;
      groups.set(source, g);
    }
    const strategy = outcomes[0]?.strategy;
    if (strategy === undefined) continue;
    for (const source of SOURCE_ORDER) {
      const g = groups.get(source);
      if (g !== undefined) rows.push({ strategy, source, trades: g.trades, wins: g.wins, winRate: g.wins / g.trades, pnlUsd: g.pnlUsd });
    }
  }
  return rows;
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

/** The trials sentence of every output: N per strategy and combined, and where it came from. */
function trialsText(source: TrialsSource, trials: Readonly<Record<string, number>>, combinedTrials: number | undefined): string {
  const per = Object.entries(trials).map(([s, n]) => `${s} ${n}`).join(", ");
  const combined = Math.max(1, combinedTrials ?? Object.values(trials).reduce((a, b) => a + b, 0));
  const from =
    source.source === "registry"
      ? `the trial registry ${source.registryPath ?? ""} (variants of ${source.journals ?? 0} journal${source.journals === 1 ? "" : "s"}, and this journal's own)`
      : `this journal's variants only${source.registryPath === null ? "" : ` (no trial registry at ${source.registryPath})`}`;
  return `${per === "" ? "" : `${per}; `}combined selection ${combined} (all strategies); from ${from}`;
}

/** ISO 8601 UTC of `ms`, or null. */
const iso = (ms: number | undefined): string | null => (ms === undefined ? null : new Date(ms).toISOString());

/** A window end as the flag would give it: a UTC midnight as its date (`--to` is the last day included), else ISO. */
function flagDate(ms: number, isTo: boolean): string {
  const shifted = isTo ? ms - DAY_MS : ms;
  return ms % DAY_MS === 0 ? new Date(shifted).toISOString().slice(0, 10) : new Date(ms).toISOString();
}

/** The period every output states first. */
function reportPeriod(performance: PerformanceReport, window: ReportWindow, w: WindowedInput, basis: { readonly basis: PeriodBasis; readonly why: string }): ReportPeriod {
  const startMs = performance.periodStartMs;
  const endMs = performance.periodEndMs;
  const days = performance.combined.figures.daily.dayStartMs.length;
  const short = (ms: number | undefined) => (ms === undefined ? "n/a" : new Date(ms).toISOString().slice(0, 16).replace("T", " "));
  const flags = [
    ...(window.fromMs === undefined ? [] : [`--from ${flagDate(window.fromMs, false)}`]),
    ...(window.toMs === undefined ? [] : [`--to ${flagDate(window.toMs, true)}`]),
  ];
  const scope = basis.basis === "data" ? "market data span" : flags.length === 0 ? "whole journal" : `window ${flags.join(" ")}`;
  return {
    startMs: startMs ?? null,
    endMs: endMs ?? null,
    startUtc: iso(startMs),
    endUtc: iso(endMs),
    days,
    fromMs: window.fromMs ?? null,
    toMs: window.toMs ?? null,
    startingEquityUsd: w.startingBalanceUsd,
    startingEquitySource: w.startingBalanceSource,
    text: `${short(startMs)} → ${short(endMs)} UTC (${days} day${days === 1 ? "" : "s"}; ${scope})`,
    basis: basis.basis,
    why: basis.why,
  };
}

/**
 * Builds the report: figures, verdicts and recommendations from `performanceReport` (trials =
 * the journal's variant count per strategy), plus chart series, lifecycle plans and notes.
 * With `input.window` every figure, curve and chart covers only the window (`applyWindow`:
 * trades closed in it, snapshots in it, returns from the account's equity at its start).
 * @throws RangeError when the starting equity (or the equity at the window start) is not a
 *   positive finite number, or the window is empty (the CLI validates its flags first).
 */
export function buildReport(input: ReportInput): ReportModel {
  if (!Number.isFinite(input.startingEquityUsd) || input.startingEquityUsd <= 0) {
    throw new RangeError(`startingEquityUsd must be a positive finite number, got ${input.startingEquityUsd}`);
  }
  const window = input.window ?? {};
  const w = applyWindow({ startingBalanceUsd: input.startingEquityUsd, outcomes: input.outcomes, equity: input.equity }, window);
  if (!Number.isFinite(w.startingBalanceUsd) || w.startingBalanceUsd <= 0) {
    throw new RangeError(`the account's equity at the window start must be positive to measure returns from, got ${w.startingBalanceUsd} USD (${w.startingBalanceSource})`);
  }
  const outcomes = w.outcomes;
  const completeness: Completeness = input.completeness ?? { complete: true, reason: null };
  const trialsSource: TrialsSource = input.trialsSource ?? { source: "journal", registryPath: null, journals: null };
  // Each strategy's own book over the same window, measured from its own equity at the window start.
  const books: Record<string, StrategyBookInput> = {};
  for (const [id, book] of Object.entries(input.books ?? {})) {
    const bw = applyWindow({ startingBalanceUsd: input.startingEquityUsd, outcomes: book.outcomes, equity: book.equity }, window);
    if (!Number.isFinite(bw.startingBalanceUsd) || bw.startingBalanceUsd <= 0) {
      throw new RangeError(`${id}'s own book has equity ${bw.startingBalanceUsd} USD at the window start (${bw.startingBalanceSource}): no returns can be measured from it`);
    }
    books[id] = { outcomes: bw.outcomes, equity: bw.equity, startingBalanceUsd: bw.startingBalanceUsd };
  }
  const hasBooks = input.books !== undefined;
  const strategyIds = [...new Set([...outcomes.map((o) => o.strategy), ...Object.entries(books).filter(([, b]) => b.outcomes.length > 0).map(([id]) => id)])].sort();
  const trials = Object.fromEntries(strategyIds.map((id) => [id, Math.max(1, input.variantCounts[id] ?? 1)]));
  const performance = performanceReport({
    startingBalanceUsd: w.startingBalanceUsd,
    outcomes,
    equity: w.equity,
    periodStartMs: w.periodStartMs,
    periodEndMs: w.periodEndMs,
    trials,
    combinedTrials: input.combinedTrials,
    config: input.config ?? DEFAULT_GATE_CONFIG,
    ...(hasBooks ? { strategyBooks: books } : {}),
  });

  const decisionMs = performance.periodEndMs ?? 0;
  const currentBy = new Map(input.lifecycle.map((l) => [l.strategy, l]));
  const lifecycle = performance.strategies.map((s) =>
    planLifecycle(s.figures.name, currentBy.get(s.figures.name), s.lifecycle?.recommendation ?? "forward-testing", s.lifecycle?.reason ?? s.verdict.reason, decisionMs),
  );

  const combinedPoints: EquityPoint[] =
    w.equity.length > 0 ? w.equity.map((s) => ({ tsMs: s.tsMs, equityUsd: s.equityUsd })) : realisedEquityPoints(outcomes, w.startingBalanceUsd);
  const equity: ChartSeries[] = [
    { name: "combined", equitySource: performance.combined.figures.equitySource, points: thinPoints(combinedPoints) },
    ...performance.strategies.map((s) => ({
      name: s.figures.name,
      equitySource: s.figures.equitySource,
      points: thinPoints(s.figures.daily.dayStartMs.map((d, i) => ({ tsMs: d, equityUsd: s.figures.daily.equityUsd[i]! }))),
    })),
  ];
  // The drawdown chart uses every snapshot (the figure does too), thinned only for drawing.
  const drawdown = thinPoints(drawdownSeries(combinedPoints, w.startingBalanceUsd));

  const basis = input.periodBasis ?? {
    basis: window.fromMs !== undefined || window.toMs !== undefined ? ("window" as const) : ("records" as const),
    why: window.fromMs !== undefined || window.toMs !== undefined ? "the --from/--to window" : "first equity snapshot or opening to last snapshot or close",
  };
  const windowed = basis.basis === "window";
  const notes: string[] = [];
  if (outcomes.length === 0) notes.push(windowed ? "no trades closed in the window: there is nothing to judge in it" : "no closed trades in this journal: there is nothing to judge yet");
  if (w.equity.length === 0 && outcomes.length > 0) notes.push(`the journal has no equity snapshots${windowed ? " in the window" : ""}: the combined curve is realised-only too`);
  if (w.closedBefore + w.closedAfter > 0) notes.push(`${basis.basis === "data" ? "period" : "window"}: ${w.closedBefore} trade(s) closed before it and ${w.closedAfter} at or after its end are left out of every figure`);
  if (w.openedBefore > 0) notes.push(`${basis.basis === "data" ? "period" : "window"}: ${w.openedBefore} trade(s) opened before the window start and closed in it count whole (their P&L before the start included)`);
  if (input.openPositions > 0) notes.push(`${input.openPositions} position(s) still open at the end of the journal: their P&L is in the account curve, not in any trade figure`);
  if (input.startingEquitySource === "default") notes.push(`starting equity not given and not derivable from the journal: assumed ${DEFAULT_STARTING_EQUITY_USD} USD (use --starting-equity)`);
  // Sanity: the drawdown series must agree with the analytics figure (same curve, same rule).
  const ddCheck = maxDrawdown(combinedPoints, w.startingBalanceUsd).fraction;
  if (Math.abs(ddCheck - performance.combined.figures.maxDrawdown.fraction) > 1e-12) {
    notes.push(`drawdown chart (${ddCheck}) and figure (${performance.combined.figures.maxDrawdown.fraction}) disagree: please report this`);
  }

  return {
    journalPath: input.journalPath,
    period: reportPeriod(performance, window, w, basis),
    startingEquityUsd: input.startingEquityUsd,
    startingEquitySource: input.startingEquitySource,
    equitySourceNote: `combined: ${performance.combined.figures.equitySource === "account" ? "account snapshots, marked to market" : "realised P&L only (no snapshots)"}; per strategy: ${
      hasBooks
        ? "its own book (it alone trading its own account from the same starting equity), account snapshots marked to market"
        : "realised P&L only (no mark-to-market of open positions) of its trades in the combined book, each on the starting equity (a journal from before per-strategy books)"
    }`,
    performance,
    variants: { ...trials, combined: performance.combined.figures.deflated?.trials ?? Math.max(1, input.combinedTrials ?? Object.values(trials).reduce((a, b) => a + b, 0)) },
    trials: { ...trialsSource, text: trialsText(trialsSource, trials, input.combinedTrials) },
    completeness,
    lifecycle,
    signals: input.signals,
    thresholdSources: groupByThresholdSource(strategyIds.map((id) => books[id]?.outcomes ?? outcomes.filter((o) => o.strategy === id)), input.thresholdSources),
    openPositions: input.openPositions,
    charts: { equity, drawdown, pnlHistogram: pnlHistogram(outcomes.map((o) => o.pnlUsd)) },
    notes,
  };
}
