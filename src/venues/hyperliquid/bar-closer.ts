import { ParseError } from "../../core/index.ts";
import type { CandleEvent, CandleInterval, Market, MarketEvent } from "../../core/index.ts";

/**
 * Default grace after a bar's close time before the bar is closed without a later frame, ms.
 * Hyperliquid pushes a `candle` frame on every trade, so a liquid market's next bar usually
 * closes the previous one within milliseconds of the hour; the grace only matters for a
 * market that stays quiet. 3 s is long enough for the last trade's frame to arrive and short
 * enough that every hourly bar is closed before the hourly funding poll (hh:00:15).
 */
export const DEFAULT_BAR_CLOSE_GRACE_MS = 3_000;

/** Counts of what the closer saw. */
export interface BarCloserStats {
  /** Bars closed because a frame for a later bar of the same market and interval arrived. */
  closedByNextBar: number;
  /** Bars closed because the receive clock passed their close time + grace. */
  closedByGrace: number;
  /** Frames for a bar already closed (a correction after the close): counted, never re-emitted. */
  lateUpdates: number;
}

interface Forming {
  readonly market: Market;
  readonly interval: CandleInterval;
  bar: CandleEvent;
}

/**
 * Turns the venue's forming bars into closed bars, exactly once each.
 *
 * Hyperliquid's `candle` channel only ever carries the forming bar, repeatedly, and never says
 * a bar is final. A forming bar becomes a closed bar (`closed: true`, `tsEvent` = its close
 * time, `tsInit` = the receive time of the frame that closed it) when
 * - a frame for a later bar of the same market and interval arrives, or
 * - the receive clock passes its close time + `graceMs` (read as the venue's clock: the parser
 *   passes receive time − its measured clock offset when the host clock disagrees),
 * whichever comes first. The receive clock is the `tsInit` of every frame the parser sees
 * (books, trades, pongs…), so a capture replays to the same closes as the live session.
 *
 * A frame for a bar that is already closed is a correction after the close: it is counted
 * (`stats.lateUpdates`) and returned as a `ParseError` for the caller to log, never re-emitted.
 * A frame for an older bar than the forming one is the same.
 *
 * Pure and synchronous: no clock of its own, time comes in with each call.
 */
export class BarCloser {
  readonly graceMs: number;
  readonly stats: BarCloserStats = { closedByNextBar: 0, closedByGrace: 0, lateUpdates: 0 };
  /** Forming bar by `market.key + "|" + interval`. */
  private readonly forming = new Map<string, Forming>();
  /** Open time of the last closed bar by stream key. */
  private readonly lastClosedOpen = new Map<string, number>();
  /** Earliest close time + grace among the forming bars (Infinity: none). */
  private nextDueMs = Number.POSITIVE_INFINITY;

  /** @param graceMs ≥ 0, ms. */
  constructor(graceMs: number = DEFAULT_BAR_CLOSE_GRACE_MS) {
    if (!Number.isFinite(graceMs) || graceMs < 0) throw new RangeError(`bar close grace must be a finite number of ms ≥ 0, got ${graceMs}`);
    this.graceMs = graceMs;
  }

  /**
   * A frame received at `tsInit`: every forming bar whose close time + grace is at or before
   * `venueNowMs` (the venue's clock as read from the receive clock; default `tsInit`) is closed,
   * in (close time, market, interval) order, into `out`, stamped `tsInit`. Comparing a venue
   * close time with the venue's clock keeps a host clock 10 s ahead from closing every bar 10 s
   * early (its last trades then arrive as late updates).
   */
  advance(tsInit: number, out: MarketEvent[], venueNowMs: number = tsInit): void {
    if (venueNowMs < this.nextDueMs) return;
    const due: Forming[] = [];
    let next = Number.POSITIVE_INFINITY;
    for (const f of this.forming.values()) {
      const dueMs = f.bar.closeTime + this.graceMs;
      if (dueMs <= venueNowMs) due.push(f);
      else if (dueMs < next) next = dueMs;
    }
    this.nextDueMs = next;
    due.sort((a, b) => a.bar.closeTime - b.bar.closeTime || compareText(a.market.key, b.market.key) || compareText(a.interval, b.interval));
    for (const f of due) {
      this.stats.closedByGrace += 1;
      out.push(this.close(f, tsInit));
    }
  }

  /**
   * One forming-bar frame received at `tsInit` (call `advance(tsInit)` first). A later bar closes
   * the forming one into `out` and takes its place; the same bar replaces it.
   * @throws ParseError for a frame of a bar already closed or older than the forming one (`candle.t`).
   */
  onForming(bar: CandleEvent, tsInit: number, out: MarketEvent[]): void {
    const key = `${bar.market.key}|${bar.interval}`;
    const closedOpen = this.lastClosedOpen.get(key);
    const current = this.forming.get(key);
    if ((closedOpen !== undefined && bar.openTime <= closedOpen) || (current !== undefined && bar.openTime < current.bar.openTime)) {
      this.stats.lateUpdates += 1;
      const last = current === undefined ? closedOpen : current.bar.openTime;
      throw new ParseError(
        "candle.t",
        bar.openTime,
        `update for the ${bar.interval} bar of ${bar.market.key} opened ${new Date(bar.openTime).toISOString()}, which is already closed (the stream is at the bar opened ${new Date(last ?? bar.openTime).toISOString()}); not applied`,
      );
    }
    if (current !== undefined && bar.openTime > current.bar.openTime) {
      this.stats.closedByNextBar += 1;
      out.push(this.close(current, tsInit));
    }
    const entry = this.forming.get(key);
    if (entry === undefined) this.forming.set(key, { market: bar.market, interval: bar.interval, bar });
    else entry.bar = bar;
    const dueMs = bar.closeTime + this.graceMs;
    if (dueMs < this.nextDueMs) this.nextDueMs = dueMs;
  }

  /** Forming bars held now (not yet closed). */
  formingBars(): readonly CandleEvent[] {
    return [...this.forming.values()].map((f) => f.bar);
  }

  private close(f: Forming, tsInit: number): CandleEvent {
    const key = `${f.market.key}|${f.interval}`;
    this.forming.delete(key);
    this.lastClosedOpen.set(key, f.bar.openTime);
    // Knowable when the closing frame arrived, never before the bar ended.
    return { ...f.bar, closed: true, tsEvent: f.bar.closeTime, tsInit: Math.max(tsInit, f.bar.closeTime) };
  }
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
