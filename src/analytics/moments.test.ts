import { describe, expect, it } from "vitest";
import { mean, sampleStdDev, shapeMoments } from "./moments.ts";

describe("moments", () => {
  it("uses the sample standard deviation (n − 1)", () => {
    // [1, 2, 3, 4]: mean 2.5, squared deviations 2.25 + 0.25 + 0.25 + 2.25 = 5, 5 / 3 → sd = 1.2909944
    expect(mean([1, 2, 3, 4])).toBe(2.5);
    expect(sampleStdDev([1, 2, 3, 4])).toBeCloseTo(Math.sqrt(5 / 3), 14);
  });

  it("gives raw kurtosis, not excess: a two-point symmetric sample has γ₃ = 0 and γ₄ = 1", () => {
    // [−1, 1]: m2 = 1, m3 = 0, m4 = 1 → γ₄ = 1 (excess would be −2)
    const s = shapeMoments([-1, 1, -1, 1]);
    expect(s?.skewness).toBeCloseTo(0, 14);
    expect(s?.rawKurtosis).toBeCloseTo(1, 14);
  });

  it("measures skew by hand: [0, 0, 3]", () => {
    // mean 1; deviations −1, −1, 2; m2 = 6/3 = 2, m3 = (−1 −1 + 8)/3 = 2, m4 = (1 + 1 + 16)/3 = 6
    // γ₃ = 2 / 2^1.5 = 0.70710678; γ₄ = 6 / 4 = 1.5
    const s = shapeMoments([0, 0, 3]);
    expect(s?.skewness).toBeCloseTo(1 / Math.SQRT2, 14);
    expect(s?.rawKurtosis).toBeCloseTo(1.5, 14);
  });

  it("is undefined on empty, single and constant samples", () => {
    expect(mean([])).toBeUndefined();
    expect(sampleStdDev([5])).toBeUndefined();
    expect(shapeMoments([5])).toBeUndefined();
    expect(shapeMoments([0.1, 0.1, 0.1])).toBeUndefined();
    expect(sampleStdDev([0.1, 0.1, 0.1])).toBe(0);
  });
});

describe("zero spread", () => {
  it("treats a constant growth path with rounding noise as zero variance", () => {
    // 1.01^k − 1.01^(k−1) over 1.01^(k−1) is 0.01 up to a few ulps.
    const eq = [100, 101, 102.01, 103.0301, 104.060401];
    const r = eq.slice(1).map((e, i) => e / eq[i]! - 1);
    expect(sampleStdDev(r)).toBe(0);
    expect(shapeMoments(r)).toBeUndefined();
  });
});
