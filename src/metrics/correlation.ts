import { DAY_MS, HOUR_MS } from "../core/index.ts";
import type { CandleInterval, Market, MarketEvent, MarketEventKind } from "../core/index.ts";
import type { StreamingMetric } from "./contract.ts";

/** Options of {@link RollingCorrelation}. */
export interface RollingCorrelationOptions {
  /** First market. */
  market: Market;
  /** Second market. */
  other: Market;
  /** Closed bars of this interval give the hourly closes (the bar ending on each UTC hour). Default "1h". */
  interval?: CandleInterval;
  /** Pairs of returns whose hour lies within this of the newest pair are used, ms. Default 30 days (720 hourly returns). */
  windowMs?: number;
  /** Pairs needed before a correlation is given. Default 48 (two days). */
  minPairs?: number;
  /** Undefined once the newest pair's hour is older than this, ms. Default 7_200_000 (2 h: one missed bar). */
  staleAfterMs?: number;
}

/**
 * A variance at or below this fraction of the mean square (Σx² / n) counts as zero: the sample
 * is one value up to rounding (std ≤ 1e-9 × RMS), and a correlation of rounding noise is
 * meaningless. Real returns are quoted to ≥ 1e-6 relative steps, far above it.
 */
const ZERO_VARIANCE_RELATIVE = 1e-18;

/** True when a sum of squared deviations `c` over a sample whose Σx² is `sumSquares` is zero up to rounding. */
function noSpread(c: number, sumSquares: number): boolean {
  return !(c > ZERO_VARIANCE_RELATIVE * sumSquares);
}

/**
 * Pearson correlation of two equal-length samples (two-pass); undefined below 2 values or when
 * either variance is 0 (≤ 1e-18 × its mean square: one value up to rounding).
 */
export function pearson(xs: readonly number[], ys: readonly number[]): number | undefined {
  const n = Math.min(xs.length, ys.length);
  if (n < 2) return undefined;
  let sx = 0;
  let sy = 0;
  for (let i = 0; i < n; i += 1) {
    sx += xs[i] ?? 0;
    sy += ys[i] ?? 0;
  }
  const mx = sx / n;
  const my = sy / n;
  let sxx = 0;
  let syy = 0;
  let sxy = 0;
  for (let i = 0; i < n; i += 1) {
    const dx = (xs[i] ?? 0) - mx;
    const dy = (ys[i] ?? 0) - my;
    sxx += dx * dx;
    syy += dy * dy;
    sxy += dx * dy;
  }
  return correlationOf(sxx, syy, sxy, sxx + n * mx * mx, syy + n * my * my);
}

/** r = Cxy / √(Cxx·Cyy) from co-moments, clamped to [−1, 1]; undefined without spread or when not finite. */
function correlationOf(cxx: number, cyy: number, cxy: number, sumXX: number, sumYY: number): number | undefined {
  if (noSpread(cxx, sumXX) || noSpread(cyy, sumYY)) return undefined;
  const r = cxy / Math.sqrt(cxx * cyy);
  // Rounding can push |r| a hair past 1.
  return Number.isFinite(r) ? Math.max(-1, Math.min(1, r)) : undefined;
}

/** Updates between exact recomputations of the co-moments. */
const RECOMPUTE_EVERY = 64;
/** Recompute exactly as soon as a variance co-moment falls below this fraction of its peak since the last recomputation. */
const RECOMPUTE_BELOW_PEAK = 1 / 1024;

/**
 * Windowed co-moments of (x, y) pairs: means and Cxx = Σ(x − x̄)², Cyy, Cxy, kept with Welford's
 * add/remove updates (O(1) per pair, no Σx² − (Σx)²/n cancellation), over a ring of the pairs.
 *
 * Drift guard: each add or remove adds a rounding error of a few ε (2.2e-16) times the
 * co-moments' size at that moment, so after k updates the error is ≤ ~4kε × peak, where peak
 * is the largest Cxx (Cyy) since the last exact two-pass recomputation. Recomputing every 64
 * updates, and at once when Cxx or Cyy drops below 1/1024 of its peak (a large value leaving
 * the window), keeps the relative error of Cxx, Cyy ≤ 4 × 64 × 2.2e-16 × 1024 ≈ 6e-11, and so
 * the correlation's error ≤ ~2e-10.
 */
