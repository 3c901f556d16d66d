import { describe, expect, it } from "vitest";
import { deflatedSharpe, expectedMaxSharpe } from "./deflated-sharpe.ts";
import { probabilisticSharpe } from "./psr.ts";

describe("expectedMaxSharpe", () => {
  it("matches the Euler–Mascheroni approximation by hand", () => {
    // N = 10, V = 1: (1 − 0.5772157) × Φ⁻¹(0.9) + 0.5772157 × Φ⁻¹(1 − 1/(10e))
    //  = 0.4227843 × 1.2815516 + 0.5772157 × 1.7892418 = 1.5745983 (Python statistics.NormalDist)
    expect(expectedMaxSharpe(10, 1)).toBeCloseTo(1.5745983, 6);
    // scales with √V
    expect(expectedMaxSharpe(10, 0.04)).toBeCloseTo(0.2 * 1.5745983, 6);
  });
  it("is 0 for one trial and grows with the number of trials", () => {
    expect(expectedMaxSharpe(1, 1)).toBe(0);
    expect(expectedMaxSharpe(100, 1)).toBeGreaterThan(expectedMaxSharpe(10, 1));
  });
});

describe("deflatedSharpe", () => {
  const m = { sharpe: 0.15, n: 200, skewness: 0, rawKurtosis: 3 };

  it("equals PSR(0) for a single trial", () => {
    expect(deflatedSharpe(m, 1).value).toBe(probabilisticSharpe(m, 0));
  });

  it("deflates against the best of N no-skill trials, with the null variance 1/(n − 1) by default", () => {
    const d = deflatedSharpe(m, 20);
    expect(d.varianceSource).toBe("null");
    expect(d.sharpeVariance).toBeCloseTo(1 / 199, 15);
    expect(d.benchmark).toBeCloseTo(expectedMaxSharpe(20, 1 / 199), 15);
    expect(d.value).toBeLessThan(probabilisticSharpe(m, 0)!);
  });

  it("uses the measured variance of the trials' Sharpe ratios when given", () => {
    // [0.1, 0.2, 0.3]: sample variance ((−0.1)² + 0 + 0.1²) / 2 = 0.01
    const d = deflatedSharpe(m, 3, [0.1, 0.2, 0.3]);
    expect(d.varianceSource).toBe("trials");
    expect(d.sharpeVariance).toBeCloseTo(0.01, 15);
    expect(d.value).toBeCloseTo(probabilisticSharpe(m, expectedMaxSharpe(3, 0.01))!, 15);
  });
});
