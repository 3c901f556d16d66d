import { describe, expect, it } from "vitest";
import { profitFactor } from "./profit-factor.ts";

describe("profitFactor", () => {
  it("divides gross profit by gross loss", () => {
    // wins 30 + 20 = 50; losses −10 − 15 = −25 → 2
    expect(profitFactor([30, -10, 20, -15, 0])).toEqual({ value: 2, noLosses: false, grossProfitUsd: 50, grossLossUsd: -25 });
  });
  it("flags all-win samples instead of returning Infinity", () => {
    const pf = profitFactor([5, 7]);
    expect(pf.value).toBeUndefined();
    expect(pf.noLosses).toBe(true);
    expect(JSON.stringify(pf)).toBe('{"noLosses":true,"grossProfitUsd":12,"grossLossUsd":0}');
  });
  it("is 0 when every trade lost, and undefined without trades", () => {
    expect(profitFactor([-1, -3]).value).toBe(0);
    expect(profitFactor([])).toEqual({ value: undefined, noLosses: false, grossProfitUsd: 0, grossLossUsd: 0 });
  });
});
