import type { MarketEvent, MarketEventKind } from "../core/index.ts";
import type { StreamingMetric } from "./contract.ts";

/**
 * The `p`-th percentile (0..100) of an ascending array with linear interpolation between the two
 * nearest ranks — numpy's default (`method="linear"`): rank = p/100 × (n − 1),
 * value = s[⌊rank⌋] + (s[⌈rank⌉] − s[⌊rank⌋]) × (rank − ⌊rank⌋). Undefined for an empty array
 * or p outside [0, 100]. `n` (default: the length) takes only the first n values, for a buffer
 * filled to n.
 */
export function percentileOfSorted(sorted: ArrayLike<number>, p: number, n: number = sorted.length): number | undefined {
  if (n === 0 || !(p >= 0 && p <= 100)) return undefined;
  const rank = (p / 100) * (n - 1);
  const lo = Math.floor(rank);
  const hi = Math.min(n - 1, lo + 1);
  const a = sorted[lo];
  const b = sorted[hi];
  if (a === undefined || b === undefined) return undefined;
  const f = rank - lo;
  if (f === 0) return a;
  // numpy's _lerp: from the nearer end, so equal neighbours give exactly that value.
  const diff = b - a;
  // b − a overflows only for spreads beyond ±1.8e308; the weighted sum cannot.
  if (!Number.isFinite(diff)) return a * (1 - f) + b * f;
  return f >= 0.5 ? b - diff * (1 - f) : a + diff * f;
}

/** Index of the first value ≥ x among sorted[from..to) of an ascending buffer, or `to` (binary search, O(log n)). */
function lowerBound(sorted: Float64Array, from: number, to: number, x: number): number {
  let lo = from;
  let hi = to;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] as number) < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Percentiles of the last `window` values. Kept as a sorted buffer plus a ring of the values in
 * arrival order (two preallocated Float64Arrays, so a push allocates nothing). Once full, a push
 * replaces the evicted value in place: both are found by binary search (O(log n)) and only the
 * values between their two places move (one `copyWithin`, on average a third of the window
 * instead of the whole tail twice); a percentile is O(1). Memory: 2 × window numbers.
 */
export class RollingPercentile {
  readonly window: number;
  private readonly sorted: Float64Array;
  private readonly ring: Float64Array;
  /** Values held (≤ window). */
  private held = 0;
  /** Ring slot of the oldest value once full (the next to be evicted); the next free slot before. */
  private next = 0;

  /** @throws RangeError when `window` is not a positive integer (a bug in the caller). */
  constructor(window = 1000) {
    if (!Number.isInteger(window) || window < 1) throw new RangeError(`window must be a positive integer, got ${window}`);
    this.window = window;
    this.sorted = new Float64Array(window);
    this.ring = new Float64Array(window);
  }

  /** Adds one value; non-finite values are ignored. */
  push(value: number): void {
    if (!Number.isFinite(value)) return;
    const sorted = this.sorted;
    const n = this.held;
    if (n < this.window) {
      const at = lowerBound(sorted, 0, n, value);
      sorted.copyWithin(at + 1, at, n);
      sorted[at] = value;
      this.ring[n] = value;
      this.held = n + 1;
      return;
    }
    const oldest = this.ring[this.next] as number;
    this.ring[this.next] = value;
    this.next = this.next + 1 === n ? 0 : this.next + 1;
    const out = lowerBound(sorted, 0, n, oldest);
    // The new value's place once `oldest` is gone: the values strictly between the two places
    // shift by one towards the gap, then the new value fills the freed slot. Searched only on
    // the side of `out` where it lies (the result equals a search of the whole buffer).
    let at = value > oldest ? lowerBound(sorted, out + 1, n, value) : lowerBound(sorted, 0, out, value);
    if (at > out) {
      at -= 1;
      sorted.copyWithin(out, out + 1, at + 1);
    } else if (at < out) {
      sorted.copyWithin(at + 1, at, out);
    }
    sorted[at] = value;
  }

  /** Values held (≤ window). */
  get size(): number {
    return this.held;
  }

  /** The p-th percentile (0..100, numpy linear) of the held values; undefined when empty. */
  percentile(p: number): number | undefined {
    return percentileOfSorted(this.sorted, p, this.held);
  }
}

/** A threshold and where it came from. */
export interface ThresholdValue {
  /** The threshold, in the unit of the metric it was taken from. */
  readonly value: number;
  /** `percentile` once `minSamples` values are held; `default` (the configured fixed value) before. */
  readonly source: "percentile" | "default";
  /** Values it was computed from. */
  readonly samples: number;
}

