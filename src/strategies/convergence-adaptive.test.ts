import { describe, expect, it } from "vitest";
import { ConfigError } from "../core/index.ts";
import type { BookSnapshotEvent, MarketEvent, TradeEvent } from "../core/index.ts";
import {
  adaptiveWeightsFor,
  AdaptiveConvergenceStrategy,
  annualizedSharpe,
  DailyAdaptiveWeights,
  InMemoryComponentPerformance,
} from "./convergence-adaptive.ts";
import { CONVERGENCE_COMPONENTS, FIXED_CONVERGENCE_WEIGHTS } from "./convergence.ts";
import type { ConvergenceComponent } from "./convergence.ts";
import { bar, BTC, ctx, feed, fundingAt, inTimeOrder, T0 } from "./test-events.ts";

const DAY = 86_400_000;
const OPTIONS = { lookbackDays: 30, minHistoryDays: 30 };

/** Alternating a, b for `days` days ending the day before `dayStartMs`. */
function record(source: InMemoryComponentPerformance, component: string, dayStartMs: number, days: number, a: number, b: number): void {
  for (let i = 0; i < days; i += 1) source.record(component, dayStartMs - (days - i) * DAY, i % 2 === 0 ? a : b);
}

/**
 * Book and OI alternate 0.02, 0 (mean 0.01, sample std 0.01·√(30/29)): Sharpe √365 / √(30/29) = 18.78386.
 * Flow alternates 0.03, −0.01 (same mean, twice the std): half that. VWAP alternates 0, −0.02 (negative).
 * Funding is a constant 0.01 (zero spread: Sharpe 0, weight 0).
 */
function performance(dayStartMs: number, days = 30): InMemoryComponentPerformance {
  const p = new InMemoryComponentPerformance();
  record(p, "orderBook", dayStartMs, days, 0.02, 0);
  record(p, "openInterest", dayStartMs, days, 0.02, 0);
  record(p, "tradeFlow", dayStartMs, days, 0.03, -0.01);
  record(p, "vwap", dayStartMs, days, 0, -0.02);
  record(p, "funding", dayStartMs, days, 0.01, 0.01);
  return p;
}

const strong = (w: { components: Record<ConvergenceComponent, { strong: number }> }) => CONVERGENCE_COMPONENTS.map((c) => w.components[c].strong);

describe("annualizedSharpe", () => {
  it("is mean / sample std × √365", () => {
    const r = Array.from({ length: 30 }, (_, i) => (i % 2 === 0 ? 0.02 : 0));
    expect(annualizedSharpe(r)).toBeCloseTo(Math.sqrt(365) / Math.sqrt(30 / 29), 9);
    expect(annualizedSharpe(r)).toBeCloseTo(18.78386, 4);
  });

  it("is 0 for zero spread, undefined below two returns", () => {
    expect(annualizedSharpe([0.01, 0.01, 0.01])).toBe(0);
    expect(annualizedSharpe([0.01])).toBeUndefined();
  });
});

describe("adaptiveWeightsFor", () => {
  const D = T0;

  it("weights by max(0, Sharpe), scaled so the strong points sum to the fixed 120, weak points at the fixed ratio", () => {
    const state = adaptiveWeightsFor(FIXED_CONVERGENCE_WEIGHTS, performance(D), D, OPTIONS);
    expect(state.mode).toBe("adaptive");
    // Weights s, s/2, 0, 0, s over 2.5 s: 48, 24, 0, 0, 48.
    expect(strong(state.weights).map((x) => Number(x.toFixed(9)))).toEqual([48, 24, 0, 0, 48]);
    expect(state.weights.components.orderBook.weak).toBeCloseTo(28.8, 9);
    expect(state.weights.components.tradeFlow.weak).toBeCloseTo(14.4, 9);
    expect(state.weights.components.openInterest.weak).toBeCloseTo(24, 9);
    expect(state.sharpe.vwap).toBeLessThan(0);
    expect(state.sharpe.funding).toBe(0);
    expect([state.weights.alignmentBonus, state.weights.conflictPenalty]).toEqual([15, 20]);
  });

  it("keeps the fixed weights with 29 of 30 days of history, adapts with 30", () => {
    expect(adaptiveWeightsFor(FIXED_CONVERGENCE_WEIGHTS, performance(D, 29), D, OPTIONS).mode).toBe("fixed");
    expect(adaptiveWeightsFor(FIXED_CONVERGENCE_WEIGHTS, performance(D, 29), D, OPTIONS).weights).toBe(FIXED_CONVERGENCE_WEIGHTS);
    expect(adaptiveWeightsFor(FIXED_CONVERGENCE_WEIGHTS, performance(D, 30), D, OPTIONS).mode).toBe("adaptive");
  });

  it("reads only the 30 days before the day: returns of the day itself and older than 30 days are ignored", () => {
    const p = performance(D, 30);
    p.record("vwap", D, 1);
    p.record("vwap", D - 31 * DAY, 1);
    expect(adaptiveWeightsFor(FIXED_CONVERGENCE_WEIGHTS, p, D, OPTIONS).weights.components.vwap.strong).toBe(0);
  });

  it("is all-zero (no trade) when every Sharpe is ≤ 0, without dividing by zero", () => {
    const p = new InMemoryComponentPerformance();
    for (const c of CONVERGENCE_COMPONENTS) record(p, c, D, 30, c === "funding" ? 0.01 : 0, c === "funding" ? 0.01 : -0.01);
    const state = adaptiveWeightsFor(FIXED_CONVERGENCE_WEIGHTS, p, D, OPTIONS);
    expect(state.mode).toBe("all-zero");
    expect(strong(state.weights)).toEqual([0, 0, 0, 0, 0]);
  });
});

