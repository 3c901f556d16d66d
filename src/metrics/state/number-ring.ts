/**
 * The last `capacity` numbers in arrival order, in one preallocated Float64Array: push, replace
 * the newest and index in O(1) with no allocation. Metrics keep a bar field here (volume, close)
 * so a per-bar sum reads contiguous memory instead of chasing `capacity` event objects.
 */
export class NumberRing {
  readonly capacity: number;
  private readonly data: Float64Array;
  /** Slot of the oldest value. */
  private start = 0;
  private held = 0;

  /** @throws RangeError when `capacity` is not a positive integer (a bug in the caller). */
  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`NumberRing capacity must be a positive integer, got ${capacity}`);
    this.capacity = capacity;
    this.data = new Float64Array(capacity);
  }

  /** Values held (≤ capacity). */
  get size(): number {
    return this.held;
  }

  /** Appends `x`, dropping the oldest value when full. */
  push(x: number): void {
    if (this.held < this.capacity) {
      this.data[(this.start + this.held) % this.capacity] = x;
      this.held += 1;
      return;
    }
    this.data[this.start] = x;
    this.start = this.start + 1 === this.capacity ? 0 : this.start + 1;
  }

  /** Replaces the newest value (appends when empty). */
  replaceLast(x: number): void {
    if (this.held === 0) this.push(x);
    else this.data[(this.start + this.held - 1) % this.capacity] = x;
  }

  /** The value at `index` (0 = oldest, −1 = newest); NaN outside the held range. */
  at(index: number): number {
    const i = index < 0 ? this.held + index : index;
    if (i < 0 || i >= this.held) return Number.NaN;
    return this.data[(this.start + i) % this.capacity] as number;
  }

  /** Σ of the values at indices [from, to) (0 = oldest), added oldest first; indices clamped to those held. */
  sum(from: number, to: number): number {
    let s = 0;
    const end = Math.min(to, this.held);
    for (let i = Math.max(0, from); i < end; i += 1) s += this.data[(this.start + i) % this.capacity] as number;
    return s;
  }
}
