import { describe, expect, it } from "vitest";
import { sortinoRatio } from "./sortino.ts";

describe("sortinoRatio", () => {
  it("divides the mean by the downside deviation over all days (hand-worked)", () => {
    // [0.02, −0.01, 0.03, −0.02]: mean 0.005; Σ min(r,0)² = 1e-4 + 4e-4 = 5e-4; /4 → 1.25e-4;
    // DD = 0.0111803399; daily = 0.4472136; annual × √365 = 8.5440037
    const s = sortinoRatio([0.02, -0.01, 0.03, -0.02]);
    expect(s.perPeriod).toBeCloseTo(0.005 / Math.sqrt(1.25e-4), 12);
    expect(s.annualised).toBeCloseTo(8.5440037, 6);
  });

  it("is undefined with no losing day or below two days", () => {
    expect(sortinoRatio([0.01, 0, 0.02]).undefinedReason).toBe("noDownside");
    expect(sortinoRatio([-0.01]).undefinedReason).toBe("tooFewDays");
  });
});
