import { describe, expect, it } from "vitest";
import { DAY_MS, perp } from "../core/index.ts";
import type { Outcome } from "../paper/index.ts";
import { adaptiveWeightsFor, convergenceConfigSchema, weightsOf } from "../strategies/index.ts";
import * as v from "valibot";
import { COMPONENT_HISTORY_DAYS, KernelComponentPerformance } from "./component-performance.ts";

/** Day D = 2024-01-10T00:00:00Z. */
const D = Date.UTC(2024, 0, 10);
const H = 3_600_000;

function outcome(strategy: string, closedMs: number, pnlUsd: number): Outcome {
  return {
    positionId: `p-${closedMs}`, signalId: `s-${closedMs}`, strategy, market: perp("BTC"), side: "long",
    openedMs: closedMs - H, closedMs, holdMs: H, entryNotionalUsd: 1000, pnlUsd, pnlPct: pnlUsd / 1000,
    grossPnlUsd: pnlUsd, feesUsd: 0, fundingUsd: 0, slippageUsd: 0, exitReason: "target",
  };
}

/** A source validated for flow-toxicity, started at D − 3 days, fed with `outcomes`, then time at `nowMs`. */
function source(outcomes: readonly Outcome[], nowMs: number, validated: readonly string[] = ["flow-toxicity"]): KernelComponentPerformance {
  const s = new KernelComponentPerformance({ startingEquityUsd: 10_000, lifecycle: Object.fromEntries(validated.map((id) => [id, "validated" as const])) });
  s.advanceTo(D - 3 * DAY_MS + H);
  for (const o of outcomes) {
    s.advanceTo(o.closedMs);
    s.record(o);
  }
  s.advanceTo(nowMs);
  return s;
}

describe("KernelComponentPerformance", () => {
  const outcomes = [
    outcome("flow-toxicity", D - 2 * DAY_MS + 5 * H, 50), // day D − 2
    outcome("flow-toxicity", D - 2 * DAY_MS + 9 * H, -20), // day D − 2
    outcome("flow-toxicity", D - DAY_MS + 23 * H, -10), // day D − 1
    outcome("flow-toxicity", D + H, 500), // day D itself
    outcome("vwap-reversion", D - DAY_MS + H, 40), // another strategy
  ];

  it("gives tradeFlow one return per day closed before D when asked at D's start: (50 − 20) / 10 000 and −10 / 10 000, nothing from D", () => {
    const s = source(outcomes, D + 2 * H);
    expect(s.dailyReturns("tradeFlow", D - 2 * DAY_MS, D)).toEqual([0.003, -0.001]);
  });

  it("fills the run's days without a close with 0, from the day of its first event only", () => {
    const s = source(outcomes, D + 2 * H);
    // Started on D − 3 (no close that day); nothing claimed for D − 10 … D − 4, before the run.
    expect(s.dailyReturns("tradeFlow", D - 10 * DAY_MS, D)).toEqual([0, 0.003, -0.001]);
  });

  it("never returns a day that has not ended, by toMs or by the latest event time", () => {
    const s = source(outcomes, D + 2 * H);
    // toMs in the middle of D: D has not ended; a later toMs cannot see past the run's time either.
    expect(s.dailyReturns("tradeFlow", D - 2 * DAY_MS, D + 12 * H)).toEqual([0.003, -0.001]);
    expect(s.dailyReturns("tradeFlow", D - 2 * DAY_MS, D + 5 * DAY_MS)).toEqual([0.003, -0.001]);
  });

  it("gives a non-validated strategy's component zeros, so its Sharpe and weight are 0", () => {
    const s = source(outcomes, D + 2 * H);
    // vwap-reversion made +40 on D − 1 but is a candidate.
    expect(s.dailyReturns("vwap", D - 2 * DAY_MS, D)).toEqual([0, 0]);
    expect(s.dailyReturns("orderBook", D - 2 * DAY_MS, D)).toEqual([0, 0]);
    expect(s.dailyReturns("not-a-component", D - 2 * DAY_MS, D)).toEqual([]);
  });

  it("makes the adaptive weights put every point on the one validated component once the history is long enough", () => {
    // Three days of history; tradeFlow's returns 0, 0.003, −0.001 (mean 0.000667 > 0 → Sharpe > 0).
    const s = source(outcomes, D + 2 * H);
    const fixed = weightsOf(v.parse(convergenceConfigSchema, {}));
    const state = adaptiveWeightsFor(fixed, s, D, { lookbackDays: 3, minHistoryDays: 3 });
    expect(state.mode).toBe("adaptive");
    // Strong points sum 120, all on tradeFlow; weak keeps its fixed 15/25 ratio: 120 × 15 / 25 = 72.
    expect(state.weights.components.tradeFlow).toEqual({ strong: 120, weak: 72 });
    for (const c of ["orderBook", "vwap", "funding", "openInterest"] as const) expect(state.weights.components[c]).toEqual({ strong: 0, weak: 0 });
  });

  it("with no validated strategy, gives all-zero weights (no trade)", () => {
    const s = source(outcomes, D + 2 * H, []);
    const fixed = weightsOf(v.parse(convergenceConfigSchema, {}));
    expect(adaptiveWeightsFor(fixed, s, D, { lookbackDays: 3, minHistoryDays: 3 }).mode).toBe("all-zero");
  });

  it(`keeps only the last ${COMPONENT_HISTORY_DAYS} days of a strategy`, () => {
    const start = D - 40 * DAY_MS;
    const s = new KernelComponentPerformance({ startingEquityUsd: 1000, lifecycle: { "flow-toxicity": "validated" } });
    s.advanceTo(start);
    for (let i = 0; i < 40; i += 1) s.record(outcome("flow-toxicity", start + i * DAY_MS + H, 1));
    s.advanceTo(D);
    const all = s.dailyReturns("tradeFlow", start, D);
    // 40 days asked; the oldest 5 were dropped (0), the last 35 kept (1 / 1000).
    expect(all).toHaveLength(40);
    expect(all.slice(0, 5)).toEqual([0, 0, 0, 0, 0]);
    expect(all.slice(5).every((r) => r === 0.001)).toBe(true);
  });
});
