import { describe, expect, it } from "vitest";
import { sharpeRatio } from "./sharpe.ts";

describe("sharpeRatio", () => {
  it("annualises the daily mean over the sample standard deviation with √365 (hand-worked)", () => {
    // [0.01, −0.005, 0.02, 0.003]: mean 0.007; deviations 0.003, −0.012, 0.013, −0.004;
    // Σd² = 9e-6 + 1.44e-4 + 1.69e-4 + 1.6e-5 = 3.38e-4; s = √(3.38e-4 / 3) = √1.126667e-4 = 0.0106144555
    // daily SR = 0.007 / 0.0106144555 = 0.6594780; annual = 0.6594780 × 19.1049732 = 12.599311
    const s = sharpeRatio([0.01, -0.005, 0.02, 0.003]);
    expect(s.perPeriod).toBeCloseTo(0.007 / Math.sqrt(3.38e-4 / 3), 12);
    expect(s.perPeriod).toBeCloseTo(0.659478, 6);
    expect(s.annualised).toBeCloseTo(12.599311, 5);
    expect(s.periods).toBe(4);
  });

  it("is undefined, not Infinity, for zero variance", () => {
    expect(sharpeRatio([0.01, 0.01, 0.01])).toEqual({ perPeriod: undefined, annualised: undefined, periods: 3, undefinedReason: "zeroVariance" });
    expect(sharpeRatio([0, 0]).undefinedReason).toBe("zeroVariance");
  });

  it("is undefined below two days", () => {
    expect(sharpeRatio([]).undefinedReason).toBe("tooFewDays");
    expect(sharpeRatio([0.05]).undefinedReason).toBe("tooFewDays");
  });

  it("is negative for a losing series", () => {
    expect(sharpeRatio([-0.01, -0.02, 0.005]).annualised).toBeLessThan(0);
  });
});
