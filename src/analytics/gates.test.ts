import { describe, expect, it } from "vitest";
import { ConfigError } from "../core/index.ts";
import { DEFAULT_GATE_CONFIG, GENERAL_GATE, PHASE1_BASIS_GATE, gateFor, parseGateConfig } from "./gates.ts";

describe("gate configuration", () => {
  it("defaults to the memo's general gate and the phase-1 gate for basis arbitrage", () => {
    expect(GENERAL_GATE).toEqual({ minWinRate: 0.55, minProfitFactor: 1.5, minSharpe: 1.5, maxDrawdown: 0.1, minTrades: 30 });
    expect(PHASE1_BASIS_GATE).toEqual({ minWinRate: 0.7, minProfitFactor: 2, minSharpe: 2, minTrades: 30 });
    expect(gateFor(DEFAULT_GATE_CONFIG, "basis-arbitrage")).toEqual({ name: "phase1-basis", thresholds: PHASE1_BASIS_GATE });
    expect(gateFor(DEFAULT_GATE_CONFIG, "flow-toxicity")).toEqual({ name: "general", thresholds: GENERAL_GATE });
    expect(DEFAULT_GATE_CONFIG.psrConfidence).toBe(0.95);
    expect(DEFAULT_GATE_CONFIG.bootstrapConfidence).toBe(0.9);
  });

  it("overrides one threshold of a built-in gate and adds new gates", () => {
    const c = parseGateConfig({ gates: { general: { minSharpe: 1 }, strict: { minSharpe: 3 } }, byStrategy: { "vwap-reversion": "strict" } });
    expect(c.gates.general).toEqual({ ...GENERAL_GATE, minSharpe: 1 });
    expect(gateFor(c, "vwap-reversion").thresholds).toEqual({ minSharpe: 3 });
  });

  it("names the key, the value and what is allowed", () => {
    expect(() => parseGateConfig({ gates: { general: { minWinRate: 55 } } })).toThrow(ConfigError);
    expect(() => parseGateConfig({ gates: { general: { minWinRate: 55 } } })).toThrow(/analytics\.gates\.general\.minWinRate = 55 is invalid: win rate as a fraction/);
    expect(() => parseGateConfig({ byStrategy: { x: "nope" } })).toThrow(/analytics\.byStrategy\.x = "nope" is invalid: one of the gates: general, phase1-basis/);
    expect(() => parseGateConfig({ gates: { general: { minSharp: 1 } } })).toThrow(/analytics\.gates\.general\.minSharp = 1 is invalid: not a known key/);
    expect(() => parseGateConfig({ resamples: 10 })).toThrow(/analytics\.resamples = 10/);
  });
});
