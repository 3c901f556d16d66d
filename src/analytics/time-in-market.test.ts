import { describe, expect, it } from "vitest";
import { mergeIntervals, timeInMarket } from "./time-in-market.ts";

describe("timeInMarket", () => {
  it("counts overlapping positions once", () => {
    // [0, 30] ∪ [20, 50] = [0, 50]; [70, 80] → 60 of 100
    const ivs = [
      { openedMs: 20, closedMs: 50 },
      { openedMs: 0, closedMs: 30 },
      { openedMs: 70, closedMs: 80 },
    ];
    expect(mergeIntervals(ivs)).toEqual([
      { openedMs: 0, closedMs: 50 },
      { openedMs: 70, closedMs: 80 },
    ]);
    expect(timeInMarket(ivs, 0, 100)).toBe(0.6);
  });

  it("clips to the period and keeps a contained interval inside its container", () => {
    // [−50, 10] clipped to [0, 10]; [40, 90] contains [50, 60] → 10 + 50 = 60 of 100
    expect(
      timeInMarket(
        [
          { openedMs: -50, closedMs: 10 },
          { openedMs: 40, closedMs: 90 },
          { openedMs: 50, closedMs: 60 },
        ],
        0,
        100,
      ),
    ).toBe(0.6);
  });

  it("is 0 without positions and undefined for an empty period", () => {
    expect(timeInMarket([], 0, 100)).toBe(0);
    expect(timeInMarket([], 5, 5)).toBeUndefined();
  });
});
