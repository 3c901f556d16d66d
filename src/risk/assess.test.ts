import { describe, expect, it } from "vitest";
import { perp } from "../core/index.ts";
import { assessSignal } from "./assess.ts";
import { riskConfig } from "./config.ts";
import { flatPortfolio } from "./portfolio.ts";
import { basisSignal, oneLegSignal } from "./test-signals.ts";

const inputs = { config: riskConfig({ slippagePerSide: 0 }), szDecimals: () => 5, correlation: () => undefined };

describe("assessSignal", () => {
  it("accepts the memo's short at 0.07051 BTC (4,784.10 USD) on a flat 10,000 USD account", () => {
    const d = assessSignal(oneLegSignal({ entryPx: 67_850, stopPx: 69_207 }), 0, flatPortfolio(10_000), inputs);
    expect(d).toMatchObject({ signalId: "test:hyperliquid:perp:BTC:0:0", tsMs: 0, accepted: true, code: "ok", sz: 0.07051 });
    expect(d.notionalUsd).toBeCloseTo(4_784.1035, 6);
    // 0.07051 × (1,357 + 61.065) = 99.987 USD at risk.
    expect(d.reason).toBe("size 0.07051 (4784.10 USD) risks 99.99 USD of the 100.00 USD budget (stop 2.000 %, HIGH × 1, age factor 1.000)");
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
    expect(assessSignal(basisSignal({ perpPx: 100_300, spotPx: 100_000, stopBasis: 0.006 }), 0, flatPortfolio(10_000), inputs)).toMatchObject({
      accepted: false,
      code: "above_max_notional",
    });
  });
});