/** Options of {@link AdaptiveThreshold}. */
export interface AdaptiveThresholdOptions {
  /** Percentile, 0..100. Default 90 (the memo's). */
  percentile?: number;
  /** The fixed threshold used below `minSamples` values, in the metric's unit. */
  fallback: number;
  /** Values kept. Default 1000 (the memo's). */
  window?: number;
  /** Values needed before the percentile replaces the fallback. Default 100 (the memo's). */
  minSamples?: number;
  /** Take |value| (for two-sided thresholds such as |imbalance| > t). Default false. */
  absolute?: boolean;
}

/**
 * A threshold that is the rolling percentile of a metric's recent values (the memo's Change 1),
 * or the configured fixed value while fewer than `minSamples` values exist, flagged as such.
 */
export class AdaptiveThreshold {
  readonly percentile: number;
  readonly fallback: number;
  readonly minSamples: number;
  readonly absolute: boolean;
  private readonly values: RollingPercentile;

  /** @throws RangeError for a percentile outside [0, 100] or a bad window (caller bugs). */
  constructor(options: AdaptiveThresholdOptions) {
    this.percentile = options.percentile ?? 90;
    if (!(this.percentile >= 0 && this.percentile <= 100)) throw new RangeError(`percentile must be in [0, 100], got ${this.percentile}`);
    this.fallback = options.fallback;
    this.minSamples = options.minSamples ?? 100;
    this.absolute = options.absolute ?? false;
    this.values = new RollingPercentile(options.window ?? 1000);
  }

  /** Adds one observed value of the metric (non-finite values are ignored). */
  push(value: number): void {
    this.values.push(this.absolute ? Math.abs(value) : value);
  }

  /** The current threshold. */
  threshold(): ThresholdValue {
    const samples = this.values.size;
    const value = samples >= this.minSamples ? this.values.percentile(this.percentile) : undefined;
    return value === undefined ? { value: this.fallback, source: "default", samples } : { value, source: "percentile", samples };
  }
}

/** Options of {@link AdaptiveThresholdMetric}. */
export interface AdaptiveThresholdMetricOptions extends AdaptiveThresholdOptions {
  /** The metric whose values are sampled. The wrapper owns it: feed events to the wrapper only. */
  source: StreamingMetric<number>;
  /** One sample of the source per slot of this much event time, ms. Default 60_000 (so a 0.5 s book stream does not fill the window in 8 min). */
  sampleEveryMs?: number;
  /** Undefined once the last sample is older than this, ms. Default 86_400_000 (a day without the source defined). */
  staleAfterMs?: number;
}

/**
 * {@link AdaptiveThreshold} as a streaming metric: feeds each event to its source metric and
 * samples the source's value once per `sampleEveryMs` slot of event time (UTC-aligned grid), at
 * the first event of the slot, just before applying it; a slot where the source is undefined
 * gives no sample.
 * Memory: the source's plus 2 × window numbers.
 */
export class AdaptiveThresholdMetric implements StreamingMetric<ThresholdValue> {
  readonly name: string;
  readonly unit: string;
  readonly needs: readonly MarketEventKind[];
  readonly warmUp: string;
  readonly sampleEveryMs: number;
  readonly staleAfterMs: number;
  private readonly source: StreamingMetric<number>;
  private readonly threshold: AdaptiveThreshold;
  private lastSampleTs = -Infinity;
  private nextSampleAt = -Infinity;

  constructor(options: AdaptiveThresholdMetricOptions) {
    this.source = options.source;
    this.threshold = new AdaptiveThreshold(options);
    this.sampleEveryMs = options.sampleEveryMs ?? 60_000;
    this.staleAfterMs = options.staleAfterMs ?? 86_400_000;
    const p = this.threshold.percentile;
    this.name = `${this.source.name}P${String(p).replace(".", "p")}`;
    this.unit = `${this.source.unit}; the ${p}th percentile of ${this.threshold.absolute ? "|values|" : "values"}`;
    this.needs = this.source.needs;
    this.warmUp = `1 sample of ${this.source.name} (the fixed default until ${this.threshold.minSamples} samples, one per ${this.sampleEveryMs / 1000} s)`;
  }

  update(event: MarketEvent): void {
    // Sampling is decided by event time alone (a grid), and done before the event is applied:
    // so an event the source ignores (another market) can neither add nor move a sample.
    if (event.tsEvent >= this.nextSampleAt) {
      this.nextSampleAt = (Math.floor(event.tsEvent / this.sampleEveryMs) + 1) * this.sampleEveryMs;
      const v = this.source.value(event.tsEvent);
      if (v !== undefined && Number.isFinite(v)) {
        this.threshold.push(v);
        this.lastSampleTs = event.tsEvent;
      }
    }
    this.source.update(event);
  }

  value(nowMs: number): ThresholdValue | undefined {
    if (nowMs - this.lastSampleTs > this.staleAfterMs) return undefined;
    return this.threshold.threshold();
  }

  isStable(nowMs: number): boolean {
    return this.value(nowMs) !== undefined;
  }
}
