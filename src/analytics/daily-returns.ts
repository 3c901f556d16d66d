import { DAY_MS } from "../core/index.ts";

/** One point of an equity curve: equity in USD at `tsMs` (ms since epoch, UTC). */
export interface EquityPoint {
  readonly tsMs: number;
  readonly equityUsd: number;
}

/** The end-of-UTC-day equity of one day. */
export interface DailyEquity {
  /** Start of the UTC day, ms since epoch (a multiple of 86 400 000). */
  readonly dayStartMs: number;
  /** Equity at the end of the day (last point before the next UTC midnight, carried forward), USD. */
  readonly equityUsd: number;
}

/** A daily equity series and the returns derived from it. All arrays have one entry per day. */
export interface DailySeries {
  /** Equity before the first day, USD. */
  readonly startingBalanceUsd: number;
  readonly days: readonly DailyEquity[];
  /** Simple returns: equity_d / equity_{d−1} − 1 (fractions), equity_{−1} = starting balance. */
  readonly returns: readonly number[];
  /** Daily P&L: equity_d − equity_{d−1}, USD. */
  readonly pnlUsd: readonly number[];
  /** Start of the first UTC day on which equity was ≤ 0; later returns are 0 (nothing left to return on). */
  readonly ruinedDayMs: number | undefined;
}

/** Optional bounds of the series; both ends are included as whole UTC days. */
export interface DailyPeriod {
  /** First instant covered, ms; its UTC day is the first day. Default: the first point. */
  readonly startMs?: number;
  /** Last instant covered, ms; its UTC day is the last day (it may be partial). Default: the last point. */
  readonly endMs?: number;
}

/** Start of the UTC day containing `tsMs`. */
export function utcDayStart(tsMs: number): number {
  return Math.floor(tsMs / DAY_MS) * DAY_MS;
}

/**
 * Builds the end-of-UTC-day equity series and its daily simple returns (the convention all
 * Sharpe-family figures use; see `CONVENTIONS` and docs/STATISTICS.md):
 * - days are UTC calendar days from the day of the period start to the day of its end, all
 *   included; the last day may be partial (it ends at the last point);
 * - a day's equity is the last point before the next UTC midnight; a day with no point carries
 *   the previous day's equity forward, so it is a 0 % return, never skipped;
 * - the first day's return is measured from `startingBalanceUsd`;
 * - equity is whatever the curve holds: for the paper account that is cash plus unrealised
 *   P&L, so fees, funding and mark-to-market are all in it.
 * Points outside the period are ignored; points need not be sorted (equal times: the later in
 * the input wins).
 * @param startingBalanceUsd equity before the first point, USD (> 0).
 * @throws RangeError on a non-finite or non-positive starting balance or a non-finite point (a bug upstream).
 */
export function dailySeries(points: readonly EquityPoint[], startingBalanceUsd: number, period: DailyPeriod = {}): DailySeries {
  if (!Number.isFinite(startingBalanceUsd) || startingBalanceUsd <= 0) throw new RangeError(`startingBalanceUsd must be a positive finite number, got ${startingBalanceUsd}`);
  for (const p of points) {
    if (!Number.isFinite(p.tsMs) || !Number.isFinite(p.equityUsd)) throw new RangeError(`equity point must be finite, got tsMs=${p.tsMs} equityUsd=${p.equityUsd}`);
  }
  const sorted = points.map((p, i) => ({ p, i })).sort((a, b) => a.p.tsMs - b.p.tsMs || a.i - b.i).map((x) => x.p);
  const startMs = period.startMs ?? sorted[0]?.tsMs;
  const endMs = period.endMs ?? sorted.at(-1)?.tsMs;
  const empty: DailySeries = { startingBalanceUsd, days: [], returns: [], pnlUsd: [], ruinedDayMs: undefined };
  if (startMs === undefined || endMs === undefined || endMs < startMs) return empty;

  const firstDay = utcDayStart(startMs);
  const lastDay = utcDayStart(endMs);
  const days: DailyEquity[] = [];
  const returns: number[] = [];
  const pnlUsd: number[] = [];
  let ruinedDayMs: number | undefined;
  let previous = startingBalanceUsd;
  let equity = startingBalanceUsd;
  let k = 0;
  while (k < sorted.length && sorted[k]!.tsMs < startMs) k += 1;
  for (let day = firstDay; day <= lastDay; day += DAY_MS) {
    const next = day + DAY_MS;
    while (k < sorted.length && sorted[k]!.tsMs < next && sorted[k]!.tsMs <= endMs) {
      equity = sorted[k]!.equityUsd;
      k += 1;
    }
    days.push({ dayStartMs: day, equityUsd: equity });
    pnlUsd.push(equity - previous);
    returns.push(previous > 0 ? equity / previous - 1 : 0);
    if (equity <= 0 && ruinedDayMs === undefined) ruinedDayMs = day;
    previous = equity;
  }
  return { startingBalanceUsd, days, returns, pnlUsd, ruinedDayMs };
}
