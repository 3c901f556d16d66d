import type { CandleEvent, CandleInterval } from "../../core/index.ts";
import { BoundedQueue } from "./bounded-queue.ts";
import type { ReadonlyBoundedQueue } from "./bounded-queue.ts";

/**
 * Candles of one market and one interval: the forming bar and the last `maxClosed` closed bars
 * (default 500), oldest first. A closed bar with the same open time as the newest closed bar
 * replaces it (a correction); an older one is ignored. A forming bar is kept only while it is
 * newer than the newest closed bar.
 */
export class CandleSeries {
  readonly interval: CandleInterval;
  private readonly closedBars: BoundedQueue<CandleEvent>;
  private formingBar: CandleEvent | undefined;

  constructor(interval: CandleInterval, maxClosed = 500) {
    this.interval = interval;
    this.closedBars = new BoundedQueue(maxClosed);
  }

  /** Feeds a candle of this series' interval; returns true when a closed bar was added or replaced. */
  update(candle: CandleEvent): boolean {
    const last = this.closedBars.last;
    if (candle.closed) {
      if (last !== undefined && candle.openTime < last.openTime) return false;
      if (last !== undefined && candle.openTime === last.openTime) {
        this.closedBars.replaceLast(candle);
      } else {
        this.closedBars.push(candle);
      }
      if (this.formingBar !== undefined && this.formingBar.openTime <= candle.openTime) {
        this.formingBar = undefined;
      }
      return true;
    }
    if (last === undefined || candle.openTime > last.openTime) {
      if (this.formingBar === undefined || candle.openTime >= this.formingBar.openTime) {
        this.formingBar = candle;
      }
    }
    return false;
  }

  get forming(): CandleEvent | undefined {
    return this.formingBar;
  }

  get lastClosed(): CandleEvent | undefined {
    return this.closedBars.last;
  }

  get closedCount(): number {
    return this.closedBars.size;
  }

  /** The closed bars, oldest first, read in place (for metrics that must not copy them per bar). */
  get closed(): ReadonlyBoundedQueue<CandleEvent> {
    return this.closedBars;
  }

  /** Closed bar by index: 0 = oldest held, −1 = newest. */
  closedAt(index: number): CandleEvent | undefined {
    return this.closedBars.at(index);
  }

  /** The newest `n` closed bars (fewer if not held), oldest first. */
  recentClosed(n: number): CandleEvent[] {
    const all = this.closedBars.toArray();
    return all.slice(Math.max(0, all.length - n));
  }
}
