import type { EquitySnapshot, Outcome } from "../paper/index.ts";
import { marketDataSpan } from "./market-data-span.ts";
import type { MarketCoverage } from "./market-data-span.ts";

/**
 * A time window a report is restricted to: [fromMs, toMs), ms since epoch (UTC). Either end may
 * be open (undefined): then that side is the journal's own first or last record.
 */
export interface ReportWindow {
  /** First instant inside, ms (inclusive). */
  readonly fromMs?: number | undefined;
  /** First instant after the window, ms (exclusive): `--to 2025-07-26` is 2025-07-27T00:00Z. */
  readonly toMs?: number | undefined;
}

/** The report's inputs cut to a window, and what was left out (for the report's notes). */
export interface WindowedInput {
  /** Outcomes whose close lies in the window (P&L is booked at the close). */
  readonly outcomes: readonly Outcome[];
  /** Account snapshots inside the window. */
  readonly equity: readonly EquitySnapshot[];
  /** Equity the window starts with, USD: see {@link applyWindow}. */
  readonly startingBalanceUsd: number;
  /** Where `startingBalanceUsd` came from. */
  readonly startingBalanceSource: "journal start" | "account snapshot" | "realised";
  /** The daily series' bounds: `fromMs` and `toMs − 1` when given, else undefined (the data's own). */
  readonly periodStartMs: number | undefined;
  readonly periodEndMs: number | undefined;
  /** Outcomes closed before the window / at or after its end (left out of every figure). */
  readonly closedBefore: number;
  readonly closedAfter: number;
  /** Outcomes in the window that opened before it (part of their P&L accrued before the window). */
  readonly openedBefore: number;
}

/** True when `tsMs` lies in [fromMs, toMs). */
export function inWindow(tsMs: number, window: ReportWindow): boolean {
  return (window.fromMs === undefined || tsMs >= window.fromMs) && (window.toMs === undefined || tsMs < window.toMs);
}

/**
 * Cuts a report's inputs to a window, so that a journal holding years of funding history but
 * trades in one week is not judged over years of idle days (which dilute every annualised figure):
 * - outcomes: those CLOSED in the window (their net P&L is booked at the close, as in the
 *   realised curves); a position opened before the window and closed in it counts whole;
 *   positions still open at the window's end are in the account curve only;
 * - equity: the account snapshots in the window;
 * - starting balance: the account's equity at the window start, i.e. the last snapshot before
 *   `fromMs` (cash + unrealised, so open positions are marked); without one, the journal's
 *   starting balance plus the net P&L of the outcomes closed before `fromMs`; without `fromMs`,
 *   the journal's starting balance. Returns, drawdown and every per-strategy curve are measured
 *   from it;
 * - period: `fromMs` to `toMs − 1` (whole UTC days when both are midnights), so idle days inside
 *   the window still count as 0 % days.
 * Pure.
 * @param startingBalanceUsd the account's capital at the journal's start, USD.
 * @throws RangeError when `toMs ≤ fromMs` (the CLI reports it as a usage error first).
 */
