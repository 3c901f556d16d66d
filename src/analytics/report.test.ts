import { describe, expect, it } from "vitest";
import { perp } from "../core/index.ts";
import type { EquitySnapshot } from "../paper/index.ts";
import { CONVENTIONS } from "./conventions.ts";
import { parseGateConfig } from "./gates.ts";
import { performanceReport } from "./report.ts";
import { DAY_MS, HOUR_MS, T0, jsonSafe, outcome } from "./test-outcomes.ts";

const snap = (tsMs: number, equityUsd: number): EquitySnapshot => ({ tsMs, equityUsd, cashUsd: equityUsd, unrealizedUsd: 0, openPositions: 0, grossExposureUsd: 0 });

describe("performanceReport", () => {
  const outcomes = [
    outcome(100, T0 + HOUR_MS, HOUR_MS, { strategy: "basis-arbitrage" }),
    outcome(-50, T0 + DAY_MS + HOUR_MS, HOUR_MS, { strategy: "basis-arbitrage" }),
    outcome(30, T0 + 2 * DAY_MS + HOUR_MS, HOUR_MS, { strategy: "flow-toxicity", market: perp("ETH") }),
    outcome(-20, T0 + 3 * DAY_MS + HOUR_MS, HOUR_MS, { strategy: "flow-toxicity", market: perp("ETH") }),
  ];
  const equity = [snap(T0, 10_000), snap(T0 + 2 * HOUR_MS, 10_100), snap(T0 + DAY_MS + 2 * HOUR_MS, 10_050), snap(T0 + 2 * DAY_MS + 2 * HOUR_MS, 10_080), snap(T0 + 3 * DAY_MS + 2 * HOUR_MS, 10_060)];
  const report = performanceReport({ startingBalanceUsd: 10_000, outcomes, equity, config: parseGateConfig({ resamples: 200 }) });

  it("judges each strategy by its gate and the combined account by the default gate", () => {
    expect(report.strategies.map((s) => [s.figures.name, s.verdict.gate])).toEqual([
      ["basis-arbitrage", "phase1-basis"],
      ["flow-toxicity", "general"],
    ]);
    expect(report.combined.verdict.gate).toBe("general");
    expect(report.combined.lifecycle).toBeUndefined();
    expect(report.strategies.every((s) => s.lifecycle?.recommendation === "forward-testing")).toBe(true);
  });

  it("uses the account curve for the combined figures and realised P&L per strategy, over one common period", () => {
    expect(report.combined.figures.equitySource).toBe("account");
    expect(report.combined.figures.daily.equityUsd).toEqual([10_100, 10_050, 10_080, 10_060]);
    expect(report.strategies[0]!.figures.daily.pnlUsd).toEqual([100, -50, 0, 0]);
    expect(report.strategies[1]!.figures.daily.pnlUsd).toEqual([0, 0, 30, -20]);
    expect(report.periodStartMs).toBe(T0);
  });

  it("correlates daily P&L between strategies", () => {
    // a = [100, −50, 0, 0], b = [0, 0, 30, −20]: means 12.5 and 2.5;
    // Σdadb = (87.5)(−2.5) + (−62.5)(−2.5) + (−12.5)(27.5) + (−12.5)(−22.5) = −218.75 + 156.25 − 343.75 + 281.25 = −125
    // Σda² = 7656.25 + 3906.25 + 156.25 + 156.25 = 11875; Σdb² = 6.25 + 6.25 + 756.25 + 506.25 = 1275
    // r = −125 / √(11875 × 1275) = −0.0321
    expect(report.dailyPnlCorrelation.values[0]![1]).toBeCloseTo(-125 / Math.sqrt(11_875 * 1_275), 12);
  });

  it("carries the conventions and survives JSON", () => {
    expect(report.conventions).toBe(CONVENTIONS);
    expect(jsonSafe(report)).toBe(true);
    expect(JSON.parse(JSON.stringify(report))).toHaveProperty("strategies.0.figures.daily.returns");
  });

  it("deflates each strategy by its own variants and the combined account by the variants of all strategies", () => {
    const deflated = performanceReport({ startingBalanceUsd: 10_000, outcomes, equity, trials: { "basis-arbitrage": 3 }, combinedTrials: 4, config: parseGateConfig({ resamples: 200 }) });
    // 4 daily returns: V = 1/(n − 1) = 1/3 (no trial Sharpes given), √V = 0.5773503.
    // N = 3: SR₀* = √V ((1 − γ)Φ⁻¹(1 − 1/3) + γΦ⁻¹(1 − 1/(3e))) = 0.5773503 × (0.4227843 × 0.4307273 + 0.5772157 × 1.1619569) = 0.4923669
    expect(deflated.strategies[0]!.figures.deflated?.trials).toBe(3);
    expect(deflated.strategies[0]!.figures.deflated?.benchmark).toBeCloseTo(0.4923669, 6);
    // flow-toxicity was not listed: N = 1, no deflation (benchmark 0)
    expect(deflated.strategies[1]!.figures.deflated?.trials).toBe(1);
    expect(deflated.strategies[1]!.figures.deflated?.benchmark).toBe(0);
    // combined, N = 4 as given (the variants of all strategies): 0.5773503 × (0.4227843 × 0.6744898 + 0.5772157 × 1.3287219) = 0.6074434
    expect(deflated.combined.figures.deflated?.trials).toBe(4);
    expect(deflated.combined.figures.deflated?.benchmark).toBeCloseTo(0.6074434, 6);
    // without combinedTrials, the combined N is the sum of the listed strategies' trials: 3
    expect(performanceReport({ startingBalanceUsd: 10_000, outcomes, equity, trials: { "basis-arbitrage": 3 }, config: parseGateConfig({ resamples: 200 }) }).combined.figures.deflated?.trials).toBe(3);
  });

  it("is deterministic", () => {
    expect(performanceReport({ startingBalanceUsd: 10_000, outcomes, equity, config: parseGateConfig({ resamples: 200 }) })).toEqual(report);
  });
});