describe("DailyAdaptiveWeights", () => {
  it("freezes the weights for the UTC day: data arriving during day D counts from D + 1", () => {
    const D = T0;
    const p = performance(D);
    const weights = new DailyAdaptiveWeights(FIXED_CONVERGENCE_WEIGHTS, p, OPTIONS);
    const morning = weights.at(D + 3_600_000);
    expect(morning.weights.components.vwap.strong).toBe(0);
    // A late return for day D − 1 arrives at noon of day D: VWAP's Sharpe turns positive.
    p.record("vwap", D - DAY, 2);
    expect(adaptiveWeightsFor(FIXED_CONVERGENCE_WEIGHTS, p, D, OPTIONS).weights.components.vwap.strong).toBeGreaterThan(0);
    expect(weights.at(D + 12 * 3_600_000)).toBe(morning);
    expect(weights.at(D + DAY - 1)).toBe(morning);
    const next = weights.at(D + DAY);
    expect(next.dayStartMs).toBe(D + DAY);
    expect(next.weights.components.vwap.strong).toBeGreaterThan(0);
  });
});

// ---- the strategy on events (the same 4-hour scenario as convergence.test.ts, compact) ----

const MIN = 60_000;
const BARS = 240;
const LAST_CLOSE = T0 + BARS * MIN - 1;

function book(tsMs: number): BookSnapshotEvent {
  return { kind: "book", market: BTC, tsEvent: tsMs, tsInit: tsMs, bids: [{ px: 100.5, sz: 9, orders: undefined }], asks: [{ px: 100.7, sz: 2, orders: undefined }] };
}

function trade(tsMs: number, side: "buy" | "sell", id: number): TradeEvent {
  return { kind: "trade", market: BTC, tsEvent: tsMs, tsInit: tsMs, px: 100.6, sz: 1, side, tradeId: String(id) };
}

/** Book 25 long, flow 25 long, VWAP 0, funding 20 long, OI strong 20 long under the fixed weights: 90 with 4 aligned. */
function scenario(): MarketEvent[] {
  const out: MarketEvent[] = [];
  for (let i = 0; i < BARS; i += 1) {
    const up = i % 2 === 0;
    const last = i === BARS - 1;
    const open = last ? 100.6 : up ? 100 : 101;
    const close = last ? 100.6 : up ? 101 : 100;
    out.push(bar(BTC, "1m", T0 + i * MIN, close, last ? 1 : up ? 4 : 1, { open, high: Math.max(open, close), low: Math.min(open, close) }));
    out.push(ctx(BTC, T0 + i * MIN + 30_000, { openInterest: 1000 * (1 + (0.04 * i) / (BARS - 1)), markPx: 100 * (1 + (0.02 * i) / (BARS - 1)) }));
  }
  out.push(fundingAt(BTC, T0 + 239 * MIN, -1.5e-5), book(LAST_CLOSE - 1_000));
  for (let k = 0; k < 5; k += 1) out.push(trade(LAST_CLOSE - 2_000 + k, k < 4 ? "buy" : "sell", k));
  return inTimeOrder(out);
}

describe("AdaptiveConvergenceStrategy", () => {
  it("uses the fixed weights without history: fires HIGH at 90 like the fixed score", () => {
    const [s] = feed(new AdaptiveConvergenceStrategy(BTC), scenario());
    expect(s?.id).toBe(`convergence-adaptive:hyperliquid:perp:BTC:${LAST_CLOSE}:0`);
    expect([s?.side, s?.confidence, s?.metrics["score"], s?.metrics["adaptiveWeights"]]).toEqual(["long", "HIGH", 90, 0]);
  });

  it("with Sharpe weights, funding weighs 0 and is no longer aligned: 100 points but 3 metrics → MEDIUM", () => {
    const [s] = feed(new AdaptiveConvergenceStrategy(BTC, {}, { performance: performance(T0) }), scenario());
    // book 48 + flow 24 + OI 48 = 120, clamped to 100; funding (Sharpe 0) scores 0.
    expect([s?.confidence, s?.metrics["score"], s?.metrics["aligned"], s?.metrics["adaptiveWeights"]]).toEqual(["MEDIUM", 100, 3, 1]);
    expect(s?.metrics["weight.orderBook"]).toBeCloseTo(48, 9);
    expect(s?.metrics["points.funding"]).toBe(0);
    expect(s?.metrics["sharpe.orderBook"]).toBeCloseTo(18.78386, 4);
  });

  it("does not trade when every component's Sharpe is ≤ 0", () => {
    const p = new InMemoryComponentPerformance();
    for (const c of CONVERGENCE_COMPONENTS) record(p, c, T0, 30, 0, -0.01);
    expect(feed(new AdaptiveConvergenceStrategy(BTC, {}, { performance: p }), scenario())).toEqual([]);
  });

  it("rejects minHistoryDays above lookbackDays", () => {
    expect(() => new AdaptiveConvergenceStrategy(BTC, { lookbackDays: 20 })).toThrow(ConfigError);
    expect(() => new AdaptiveConvergenceStrategy(BTC, { lookbackDays: 20 })).toThrow("strategies.convergenceAdaptive.minHistoryDays");
  });
});
