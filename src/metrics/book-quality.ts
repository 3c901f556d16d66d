import type { BookLevel, BookSnapshotEvent, Market, MarketEvent, MarketEventKind } from "../core/index.ts";
import { bookImbalanceOf } from "./book-imbalance.ts";
import type { StreamingMetric } from "./contract.ts";
import { BoundedQueue } from "./state/bounded-queue.ts";

/**
 * Book quality, from the original monitor's later version: three separate metrics, because each
 * has its own warm-up and staleness, and each gives named numeric CSV columns:
 * - {@link BookConcentration}: Herfindahl concentration of each side (fake-wall detector);
 * - {@link LiquidityVelocity}: change of book imbalance per second;
 * - {@link QuoteStuffing}: book churn per second against its own trailing median.
 */

/** Herfindahl index of one side over the top `levels` levels: Σ share², share = level notional / side notional. */
export function herfindahl(side: readonly BookLevel[], levels: number): number | undefined {
  const top = side.slice(0, levels);
  let total = 0;
  for (const l of top) total += l.px * l.sz;
  if (!(total > 0) || !Number.isFinite(total)) return undefined;
  let h = 0;
  for (const l of top) {
    const share = (l.px * l.sz) / total;
    h += share * share;
  }
  return h;
}

/** Per-side Herfindahl concentration, each in [1/N, 1]. */
export interface BookConcentrationValue {
  /** Bid side: 1/N = flat over N levels, 1 = all notional in one level (a wall). */
  readonly bid: number;
  readonly ask: number;
}

/** Options shared by the book-quality metrics. */
export interface BookQualityOptions {
  market: Market;
  /** Levels per side, best first. Default 10. */
  levels?: number;
  /** Value undefined once the latest snapshot is older than this, ms. Default 5_000. */
  staleAfterMs?: number;
}

/**
 * Herfindahl concentration of each book side over the top N levels (default 10) of the latest
 * snapshot. `undefined` while either side is empty. Memory: one result. Warm after 1 snapshot.
 */
export class BookConcentration implements StreamingMetric<BookConcentrationValue> {
  readonly name = "bookHerfindahl";
  readonly unit = "Herfindahl index per side in [1/N, 1] (1/N flat, 1 one wall)";
  readonly needs: readonly MarketEventKind[] = ["book"];
  readonly warmUp = "1 book snapshot with both sides non-empty";
  readonly market: Market;
  readonly levels: number;
  readonly staleAfterMs: number;
  private latest: BookConcentrationValue | undefined;
  private latestTs = -Infinity;

  constructor(options: BookQualityOptions) {
    this.market = options.market;
    this.levels = options.levels ?? 10;
    this.staleAfterMs = options.staleAfterMs ?? 5_000;
  }

  update(event: MarketEvent): void {
    if (event.kind !== "book" || event.market.key !== this.market.key) return;
    const bid = herfindahl(event.bids, this.levels);
    const ask = herfindahl(event.asks, this.levels);
    this.latest = bid === undefined || ask === undefined ? undefined : { bid, ask };
    this.latestTs = event.tsEvent;
  }

  value(nowMs: number): BookConcentrationValue | undefined {
    return nowMs - this.latestTs > this.staleAfterMs ? undefined : this.latest;
  }

  isStable(nowMs: number): boolean {
    return this.value(nowMs) !== undefined;
  }
}

/** Options of {@link LiquidityVelocity}. */
export interface LiquidityVelocityOptions extends BookQualityOptions {
  /**
   * Compare with the newest earlier snapshot at least this old, ms. Default 0: the previous
   * snapshot. The reference must also be no older than `lookbackMs + staleAfterMs`, so a gap in
   * the feed gives `undefined` rather than a rate averaged over the gap.
   */
  lookbackMs?: number;
}

/**
 * Liquidity velocity: change of the notional-weighted book imbalance (top N levels) per second,
 * (imbalance now − imbalance at the reference snapshot) / seconds between them.
 * `undefined` when either book is empty, the two share a timestamp, or the reference is missing
 * or too old. Memory: the snapshots of the last `lookbackMs` plus one, capped at 10 000.
 * Suggested reading: |velocity| > 0.5 /s means the book flipped a quarter of its range within half a second.
 */
export class LiquidityVelocity implements StreamingMetric<number> {
  readonly name = "liquidityVelocityPerSecond";
  readonly unit = "imbalance change per second (fraction/s)";
  readonly needs: readonly MarketEventKind[] = ["book"];
  readonly warmUp: string;
  readonly market: Market;
  readonly levels: number;
  readonly staleAfterMs: number;
  readonly lookbackMs: number;
  private readonly history = new BoundedQueue<{ ts: number; imbalance: number | undefined }>(10_000);
  private latest: number | undefined;
  private latestTs = -Infinity;

  constructor(options: LiquidityVelocityOptions) {
    this.market = options.market;
    this.levels = options.levels ?? 10;
    this.staleAfterMs = options.staleAfterMs ?? 5_000;
    this.lookbackMs = options.lookbackMs ?? 0;
    this.warmUp = this.lookbackMs === 0 ? "2 book snapshots" : `book snapshots spanning ${this.lookbackMs} ms`;
  }

