import type { MarketEvent } from "../core/index.ts";
import { GapDetector } from "./gaps.ts";

/** One input of the merge: a name for reports and its events in batches, in source order. */
export interface ReplaySource {
  readonly name: string;
  readonly batches: AsyncIterable<readonly MarketEvent[]>;
}

/** What a merge saw, filled in while it runs. */
export class MergeReport {
  /** Events emitted. */
  events = 0;
  /** Events emitted with a tsEvent earlier than the event before them (an unsorted source). */
  outOfOrder = 0;
  readonly outOfOrderBySource = new Map<string, number>();
  readonly gaps: GapDetector;

  constructor(gaps: GapDetector = new GapDetector()) {
    this.gaps = gaps;
  }
}

export interface MergeOptions {
  /** Filled in as the merge runs; read it during or after iteration. */
  readonly report?: MergeReport;
  /** Events per yielded batch (default 4096). */
  readonly batchSize?: number;
  /** Called when a source is exhausted, with its index and name. */
  readonly onSourceDone?: (index: number, name: string) => void;
}

/**
 * Merges any number of sources into one stream ordered by `tsEvent`, with a binary heap
 * keyed on each source's next event. Stable: equal times come out in source order (the
 * order of `sources`), then in each source's own order, which is never changed.
 *
 * Memory is bounded by the number of sources: each holds one batch. A source that is not
 * itself sorted is merged as it is (its order is the recorded order, and reordering it
 * would show events before they were received); each event that comes out earlier than its
 * predecessor is counted in `report.outOfOrder` (closed bars and funding settlements excepted: a
 * capture delivers them when they became knowable, after later events, as the live session did).
 *
 * Gaps (candle bars, funding settlements, connection gaps) are detected on the merged
 * stream into `report.gaps`, so overlapping files of one market count once.
 *
 * Yields batches of up to `batchSize` events; see `flatten` for one event at a time.
 */
export async function* mergeSources(sources: readonly ReplaySource[], options: MergeOptions = {}): AsyncGenerator<MarketEvent[]> {
  const report = options.report ?? new MergeReport();
  const batchSize = options.batchSize ?? 4096;
  const count = sources.length;
  const iterators = sources.map((s) => s.batches[Symbol.asyncIterator]());
  const batches: (readonly MarketEvent[])[] = new Array<readonly MarketEvent[]>(count).fill([]);
  const positions = new Array<number>(count).fill(0);
  const heads = new Array<number>(count).fill(0);
  const heap: number[] = [];

  // Earlier head first; on equal times the lower source index (stability).
  const before = (a: number, b: number): boolean => {
    const ta = heads[a] ?? 0;
    const tb = heads[b] ?? 0;
    return ta < tb || (ta === tb && a < b);
  };
  const siftUp = (at: number): void => {
    let i = at;
    const item = heap[i] ?? 0;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = heap[parent] ?? 0;
      if (!before(item, p)) break;
      heap[i] = p;
      i = parent;
    }
    heap[i] = item;
  };
  const siftDown = (at: number): void => {
    let i = at;
    const n = heap.length;
    const item = heap[i] ?? 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const right = left + 1;
      let child = left;
      if (right < n && before(heap[right] ?? 0, heap[left] ?? 0)) child = right;
      const c = heap[child] ?? 0;
      if (!before(c, item)) break;
      heap[i] = c;
      i = child;
    }
    heap[i] = item;
  };
  /** Loads the next non-empty batch of a source; false when it is exhausted. */
  const refill = async (index: number): Promise<boolean> => {
    const iterator = iterators[index];
    if (iterator === undefined) return false;
    for (;;) {
      const next = await iterator.next();
      if (next.done === true) {
        options.onSourceDone?.(index, sources[index]?.name ?? "");
        return false;
      }
      if (next.value.length > 0) {
        batches[index] = next.value;
        positions[index] = 0;
        heads[index] = next.value[0]?.tsEvent ?? 0;
        return true;
      }
    }
  };

  const loaded = await Promise.all(sources.map((_, index) => refill(index)));
  loaded.forEach((ok, index) => {
    if (ok) {
      heap.push(index);
      siftUp(heap.length - 1);
    }
  });

  let out: MarketEvent[] = [];
  let lastTs = Number.NEGATIVE_INFINITY;
  try {
    while (heap.length > 0) {
      const index = heap[0] ?? 0;
      const batch = batches[index] ?? [];
      let position = positions[index] ?? 0;
      const event = batch[position];
      position += 1;
      if (event !== undefined) {
        // A closed bar and a funding settlement describe a period that has ended: they are
        // delivered when they become knowable (the next bar's frame, the hourly poll), after
        // later events, by design. Only the other kinds say a source is unsorted.
        if (event.tsEvent < lastTs && event.kind !== "candle" && event.kind !== "funding") {
          report.outOfOrder += 1;
          const name = sources[index]?.name ?? "";
          report.outOfOrderBySource.set(name, (report.outOfOrderBySource.get(name) ?? 0) + 1);
        } else if (event.tsEvent > lastTs) {
          lastTs = event.tsEvent;
        }
        report.events += 1;
        report.gaps.observe(event);
        out.push(event);
      }
      if (position < batch.length) {
        positions[index] = position;
        heads[index] = batch[position]?.tsEvent ?? 0;
        siftDown(0);
      } else {
        if (out.length > 0) {
          // Hand over what is ready before awaiting the source's next batch.
          yield out;
          out = [];
        }
        if (await refill(index)) {
          siftDown(0);
        } else {
          const lastItem = heap.pop() ?? 0;
          if (heap.length > 0) {
            heap[0] = lastItem;
            siftDown(0);
          }
        }
      }
      if (out.length >= batchSize) {
        yield out;
        out = [];
      }
    }
    if (out.length > 0) {
      yield out;
    }
  } finally {
    // Early exit by the consumer: let every source close its files.
    const closing: Promise<unknown>[] = [];
    for (const iterator of iterators) {
      if (iterator.return !== undefined) {
        closing.push(iterator.return());
      }
    }
    await Promise.all(closing);
  }
}

/** One event at a time from a batched stream (convenient; slower than looping over batches). */
export async function* flatten(batches: AsyncIterable<readonly MarketEvent[]>): AsyncGenerator<MarketEvent> {
  for await (const batch of batches) {
    yield* batch;
  }
}
