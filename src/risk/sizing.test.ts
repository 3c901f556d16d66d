import { describe, expect, it } from "vitest";
import { riskConfig } from "./config.ts";
import { sizeSignal } from "./sizing.ts";
import { oneLegSignal } from "./test-signals.ts";

const decimals5 = (): number => 5;
const decimals2 = (): number => 2;
const noCosts = { fees: { perpTaker: 0, perpMaker: 0, spotTaker: 0, spotMaker: 0 }, slippagePerSide: 0 };

describe("sizeSignal: the memo's worked example (short BTC 67,850, stop 69,207, equity 10,000 USD, 1 %)", () => {
  const signal = oneLegSignal({ entryPx: 67_850, stopPx: 69_207, confidence: "HIGH" });

  it("charges tier-0 taker fees on the round trip as a cost, in at the entry and out at the stop: 0.07048 BTC with no slippage", () => {
    // budget = 10,000 × 1 % = 100 USD; stop distance d = 69,207 − 67,850 = 1,357 USD/BTC (2 %).
    // round-trip fees c = (67,850 in + 69,207 out at the stop) × 0.045 % = 137,057 × 0.00045 = 61.67565 USD/BTC.
    // s = 100 / (1,357 + 61.67565) = 100 / 1,418.67565 = 0.0704883… → rounded down to 5 decimals 0.07048.
    // The memo's 0.9995 multiplier would give 100 / 1,357 × 0.9995 = 0.07366 — more than the budget allows.
    const r = sizeSignal(signal, 10_000, 0, riskConfig({ slippagePerSide: 0 }), decimals5);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.budgetUsd).toBe(100);
    expect(r.stopDistanceUsd).toBe(1_357);
    expect(r.stopDistance).toBeCloseTo(0.02, 12);
    expect(r.costPerCoinUsd).toBeCloseTo(61.67565, 9);
    expect(r.baseSz).toBeCloseTo(0.0704883, 7);
    expect(r.sz).toBe(0.07048);
    // 0.07048 × 67,850 = 4,782.068 USD.
    expect(r.notionalUsd).toBeCloseTo(4_782.068, 6);
    // Loss at the stop, fees in and out included, stays within the budget: 0.07048 × 1,418.67565 = 99.988 USD.
    expect(r.sz * (r.stopDistanceUsd + r.costPerCoinUsd)).toBeLessThanOrEqual(100);
  });

  it("also charges slippage: 0.05 % a side gives 0.06724 BTC", () => {
    // c = 137,057 × (0.045 % + 0.05 %) = 130.20415; s = 100 / 1,487.20415 = 0.0672403 → 0.06724.
    const r = sizeSignal(signal, 10_000, 0, riskConfig({ slippagePerSide: 0.0005 }), decimals5);
    expect(r.ok && r.sz).toBe(0.06724);
    expect(r.ok && r.notionalUsd).toBeCloseTo(4_562.234, 6);
  });

  it("with the default 1 bp slippage a side gives 0.06981 BTC", () => {
    // c = 137,057 × (0.045 % + 0.01 %) = 75.38135; s = 100 / 1,432.38135 = 0.0698138 → 0.06981.
    const r = sizeSignal(signal, 10_000, 0, riskConfig(), decimals5);
    expect(r.ok && r.sz).toBe(0.06981);
  });

  it("takes the cost per side from the broker's cost model when given: 0.5 bp half spread + 1 bp slippage gives 0.06948 BTC", () => {
    // c = 137,057 × (0.045 % + 0.015 %) = 82.2342; s = 100 / 1,439.2342 = 0.0694813 → 0.06948.
    const r = sizeSignal(signal, 10_000, 0, riskConfig(), decimals5, () => 0.00015);
    expect(r.ok && r.costPerCoinUsd).toBeCloseTo(82.2342, 9);
    expect(r.ok && r.sz).toBe(0.06948);
  });

  it("scales by confidence and by the signal's age: MEDIUM at 60 s of a 120 s expiry gives 0.02467 BTC", () => {
    // 0.0704883 × 0.7 × (1 − 60/120) = 0.0246709 → 0.02467.
    const medium = oneLegSignal({ entryPx: 67_850, stopPx: 69_207, confidence: "MEDIUM" });
    const r = sizeSignal(medium, 10_000, 60_000, riskConfig({ slippagePerSide: 0 }), decimals5);
    expect(r.ok && r.confidenceMultiplier).toBe(0.7);
    expect(r.ok && r.ageFactor).toBe(0.5);
    expect(r.ok && r.sz).toBe(0.02467);
  });

  it("LOW confidence takes 0.4 of the size: 0.02819 BTC", () => {
    // 0.0704883 × 0.4 = 0.0281953 → 0.02819.
    const low = oneLegSignal({ entryPx: 67_850, stopPx: 69_207, confidence: "LOW" });
    const r = sizeSignal(low, 10_000, 0, riskConfig({ slippagePerSide: 0 }), decimals5);
    expect(r.ok && r.sz).toBe(0.02819);
  });
});

