/**
 * Defaults must work together: every strategy's DEFAULT bracket (stop distance, and the
 * confidence-scaled size that follows from it) must pass the DEFAULT risk validation at realistic
 * equities and prices. Before this test, the liquidity strategy's 0.2 % stop was always refused as
 * too tight and flow toxicity's 0.5 % stop asked for more notional than the 50 % cap: neither could
 * ever trade, and nothing said so.
 */
import { describe, expect, it } from "vitest";
import { perp, spot } from "../core/index.ts";
import { assessSignal, DEFAULT_RISK_CONFIG } from "../risk/index.ts";
import { flatPortfolio } from "../risk/portfolio.ts";
import { basisSignal, oneLegSignal } from "../risk/test-signals.ts";
import { createStrategies } from "../strategies/index.ts";
import type { AnyStrategy, Confidence } from "../strategies/index.ts";
import { szDecimalsFrom } from "./sz-decimals.ts";

const CONFIDENCES: readonly Confidence[] = ["HIGH", "MEDIUM", "LOW"];
/** Realistic prices for the default coins (2025 levels). */
const PRICES = { BTC: 118_000, ETH: 3_700, SOL: 180 } as const;
const EQUITIES = [10_000, 2_000];

/** The stop distances (fraction of entry) a strategy's default configuration can put on a one-leg signal. */
function defaultStopFractions(s: AnyStrategy): number[] {
  const c = s.config as Record<string, unknown>;
  switch (s.id) {
    case "open-interest-mtf":
      return [c["trendStop"] as number, c["fadeStop"] as number];
    case "vwap-reversion":
      // (stopZ − |z|) σ away, floored at minStopFraction: the floor is the tightest it can be.
      return [c["minStopFraction"] as number];
    case "basis-arbitrage":
      return [];
    default:
      return [c["stopFraction"] as number];
  }
}

describe("every strategy's default bracket passes the default risk limits", () => {
  const strategies = createStrategies(perp("BTC"), {}, { spot: spot("UBTC/USDC", "BTC") });
  const szDecimals = szDecimalsFrom();

  it("covers all eleven strategies", () => {
    expect(strategies.map((s) => s.id).sort()).toEqual([
      "basis-arbitrage",
      "contrarian-funding",
      "convergence",
      "convergence-adaptive",
      "flow-toxicity",
      "funding-velocity",
      "funding-volume",
      "liquidity",
      "open-interest-mtf",
      "positioning-regimes",
      "vwap-reversion",
    ]);
  });

  for (const strategy of strategies.filter((s) => s.id !== "basis-arbitrage")) {
    it(`${strategy.id}: every default stop, at every confidence, coin and equity, is accepted`, () => {
      const stops = defaultStopFractions(strategy);
      expect(stops.length).toBeGreaterThan(0);
      for (const stop of stops) {
        expect(Number.isFinite(stop)).toBe(true);
        for (const [coin, px] of Object.entries(PRICES)) {
          for (const equity of EQUITIES) {
            for (const confidence of CONFIDENCES) {
              const signal = oneLegSignal({ coin, entryPx: px, stopPx: px * (1 - stop), confidence, strategy: strategy.id });
              const decision = assessSignal(signal, 0, flatPortfolio(equity), { config: DEFAULT_RISK_CONFIG, szDecimals, correlation: () => undefined });
              expect(decision, `${strategy.id} stop ${stop} ${coin} ${equity} USD ${confidence}`).toMatchObject({ accepted: true, code: "ok" });
              // Never more notional than the cap, never more risk than the budget (stop loss + round-trip costs).
              expect(decision.notionalUsd ?? Infinity).toBeLessThanOrEqual(equity * DEFAULT_RISK_CONFIG.maxNotionalFraction + 1e-9);
              // Long: in at px, out at px × (1 − stop); fees and slippage on both prices.
              const lossAtStop = (decision.notionalUsd ?? 0) * (stop + (2 - stop) * (0.00045 + DEFAULT_RISK_CONFIG.slippagePerSide));
              expect(lossAtStop).toBeLessThanOrEqual(equity * DEFAULT_RISK_CONFIG.riskPerTrade + 1e-9);
            }
          }
        }
      }
    });
  }

  it("basis-arbitrage: its default 0.3 % spread stop passes as a capped two-leg trade", () => {
    const c = strategies.find((s) => s.id === "basis-arbitrage")?.config as { stopWidening: number; threshold: number };
    // Perp rich by the default entry threshold; the stop widens the default distance further.
    const spotPx = 118_000;
    const perpPx = spotPx * (1 + c.threshold);
    for (const equity of EQUITIES) {
      const decision = assessSignal(basisSignal({ perpPx, spotPx, stopBasis: c.threshold + c.stopWidening }), 0, flatPortfolio(equity), {
        config: DEFAULT_RISK_CONFIG,
        szDecimals,
        correlation: () => undefined,
      });
      expect(decision).toMatchObject({ accepted: true, code: "ok" });
    }
  });

  it("flow toxicity's 0.5 % stop at MEDIUM is capped at half the equity: 5 000 USD of BTC at 10 000 USD (0.04237 BTC at 118 000)", () => {
    const signal = oneLegSignal({ coin: "BTC", entryPx: 118_000, stopPx: 118_000 * 0.995, confidence: "MEDIUM", strategy: "flow-toxicity" });
    const decision = assessSignal(signal, 0, flatPortfolio(10_000), { config: DEFAULT_RISK_CONFIG, szDecimals, correlation: () => undefined });
    // Risk size 100 / (590 + (118 000 + 117 410) × 0.055 %) = 100 / 719.4755 = 0.13899 BTC × 0.7 = 11 481 USD > 5 000 → 5 000 / 118 000 = 0.042372… → 0.04237 (5 decimals).
    expect(decision).toMatchObject({ accepted: true, sz: 0.04237 });
    expect(decision.notionalUsd).toBeCloseTo(4_999.66, 2);
  });
});
