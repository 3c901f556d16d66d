import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { DEFAULT_GATE_CONFIG } from "../analytics/index.ts";
import { ConfigError } from "../core/index.ts";
import { loadConfig } from "../config/index.ts";
import { DEFAULT_RISK_CONFIG, riskConfig } from "../risk/index.ts";
import { effectiveRiskConfig, gatesFromConfig, parseBrokerSection, parseRiskSection, parseStrategySubset, parseTradingSections, STRATEGY_IDS, tradingSectionsFromConfig } from "./trading-config.ts";

function messageOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

describe("the strategies section", () => {
  it("passes a strategy's override to its catalog key and keeps the others at their defaults", () => {
    const settings = parseTradingSections({ strategies: { "flow-toxicity": { threshold: 2.5 } } });
    expect(settings.strategies).toEqual({ flowToxicity: { threshold: 2.5 } });
    expect(settings.strategyOverrides).toEqual({ "flow-toxicity": { threshold: 2.5 } });
    expect(settings.variants["flow-toxicity"]).toMatchObject({ threshold: 2.5, window: 10, interval: "1m" });
    // minAbsZ defaults to the memo's percentile rule (p90 of |z|, 1.5 until 100 bars); maxAbsZ stays fixed.
    expect(settings.variants["vwap-reversion"]).toMatchObject({ minAbsZ: { percentile: 90, window: 1000, minSamples: 100, fallback: 1.5 }, maxAbsZ: 2.5 });
  });

  it("gives every strategy id its effective configuration as the variant to record", () => {
    expect(Object.keys(parseTradingSections({}).variants).sort()).toEqual([...STRATEGY_IDS].sort());
    expect(STRATEGY_IDS).toHaveLength(11);
  });

  it("a bad value names the full key path, the value and what is allowed", () => {
    expect(messageOf(() => parseTradingSections({ strategies: { "flow-toxicity": { threshold: -1 } } }))).toBe(
      "config strategies.flow-toxicity.threshold = -1 is invalid: a number of toxicity units (mean / std of impact) between 0 and 1000",
    );
  });

  it("an unknown key of a strategy is an error naming it", () => {
    expect(messageOf(() => parseTradingSections({ strategies: { "flow-toxicity": { treshold: 2 } } }))).toBe(
      "config strategies.flow-toxicity.treshold = 2 is invalid: not a known key of this strategy",
    );
  });

  it("an unknown strategy id names the nearest id and every valid one", () => {
    expect(messageOf(() => parseTradingSections({ strategies: { "flow-tox": {} } }))).toBe(
      "config strategies.flow-tox = {} is invalid: not a known strategy id; did you mean flow-toxicity? (ids: basis-arbitrage, flow-toxicity, open-interest-mtf, vwap-reversion, funding-velocity, funding-volume, contrarian-funding, convergence, convergence-adaptive, positioning-regimes, liquidity)",
    );
    // The catalog's camelCase keys are not ids.
    expect(messageOf(() => parseTradingSections({ strategies: { flowToxicity: {} } }))).toMatch(/^config strategies.flowToxicity = \{\} is invalid: not a known strategy id; did you mean flow-toxicity\?/);
  });

  it("a rule between a strategy's own keys is reported under its id", () => {
    expect(messageOf(() => parseTradingSections({ strategies: { "vwap-reversion": { minAbsZ: 2.4, maxAbsZ: 2 } } }))).toBe(
      "config strategies.vwap-reversion.minAbsZ = 2.4 is invalid: at most maxAbsZ (2)",
    );
  });
});