  update(event: MarketEvent): void {
    if (event.kind !== "book" || event.market.key !== this.market.key) return;
    const ts = event.tsEvent;
    const imbalance = bookImbalanceOf(event, this.levels);
    this.history.push({ ts, imbalance });
    const cutoff = ts - this.lookbackMs;
    // Keep only the newest earlier snapshot at or before the cutoff, and everything after it.
    while (this.history.size > 2 && (this.history.at(1)?.ts ?? Infinity) <= cutoff) this.history.shift();
    const ref = this.history.size >= 2 ? this.history.first : undefined;
    this.latestTs = ts;
    this.latest = undefined;
    if (ref === undefined || ref.ts > cutoff || ref.imbalance === undefined || imbalance === undefined) return;
    const dtMs = ts - ref.ts;
    if (dtMs <= 0 || dtMs > this.lookbackMs + this.staleAfterMs) return;
    this.latest = (imbalance - ref.imbalance) / (dtMs / 1_000);
  }

  value(nowMs: number): number | undefined {
    return nowMs - this.latestTs > this.staleAfterMs ? undefined : this.latest;
  }

  isStable(nowMs: number): boolean {
    return this.value(nowMs) !== undefined;
  }
}

/** Book churn now against its trailing norm. */
export interface QuoteStuffingValue {
  /** Σ px·|Δsz| over the top N levels of both sides since the previous snapshot, per second, USD/s. */
  readonly churnUsdPerSecond: number;
  /** Median churn of the previous `window` snapshot intervals, USD/s. */
  readonly medianChurnUsdPerSecond: number;
  /** 1 when churn > k × median (and median > 0), else 0. */
  readonly stuffing: 0 | 1;
}

/** Options of {@link QuoteStuffing}. */
export interface QuoteStuffingOptions extends BookQualityOptions {
  /** Trailing intervals in the median. Default 120 (about 1 minute of 0.5 s snapshots). */
  window?: number;
  /** Flag when churn exceeds this multiple of the trailing median. Default 5. */
  k?: number;
}

/** Σ px·|Δsz| between two sides, matching levels by price; a level on one side only counts whole. */
export function sideChurnUsd(prev: readonly BookLevel[], next: readonly BookLevel[], levels: number): number {
  const n = Math.min(prev.length, levels);
  const m = Math.min(next.length, levels);
  const direction = monotonic(prev, n, monotonic(next, m, 0));
  return direction === undefined ? churnByMap(prev, next, levels) : churnByMerge(prev, n, next, m, direction);
}

/**
 * +1 when the first `count` prices strictly increase, −1 when they strictly decrease (a venue
 * side: asks up, bids down), `hint` for fewer than 2 levels; undefined when unordered, repeated,
 * or against a non-zero `hint`.
 */
function monotonic(side: readonly BookLevel[], count: number, hint: number | undefined): number | undefined {
  if (hint === undefined || count < 2) return hint;
  const first = side[0]?.px ?? 0;
  const second = side[1]?.px ?? 0;
  const direction = second > first ? 1 : second < first ? -1 : 0;
  if (direction === 0 || (hint !== 0 && hint !== direction)) return undefined;
  for (let i = 2; i < count; i += 1) {
    const step = (side[i]?.px ?? 0) - (side[i - 1]?.px ?? 0);
    if (!(step * direction > 0)) return undefined;
  }
  return direction;
}

/** Churn of two sides ordered the same way with distinct prices: one merge walk, no allocation. */
function churnByMerge(prev: readonly BookLevel[], n: number, next: readonly BookLevel[], m: number, direction: number): number {
  let churn = 0;
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    const a = i < n ? prev[i] : undefined;
    const b = j < m ? next[j] : undefined;
    if (a !== undefined && b !== undefined && a.px === b.px) {
      churn += b.px * Math.abs(b.sz - a.sz);
      i += 1;
      j += 1;
    } else if (b === undefined || (a !== undefined && (a.px - b.px) * direction < 0)) {
      // a comes first in the side's order and next has no level at its price
      churn += (a?.px ?? 0) * (a?.sz ?? 0);
      i += 1;
    } else {
      churn += b.px * b.sz;
      j += 1;
    }
  }
  return churn;
}

/** Churn of arbitrary sides (unordered or repeated prices: sizes at one price add up). */
function churnByMap(prev: readonly BookLevel[], next: readonly BookLevel[], levels: number): number {
  const sizes = (side: readonly BookLevel[]): Map<number, number> => {
    const m = new Map<number, number>();
    for (const l of side.slice(0, levels)) m.set(l.px, (m.get(l.px) ?? 0) + l.sz);
    return m;
  };
  const before = sizes(prev);
  const after = sizes(next);
  let churn = 0;
  for (const [px, sz] of after) churn += px * Math.abs(sz - (before.get(px) ?? 0));
  for (const [px, sz] of before) if (!after.has(px)) churn += px * sz;
  return churn;
}

