import { describe, expect, it } from "vitest";
import { ConfigError } from "../core/index.ts";
import type { BookSnapshotEvent, CandleEvent, Market, MarketEvent, TradeEvent } from "../core/index.ts";
import { bookImbalanceOf } from "../metrics/book-imbalance.ts";
import {
  annualizeHourlyFunding,
  convergenceDecision,
  convergenceTarget,
  ConvergenceStrategy,
  FIXED_CONVERGENCE_WEIGHTS,
  scoreConvergence,
  strongPointsSum,
} from "./convergence.ts";
import type { ConvergenceInputs, ConvergenceThresholds, ConvergenceWeights } from "./convergence.ts";
import { bar, BTC, ctx, feed, fundingAt, inTimeOrder, T0, UBTC } from "./test-events.ts";

const T: ConvergenceThresholds = {
  bookStrong: 0.6,
  bookWeak: 0.4,
  flowStrong: 0.5,
  flowWeak: 0.3,
  vwapStrongZ: 2.0,
  vwapWeakZ: 1.5,
  fundingStrongAnnualized: 0.1,
  fundingWeakAnnualized: 0.07,
  oiChange: 0.03,
  oiPriceChange: 0.01,
};
const RULES = { minScore: 70, minAligned: 3, highScore: 85, highAligned: 4 };
const NEUTRAL: ConvergenceInputs = { bookImbalance: 0, flow: 0, vwapZ: 0, fundingAnnualized: 0, oiChange4h: 0, priceChange4h: 0, basis: undefined };
const EPS = 1e-9;

const score = (inputs: Partial<ConvergenceInputs>, weights: ConvergenceWeights = FIXED_CONVERGENCE_WEIGHTS) => scoreConvergence({ ...NEUTRAL, ...inputs }, T, weights);
const pointsOf = (inputs: Partial<ConvergenceInputs>, component: string) => score(inputs).votes.find((v) => v.component === component)?.points;

/** Fixed weights with one component's strong points changed. */
function withStrong(component: keyof ConvergenceWeights["components"], strong: number): ConvergenceWeights {
  const c = FIXED_CONVERGENCE_WEIGHTS.components;
  return { ...FIXED_CONVERGENCE_WEIGHTS, components: { ...c, [component]: { ...c[component], strong } } };
}

