import { describe, expect, it } from "vitest";
import { correlationMatrix, pearson } from "./correlation.ts";

describe("pearson", () => {
  it("matches a hand-worked correlation", () => {
    // x = [1,2,3,4], y = [2,1,4,3]: means 2.5; Σdxdy = (−1.5)(−0.5)+(−0.5)(−1.5)+(0.5)(1.5)+(1.5)(0.5) = 3;
    // Σdx² = Σdy² = 5 → r = 3/5 = 0.6
    expect(pearson([1, 2, 3, 4], [2, 1, 4, 3])).toBeCloseTo(0.6, 15);
    expect(pearson([1, 2, 3], [3, 2, 1])).toBeCloseTo(-1, 15);
  });
  it("is undefined for a constant series or fewer than 3 pairs", () => {
    expect(pearson([1, 1, 1], [1, 2, 3])).toBeUndefined();
    expect(pearson([1, 2], [2, 1])).toBeUndefined();
  });
});

describe("correlationMatrix", () => {
  it("is symmetric with 1 on the diagonal and null where undefined", () => {
    const m = correlationMatrix(
      new Map([
        ["a", [1, 2, 3, 4]],
        ["b", [2, 1, 4, 3]],
        ["flat", [0, 0, 0, 0]],
      ]),
    );
    expect(m.names).toEqual(["a", "b", "flat"]);
    expect(m.values[0]![0]).toBe(1);
    expect(m.values[0]![1]).toBeCloseTo(0.6, 15);
    expect(m.values[1]![0]).toBeCloseTo(0.6, 15);
    expect(m.values[2]).toEqual([null, null, null]);
    expect(m.maxAbsOffDiagonal).toBeCloseTo(0.6, 15);
  });
});
