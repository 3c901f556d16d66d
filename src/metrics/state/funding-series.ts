import { DAY_MS } from "../../core/index.ts";
import { BoundedQueue } from "./bounded-queue.ts";

/** One funding observation: the hourly rate known at `tsMs`. */
export interface FundingSample {
  /** ms since epoch. */
  readonly tsMs: number;
  /** Fraction per hour. */
  readonly ratePerHour: number;
}

/** Options of a {@link FundingSeries}. */
export interface FundingSeriesOptions {
  /** Keep samples no older than this before the newest. Default 7 days. */
  maxAgeMs?: number;
  /**
   * Minimum spacing between kept samples, ms: a sample closer than this to the previous kept
   * one replaces it. Default 0 (keep every settlement); use e.g. 60_000 for live asset contexts,
   * which arrive every few seconds.
   */
  minSpacingMs?: number;
  /** Hard cap on samples. Default 20_000 (7 days at one a minute is 10_080). */
  maxSamples?: number;
}

/**
 * A time-indexed series of hourly funding rates for one market, bounded by age (default 7 days)
 * and count. Samples must arrive in time order; an older one is ignored.
 */
export class FundingSeries {
  private readonly samples: BoundedQueue<FundingSample>;
  private readonly maxAgeMs: number;
  private readonly minSpacingMs: number;
  /** Time of the sample that opened the current spacing slot. */
  private slotStart = -Infinity;

  constructor(options: FundingSeriesOptions = {}) {
    this.maxAgeMs = options.maxAgeMs ?? 7 * DAY_MS;
    this.minSpacingMs = options.minSpacingMs ?? 0;
    this.samples = new BoundedQueue(options.maxSamples ?? 20_000);
  }

  add(tsMs: number, ratePerHour: number): void {
    const last = this.samples.last;
    if (last !== undefined && tsMs < last.tsMs) return;
    const sample = { tsMs, ratePerHour };
    if (last !== undefined && (tsMs === last.tsMs || tsMs - this.slotStart < this.minSpacingMs)) {
      this.samples.replaceLast(sample);
    } else {
      this.samples.push(sample);
      this.slotStart = tsMs;
    }
    while ((this.samples.first?.tsMs ?? Infinity) < tsMs - this.maxAgeMs) {
      this.samples.shift();
    }
  }

  get size(): number {
    return this.samples.size;
  }

  get latest(): FundingSample | undefined {
    return this.samples.last;
  }

  /**
   * The sample nearest to `targetMs` within `toleranceMs` (ties go to the earlier sample), or
   * `undefined` when none is that close. O(log n).
   */
  nearest(targetMs: number, toleranceMs: number): FundingSample | undefined {
    let lo = 0;
    let hi = this.samples.size;
    // First index with tsMs >= targetMs.
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.samples.at(mid)?.tsMs ?? Infinity) < targetMs) lo = mid + 1;
      else hi = mid;
    }
    const after = this.samples.at(lo);
    const before = lo > 0 ? this.samples.at(lo - 1) : undefined;
    let best: FundingSample | undefined;
    if (before !== undefined) best = before;
    if (after !== undefined && (best === undefined || after.tsMs - targetMs < targetMs - best.tsMs)) best = after;
    if (best === undefined || Math.abs(best.tsMs - targetMs) > toleranceMs) return undefined;
    return best;
  }

  toArray(): FundingSample[] {
    return this.samples.toArray();
  }
}
