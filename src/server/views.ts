/**
 * What the dashboard shows, built from the journal's read API only (no SQL here): books with their
 * latest equity and P&L, equity series with drawdown, open positions marked at the last price the
 * journal knows, per-strategy trade splits, data health. Money USD, times ms (UTC), ratios
 * fractions. See docs/DASHBOARD.md.
 */
import { COMBINED_BOOK, DAY_MS } from "../core/index.ts";
import type { BookId } from "../core/index.ts";
import type { DashboardPrice, Journal } from "../journal/index.ts";
import type { EquitySnapshot, PaperPosition } from "../paper/index.ts";
import { startingEquityFromJournal } from "../reports/index.ts";

/** The time the dashboard's "now" is: the journal's last event (event time), so a replay's journal reads as of its end. */
export function asOfMs(journal: Journal, wallNowMs: number): number {
  const times = journal.checkpointTimes().map((c) => c.lastEventMs);
  return times.length === 0 ? wallNowMs : Math.max(...times);
}

/** A book's state for the overview. */
export interface BookView {
  readonly book: BookId;
  /** The latest snapshot, null when the book has none. */
  readonly latest: EquitySnapshot | null;
  /** The capital the book started with (derived from the journal like the report's, else its first snapshot's equity). */
  readonly startingEquityUsd: number | null;
  /** latest equity − starting equity. */
  readonly pnlTotalUsd: number | null;
  /** latest equity − equity at the start of the as-of UTC day (the last snapshot before it, else the starting equity). */
  readonly pnlTodayUsd: number | null;
  /** 1 − latest / running peak (peak starting at the starting equity). */
  readonly drawdown: number | null;
  /** Largest such fraction over the series. */
  readonly maxDrawdown: number | null;
}

/** One point of a book's equity series with its drawdown from the running peak (fraction). */
export interface EquityPoint {
  readonly tsMs: number;
  readonly equityUsd: number;
  readonly drawdown: number;
}

/** Equity points with the drawdown from the running peak, the peak starting at `startingEquityUsd`. */
export function equityPoints(series: readonly EquitySnapshot[], startingEquityUsd: number | undefined): EquityPoint[] {
  let peak = startingEquityUsd ?? Number.NEGATIVE_INFINITY;
  return series.map((s) => {
    peak = Math.max(peak, s.equityUsd);
    return { tsMs: s.tsMs, equityUsd: s.equityUsd, drawdown: peak > 0 ? 1 - s.equityUsd / peak : 0 };
  });
}

/** A book's starting equity as the report derives it; else its first snapshot's equity. */
export function bookStartingEquity(journal: Journal, book: BookId, series: readonly EquitySnapshot[]): number | undefined {
  return startingEquityFromJournal(series, journal.outcomes({ book })) ?? series[0]?.equityUsd;
}

/** Every book's view, combined first. */
export function booksView(journal: Journal, asOf: number): BookView[] {
  const dayStartMs = Math.floor(asOf / DAY_MS) * DAY_MS;
  return journal.books().map((book): BookView => {
    const series = journal.equitySnapshots({ book });
    const latest = series[series.length - 1];
    if (latest === undefined) return { book, latest: null, startingEquityUsd: null, pnlTotalUsd: null, pnlTodayUsd: null, drawdown: null, maxDrawdown: null };
    const start = bookStartingEquity(journal, book, series);
    const points = equityPoints(series, start);
    let beforeToday: number | undefined;
    for (const s of series) if (s.tsMs < dayStartMs) beforeToday = s.equityUsd;
    const dayStartEquity = beforeToday ?? start;
    return {
      book,
      latest,
      startingEquityUsd: start ?? null,
      pnlTotalUsd: start === undefined ? null : latest.equityUsd - start,
      pnlTodayUsd: dayStartEquity === undefined ? null : latest.equityUsd - dayStartEquity,
      drawdown: points[points.length - 1]!.drawdown,
      maxDrawdown: Math.max(...points.map((p) => p.drawdown)),
    };
  });
}

/** A book's equity series for the charts. */
export function equityView(journal: Journal, book: BookId): { book: BookId; startingEquityUsd: number | null; points: EquityPoint[] } {
  const series = journal.equitySnapshots({ book });
  const start = bookStartingEquity(journal, book, series);
  return { book, startingEquityUsd: start ?? null, points: equityPoints(series, start) };
}

/** An open position as the overview shows it. */
export interface PositionView {
  readonly id: string;
  readonly book: BookId;
  readonly signalId: string;
  readonly strategy: string;
  /** The primary leg's market key and side. */
  readonly market: string;
  readonly side: "long" | "short";
  readonly legs: readonly { readonly market: string; readonly side: "long" | "short"; readonly sz: number; readonly entryPx: number; readonly markPx: number | null; readonly markMs: number | null }[];
  readonly openedMs: number;
  readonly entryNotionalUsd: number;
  readonly stopPx: number;
  readonly targetPx: number;
  /** Σ legs (mark − entry) × size × (+1 long, −1 short), USD; null unless every leg has a mark. Before fees and funding. */
  readonly unrealizedUsd: number | null;
  /** Fees paid and funding received so far, USD. */
  readonly feesUsd: number;
  readonly fundingUsd: number;
  /** How far the primary leg's mark may move against the position before the stop, as a fraction of the mark (negative: beyond it). */
  readonly toStop: number | null;
  /** How far it must move in its favour to reach the target, fraction of the mark (negative: beyond it). */
  readonly toTarget: number | null;
  /** As-of time − opening time, ms. */
  readonly ageMs: number;
  readonly maxHoldMs: number;
  /** ageMs / maxHoldMs. */
  readonly ageOfMaxHold: number;
}