class PairWindow {
  private bounds: Float64Array<ArrayBuffer>;
  private xs: Float64Array<ArrayBuffer>;
  private ys: Float64Array<ArrayBuffer>;
  private head = 0;
  size = 0;
  private meanX = 0;
  private meanY = 0;
  cxx = 0;
  cyy = 0;
  cxy = 0;
  private peakXX = 0;
  private peakYY = 0;
  private sinceExact = 0;

  /** @param capacity initial slots: the most pairs the window can hold (grows past it if needed). */
  constructor(capacity: number) {
    this.bounds = new Float64Array(capacity);
    this.xs = new Float64Array(capacity);
    this.ys = new Float64Array(capacity);
  }

  /** Boundary of the oldest pair (Infinity when empty). */
  oldest(): number {
    return this.size === 0 ? Infinity : (this.bounds[this.head] ?? Infinity);
  }

  /** Boundary of the newest pair (−Infinity when empty). */
  newest(): number {
    return this.size === 0 ? -Infinity : (this.bounds[(this.head + this.size - 1) % this.bounds.length] ?? -Infinity);
  }

  push(boundary: number, x: number, y: number): void {
    if (this.size === this.bounds.length) this.grow();
    const i = (this.head + this.size) % this.bounds.length;
    this.bounds[i] = boundary;
    this.xs[i] = x;
    this.ys[i] = y;
    this.size += 1;
    const dx = x - this.meanX;
    const dy = y - this.meanY;
    this.meanX += dx / this.size;
    this.meanY += dy / this.size;
    this.cxx += dx * (x - this.meanX);
    this.cyy += dy * (y - this.meanY);
    this.cxy += dx * (y - this.meanY);
    this.afterUpdate();
  }

  shift(): void {
    if (this.size === 0) return;
    const x = this.xs[this.head] ?? 0;
    const y = this.ys[this.head] ?? 0;
    this.head = (this.head + 1) % this.bounds.length;
    this.size -= 1;
    if (this.size === 0) {
      this.meanX = this.meanY = this.cxx = this.cyy = this.cxy = 0;
      return;
    }
    // Welford's add, reversed: the mean without x, then C −= (x − mean_cur)(x − mean_new).
    const dx = x - this.meanX;
    const dy = y - this.meanY;
    this.meanX -= dx / this.size;
    this.meanY -= dy / this.size;
    this.cxx -= dx * (x - this.meanX);
    this.cyy -= dy * (y - this.meanY);
    this.cxy -= dx * (y - this.meanY);
    this.afterUpdate();
  }

  /** The correlation of the pairs in the window (see {@link pearson}). */
  correlation(): number | undefined {
    if (this.size < 2) return undefined;
    return correlationOf(this.cxx, this.cyy, this.cxy, this.cxx + this.size * this.meanX * this.meanX, this.cyy + this.size * this.meanY * this.meanY);
  }

  private afterUpdate(): void {
    this.sinceExact += 1;
    if (this.cxx > this.peakXX) this.peakXX = this.cxx;
    if (this.cyy > this.peakYY) this.peakYY = this.cyy;
    if (this.sinceExact >= RECOMPUTE_EVERY || this.cxx < RECOMPUTE_BELOW_PEAK * this.peakXX || this.cyy < RECOMPUTE_BELOW_PEAK * this.peakYY) this.recompute();
  }

  /** Two-pass co-moments over the ring, as {@link pearson} computes them. */
  private recompute(): void {
    const cap = this.bounds.length;
    let sx = 0;
    let sy = 0;
    for (let k = 0, i = this.head; k < this.size; k += 1, i = i + 1 === cap ? 0 : i + 1) {
      sx += this.xs[i] ?? 0;
      sy += this.ys[i] ?? 0;
    }
    const mx = sx / this.size;
    const my = sy / this.size;
    let cxx = 0;
    let cyy = 0;
    let cxy = 0;
    for (let k = 0, i = this.head; k < this.size; k += 1, i = i + 1 === cap ? 0 : i + 1) {
      const dx = (this.xs[i] ?? 0) - mx;
      const dy = (this.ys[i] ?? 0) - my;
      cxx += dx * dx;
      cyy += dy * dy;
      cxy += dx * dy;
    }
    this.meanX = mx;
    this.meanY = my;
    this.cxx = this.peakXX = cxx;
    this.cyy = this.peakYY = cyy;
    this.cxy = cxy;
    this.sinceExact = 0;
  }

