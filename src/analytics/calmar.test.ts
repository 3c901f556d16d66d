import { describe, expect, it } from "vitest";
import { annualisedReturn, calmarRatio } from "./calmar.ts";

describe("calmar", () => {
  it("compounds daily returns to a year", () => {
    // 73 days of +0.1 %: 1.001^(73 × 365/73) − 1 = 1.001^365 − 1 = 0.4402513
    const r = Array.from({ length: 73 }, () => 0.001);
    expect(annualisedReturn(r)).toBeCloseTo(Math.pow(1.001, 365) - 1, 12);
    expect(annualisedReturn(r)).toBeCloseTo(0.4402513, 6);
  });

  it("divides the annual return by the maximum drawdown", () => {
    // 365 days, growth 1.1 → 10 % a year; drawdown 5 % → 2
    const r = [0.1, ...Array.from({ length: 364 }, () => 0)];
    expect(calmarRatio(r, 0.05)).toBeCloseTo(2, 12);
  });

  it("is undefined with no drawdown, no days or after ruin", () => {
    expect(calmarRatio([0.01, 0.02], 0)).toBeUndefined();
    expect(calmarRatio([], 0.1)).toBeUndefined();
    expect(calmarRatio([-1, 0], 1)).toBeUndefined();
  });
});