describe("the risk section", () => {
  it("keeps what it leaves out at the defaults, completing partial multipliers and fee rates", () => {
    const risk = parseRiskSection({ riskPerTrade: 0.005, confidenceMultiplier: { LOW: 0 }, fees: { perpTaker: 0.0004 } });
    expect(riskConfig(risk)).toEqual({
      ...DEFAULT_RISK_CONFIG,
      riskPerTrade: 0.005,
      confidenceMultiplier: { HIGH: 1, MEDIUM: 0.7, LOW: 0 },
      fees: { perpTaker: 0.0004, perpMaker: 0.00015, spotTaker: 0.0007, spotMaker: 0.0004 },
    });
  });

  it("feeTier picks the row of Hyperliquid's table", () => {
    expect(parseRiskSection({ feeTier: 1 }).fees).toEqual({ perpTaker: 0.0004, perpMaker: 0.00012, spotTaker: 0.0006, spotMaker: 0.0003 });
    expect(messageOf(() => parseRiskSection({ feeTier: 1, fees: { perpTaker: 0.0004 } }))).toBe(
      "config risk.feeTier = 1 is invalid: not together with risk.fees (set one: a tier of the table, or your own rates)",
    );
  });

  it("a bad value names the key, the value and the range", () => {
    expect(messageOf(() => parseTradingSections({ risk: { riskPerTrade: 2 } }))).toBe("config risk.riskPerTrade = 2 is invalid: a fraction of equity (0.01 = 1 %) between 0.0001 and 0.1");
    expect(messageOf(() => parseRiskSection({ oversize: "shrink" }))).toBe('config risk.oversize = "shrink" is invalid: one of "reject", "cap"');
    expect(messageOf(() => parseRiskSection({ maxOpenPositions: 2.5 }))).toBe("config risk.maxOpenPositions = 2.5 is invalid: an integer number of positions between 1 and 10000");
  });

  it("a typo names the nearest key", () => {
    expect(messageOf(() => parseRiskSection({ riskPerTrad: 0.02 }))).toMatch(/^config risk.riskPerTrad = 0.02 is invalid: not a known key; did you mean riskPerTrade\? \(keys: riskPerTrade, confidenceMultiplier,/);
    expect(messageOf(() => parseRiskSection({ fees: { perpTakr: 0.001 } }))).toMatch(/^config risk.fees.perpTakr = 0.001 is invalid: not a known key; did you mean perpTaker/);
  });

  it("a minimum stop distance above the maximum is refused", () => {
    expect(messageOf(() => parseRiskSection({ minStopDistance: 0.06 }))).toBe("config risk.minStopDistance = 0.06 is invalid: a fraction at most risk.maxStopDistance (0.05)");
  });
});

describe("the broker section", () => {
  it("completes a partial bar spread from the defaults", () => {
    expect(parseBrokerSection({ latencyMs: 300, barSpread: { spot: 0.001 } })).toEqual({ latencyMs: 300, barSpread: { perp: 0.0001, spot: 0.001 } });
  });

  it("refuses the fill model (the command's choice) and bad values", () => {
    expect(messageOf(() => parseBrokerSection({ fillModel: "book" }))).toMatch(/^config broker.fillModel = "book" is invalid: not a known key/);
    expect(messageOf(() => parseBrokerSection({ barInterval: "2m" }))).toMatch(/^config broker.barInterval = "2m" is invalid: one of 1m, 3m/);
  });
});

describe("paperTradeWhenKilled", () => {
  it("accepts strategy ids and refuses anything else", () => {
    expect(parseTradingSections({ paperTradeWhenKilled: ["basis-arbitrage"] }).paperTradeWhenKilled).toEqual(["basis-arbitrage"]);
    expect(messageOf(() => parseTradingSections({ paperTradeWhenKilled: ["liquidity", "basis-arb"] }))).toMatch(
      /^config paperTradeWhenKilled\[1\] = "basis-arb" is invalid: not a known strategy id; did you mean basis-arbitrage\?/,
    );
  });
});

describe("the example configuration", () => {
  const example = readFileSync(new URL("../../strategy-monitor.example.json", import.meta.url), "utf8");
  const config = loadConfig({ file: "strategy-monitor.example.json", env: {}, overrides: {}, cwd: "/repo", readFile: () => example });

  it("holds trading sections at their defaults: its variants equal an unconfigured run's", () => {
    const settings = parseTradingSections(tradingSectionsFromConfig(config));
    expect(settings.variants).toEqual(parseTradingSections({}).variants);
    expect(effectiveRiskConfig(settings.risk)).toEqual(effectiveRiskConfig({}));
    expect(settings.broker).toMatchObject({ startingEquityUsd: 10_000, barInterval: "1h", latencyMs: 200 });
  });

  it("holds the default gates", () => {
    expect(gatesFromConfig(config)).toEqual(DEFAULT_GATE_CONFIG);
  });
});

describe("gatesFromConfig", () => {
  it("reads the analytics section and names a bad gate under analytics", () => {
    const config = loadConfig({ env: {}, overrides: {}, cwd: "/repo", readFile: () => JSON.stringify({ analytics: { byStrategy: { liquidity: "strict" } } }) });
    expect(messageOf(() => gatesFromConfig(config))).toBe('config analytics.byStrategy.liquidity = "strict" is invalid: one of the gates: general, phase1-basis');
  });
});

describe("parseStrategySubset (replay --strategies)", () => {
  it("reads a comma-separated list of known ids, once each", () => {
    expect(parseStrategySubset("flow-toxicity, basis-arbitrage,flow-toxicity")).toEqual(["flow-toxicity", "basis-arbitrage"]);
  });

  it("refuses an unknown id, naming it and the nearest known one", () => {
    expect(() => parseStrategySubset("flow-tox")).toThrow(/config --strategies = "flow-tox" is invalid: not a known strategy id; did you mean flow-toxicity\?/);
    expect(() => parseStrategySubset(" , ")).toThrow(/a comma-separated list of strategy ids/);
  });
});