export function applyWindow(
  input: { readonly startingBalanceUsd: number; readonly outcomes: readonly Outcome[]; readonly equity: readonly EquitySnapshot[] },
  window: ReportWindow,
): WindowedInput {
  const { fromMs, toMs } = window;
  if (fromMs !== undefined && toMs !== undefined && !(toMs > fromMs)) throw new RangeError(`report window is empty: from ${fromMs} ms is not before to ${toMs} ms`);
  const outcomes = input.outcomes.filter((o) => inWindow(o.closedMs, window));
  const equity = input.equity.filter((s) => inWindow(s.tsMs, window));
  let startingBalanceUsd = input.startingBalanceUsd;
  let startingBalanceSource: WindowedInput["startingBalanceSource"] = "journal start";
  if (fromMs !== undefined) {
    let before: EquitySnapshot | undefined;
    for (const s of input.equity) if (s.tsMs < fromMs && (before === undefined || s.tsMs >= before.tsMs)) before = s;
    if (before !== undefined) {
      startingBalanceUsd = before.equityUsd;
      startingBalanceSource = "account snapshot";
    } else {
      const realised = input.outcomes.filter((o) => o.closedMs < fromMs).reduce((a, o) => a + o.pnlUsd, 0);
      if (realised !== 0) {
        startingBalanceUsd = input.startingBalanceUsd + realised;
        startingBalanceSource = "realised";
      }
    }
  }
  return {
    outcomes,
    equity,
    startingBalanceUsd,
    startingBalanceSource,
    periodStartMs: fromMs,
    periodEndMs: toMs === undefined ? undefined : toMs - 1,
    closedBefore: fromMs === undefined ? 0 : input.outcomes.filter((o) => o.closedMs < fromMs).length,
    closedAfter: toMs === undefined ? 0 : input.outcomes.filter((o) => o.closedMs >= toMs).length,
    openedBefore: fromMs === undefined ? 0 : outcomes.filter((o) => o.openedMs < fromMs).length,
  };
}

/** What a report's period rests on: the `--from`/`--to` flags, the market data's span, or (neither known) the journal's records. */
export type PeriodBasis = "window" | "data" | "records";

/** The window a report uses by default, and why. */
export interface ResolvedWindow {
  readonly window: ReportWindow;
  readonly basis: PeriodBasis;
  /** Why this window, in words, for every output. */
  readonly why: string;
}

const utcMinute = (ms: number): string => new Date(ms).toISOString().slice(0, 16).replace("T", " ");

/**
 * The period is the data's: without flags, a report covers the span the input markets cover,
 * from the first to the last market data time its journal recorded (`coverage`, see
 * {@link MarketCoverage}), not the first to the last record (a funding history reaching years
 * before the first bar made a journal with 326 days of bars span 1 005 days of 0 % returns, which
 * dilutes every annualised figure). The end is moved to the last close of a trade when that is
 * later (a position closed after the data ended is judged whole, and said to be). A flag wins on
 * its side; the other side stays the data's. Without coverage (a journal written before it was
 * kept, or by a live session), the period stays the records' own (first snapshot or opening to
 * last snapshot or close) and `why` says so.
 * @param lastCloseMs the journal's last trade close, ms (undefined without trades).
 */
export function resolveReportWindow(flags: ReportWindow, coverage: readonly MarketCoverage[] | undefined, lastCloseMs?: number): ResolvedWindow {
  const span = coverage === undefined ? undefined : marketDataSpan(coverage);
  const both = flags.fromMs !== undefined && flags.toMs !== undefined;
  if (span === undefined) {
    const flagged = flags.fromMs !== undefined || flags.toMs !== undefined;
    const records = "first equity snapshot or opening to last snapshot or close: the journal records no market data span (written by a live session, or by a replay before the span was kept)";
    return { window: flags, basis: flagged ? "window" : "records", why: flagged ? (both ? "the --from/--to window" : `the --from/--to window; its open side: ${records}`) : records };
  }
  const endMs = Math.max(span.lastMs, lastCloseMs ?? span.lastMs);
  const window: ReportWindow = { fromMs: flags.fromMs ?? span.firstMs, toMs: flags.toMs ?? endMs + 1 };
  const dataWhy =
    `the market data's span: first to last price of ${span.markets} market${span.markets === 1 ? "" : "s"} (${utcMinute(span.firstMs)} → ${utcMinute(span.lastMs)} UTC)` +
    (endMs > span.lastMs ? `, to the last trade's close at ${utcMinute(endMs)} UTC` : "");
  if (both) return { window, basis: "window", why: "the --from/--to window" };
  if (flags.fromMs !== undefined || flags.toMs !== undefined) return { window, basis: "window", why: `the --from/--to window; its open side: ${dataWhy}` };
  return { window, basis: "data", why: dataWhy };
}
