/** The reading side of a {@link BoundedQueue}. */
export interface ReadonlyBoundedQueue<T> {
  readonly size: number;
  /** The item at `index` (0 = oldest); negative indices count from the newest (−1 = newest). */
  at(index: number): T | undefined;
}

/**
 * A first-in-first-out queue with a fixed maximum length: pushing onto a full queue drops the
 * oldest item. Push and shift are O(1) amortised; indexing is O(1). Memory is bounded by
 * `capacity` items (plus at most max(1024, capacity) dead slots before compaction).
 */
export class BoundedQueue<T> implements ReadonlyBoundedQueue<T> {
  /** Maximum number of items held. */
  readonly capacity: number;
  private items: T[] = [];
  private head = 0;

  /** @throws RangeError when `capacity` is not a positive integer (a programming error). */
  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`BoundedQueue capacity must be a positive integer, got ${capacity}`);
    }
    this.capacity = capacity;
  }

  get size(): number {
    return this.items.length - this.head;
  }

  /** Appends `item`; returns the item dropped to make room, if any. */
  push(item: T): T | undefined {
    this.items.push(item);
    return this.size > this.capacity ? this.shift() : undefined;
  }

  /** Removes and returns the oldest item. */
  shift(): T | undefined {
    if (this.size === 0) return undefined;
    const item = this.items[this.head];
    this.head += 1;
    // Compact once the dead prefix outweighs the live part, so memory stays O(capacity).
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }

  /** The item at `index` (0 = oldest); negative indices count from the newest (−1 = newest). */
  at(index: number): T | undefined {
    const i = index < 0 ? this.size + index : index;
    if (i < 0 || i >= this.size) return undefined;
    return this.items[this.head + i];
  }

  /** Replaces the newest item (for corrections of the latest sample). */
  replaceLast(item: T): void {
    if (this.size === 0) {
      this.items.push(item);
    } else {
      this.items[this.items.length - 1] = item;
    }
  }

  get first(): T | undefined {
    return this.at(0);
  }

  get last(): T | undefined {
    return this.at(-1);
  }

  clear(): void {
    this.items = [];
    this.head = 0;
  }

  /** Oldest to newest. */
  *[Symbol.iterator](): IterableIterator<T> {
    for (let i = this.head; i < this.items.length; i += 1) {
      yield this.items[i] as T;
    }
  }

  /** The items oldest to newest, as a new array. */
  toArray(): T[] {
    return this.items.slice(this.head);
  }
}