/** A book's open positions, marked at the last price the journal knows per market (`prices`). */
export function positionsView(positions: readonly PaperPosition[], book: BookId, prices: readonly DashboardPrice[], asOf: number): PositionView[] {
  const byMarket = new Map(prices.map((p) => [p.market, p]));
  return positions.map((p): PositionView => {
    const legs = p.legs.map((l) => {
      const mark = byMarket.get(l.market.key);
      return { market: l.market.key, side: l.side, sz: l.sz, entryPx: l.entryPx, markPx: mark?.px ?? null, markMs: mark?.tsMs ?? null };
    });
    const primary = legs[0]!;
    const allMarked = legs.every((l) => l.markPx !== null);
    const unrealizedUsd = allMarked ? legs.reduce((sum, l) => sum + (l.markPx! - l.entryPx) * l.sz * (l.side === "long" ? 1 : -1), 0) : null;
    const mark = primary.markPx;
    const sign = primary.side === "long" ? 1 : -1;
    return {
      id: p.id,
      book,
      signalId: p.signalId,
      strategy: p.strategy,
      market: primary.market,
      side: primary.side,
      legs,
      openedMs: p.openedMs,
      entryNotionalUsd: p.entryNotionalUsd,
      stopPx: p.stopPx,
      targetPx: p.targetPx,
      unrealizedUsd,
      feesUsd: p.feesUsd,
      fundingUsd: p.fundingUsd,
      toStop: mark === null || mark <= 0 ? null : (sign * (mark - p.stopPx)) / mark,
      toTarget: mark === null || mark <= 0 ? null : (sign * (p.targetPx - mark)) / mark,
      ageMs: asOf - p.openedMs,
      maxHoldMs: p.maxHoldMs,
      ageOfMaxHold: p.maxHoldMs > 0 ? (asOf - p.openedMs) / p.maxHoldMs : 0,
    };
  });
}

/** A strategy's trades in its own book split by exit reason and by side (the report has neither). */
export interface StrategyTradesView {
  readonly strategy: string;
  readonly book: BookId;
  readonly exitReasons: Readonly<Record<string, { readonly n: number; readonly pnlUsd: number }>>;
  readonly sides: { readonly long: { readonly n: number; readonly pnlUsd: number }; readonly short: { readonly n: number; readonly pnlUsd: number } };
  /** First and last close, ms; null without trades. */
  readonly firstCloseMs: number | null;
  readonly lastCloseMs: number | null;
}

/** Each strategy's trade splits, on its own book when the journal has strategy books, else on the combined book. */
export function strategyTradesView(journal: Journal): StrategyTradesView[] {
  const strategyBooks = journal.books().filter((b) => b !== COMBINED_BOOK);
  const sources: { strategy: string; book: BookId }[] =
    strategyBooks.length > 0
      ? strategyBooks.map((b) => ({ strategy: b, book: b }))
      : [...new Set(journal.outcomes().map((o) => o.strategy))].sort().map((s) => ({ strategy: s, book: COMBINED_BOOK }));
  return sources.map(({ strategy, book }) => {
    const outcomes = journal.outcomes({ book, strategy });
    const exitReasons: Record<string, { n: number; pnlUsd: number }> = {};
    const sides = { long: { n: 0, pnlUsd: 0 }, short: { n: 0, pnlUsd: 0 } };
    for (const o of outcomes) {
      const e = (exitReasons[o.exitReason] ??= { n: 0, pnlUsd: 0 });
      e.n += 1;
      e.pnlUsd += o.pnlUsd;
      sides[o.side].n += 1;
      sides[o.side].pnlUsd += o.pnlUsd;
    }
    return { strategy, book, exitReasons, sides, firstCloseMs: outcomes[0]?.closedMs ?? null, lastCloseMs: outcomes[outcomes.length - 1]?.closedMs ?? null };
  });
}

/** The journal's data health: checkpoints with their age, the last event, runs, the last price per market. */
export interface HealthView {
  readonly journalPath: string;
  /** Wall clock of the server, ms. */
  readonly nowMs: number;
  /** Event time the dashboard reads as of (the last event consumed). */
  readonly asOfMs: number;
  readonly lastEventMs: number | null;
  readonly checkpoints: readonly { readonly name: string; readonly tsMs: number; readonly eventsConsumed: number; readonly lastEventMs: number; readonly ageMs: number }[];
  readonly runs: ReturnType<Journal["runs"]>;
  readonly prices: readonly (DashboardPrice & { readonly ageMs: number })[];
}

/** Builds {@link HealthView}; ages are wall clock − event time (large for an old replay). */
export function healthView(journal: Journal, nowMs: number): HealthView {
  const checkpoints = journal.checkpointTimes();
  const last = checkpoints.length === 0 ? null : Math.max(...checkpoints.map((c) => c.lastEventMs));
  return {
    journalPath: journal.path,
    nowMs,
    asOfMs: last ?? nowMs,
    lastEventMs: last,
    checkpoints: checkpoints.map((c) => ({ ...c, ageMs: nowMs - c.tsMs })),
    runs: journal.runs(),
    prices: journal.lastPrices().map((p) => ({ ...p, ageMs: nowMs - p.tsMs })),
  };
}