  /** Doubles the ring: only when the constructor could not size it from the window. */
  private grow(): void {
    const cap = this.bounds.length;
    const copy = (from: Float64Array<ArrayBuffer>): Float64Array<ArrayBuffer> => {
      const to = new Float64Array(cap * 2);
      for (let k = 0; k < this.size; k += 1) to[k] = from[(this.head + k) % cap] ?? 0;
      return to;
    };
    this.bounds = copy(this.bounds);
    this.xs = copy(this.xs);
    this.ys = copy(this.ys);
    this.head = 0;
  }
}

/**
 * One market's hourly closes and the log returns between adjacent hours not yet paired: a
 * queue in hour order (each market's hours only increase), so the other market finds its
 * match at the front once the hours it has passed are dropped. A ring; no Map, no allocation.
 */
class HourlyReturns {
  private lastBoundary = -Infinity;
  private lastClose = 0;
  private hours = new Float64Array(16);
  private returns = new Float64Array(16);
  private head = 0;
  /** Unpaired returns held. */
  size = 0;

  /** Boundary of the newest hourly close, ms (−Infinity before the first). */
  get newest(): number {
    return this.lastBoundary;
  }

  /** Feeds an hourly close; returns the log return ending at `boundary` when the previous hour is known. */
  add(boundary: number, close: number): number | undefined {
    if (boundary <= this.lastBoundary) return undefined;
    const adjacent = this.lastBoundary === boundary - HOUR_MS;
    const lastClose = this.lastClose;
    this.lastBoundary = boundary;
    this.lastClose = close;
    if (!adjacent || !(lastClose > 0) || !(close > 0)) return undefined;
    const r = Math.log(close / lastClose);
    return Number.isFinite(r) ? r : undefined;
  }

  /** Queues an unpaired return (hours ascending). */
  hold(hour: number, r: number): void {
    if (this.size === this.hours.length) this.grow();
    const i = (this.head + this.size) & (this.hours.length - 1);
    this.hours[i] = hour;
    this.returns[i] = r;
    this.size += 1;
  }

  /** Removes and returns the held return of `hour` when it is the oldest held; else undefined. */
  take(hour: number): number | undefined {
    if (this.size === 0 || this.hours[this.head] !== hour) return undefined;
    const r = this.returns[this.head];
    this.head = (this.head + 1) & (this.hours.length - 1);
    this.size -= 1;
    return r;
  }

  /** Drops held returns of hours at or before `hour`. */
  dropThrough(hour: number): void {
    while (this.size > 0 && (this.hours[this.head] ?? Infinity) <= hour) {
      this.head = (this.head + 1) & (this.hours.length - 1);
      this.size -= 1;
    }
  }

  /** Doubles the ring (capacity a power of two; a window of 720 hours needs ≤ 1024). */
  private grow(): void {
    const mask = this.hours.length - 1;
    const hours = new Float64Array(this.hours.length * 2);
    const returns = new Float64Array(this.hours.length * 2);
    for (let k = 0; k < this.size; k += 1) {
      hours[k] = this.hours[(this.head + k) & mask] ?? 0;
      returns[k] = this.returns[(this.head + k) & mask] ?? 0;
    }
    this.hours = hours;
    this.returns = returns;
    this.head = 0;
  }
}

/**
 * Rolling Pearson correlation of hourly log returns between two markets, aligned by UTC hour:
 * a return for hour H is ln(close_H / close_{H−1h}) from the bars ending on those hours; an hour
 * missing for either market drops that pair. Over the last 30 days (≤ 720 pairs); undefined
 * below 48 pairs or when either variance is 0. O(1) per bar (windowed Welford co-moments with
 * a bounded-drift exact recomputation, see {@link PairWindow}).
 *
 * Memory: ≤ 720 pairs plus the returns of the market that runs ahead, waiting for the other;
 * those are dropped once the other has passed their hour, or once they are a whole window older
 * than the newest hour either market has reached (a pair that old would be outside the window of
 * the stream's present), so a market whose partner never sends bars holds ≤ 720 of them.
 */
export class RollingCorrelation implements StreamingMetric<number> {
  readonly name = "hourlyReturnCorrelation";
  readonly unit = "Pearson correlation in [-1, 1] of hourly log returns";
  readonly needs: readonly MarketEventKind[] = ["candle"];
  readonly warmUp: string;
  readonly market: Market;
  readonly other: Market;
  readonly interval: CandleInterval;
  readonly windowMs: number;
  readonly minPairs: number;
  readonly staleAfterMs: number;
  private readonly a = new HourlyReturns();
  private readonly b = new HourlyReturns();
  private readonly pairs: PairWindow;
  private current: number | undefined;

