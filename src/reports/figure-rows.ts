/**
 * The per-strategy figure table as text cells, shared by the terminal and HTML outputs so both
 * print the same numbers the same way. Pure.
 */
import { MIN_BOOTSTRAP_UNITS } from "../analytics/index.ts";
import type { BootstrapInterval, CriterionResult, StrategyReport } from "../analytics/index.ts";
import type { ReportModel } from "./report-model.ts";

/** One row: a label and one cell per column (strategies, then combined). */
export interface FigureRow {
  readonly label: string;
  readonly cells: readonly string[];
}

const NA = "n/a";

/** `x` with `digits` decimals and thousands separators; "n/a" when undefined. */
export function num(x: number | undefined | null, digits = 2): string {
  if (x === undefined || x === null) return NA;
  return x.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** A fraction as a percentage ("12.34 %"). */
export function pct(x: number | undefined | null, digits = 2): string {
  return x === undefined || x === null ? NA : `${num(x * 100, digits)} %`;
}

/** USD with 2 decimals. */
export function usd(x: number | undefined | null): string {
  return x === undefined || x === null ? NA : `${num(x, 2)} USD`;
}

/** A duration in ms as hours, or days past 48 h. */
export function duration(ms: number | undefined): string {
  if (ms === undefined) return NA;
  const hours = ms / 3_600_000;
  return hours >= 48 ? `${num(hours / 24, 1)} d` : `${num(hours, 1)} h`;
}

/** UTC date-time without seconds, e.g. 2025-09-03 12:00. */
export function utc(ms: number | undefined | null): string {
  return ms === undefined || ms === null ? NA : new Date(ms).toISOString().slice(0, 16).replace("T", " ");
}

/**
 * "[lo, hi]" with a formatter; open ends as "…"; without an interval from too few independent
 * units, how many there were, e.g. "[no interval: 1 cluster < 10]".
 * @param unit what the bootstrap resampled, plural ("clusters", "active blocks").
 */
export function interval(iv: BootstrapInterval, f: (x: number | undefined) => string, unit = "units"): string {
  if (iv.lower === undefined && iv.upper === undefined) {
    if (iv.units < MIN_BOOTSTRAP_UNITS) return `[no interval: ${iv.units} ${iv.units === 1 ? unit.replace(/s$/, "") : unit} < ${MIN_BOOTSTRAP_UNITS}]`;
    return "[no interval]";
  }
  return `[${iv.lower === undefined ? "…" : f(iv.lower)}, ${iv.upper === undefined ? "…" : f(iv.upper)}]`;
}

/** The starting-equity sentence of every output: the journal's capital and, for a window, the equity the figures start from. */
export function startingEquityText(model: Pick<ReportModel, "startingEquityUsd" | "startingEquitySource" | "period">): string {
  const base = `${num(model.startingEquityUsd)} USD (${model.startingEquitySource})`;
  const p = model.period;
  if (p.startingEquitySource === "journal start") return base;
  // Before the market data begins nothing can trade: the account's equity there is the starting equity, not news.
  if (p.basis === "data" && p.startingEquityUsd === model.startingEquityUsd) return base;
  const why = p.startingEquitySource === "account snapshot" ? "the account's equity at the window start" : "starting equity + P&L closed before the window";
  return `${base}; figures measured from ${num(p.startingEquityUsd)} USD (${why})`;
}

/** Coverage of the report's bootstrap intervals, e.g. "90 %". */
export function coverage(reports: readonly StrategyReport[]): string {
  const c = reports[0]?.figures.intervals.winRate.confidence;
  return c === undefined ? "" : `${Math.round(c * 100)} %`;
}

/**
 * The figure rows, one column per report.
 * @param variants strategy id (or "combined") → variants tried, shown beside the DSR even when it is undefined.
 */
export function figureRows(reports: readonly StrategyReport[], variants: Readonly<Record<string, number>> = {}): FigureRow[] {
  const ci = coverage(reports);
  const row = (label: string, f: (r: StrategyReport) => string): FigureRow => ({ label, cells: reports.map(f) });
  return [
    row("equity source", (r) => r.figures.equitySource),
    row("trades (effective)", (r) => `${r.figures.trades.trades} (${num(r.figures.effectiveTrades.effective, 1)})`),
    row("wins / losses / scratches", (r) => `${r.figures.trades.wins} / ${r.figures.trades.losses} / ${r.figures.trades.scratches}`),
    row(`win rate [${ci} CI]`, (r) => `${pct(r.figures.trades.winRate, 1)} ${interval(r.figures.intervals.winRate, (x) => pct(x, 1), "clusters")}`),
    row(`profit factor [${ci} CI]`, (r) => {
      const pf = r.figures.trades.profitFactor;
      const point = pf.noLosses ? "no losses" : num(pf.value);
      return `${point} ${interval(r.figures.intervals.profitFactor, (x) => num(x), "clusters")}`;
    }),
    row("avg win / avg loss", (r) => `${usd(r.figures.trades.avgWinUsd)} / ${usd(r.figures.trades.avgLossUsd)}`),
    row("expectancy per trade", (r) => `${usd(r.figures.trades.expectancyUsd)} (${pct(r.figures.trades.expectancyPct, 3)})`),
    row("total P&L (net)", (r) => usd(r.figures.trades.totalPnlUsd)),
    row("fees paid", (r) => usd(r.figures.trades.feesUsd)),
    row("funding (+ received)", (r) => usd(r.figures.trades.fundingUsd)),
    row("avg hold", (r) => duration(r.figures.trades.avgHoldMs)),
    row("time in market", (r) => pct(r.figures.timeInMarket, 1)),
    row("max drawdown", (r) => `${pct(r.figures.maxDrawdown.fraction)} (${usd(r.figures.maxDrawdown.usd)})`),
    row(`Sharpe [${ci} CI]`, (r) => {
      const s = r.figures.sharpe;
      const point = s.annualised === undefined ? `${NA} (${s.undefinedReason ?? ""})` : num(s.annualised);
      return `${point} ${interval(r.figures.intervals.sharpe, (x) => num(x), "active blocks")}`;
    }),
    row("Sortino", (r) => (r.figures.sortino.annualised === undefined ? `${NA} (${r.figures.sortino.undefinedReason ?? ""})` : num(r.figures.sortino.annualised))),
    row("annualised return", (r) => `${pct(r.figures.annualisedReturn, 1)} over ${r.figures.daily.returns.length} d`),
    row("Calmar", (r) => num(r.figures.calmar)),
    row("PSR(0)", (r) => num(r.figures.psrZero, 3)),
    row("PSR(gate Sharpe)", (r) => num(r.verdict.psrAtThreshold, 3)),
    row("DSR (variants)", (r) => `${num(r.figures.deflated?.value, 3)} (N = ${r.figures.deflated?.trials ?? variants[r.figures.name] ?? 1})`),
    row("min track record (gate Sharpe)", (r) => (r.verdict.minTrackRecordDays === undefined ? NA : `${Math.ceil(r.verdict.minTrackRecordDays)} d`)),
    row("effective N (clusters)", (r) => `${num(r.figures.effectiveTrades.effective, 1)} (${r.figures.effectiveTrades.clusters})`),
    row("gate", (r) => r.verdict.gate),
    row("plain gate", (r) => (r.verdict.pass ? "PASS" : "fail")),
    row("confidence-aware", (r) => (r.verdict.confidentPass ? "PASS" : "fail")),
  ];
}

/** A criterion's measured value and threshold as text, in the criterion's unit. */
export function criterionCells(c: CriterionResult): { measured: string; threshold: string } {
  const f = (x: number | undefined): string => {
    if (x === undefined) return NA;
    if (c.criterion === "winRate") return pct(x, 1);
    if (c.criterion === "maxDrawdown") return pct(x, 2);
    if (c.criterion === "trades") return String(x);
    return num(x);
  };
  return { measured: f(c.measured), threshold: `${c.comparison} ${f(c.threshold)}` };
}