describe("sizeSignal refuses what it cannot size, with the numbers", () => {
  it("refuses an expired signal (age = expiry)", () => {
    const r = sizeSignal(oneLegSignal({ entryPx: 100, stopPx: 98 }), 10_000, 120_000, riskConfig(), decimals2);
    expect(r).toMatchObject({ ok: false, code: "expired", reason: "signal is 120000 ms old, expiry 120000 ms" });
  });

  it("refuses a stop equal to the entry instead of dividing by zero", () => {
    const s = { ...oneLegSignal({ entryPx: 100, stopPx: 98 }), stopPx: 100 };
    const r = sizeSignal(s, 10_000, 0, riskConfig(), decimals2);
    expect(r).toMatchObject({ ok: false, code: "stop_at_entry", reason: "stop 100 equals entry 100: no risk distance to size from" });
  });

  // A wide notional cap so that only the stop distance decides.
  const wide = riskConfig({ maxNotionalFraction: 10 });
  it.each([
    [99.5, true, "ok"], // 0.50 %: at the minimum
    [99.49, true, "ok"], // 0.51 %: just inside
    [99.51, false, "stop_too_tight"], // 0.49 %: just outside
    [95, true, "ok"], // 5.00 %: at the maximum
    [95.01, true, "ok"], // 4.99 %: just inside
    [94.99, false, "stop_too_wide"], // 5.01 %: just outside
  ])("stop %d on entry 100 → accepted %s (%s)", (stopPx, ok, code) => {
    const r = sizeSignal(oneLegSignal({ entryPx: 100, stopPx }), 10_000, 0, wide, decimals2);
    expect(r.ok).toBe(ok);
    if (!r.ok) expect(r.code).toBe(code);
  });

  it("names the numbers when a stop is too tight", () => {
    const r = sizeSignal(oneLegSignal({ entryPx: 100, stopPx: 99.51 }), 10_000, 0, wide, decimals2);
    expect(!r.ok && r.reason).toBe("stop distance 0.490 % (entry 100, stop 99.51) is below the minimum 0.500 %");
  });

  // entry 100, stop 95 (5 USD/coin), no costs: s = equity × risk / 5, 2 size decimals.
  it.each([
    [0.00005, true, 0.1], // budget 0.5 → 0.10 coin → 10.00 USD: at the minimum
    [0.000055, true, 0.11], // 0.11 coin → 11 USD: just inside
    [0.000045, false, 0.09], // 0.09 coin → 9 USD: just outside
  ])("risk %d of 10,000 USD at a 5 USD stop → accepted %s (%d coin)", (riskPerTrade, ok, sz) => {
    const r = sizeSignal(oneLegSignal({ entryPx: 100, stopPx: 95 }), 10_000, 0, riskConfig({ ...noCosts, riskPerTrade, oversize: "reject" }), decimals2);
    expect(r.ok).toBe(ok);
    if (r.ok) expect(r.sz).toBe(sz);
    else expect(r).toMatchObject({ code: "below_min_notional", reason: "notional 9.00 USD (0.09 × 100, 2 size decimals) is below the minimum 10.00 USD" });
  });

  it.each([
    [0.025, true, 50], // budget 250 → 50 coin → 5,000 USD = 50 % of equity: at the maximum
    [0.0249, true, 49.8], // 4,980 USD: just inside
    [0.0251, false, 50.2], // 5,020 USD: just outside
  ])("risk %d → notional cap 5,000 USD accepted %s (%d coin)", (riskPerTrade, ok, sz) => {
    const r = sizeSignal(oneLegSignal({ entryPx: 100, stopPx: 95 }), 10_000, 0, riskConfig({ ...noCosts, riskPerTrade, oversize: "reject" }), decimals2);
    expect(r.ok).toBe(ok);
    if (r.ok) expect(r.sz).toBe(sz);
    else expect(r).toMatchObject({ code: "above_max_notional", reason: "notional 5020.00 USD (50.2 × 100) is above the maximum 5000.00 USD (50.0 % of equity 10000.00 USD)" });
  });

  it("cuts an oversize trade to the maximum notional when configured to cap", () => {
    const r = sizeSignal(oneLegSignal({ entryPx: 100, stopPx: 95 }), 10_000, 0, riskConfig({ ...noCosts, riskPerTrade: 0.0251, oversize: "cap" }), decimals2);
    expect(r).toMatchObject({ ok: true, sz: 50, notionalUsd: 5_000, capped: true });
  });
});
