import { describe, expect, it } from "vitest";
import { tradeSummary } from "./trade-summary.ts";
import type { TradeRecord } from "./trade-summary.ts";

function trade(pnlUsd: number, extra: Partial<TradeRecord> = {}): TradeRecord {
  return { pnlUsd, pnlPct: pnlUsd / 1_000, grossPnlUsd: pnlUsd + 1, feesUsd: 1, fundingUsd: 0, slippageUsd: 0.5, holdMs: 60_000, ...extra };
}

describe("tradeSummary", () => {
  it("summarises a mixed sample (hand-worked)", () => {
    const s = tradeSummary([trade(30, { holdMs: 120_000 }), trade(-10, { fundingUsd: -2 }), trade(20), trade(-15, { fundingUsd: 0.5 })]);
    expect(s.trades).toBe(4);
    expect(s.wins).toBe(2);
    expect(s.losses).toBe(2);
    expect(s.winRate).toBe(0.5);
    expect(s.avgWinUsd).toBe(25); // (30 + 20) / 2
    expect(s.avgLossUsd).toBe(-12.5); // (−10 − 15) / 2
    expect(s.profitFactor.value).toBe(2); // 50 / 25
    expect(s.expectancyUsd).toBe(6.25); // 25 / 4 = 0.5 × 25 + 0.5 × (−12.5)
    expect(s.expectancyPct).toBeCloseTo(0.00625, 15);
    expect(s.totalPnlUsd).toBe(25);
    expect(s.grossPnlUsd).toBe(29);
    expect(s.feesUsd).toBe(4);
    expect(s.fundingUsd).toBe(-1.5);
    expect(s.slippageUsd).toBe(2);
    expect(s.avgHoldMs).toBe(75_000); // (120 000 + 3 × 60 000) / 4
  });

  it("handles no trades", () => {
    const s = tradeSummary([]);
    expect(s.trades).toBe(0);
    expect(s.winRate).toBeUndefined();
    expect(s.expectancyUsd).toBeUndefined();
    expect(s.avgHoldMs).toBeUndefined();
    expect(s.profitFactor.value).toBeUndefined();
    expect(s.totalPnlUsd).toBe(0);
  });

  it("handles one trade, all wins and all losses", () => {
    const one = tradeSummary([trade(5)]);
    expect([one.winRate, one.avgWinUsd, one.avgLossUsd, one.profitFactor.noLosses]).toEqual([1, 5, undefined, true]);
    const losers = tradeSummary([trade(-5), trade(-7)]);
    expect([losers.winRate, losers.avgWinUsd, losers.avgLossUsd, losers.profitFactor.value]).toEqual([0, undefined, -6, 0]);
  });

  it("counts a zero-P&L trade as a scratch", () => {
    const s = tradeSummary([trade(0), trade(1)]);
    expect([s.wins, s.losses, s.scratches, s.winRate]).toEqual([1, 0, 1, 0.5]);
  });
});