describe("scoreConvergence: points at each threshold (strict, except OI's inclusive bounds)", () => {
  it("order book: 25 above 0.6, 15 above 0.4, 0 at 0.4", () => {
    expect([0.6 + EPS, 0.6, 0.4 + EPS, 0.4, -0.6 - EPS, -0.4 - EPS].map((x) => pointsOf({ bookImbalance: x }, "orderBook"))).toEqual([25, 15, 15, 0, 25, 15]);
    expect(score({ bookImbalance: 0.7 }).side).toBe("long");
    expect(score({ bookImbalance: -0.7 }).side).toBe("short");
  });

  it("trade flow: 25 above 0.5, 15 above 0.3, 0 at 0.3", () => {
    expect([0.5 + EPS, 0.5, 0.3 + EPS, 0.3, -0.5 - EPS].map((x) => pointsOf({ flow: x }, "tradeFlow"))).toEqual([25, 15, 15, 0, 25]);
  });

  it("VWAP: 30 above |z| 2.0, 20 above 1.5, fading the stretch (z > 0 → short)", () => {
    expect([2 + EPS, 2, 1.5 + EPS, 1.5, -2 - EPS].map((x) => pointsOf({ vwapZ: x }, "vwap"))).toEqual([30, 20, 20, 0, 30]);
    expect(score({ vwapZ: 2.5 }).side).toBe("short");
    expect(score({ vwapZ: -2.5 }).side).toBe("long");
  });

  it("funding: 20 above 10 %/yr, 10 above 7 %/yr, contrarian (positive → short)", () => {
    expect([0.1 + EPS, 0.1, 0.07 + EPS, 0.07, -0.1 - EPS].map((x) => pointsOf({ fundingAnnualized: x }, "funding"))).toEqual([20, 10, 10, 0, 20]);
    expect(score({ fundingAnnualized: 0.2 }).side).toBe("short");
    expect(score({ fundingAnnualized: -0.2 }).side).toBe("long");
  });

  it("annualises the hourly rate × 8760: Hyperliquid's baseline 1.25e-5 /h is 10.95 %/yr, strong", () => {
    expect(annualizeHourlyFunding(1.25e-5)).toBeCloseTo(0.1095, 12);
    expect(pointsOf({ fundingAnnualized: annualizeHourlyFunding(1.25e-5) }, "funding")).toBe(20);
    // The original's × 1095 would have read 1.37 %/yr: no points at all.
    expect(pointsOf({ fundingAnnualized: 1.25e-5 * 1095 }, "funding")).toBe(0);
  });

  it("OI divergence: strong at |OI| ≥ 3 % with |price| ≥ 1 %, weak with |price| < 1 %, none below 3 %", () => {
    expect(pointsOf({ oiChange4h: 0.03, priceChange4h: 0.01 }, "openInterest")).toBe(20);
    expect(pointsOf({ oiChange4h: 0.03, priceChange4h: 0.01 - EPS }, "openInterest")).toBe(10);
    expect(pointsOf({ oiChange4h: 0.03 - EPS, priceChange4h: 0.05 }, "openInterest")).toBe(0);
    expect(pointsOf({ oiChange4h: -0.03, priceChange4h: -0.01 }, "openInterest")).toBe(20);
    expect(score({ oiChange4h: 0.04, priceChange4h: 0.02 }).side).toBe("long");
    expect(score({ oiChange4h: 0.04, priceChange4h: -0.02 }).side).toBe("short");
    expect(score({ oiChange4h: 0.04, priceChange4h: -0.002 }).side).toBe("short");
    // No price move: no direction, no points.
    expect(pointsOf({ oiChange4h: 0.04, priceChange4h: 0 }, "openInterest")).toBe(0);
  });

  it("funding-basis: +15 to funding's contrarian side when basis has funding's sign, −20 when opposite, 0 without funding points", () => {
    const agree = score({ fundingAnnualized: 0.2, basis: 0.001 });
    expect([agree.alignmentSide, agree.alignmentPoints, agree.shortPoints]).toEqual(["short", 15, 35]);
    const conflict = score({ fundingAnnualized: 0.2, basis: -0.001 });
    expect([conflict.alignmentSide, conflict.alignmentPoints, conflict.shortPoints]).toEqual(["short", -20, 0]);
    expect(score({ fundingAnnualized: -0.2, basis: -0.001 }).longPoints).toBe(35);
    expect(score({ fundingAnnualized: 0.05, basis: 0.001 }).alignmentPoints).toBe(0);
    expect(score({ fundingAnnualized: 0.2, basis: 0 }).alignmentPoints).toBe(0);
    expect(score({ fundingAnnualized: 0.2, basis: undefined }).alignmentPoints).toBe(0);
  });

  it("trades the side with more points; a tie has no side", () => {
    const s = score({ bookImbalance: 0.7, vwapZ: 2.5 });
    expect([s.longPoints, s.shortPoints, s.side, s.score, s.aligned]).toEqual([25, 30, "short", 30, 1]);
    const tie = score({ bookImbalance: 0.7, flow: -0.7 });
    expect([tie.side, tie.score, tie.aligned]).toEqual([undefined, 0, 0]);
  });

  it("clamps the score to 100 (all five metrics strong plus the bonus is 135)", () => {
    expect(strongPointsSum(FIXED_CONVERGENCE_WEIGHTS)).toBe(120);
    const s = score({ bookImbalance: 0.9, flow: 0.9, vwapZ: -3, fundingAnnualized: -0.3, oiChange4h: 0.05, priceChange4h: 0.02, basis: -0.002 });
    expect([s.longPoints, s.score, s.aligned]).toEqual([135, 100, 5]);
  });
});

