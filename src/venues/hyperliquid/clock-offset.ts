/**
 * Default number of recent books whose (receive − venue) time the offset is the median of.
 * At ~2 books per second per coin, 64 span well under a minute of a one-coin session.
 */
export const CLOCK_OFFSET_SAMPLES = 64;

/**
 * Default offset beyond which the receive clock is corrected, ms. Books reach us 450–490 ms
 * after their venue time (median, docs/LIVE.md): that is latency, not skew, and it is left
 * alone (every existing session keeps its exact times). A host clock off by more than this
 * is corrected. Fixed, not configured, so that a capture replays to the same corrections.
 */
export const CLOCK_SKEW_TOLERANCE_MS = 2_000;

/**
 * A robust estimate of (receive time − venue time): the median over the last `samples` books.
 * It includes the network latency (~0.5 s) plus any disagreement of the host clock with the
 * venue. Pure and synchronous; a capture's receive times reproduce the live estimate.
 */
export class ClockOffset {
  private readonly ring: number[] = [];
  private next = 0;
  private readonly capacity: number;
  private cached: number | undefined;
  private dirty = false;

  /** @param samples ≥ 1 books. */
  constructor(samples: number = CLOCK_OFFSET_SAMPLES) {
    if (!Number.isSafeInteger(samples) || samples < 1) throw new RangeError(`clock offset samples must be an integer ≥ 1, got ${samples}`);
    this.capacity = samples;
  }

  /** One book with venue time `tsEvent` received at `tsInit`, both ms. */
  add(tsEvent: number, tsInit: number): void {
    const sample = tsInit - tsEvent;
    if (this.ring.length < this.capacity) this.ring.push(sample);
    else {
      this.ring[this.next] = sample;
      this.next = (this.next + 1) % this.capacity;
    }
    this.dirty = true;
  }

  /** Median (receive − venue) offset (the lower one of an even count), ms; `undefined` before the first book. */
  medianMs(): number | undefined {
    if (this.dirty) {
      const sorted = [...this.ring].sort((a, b) => a - b);
      // The lower median: an integer of ms, like every time it corrects.
      this.cached = sorted[(sorted.length - 1) >> 1];
      this.dirty = false;
    }
    return this.cached;
  }

  /**
   * What to subtract from a receive time to read the venue's clock, ms: the median when its
   * magnitude exceeds `toleranceMs` (a host clock that disagrees) and is at most `maxMs`, else 0.
   * Within the tolerance it is latency; beyond `maxMs` (the parser passes its
   * `maxVenueTimeAheadMs`, 60 s, the bound it already puts on times ahead) the stream is not
   * live (a recording served again, old times by design) and is left as it is.
   */
  correctionMs(toleranceMs: number = CLOCK_SKEW_TOLERANCE_MS, maxMs: number = Number.POSITIVE_INFINITY): number {
    const median = this.medianMs();
    return median !== undefined && Math.abs(median) > toleranceMs && Math.abs(median) <= maxMs ? median : 0;
  }
}
