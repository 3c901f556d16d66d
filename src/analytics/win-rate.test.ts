import { describe, expect, it } from "vitest";
import { winRate } from "./win-rate.ts";

describe("winRate", () => {
  it("counts net winners over all trades; a scratch is not a win", () => {
    // 2 winners of 4 trades (one scratch at 0, one loser) → 0.5
    expect(winRate([10, -5, 0, 3])).toBe(0.5);
  });
  it("is 1 for all wins, 0 for all losses, undefined without trades", () => {
    expect(winRate([1, 2])).toBe(1);
    expect(winRate([-1, -2])).toBe(0);
    expect(winRate([])).toBeUndefined();
  });
});