describe("convergenceDecision", () => {
  const decide = (inputs: Partial<ConvergenceInputs>, weights?: ConvergenceWeights) => convergenceDecision(score(inputs, weights), RULES);

  it("trades at 70 with 3 aligned (book 25 + flow 15 + VWAP 30), not at 65 (book 25 + VWAP 20 + funding 20)", () => {
    expect(score({ bookImbalance: 0.7, flow: 0.4, vwapZ: -2.1 }).score).toBe(70);
    expect(decide({ bookImbalance: 0.7, flow: 0.4, vwapZ: -2.1 })).toEqual({ side: "long", confidence: "MEDIUM" });
    expect(score({ bookImbalance: 0.7, vwapZ: -1.6, fundingAnnualized: -0.2 }).score).toBe(65);
    expect(decide({ bookImbalance: 0.7, vwapZ: -1.6, fundingAnnualized: -0.2 })).toBeUndefined();
  });

  it("does not trade at 69 (book worth 24 + flow 25 + funding 20)", () => {
    const inputs = { bookImbalance: 0.7, flow: 0.7, fundingAnnualized: -0.2 };
    expect(score(inputs, withStrong("orderBook", 24)).score).toBe(69);
    expect(decide(inputs, withStrong("orderBook", 24))).toBeUndefined();
    expect(decide(inputs)).toEqual({ side: "long", confidence: "MEDIUM" });
  });

  it("needs 3 metrics aligned: 2 metrics at 75 points do not trade, 3 do", () => {
    const heavyVwap = withStrong("vwap", 50);
    expect(score({ vwapZ: -3, bookImbalance: 0.7 }, heavyVwap)).toMatchObject({ score: 75, aligned: 2 });
    expect(decide({ vwapZ: -3, bookImbalance: 0.7 }, heavyVwap)).toBeUndefined();
    expect(decide({ vwapZ: -3, bookImbalance: 0.7, flow: 0.4 }, heavyVwap)).toEqual({ side: "long", confidence: "MEDIUM" });
  });

  it("the bonus counts toward the score but not as an aligned metric", () => {
    // funding 20 + bonus 15 + VWAP 30 = 65 with 2 aligned; + book weak 15 = 80 with 3.
    expect(score({ fundingAnnualized: 0.2, basis: 0.001, vwapZ: 3 })).toMatchObject({ score: 65, aligned: 2 });
    expect(decide({ fundingAnnualized: 0.2, basis: 0.001, vwapZ: 3, bookImbalance: -0.5 })).toEqual({ side: "short", confidence: "MEDIUM" });
  });

  it("is HIGH at 85 with 4 aligned, MEDIUM at 84 with 4, MEDIUM at 90 with 3", () => {
    // book 15 + flow 15 + VWAP 20 + funding 20 + bonus 15 = 85, 4 aligned.
    const inputs = { bookImbalance: -0.5, flow: -0.4, vwapZ: 1.8, fundingAnnualized: 0.2, basis: 0.001 };
    expect(score(inputs)).toMatchObject({ score: 85, aligned: 4 });
    expect(decide(inputs)).toEqual({ side: "short", confidence: "HIGH" });
    expect(score(inputs, withStrong("funding", 19))).toMatchObject({ score: 84, aligned: 4 });
    expect(decide(inputs, withStrong("funding", 19))).toEqual({ side: "short", confidence: "MEDIUM" });
    // book 25 + VWAP 30 + funding 20 + bonus 15 = 90 with 3 aligned.
    const three = { bookImbalance: -0.7, vwapZ: 2.5, fundingAnnualized: 0.2, basis: 0.001 };
    expect(score(three)).toMatchObject({ score: 90, aligned: 3 });
    expect(decide(three)).toEqual({ side: "short", confidence: "MEDIUM" });
  });
});

