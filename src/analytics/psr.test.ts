import { describe, expect, it } from "vitest";
import { minTrackRecordLength, probabilisticSharpe, sharpeMoments, sharpeVarianceFactor } from "./psr.ts";

describe("sharpeVarianceFactor", () => {
  it("is 1 + SR²/2 for normal returns (γ₃ = 0, raw γ₄ = 3)", () => {
    // SR = 0.5 → 1 + 0.25/2 = 1.125. With EXCESS kurtosis (0) plugged in it would be
    // 1 + (0 − 1)/4 · 0.25 = 0.9375: this test fails on that mistake.
    expect(sharpeVarianceFactor(0.5, 0, 3)).toBeCloseTo(1.125, 15);
  });
  it("grows with negative skew and fat tails", () => {
    // 1 − (−1)(0.2) + (9 − 1)/4 · 0.04 = 1 + 0.2 + 0.08 = 1.28
    expect(sharpeVarianceFactor(0.2, -1, 9)).toBeCloseTo(1.28, 15);
  });
});

describe("probabilisticSharpe", () => {
  it("matches a hand-worked PSR on a series with known moments", () => {
    // [0.03, −0.01] × 2: mean 0.01, sample sd √(4 × 0.0004 / 3) = 0.0230940; SR̂ = 0.4330127
    // γ₃ = 0, raw γ₄ = 1 (two-point) → factor = 1 + 0 × SR̂² = 1
    // PSR(0) = Φ(0.4330127 × √3 / 1) = Φ(0.75) = 0.7733726 (scipy.stats.norm.cdf(0.75))
    // (with excess kurtosis −2 the factor would be 0.859375 and PSR Φ(0.80904) = 0.7907539)
    const m = sharpeMoments([0.03, -0.01, 0.03, -0.01])!;
    expect(m.sharpe).toBeCloseTo(0.4330127, 7);
    expect(m.rawKurtosis).toBeCloseTo(1, 12);
    expect(probabilisticSharpe(m, 0)).toBeCloseTo(0.7733726476231317, 10);
  });

  it("uses raw kurtosis on normal-shaped moments: PSR = Φ((SR̂ − SR*)√(n−1)/√(1 + SR̂²/2))", () => {
    // SR̂ = 0.1 daily, n = 366, SR* = 0 → z = 0.1 × √365 / √1.005 = 1.9057 → Φ = 0.9716580 (scipy)
    const psr = probabilisticSharpe({ sharpe: 0.1, n: 366, skewness: 0, rawKurtosis: 3 }, 0)!;
    expect(psr).toBeCloseTo(0.971658, 6);
  });

  it("is 0.5 when the observed Sharpe equals the benchmark", () => {
    expect(probabilisticSharpe({ sharpe: 0.08, n: 100, skewness: 0.3, rawKurtosis: 5 }, 0.08)).toBe(0.5);
  });

  it("is undefined when the variance factor is not positive, and without moments", () => {
    // 1 − 3 × 1 + (3 − 1)/4 × 1 = −1.5
    expect(probabilisticSharpe({ sharpe: 1, n: 50, skewness: 3, rawKurtosis: 3 }, 0)).toBeUndefined();
    expect(sharpeMoments([0.01, 0.01, 0.01])).toBeUndefined();
    expect(sharpeMoments([0.01, 0.02])).toBeUndefined();
  });
});

describe("minTrackRecordLength", () => {
  it("gives the days needed for 95 % confidence (hand-worked)", () => {
    // SR̂ = 0.1, SR* = 0, normal: 1 + 1.005 × (1.6448536 / 0.1)² = 1 + 1.005 × 270.5543 = 272.9071
    expect(minTrackRecordLength({ sharpe: 0.1, n: 30, skewness: 0, rawKurtosis: 3 }, 0)).toBeCloseTo(272.9071, 3);
  });
  it("is consistent with PSR: at n = MinTRL the PSR is the confidence", () => {
    const m = { sharpe: 0.15, n: 0, skewness: -0.5, rawKurtosis: 6 };
    const n = minTrackRecordLength(m, 0.05)!;
    expect(probabilisticSharpe({ ...m, n }, 0.05)).toBeCloseTo(0.95, 12);
  });
  it("is undefined when the Sharpe does not beat the benchmark", () => {
    expect(minTrackRecordLength({ sharpe: 0.05, n: 30, skewness: 0, rawKurtosis: 3 }, 0.05)).toBeUndefined();
  });
});
