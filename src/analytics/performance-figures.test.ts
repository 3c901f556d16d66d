import { describe, expect, it } from "vitest";
import { performanceFigures } from "./performance-figures.ts";
import type { FigureTrade } from "./performance-figures.ts";
import { realisedEquityPoints } from "./realised-equity.ts";
import { DAY_MS, HOUR_MS, T0, jsonSafe, outcome } from "./test-outcomes.ts";

function figures(outcomes: FigureTrade[], days = 3) {
  return performanceFigures({
    name: "t",
    outcomes,
    equity: realisedEquityPoints(outcomes, 10_000),
    equitySource: "realised",
    startingBalanceUsd: 10_000,
    periodStartMs: T0,
    periodEndMs: T0 + days * DAY_MS - 1,
    resamples: 500,
    bootstrapConfidence: 0.9,
    seed: 1,
  });
}


describe("performanceFigures edge cases", () => {
  it("no trades: flat equity, every ratio undefined, JSON-safe", () => {
    const f = figures([]);
    expect(f.trades.trades).toBe(0);
    expect(f.daily.returns).toEqual([0, 0, 0]);
    expect(f.sharpe.undefinedReason).toBe("zeroVariance");
    expect(f.sortino.undefinedReason).toBe("noDownside");
    expect(f.calmar).toBeUndefined();
    expect(f.psrZero).toBeUndefined();
    expect(f.intervals.winRate.lower).toBeUndefined();
    expect(f.timeInMarket).toBe(0);
    expect(jsonSafe(f)).toBe(true);
  });

  it("one trade: the day's return is measured, Sharpe from 3 days", () => {
    const f = figures([outcome(100, T0 + DAY_MS + HOUR_MS)]);
    // days: 10 000, 10 100, 10 100 → returns 0, 0.01, 0
    expect(f.daily.equityUsd).toEqual([10_000, 10_100, 10_100]);
    expect(f.daily.returns[1]).toBeCloseTo(0.01, 15);
    // mean 0.01/3, sample sd √((2 × (0.01/3)² + (0.02/3)²)/2) = 0.0057735 → daily SR 0.57735, × √365 = 11.0303
    expect(f.sharpe.annualised).toBeCloseTo(Math.sqrt(365) / Math.sqrt(3), 10);
    expect(f.trades.winRate).toBe(1);
    expect(f.trades.profitFactor.noLosses).toBe(true);
    // one hour of three days (the period ends 1 ms before the fourth midnight)
    expect(f.timeInMarket).toBeCloseTo(HOUR_MS / (3 * DAY_MS - 1), 15);
    expect(jsonSafe(f)).toBe(true);
  });

  it("all wins: profit factor flagged, no interval from 3 trades, and no finite upper bound from 12", () => {
    const f = figures([outcome(10, T0), outcome(20, T0 + DAY_MS), outcome(30, T0 + 2 * DAY_MS)]);
    expect(f.trades.profitFactor).toMatchObject({ noLosses: true });
    expect(f.trades.profitFactor.value).toBeUndefined();
    // 3 trades are 3 clusters: too few for an interval (it used to claim a win-rate lower bound of 1)
    expect(f.intervals.winRate.undefinedReason).toBe("no interval: 3 overlap clusters, fewer than the 10 an interval needs");
    const twelve = figures(Array.from({ length: 12 }, (_, i) => outcome(10 + i, T0 + i * DAY_MS)), 12);
    expect(twelve.intervals.winRate.lower).toBe(1);
    expect(twelve.intervals.profitFactor.lower).toBeUndefined();
    expect(twelve.intervals.profitFactor.upper).toBeUndefined();
    expect(jsonSafe(twelve)).toBe(true);
    expect(f.maxDrawdown.fraction).toBe(0);
    expect(f.calmar).toBeUndefined();
    expect(jsonSafe(f)).toBe(true);
  });

  it("all losses: win rate 0, profit factor 0, drawdown from the starting balance", () => {
    const f = figures([outcome(-100, T0), outcome(-100, T0 + DAY_MS), outcome(-100, T0 + 2 * DAY_MS)]);
    const twelve = figures(Array.from({ length: 12 }, (_, i) => outcome(-10, T0 + i * DAY_MS)), 12);
    expect(twelve.intervals.profitFactor.upper).toBe(0);
    expect(f.trades.winRate).toBe(0);
    expect(f.trades.profitFactor.value).toBe(0);
    // 10 000 → 9 700: 3 %
    expect(f.maxDrawdown.fraction).toBeCloseTo(0.03, 15);
    expect(f.sharpe.annualised).toBeLessThan(0);
    expect(f.intervals.profitFactor.upper).toBeUndefined();
    expect(jsonSafe(f)).toBe(true);
  });

  it("zero variance: the same return every day gives no Sharpe (not Infinity)", () => {
    // +1 % of the running equity every day: 100, 101, 102.01
    const f = figures([outcome(100, T0), outcome(101, T0 + DAY_MS), outcome(102.01, T0 + 2 * DAY_MS)]);
    expect(f.sharpe.undefinedReason).toBe("zeroVariance");
    expect(f.sharpe.annualised).toBeUndefined();
    expect(f.psrZero).toBeUndefined();
    expect(jsonSafe(f)).toBe(true);
  });

  it("counts overlapping trades on one coin once in the effective sample", () => {
    const f = figures([outcome(10, T0, 5 * HOUR_MS), outcome(-5, T0 + HOUR_MS, 5 * HOUR_MS), outcome(3, T0 + DAY_MS)]);
    expect(f.effectiveTrades).toEqual({ trades: 3, clusters: 2, effective: 2 });
  });
});