describe("convergenceTarget", () => {
  it("is VWAP + 1 % for a long when that is at least 1.5 % above entry", () => {
    expect(convergenceTarget("long", 100, 100.6, 0.01, 0.015)).toBeCloseTo(101.606, 9);
  });

  it("is floored at 1.5 % from entry, switching exactly where VWAP × 1.01 = entry × 1.015", () => {
    const vwapAtFloor = (100 * 1.015) / 1.01; // 100.4950495…
    expect(convergenceTarget("long", 100, vwapAtFloor, 0.01, 0.015)).toBeCloseTo(101.5, 9);
    expect(convergenceTarget("long", 100, vwapAtFloor - 1e-6, 0.01, 0.015)).toBeCloseTo(101.5, 9);
    expect(convergenceTarget("long", 100, vwapAtFloor + 1e-3, 0.01, 0.015)).toBeCloseTo(101.50101, 9);
    expect(convergenceTarget("long", 100, 99, 0.01, 0.015)).toBeCloseTo(101.5, 9);
  });

  it("mirrors for a short: min(VWAP × 0.99, entry × 0.985)", () => {
    expect(convergenceTarget("short", 100, 99, 0.01, 0.015)).toBeCloseTo(98.01, 9);
    expect(convergenceTarget("short", 100, 100, 0.01, 0.015)).toBeCloseTo(98.5, 9);
  });
});

// ---- the strategy on events ----

const MIN = 60_000;
const BARS = 240;
/** Close time of the last (240th) 1 m bar: T0 + 4 h − 1 ms. */
const LAST_CLOSE = T0 + BARS * MIN - 1;

interface Scenario {
  /** Open interest and mark price change over the 4 h of asset contexts. */
  oi?: number;
  px?: number;
  /** Funding rate per hour, settled at T0 + 239 min. */
  fundingPerHour?: number;
  trades?: boolean;
  /** Asset contexts to leave out from the start (warm-up). */
  skipContexts?: number;
  spotMid?: number;
}

function book(market: Market, tsMs: number, bid: [number, number], ask: [number, number]): BookSnapshotEvent {
  return { kind: "book", market, tsEvent: tsMs, tsInit: tsMs, bids: [{ px: bid[0], sz: bid[1], orders: undefined }], asks: [{ px: ask[0], sz: ask[1], orders: undefined }] };
}

function trade(tsMs: number, side: "buy" | "sell", id: number): TradeEvent {
  return { kind: "trade", market: BTC, tsEvent: tsMs, tsInit: tsMs, px: 100.6, sz: 1, side, tradeId: String(id) };
}

/**
 * Four hours of BTC from 00:00 UTC:
 * - 1 m bars alternating up (open 100, close 101, volume 4) and down (101 → 100, volume 1), the
 *   last one flat at 100.6: session VWAP 100.6004, last z ≈ 0 (no VWAP points); the candle proxy
 *   over the last 10 bars is (5·4·0.01 − 4·0.0099010) / (5·4·0.01 + 4·0.0099010) = 0.66942;
 * - an asset context each minute at :30 with OI and mark rising linearly by `oi` and `px`;
 * - funding settled at T0 + 239 min; a book 1 s before the last close (bid 100.5 × 9, ask 100.7 × 2:
 *   imbalance (904.5 − 201.4) / 1105.9 = 0.63577, strong long); 4 buys and 1 sell 2 s before it
 *   (flow 0.6, strong long).
 * Default score: book 25 + flow 25 + funding 20 (−13 %/yr) + OI 20 (+4 % with price +2 %) = 90, 4 aligned.
 */
function scenario(s: Scenario = {}): MarketEvent[] {
  const { oi = 0.04, px = 0.02, fundingPerHour = -1.5e-5, trades = true, skipContexts = 0 } = s;
  const out: MarketEvent[] = [];
  for (let i = 0; i < BARS; i += 1) {
    const openTime = T0 + i * MIN;
    const up = i % 2 === 0;
    const last = i === BARS - 1;
    const open = last ? 100.6 : up ? 100 : 101;
    const close = last ? 100.6 : up ? 101 : 100;
    const extra: Partial<CandleEvent> = { open, high: Math.max(open, close), low: Math.min(open, close) };
    out.push(bar(BTC, "1m", openTime, close, last ? 1 : up ? 4 : 1, extra));
    if (i >= skipContexts) out.push(ctx(BTC, openTime + 30_000, { openInterest: 1000 * (1 + (oi * i) / (BARS - 1)), markPx: 100 * (1 + (px * i) / (BARS - 1)) }));
  }
  out.push(fundingAt(BTC, T0 + 239 * MIN, fundingPerHour));
  out.push(book(BTC, LAST_CLOSE - 1_000, [100.5, 9], [100.7, 2]));
  if (s.spotMid !== undefined) out.push(book(UBTC, LAST_CLOSE - 1_000, [s.spotMid - 0.05, 1], [s.spotMid + 0.05, 1]));
  if (trades) for (let k = 0; k < 5; k += 1) out.push(trade(LAST_CLOSE - 2_000 + k, k < 4 ? "buy" : "sell", k));
  return inTimeOrder(out);
}

