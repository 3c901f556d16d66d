import { describe, expect, it } from "vitest";
import { dailySeries, utcDayStart } from "./daily-returns.ts";

const DAY = 86_400_000;
const D0 = Date.UTC(2025, 0, 1); // 2025-01-01T00:00Z
const H = 3_600_000;

describe("dailySeries", () => {
  it("takes the last equity of each UTC day and returns from the starting balance", () => {
    const s = dailySeries(
      [
        { tsMs: D0 + 1 * H, equityUsd: 10_050 },
        { tsMs: D0 + 23 * H, equityUsd: 10_100 }, // end of day 1
        { tsMs: D0 + DAY + 5 * H, equityUsd: 9_999 }, // end of day 2
      ],
      10_000,
    );
    expect(s.days.map((d) => d.dayStartMs)).toEqual([D0, D0 + DAY]);
    expect(s.days.map((d) => d.equityUsd)).toEqual([10_100, 9_999]);
    // 10 100 / 10 000 − 1 = 0.01; 9 999 / 10 100 − 1 = −0.01
    expect(s.returns[0]).toBeCloseTo(0.01, 15);
    expect(s.returns[1]).toBeCloseTo(-0.01, 15);
    expect(s.pnlUsd).toEqual([100, -101]);
  });

  it("carries equity over a day with no snapshot: a 0 return, not a skipped day", () => {
    const s = dailySeries(
      [
        { tsMs: D0 + H, equityUsd: 11_000 },
        { tsMs: D0 + 2 * DAY + H, equityUsd: 12_100 },
      ],
      10_000,
    );
    expect(s.days.map((d) => d.equityUsd)).toEqual([11_000, 11_000, 12_100]);
    expect(s.returns[0]).toBeCloseTo(0.1, 15);
    expect(s.returns[1]).toBe(0);
    expect(s.returns[2]).toBeCloseTo(0.1, 15);
  });

  it("puts a snapshot exactly at midnight into the new day", () => {
    const s = dailySeries(
      [
        { tsMs: D0, equityUsd: 10_000 },
        { tsMs: D0 + DAY, equityUsd: 10_200 },
      ],
      10_000,
    );
    expect(s.days.map((d) => d.equityUsd)).toEqual([10_000, 10_200]);
  });

  it("extends to an explicit period with flat days before the first and after the last point", () => {
    const s = dailySeries([{ tsMs: D0 + DAY + H, equityUsd: 10_500 }], 10_000, { startMs: D0, endMs: D0 + 3 * DAY - 1 });
    expect(s.days.map((d) => d.equityUsd)).toEqual([10_000, 10_500, 10_500]);
    expect(s.returns[0]).toBe(0);
    expect(s.returns[1]).toBeCloseTo(0.05, 15);
    expect(s.returns[2]).toBe(0);
  });

  it("sorts unsorted points and ignores points outside the period", () => {
    const s = dailySeries(
      [
        { tsMs: D0 + 5 * H, equityUsd: 10_300 },
        { tsMs: D0 + 2 * H, equityUsd: 10_100 },
        { tsMs: D0 + 5 * DAY, equityUsd: 1 },
      ],
      10_000,
      { startMs: D0, endMs: D0 + DAY - 1 },
    );
    expect(s.days).toEqual([{ dayStartMs: D0, equityUsd: 10_300 }]);
  });

  it("is empty without points or period, and records ruin", () => {
    expect(dailySeries([], 10_000).days).toEqual([]);
    const s = dailySeries(
      [
        { tsMs: D0, equityUsd: 0 },
        { tsMs: D0 + DAY, equityUsd: 0 },
      ],
      10_000,
    );
    expect(s.returns).toEqual([-1, 0]);
    expect(s.ruinedDayMs).toBe(D0);
  });

  it("rejects a non-positive starting balance and non-finite points as bugs", () => {
    expect(() => dailySeries([], 0)).toThrow(RangeError);
    expect(() => dailySeries([{ tsMs: D0, equityUsd: Number.NaN }], 1)).toThrow(/equityUsd=NaN/);
  });

  it("finds the UTC day start", () => {
    expect(utcDayStart(D0 + DAY - 1)).toBe(D0);
    expect(utcDayStart(D0 + DAY)).toBe(D0 + DAY);
  });
});
