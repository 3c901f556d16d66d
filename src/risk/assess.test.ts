import { describe, expect, it } from "vitest";
import { perp } from "../core/index.ts";
import { assessSignal } from "./assess.ts";
import { riskConfig } from "./config.ts";
import { flatPortfolio } from "./portfolio.ts";
import { basisSignal, oneLegSignal } from "./test-signals.ts";

const inputs = { config: riskConfig({ slippagePerSide: 0 }), szDecimals: () => 5, correlation: () => undefined };

describe("assessSignal", () => {
  it("accepts the memo's short at 0.07048 BTC (4,782.07 USD) on a flat 10,000 USD account", () => {
    const d = assessSignal(oneLegSignal({ entryPx: 67_850, stopPx: 69_207 }), 0, flatPortfolio(10_000), inputs);
    expect(d).toMatchObject({ signalId: "test:hyperliquid:perp:BTC:0:0", tsMs: 0, accepted: true, code: "ok", sz: 0.07048 });
    expect(d.notionalUsd).toBeCloseTo(4_782.068, 6);
    // 0.07048 × (1,357 + 61.67565) = 99.988 USD at risk (fees in at 67,850 and out at the 69,207 stop).
    expect(d.reason).toBe("size 0.07048 (4782.07 USD) risks 99.99 USD of the 100.00 USD budget (stop 2.000 %, HIGH × 1, age factor 1.000)");
  });

  it("refuses a research-only signal without sizing it", () => {
    const s = { ...oneLegSignal({ entryPx: 100, stopPx: 98 }), executable: false };
    expect(assessSignal(s, 0, flatPortfolio(10_000), inputs)).toMatchObject({ accepted: false, code: "not_executable", sz: undefined, notionalUsd: undefined });
  });

  it("passes sizing refusals through as decisions", () => {
    expect(assessSignal(oneLegSignal({ entryPx: 100, stopPx: 98 }), 200_000, flatPortfolio(10_000), inputs)).toMatchObject({ accepted: false, code: "expired" });
  });

  it("checks portfolio limits at the sized notional of every leg", () => {
    const full = { ...flatPortfolio(10_000), openPositions: 5, legs: [{ positionId: "x", market: perp("ETH"), side: "long" as const, notionalUsd: 1 }] };
    expect(assessSignal(oneLegSignal({ entryPx: 67_850, stopPx: 69_207 }), 0, full, inputs)).toMatchObject({ accepted: false, code: "max_positions" });
  });

  it("sizes a basis signal on both legs' costs with the spread stop floor (0.2 %)", () => {
    // perp 100,300, spot 100,000: basis 0.3 %, stop basis 0.6 % → perp stop 100,600, distance 300 (0.299 %).
    // costs = 2 × (100,300 × 0.045 % + 100,000 × 0.070 %) = 2 × (45.135 + 70) = 230.27 USD/BTC.
    // s = 100 / (300 + 230.27) = 0.188582… × MEDIUM 0.7 = 0.132007… → 0.13200 BTC on both legs.
    // Notional 0.132 × 100,300 = 13,239.60 USD: above the default 50 % cap, so the caps are widened here.
    const wide = { ...inputs, config: riskConfig({ slippagePerSide: 0, maxNotionalFraction: 2, maxPerCoinExposure: 3 }) };
    const d = assessSignal(basisSignal({ perpPx: 100_300, spotPx: 100_000, stopBasis: 0.006 }), 0, flatPortfolio(10_000), wide);
    expect(d).toMatchObject({ accepted: true, sz: 0.132 });
    expect(d.notionalUsd).toBeCloseTo(13_239.6, 6);
  });

  it("trades a basis signal with a tight spread stop at the notional cap by default, and refuses it when told to", () => {
    // The same signal at the default caps: 0.132 BTC would be 13,239.60 USD, above 50 % of 10,000 USD.
    // Cap: 5,000 / 100,300 = 0.0498504… → 0.04985 BTC on both legs; perp notional 0.04985 × 100,300 = 4,999.955 USD.
    // Per coin: 4,999.955 + 0.04985 × 100,000 = 9,984.955 ≤ 1 × equity; so it passes every limit.
    const signal = basisSignal({ perpPx: 100_300, spotPx: 100_000, stopBasis: 0.006 });
    const d = assessSignal(signal, 0, flatPortfolio(10_000), inputs);
    expect(d).toMatchObject({ accepted: true, code: "ok", sz: 0.04985 });
    expect(d.notionalUsd).toBeCloseTo(4_999.955, 6);
    expect(d.reason).toContain("capped at the maximum notional");
    const strict = { ...inputs, config: riskConfig({ slippagePerSide: 0, spreadOversize: "reject" }) };
    expect(assessSignal(signal, 0, flatPortfolio(10_000), strict)).toMatchObject({ accepted: false, code: "above_max_notional" });
  });

  it("caps an oversize one-leg signal at the maximum notional by default, and refuses it under oversize: reject", () => {
    // Stop 1 % away: 100 / (1 + 0.09) = 91.74 coins × 100 = 9,174 USD, above the 5,000 USD cap → 50 coins.
    expect(assessSignal(oneLegSignal({ entryPx: 100, stopPx: 99 }), 0, flatPortfolio(10_000), inputs)).toMatchObject({ accepted: true, code: "ok", sz: 50, notionalUsd: 5_000 });
    const strict = { ...inputs, config: riskConfig({ ...inputs.config, oversize: "reject" }) };
    expect(assessSignal(oneLegSignal({ entryPx: 100, stopPx: 99 }), 0, flatPortfolio(10_000), strict)).toMatchObject({ accepted: false, code: "above_max_notional" });
  });
});
