/**
 * Time for the core comes from events through a clock, never from the wall clock.
 * Live and replay differ only in what drives the clock.
 */
export interface Clock {
  /** Current time, ms since epoch (UTC). */
  now(): number;
}

/**
 * A clock advanced by the event stream: `now()` is the venue time of the latest event seen.
 * It never runs backwards; an older event leaves it where it is.
 */
export class EventClock implements Clock {
  private current: number;

  constructor(startMs = 0) {
    this.current = startMs;
  }

  now(): number {
    return this.current;
  }

  /** Moves the clock to `tsMs` if that is later than now. */
  advance(tsMs: number): void {
    if (tsMs > this.current) {
      this.current = tsMs;
    }
  }
}
