/** A holding interval [openedMs, closedMs], ms since epoch. */
export interface HoldingInterval {
  readonly openedMs: number;
  readonly closedMs: number;
}

/** Merges overlapping or touching intervals; returns them sorted and disjoint. */
export function mergeIntervals(intervals: readonly HoldingInterval[]): HoldingInterval[] {
  const sorted = [...intervals].sort((a, b) => a.openedMs - b.openedMs);
  const merged: HoldingInterval[] = [];
  for (const iv of sorted) {
    const last = merged.at(-1);
    if (last !== undefined && iv.openedMs <= last.closedMs) {
      if (iv.closedMs > last.closedMs) merged[merged.length - 1] = { openedMs: last.openedMs, closedMs: iv.closedMs };
    } else {
      merged.push({ openedMs: iv.openedMs, closedMs: iv.closedMs });
    }
  }
  return merged;
}

/**
 * Time in market: the length of the UNION of position intervals (overlapping positions count
 * once) clipped to the covered period, divided by the period's length. A fraction in [0, 1];
 * undefined when the period is empty.
 * @param periodStartMs start of the covered period, ms.
 * @param periodEndMs end of the covered period, ms.
 */
export function timeInMarket(intervals: readonly HoldingInterval[], periodStartMs: number, periodEndMs: number): number | undefined {
  const length = periodEndMs - periodStartMs;
  if (!(length > 0)) return undefined;
  let held = 0;
  for (const iv of mergeIntervals(intervals)) {
    const a = Math.max(iv.openedMs, periodStartMs);
    const b = Math.min(iv.closedMs, periodEndMs);
    if (b > a) held += b - a;
  }
  return held / length;
}