  constructor(options: RollingCorrelationOptions) {
    this.market = options.market;
    this.other = options.other;
    this.interval = options.interval ?? "1h";
    this.windowMs = options.windowMs ?? 30 * DAY_MS;
    this.minPairs = options.minPairs ?? 48;
    this.staleAfterMs = options.staleAfterMs ?? 2 * HOUR_MS;
    // One pair per hour: a window of W ms holds at most ⌈W / 1 h⌉ (720 for 30 days), allocated once.
    const hours = Math.ceil(this.windowMs / HOUR_MS);
    this.pairs = new PairWindow(Number.isFinite(hours) && hours >= 1 && hours <= 65_536 ? hours : 64);
    this.warmUp = `${this.minPairs} hours with a return for both ${this.market.symbol} and ${this.other.symbol}`;
  }

  update(event: MarketEvent): void {
    if (event.kind !== "candle" || event.interval !== this.interval || !event.closed) return;
    const isA = event.market === this.market || event.market.key === this.market.key;
    if (!isA && event.market !== this.other && event.market.key !== this.other.key) return;
    const boundary = event.closeTime + 1;
    if (boundary % HOUR_MS !== 0) return;
    const mine = isA ? this.a : this.b;
    const theirs = isA ? this.b : this.a;
    const r = mine.add(boundary, event.close);
    // The other market's returns before this hour can no longer pair: this one has passed them.
    theirs.dropThrough(boundary - 1);
    // Returns a whole window behind the present can only make pairs outside the window: bounds memory.
    mine.dropThrough(boundary - this.windowMs);
    if (r === undefined) return;
    // Their held hours before this one are gone, so a match can only be at the front.
    const match = theirs.take(boundary);
    if (match === undefined) {
      // Only while the other market has not passed this hour (else it can never pair).
      if (boundary > theirs.newest) mine.hold(boundary, r);
      return;
    }
    if (isA) this.pairs.push(boundary, r, match);
    else this.pairs.push(boundary, match, r);
    while (this.pairs.oldest() <= boundary - this.windowMs) this.pairs.shift();
    this.current = this.pairs.size < this.minPairs ? undefined : this.pairs.correlation();
  }

  value(nowMs: number): number | undefined {
    if (this.pairs.size === 0 || nowMs - this.pairs.newest() > this.staleAfterMs) return undefined;
    return this.current;
  }

  isStable(nowMs: number): boolean {
    return this.value(nowMs) !== undefined;
  }

  /** Pairs in the window (≤ windowMs / 1 h). */
  pairCount(): number {
    return this.pairs.size;
  }

  /** Returns waiting for the other market's same hour (≤ windowMs / 1 h per market). */
  pendingCount(): number {
    return this.a.size + this.b.size;
  }
}

/** Options of {@link CorrelationMatrix}: those of {@link RollingCorrelation} without the two markets. */
export interface CorrelationMatrixOptions extends Omit<RollingCorrelationOptions, "market" | "other"> {
  markets: readonly Market[];
}

/**
 * Pairwise {@link RollingCorrelation}s over N markets, for the risk layer's correlation gate.
 * Measured returns only: a pair without enough data is undefined, never a placeholder.
 * Memory: N(N − 1)/2 correlations.
 */
export class CorrelationMatrix {
  readonly markets: readonly Market[];
  private readonly cells = new Map<string, RollingCorrelation>();

  constructor(options: CorrelationMatrixOptions) {
    this.markets = options.markets;
    const { markets, ...rest } = options;
    for (let i = 0; i < markets.length; i += 1) {
      for (let j = i + 1; j < markets.length; j += 1) {
        const a = markets[i];
        const b = markets[j];
        if (a !== undefined && b !== undefined) this.cells.set(`${a.key}|${b.key}`, new RollingCorrelation({ ...rest, market: a, other: b }));
      }
    }
  }

  update(event: MarketEvent): void {
    for (const cell of this.cells.values()) cell.update(event);
  }

  /** Correlation of two of the markets at nowMs: 1 for a market with itself, undefined when unknown. */
  correlation(a: Market, b: Market, nowMs: number): number | undefined {
    if (a.key === b.key) return this.markets.some((m) => m.key === a.key) ? 1 : undefined;
    return (this.cells.get(`${a.key}|${b.key}`) ?? this.cells.get(`${b.key}|${a.key}`))?.value(nowMs);
  }

  /** The symmetric matrix in `markets` order. */
  matrix(nowMs: number): (number | undefined)[][] {
    return this.markets.map((a) => this.markets.map((b) => this.correlation(a, b, nowMs)));
  }
}