/**
 * The trailing values of a fixed-size window, kept both in arrival order (a ring) and sorted, so
 * the median is a lookup and each new value costs two binary searches and two array moves of at
 * most `capacity` numbers (no sort, no allocation).
 */
class SortedWindow {
  readonly capacity: number;
  private readonly ring: Float64Array;
  private readonly sorted: Float64Array;
  private head = 0;
  size = 0;

  constructor(capacity: number) {
    this.capacity = capacity;
    this.ring = new Float64Array(capacity);
    this.sorted = new Float64Array(capacity);
  }

  /** Adds `x`, dropping the oldest value when full. */
  push(x: number): void {
    if (this.size === this.capacity) {
      const oldest = this.ring[this.head] ?? 0;
      const at = this.lowerBound(oldest);
      this.sorted.copyWithin(at, at + 1, this.size);
      this.size -= 1;
      this.ring[this.head] = x;
      this.head = (this.head + 1) % this.capacity;
    } else {
      this.ring[(this.head + this.size) % this.capacity] = x;
    }
    const at = this.lowerBound(x);
    this.sorted.copyWithin(at + 1, at, this.size);
    this.sorted[at] = x;
    this.size += 1;
  }

  /** Median of the values held (mean of the two middle ones for an even count); 0 when empty. */
  median(): number {
    const mid = this.size >> 1;
    if (this.size % 2 === 1) return this.sorted[mid] ?? 0;
    return ((this.sorted[mid - 1] ?? 0) + (this.sorted[mid] ?? 0)) / 2;
  }

  /** First index whose value is ≥ x. */
  private lowerBound(x: number): number {
    let lo = 0;
    let hi = this.size;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.sorted[mid] ?? 0) < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/**
 * Quote-stuffing flag. Rule: for each snapshot, churn = Σ px·|Δsz| over the top N levels of
 * both sides against the previous snapshot (levels matched by price), divided by the seconds
 * since it (snapshots sharing a timestamp add their churn to the next interval; an interval
 * longer than `staleAfterMs` is a feed gap and yields no rate). Flagged when the latest rate
 * exceeds k (default 5) × the median of the previous `window` (default 120) rates and that
 * median is > 0. `undefined` until `window + 1` rates exist. Memory: `window + 1` rates.
 * Cost per snapshot: a merge walk of the two books' levels and an O(window) sorted-window
 * update (binary search and one array move), no sort and no allocation.
 */
export class QuoteStuffing implements StreamingMetric<QuoteStuffingValue> {
  readonly name = "quoteStuffing";
  readonly unit = "book churn USD/s vs trailing median USD/s; stuffing flag 0/1";
  readonly needs: readonly MarketEventKind[] = ["book"];
  readonly warmUp: string;
  readonly market: Market;
  readonly levels: number;
  readonly staleAfterMs: number;
  readonly window: number;
  readonly k: number;
  /** The `window` rates before the latest one. */
  private readonly trailing: SortedWindow;
  /** The latest rate, not yet in `trailing`. */
  private latestRate: number | undefined;
  private prev: BookSnapshotEvent | undefined;
  private pendingChurnUsd = 0;
  private latest: QuoteStuffingValue | undefined;
  private latestTs = -Infinity;

  constructor(options: QuoteStuffingOptions) {
    this.market = options.market;
    this.levels = options.levels ?? 10;
    this.staleAfterMs = options.staleAfterMs ?? 5_000;
    this.window = options.window ?? 120;
    this.k = options.k ?? 5;
    this.trailing = new SortedWindow(this.window);
    this.warmUp = `${this.window + 2} book snapshots without a gap over ${this.staleAfterMs} ms`;
  }

  update(event: MarketEvent): void {
    if (event.kind !== "book" || event.market.key !== this.market.key) return;
    const prev = this.prev;
    this.prev = event;
    this.latestTs = event.tsEvent;
    this.latest = undefined;
    if (prev === undefined) return;
    this.pendingChurnUsd += sideChurnUsd(prev.bids, event.bids, this.levels) + sideChurnUsd(prev.asks, event.asks, this.levels);
    const dtMs = event.tsEvent - prev.tsEvent;
    if (dtMs <= 0) return;
    const churn = this.pendingChurnUsd;
    this.pendingChurnUsd = 0;
    if (dtMs > this.staleAfterMs) return;
    const rate = churn / (dtMs / 1_000);
    if (!Number.isFinite(rate)) return;
    if (this.latestRate !== undefined) this.trailing.push(this.latestRate);
    this.latestRate = rate;
    if (this.trailing.size < this.window) return;
    const median = this.trailing.median();
    this.latest = { churnUsdPerSecond: rate, medianChurnUsdPerSecond: median, stuffing: median > 0 && rate > this.k * median ? 1 : 0 };
  }

  value(nowMs: number): QuoteStuffingValue | undefined {
    return nowMs - this.latestTs > this.staleAfterMs ? undefined : this.latest;
  }

  isStable(nowMs: number): boolean {
    return this.value(nowMs) !== undefined;
  }
}
