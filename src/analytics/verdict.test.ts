import { describe, expect, it } from "vitest";
import { GENERAL_GATE } from "./gates.ts";
import { recommendLifecycle } from "./lifecycle-recommendation.ts";
import { performanceFigures } from "./performance-figures.ts";
import type { PerformanceFigures } from "./performance-figures.ts";
import { mulberry32 } from "./prng.ts";
import { realisedEquityPoints } from "./realised-equity.ts";
import { DAY_MS, HOUR_MS, T0, coinFlipEdge, outcome, syntheticOutcomes } from "./test-outcomes.ts";
import { evaluateGate } from "./verdict.ts";

function simulate(days: number, tradesPerDay: number, p: number, win: number, loss: number, seed: number): PerformanceFigures {
  const outcomes = syntheticOutcomes(mulberry32(seed), days, tradesPerDay, coinFlipEdge(p, win, loss));
  return performanceFigures({
    name: "s",
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

const settings = { psrConfidence: 0.95 };

describe("evaluateGate", () => {
  it("reports every criterion with measured value, threshold and both verdicts", () => {
    const f = simulate(200, 4, 0.7, 50, 50, 3);
    const v = evaluateGate(f, "general", GENERAL_GATE, settings);
    expect(v.criteria.map((c) => c.criterion)).toEqual(["trades", "winRate", "profitFactor", "sharpe", "maxDrawdown"]);
    const wr = v.criteria.find((c) => c.criterion === "winRate")!;
    expect(wr.threshold).toBe(0.55);
    expect(wr.measured).toBe(f.trades.winRate);
    expect(v.pass).toBe(true);
    expect(v.confidentPass).toBe(true);
    expect(v.reason).toBe("passes gate general with confidence");
    expect(recommendLifecycle(f, v, 30, 0).recommendation).toBe("validated");
  });

  it("passes on the point estimates but not with confidence on a short lucky sample", () => {
    // 10 days × 4 trades of a coin flip with a small edge: 40 trades
    const f = simulate(10, 4, 0.6, 50, 40, 5);
    const v = evaluateGate(f, "general", { minWinRate: 0.5, minTrades: 30 }, settings);
    expect(v.pass).toBe(true);
    expect(v.confidentPass).toBe(false);
    expect(v.reason).toMatch(/^passes gate general on the point estimates, not yet with confidence on winRate/);
    expect(recommendLifecycle(f, v, 30, 0).recommendation).toBe("forward-testing");
  });

  it("fails a losing strategy and recommends killing it after enough trades", () => {
    const f = simulate(60, 2, 0.3, 50, 50, 7);
    const v = evaluateGate(f, "general", GENERAL_GATE, settings);
    expect(v.pass).toBe(false);
    expect(v.reason).toMatch(/^fails gate general on winRate, profitFactor, sharpe/);
    const r = recommendLifecycle(f, v, 30, 0);
    expect(r.recommendation).toBe("killed");
    expect(r.reason).toMatch(/after 120 trades the Sharpe interval's upper bound -?\d+\.\d\d is below 0/);
  });

  it("does not kill before the minimum number of trades", () => {
    const f = simulate(5, 2, 0.1, 50, 50, 9);
    const v = evaluateGate(f, "general", GENERAL_GATE, settings);
    expect(recommendLifecycle(f, v, 30, 0)).toEqual({ recommendation: "forward-testing", reason: `10 of 30 trades; ${v.reason}` });
  });

  it("treats a profit factor with no losses as not measured, and requires the DSR when variants were tried", () => {
    const f = simulate(60, 2, 1, 50, 50, 1);
    const v = evaluateGate(f, "g", { minProfitFactor: 1.5 }, settings);
    expect(v.criteria[0]!.pass).toBe(false);
    expect(v.criteria[0]!.reason).toMatch(/no losses/);
    const g = simulate(60, 2, 0.6, 50, 50, 2);
    const withTrials = { ...g, deflated: { ...g.deflated!, trials: 50, value: 0.5 } };
    const s = evaluateGate(withTrials, "g", { minSharpe: 0 }, settings).criteria[0]!;
    expect(s.confident).toBe(false);
    expect(s.reason).toMatch(/DSR 0\.500 over 50 variants/);
  });

  it("fails win rate and profit factor with a reason when every trade sits in one overlap cluster", () => {
    // One position held 30 days overlaps 40 one-hour trades (one a day... chained): one cluster of 41 trades.
    // 35 of 41 win (+50), 6 lose (−50): win rate 0.854, PF 35 × 50 / (6 × 50) = 5.83 — before the fix the
    // cluster bootstrap returned [0.854, 0.854] and [5.83, 5.83], and both passed "with confidence".
    const long = outcome(50, T0, 40 * DAY_MS);
    const short = Array.from({ length: 40 }, (_, i) => outcome(i < 34 ? 50 : -50, T0 + i * DAY_MS + HOUR_MS, HOUR_MS));
    const outcomes = [long, ...short];
    const f = performanceFigures({
      name: "s",
      outcomes,
      equity: realisedEquityPoints(outcomes, 10_000),
      equitySource: "realised",
      startingBalanceUsd: 10_000,
      periodStartMs: T0,
      periodEndMs: T0 + 41 * DAY_MS - 1,
      resamples: 500,
      bootstrapConfidence: 0.9,
      seed: 1,
    });
    expect(f.effectiveTrades.clusters).toBe(1);
    expect(f.trades.winRate).toBeCloseTo(35 / 41, 15);
    expect(f.intervals.winRate.lower).toBeUndefined();
    const v = evaluateGate(f, "g", { minWinRate: 0.55, minProfitFactor: 1.5 }, settings);
    expect(v.criteria.map((c) => [c.criterion, c.pass, c.confident])).toEqual([
      ["winRate", true, false],
      ["profitFactor", true, false],
    ]);
    expect(v.criteria[0]!.reason).toBe("win rate 0.854, no interval: 1 overlap cluster, fewer than the 10 an interval needs vs > 0.55");
    expect(v.criteria[1]!.reason).toBe("profit factor 5.83, no interval: 1 overlap cluster, fewer than the 10 an interval needs vs > 1.5");
    expect(v.reason).toBe("passes gate g on the point estimates, not yet with confidence on winRate, profitFactor");
  });
});
