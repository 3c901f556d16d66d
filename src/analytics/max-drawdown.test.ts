import { describe, expect, it } from "vitest";
import { maxDrawdown } from "./max-drawdown.ts";

const pts = (...eq: number[]) => eq.map((equityUsd, i) => ({ tsMs: (i + 1) * 1_000, equityUsd }));

describe("maxDrawdown", () => {
  it("measures the deepest fall from a running peak (hand-worked)", () => {
    // peaks 10 000 → 11 000; troughs 9 500 (−5 %), 9 900 from 11 000 (−10 %)
    const dd = maxDrawdown(pts(9_500, 11_000, 10_450, 9_900, 10_800), 10_000);
    expect(dd.fraction).toBeCloseTo(0.1, 15);
    expect(dd.usd).toBe(1_100);
    expect(dd.peakMs).toBe(2_000);
    expect(dd.troughMs).toBe(4_000);
  });

  it("starts the peak at the starting balance: a curve that only lost has a drawdown from its first dollar", () => {
    // 10 000 → 9 000 → 8 000: −20 %, although the curve's own first point is 9 000
    const dd = maxDrawdown(pts(9_000, 8_000), 10_000);
    expect(dd.fraction).toBeCloseTo(0.2, 15);
    expect(dd.peakMs).toBeUndefined();
  });

  it("is 0 for a rising curve and for no points", () => {
    expect(maxDrawdown(pts(10_100, 10_200), 10_000).fraction).toBe(0);
    expect(maxDrawdown([], 10_000)).toEqual({ fraction: 0, usd: 0, peakMs: undefined, troughMs: undefined });
  });
});