describe("ConvergenceStrategy", () => {
  it("fires HIGH long at 90 points with 4 metrics aligned, 2 % stop, target floored at 1.5 %", () => {
    const events = scenario();
    expect(bookImbalanceOf(book(BTC, 0, [100.5, 9], [100.7, 2]), 10)).toBeCloseTo(0.63577, 5);
    const signals = feed(new ConvergenceStrategy(BTC), events);
    expect(signals).toHaveLength(1);
    const s = signals[0]!;
    expect(s.id).toBe(`convergence:hyperliquid:perp:BTC:${LAST_CLOSE}:0`);
    expect([s.side, s.confidence]).toEqual(["long", "HIGH"]);
    expect(s.metrics["score"]).toBe(90);
    expect(s.metrics["aligned"]).toBe(4);
    expect(s.metrics["flowFromTrades"]).toBe(1);
    expect(s.metrics["flow"]).toBeCloseTo(0.6, 12);
    expect(s.metrics["fundingAnnualized"]).toBeCloseTo(-0.1314, 12);
    expect(s.metrics["oiChange4h"]).toBeCloseTo(0.04, 12);
    expect(s.metrics["priceChange4h"]).toBeCloseTo(0.02, 12);
    expect(s.metrics["vwap"]).toBeCloseTo(100.6004, 4);
    expect(Math.abs(s.metrics["vwapZ"]!)).toBeLessThan(0.01);
    expect(s.metrics["basisAvailable"]).toBe(0);
    // Entry: the last bar's close (the freshest price), 100.6; VWAP × 1.01 = 101.606 < 100.6 × 1.015 = 102.109.
    expect(s.entryPx).toBe(100.6);
    expect(s.stopPx).toBeCloseTo(98.588, 9);
    expect(s.targetPx).toBeCloseTo(102.109, 9);
    expect(s.maxHoldMs).toBe(4 * 3_600_000);
    // The default levels are percentile rules; this is the first evaluation, so nothing is known before it: the fallbacks.
    expect(s.thresholds).toMatchObject({
      minScore: 70,
      minAligned: 3,
      highScore: 85,
      highAligned: 4,
      bookStrong: { value: 0.6, source: "fallback", percentile: 90, samples: 0 },
      bookWeak: { value: 0.4, source: "fallback", percentile: 75, samples: 0 },
      oiChange: 0.03,
    });
    // Which components carried the trade: book 25, flow 25, funding 20 and OI 20 (strong, long); VWAP none (|z| < 0.01).
    expect(s.metrics).toMatchObject({
      "contributed.orderBook": 1,
      "contributed.tradeFlow": 1,
      "contributed.vwap": 0,
      "contributed.funding": 1,
      "contributed.openInterest": 1,
      "level.orderBook": 2,
      "level.vwap": 0,
    });
    // Fixed levels are recorded as their numbers.
    const [fixed] = feed(new ConvergenceStrategy(BTC, { bookStrong: 0.6 }), events);
    expect(fixed?.thresholds["bookStrong"]).toBe(0.6);
  });

  it("uses the candle flow proxy when no trade is in the window, and says so", () => {
    const [s] = feed(new ConvergenceStrategy(BTC), scenario({ trades: false }));
    expect(s?.metrics["flowFromTrades"]).toBe(0);
    expect(s?.metrics["flow"]).toBeCloseTo(0.66942, 5);
    expect(s?.reason).toContain("candle proxy");
  });

  it("drops to MEDIUM at 80 points with a weak OI divergence (price +0.5 %)", () => {
    const [s] = feed(new ConvergenceStrategy(BTC), scenario({ px: 0.005 }));
    expect([s?.confidence, s?.metrics["score"], s?.metrics["points.openInterest"]]).toEqual(["MEDIUM", 80, 10]);
  });

  it("does not fire below 70: without the OI divergence the score is 70, without funding too it is 50", () => {
    expect(feed(new ConvergenceStrategy(BTC), scenario({ oi: 0.02 }))[0]?.metrics["score"]).toBe(70);
    expect(feed(new ConvergenceStrategy(BTC), scenario({ oi: 0.02, fundingPerHour: 1e-6 }))).toEqual([]);
  });

  it("applies the funding-basis adjustment from the spot book: −20 when the perp trades above spot against negative funding", () => {
    // Perp mid 100.6 vs spot mid 100.5: basis +0.0995 %, funding negative → conflict on the long side.
    const [conflict] = feed(new ConvergenceStrategy(BTC, {}, { spot: UBTC }), scenario({ spotMid: 100.5 }));
    expect([conflict?.metrics["score"], conflict?.metrics["alignmentPoints"], conflict?.confidence]).toEqual([70, -20, "MEDIUM"]);
    expect(conflict?.metrics["basis"]).toBeCloseTo(100.6 / 100.5 - 1, 12);
    const [agree] = feed(new ConvergenceStrategy(BTC, {}, { spot: UBTC }), scenario({ spotMid: 100.7 }));
    expect([agree?.metrics["score"], agree?.metrics["alignmentPoints"]]).toEqual([100, 15]);
  });

  it("never fires without a fresh spot price when a spot leg is configured", () => {
    expect(feed(new ConvergenceStrategy(BTC, {}, { spot: UBTC }), scenario())).toEqual([]);
  });

  it("never fires during warm-up: 3 h 40 min of open interest is not a 4 h change (tolerance 15 min)", () => {
    const strategy = new ConvergenceStrategy(BTC);
    expect(feed(strategy, scenario({ skipContexts: 20 }))).toEqual([]);
    expect(strategy.isWarm(LAST_CLOSE)).toBe(false);
  });

  it("never fires on a stale book (6 s old when the bar closes)", () => {
    const strategy = new ConvergenceStrategy(BTC);
    const events = scenario();
    feed(strategy, events.slice(0, -1));
    const last = events.at(-1)!;
    expect(last.kind).toBe("candle");
    expect(strategy.onEvent(last, { nowMs: LAST_CLOSE + 5_000 })).toEqual([]);
    expect(strategy.isWarm(LAST_CLOSE)).toBe(true);
  });

  it("fires once while the condition holds", () => {
    const strategy = new ConvergenceStrategy(BTC);
    const events = scenario();
    const next = bar(BTC, "1m", T0 + BARS * MIN, 100.6, 1);
    const later = [book(BTC, next.closeTime - 1_000, [100.5, 9], [100.7, 2]), ctx(BTC, next.closeTime - 1_000, { openInterest: 1040, markPx: 102 }), next];
    expect(feed(strategy, [...events, ...later])).toHaveLength(1);
    // The condition did still hold on the second bar: a strategy that saw the first close with a stale book fires on it.
    const fresh = new ConvergenceStrategy(BTC);
    feed(fresh, events.slice(0, -1));
    expect(fresh.onEvent(events.at(-1)!, { nowMs: LAST_CLOSE + 5_000 })).toEqual([]);
    expect(feed(fresh, later).map((s) => s.createdMs)).toEqual([next.closeTime]);
  });

  it("rejects a weak level above its strong one with a ConfigError naming the key", () => {
    expect(() => new ConvergenceStrategy(BTC, { bookWeak: 0.7 })).toThrow(ConfigError);
    expect(() => new ConvergenceStrategy(BTC, { bookWeak: 0.7 })).toThrow("strategies.convergence.bookWeak");
    expect(() => new ConvergenceStrategy(BTC, { highScore: 60 })).toThrow("strategies.convergence.minScore");
  });
});
