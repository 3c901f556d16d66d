import { describe, expect, it } from "vitest";
import { market } from "../core/index.ts";
import type { MarketEvent } from "../core/index.ts";
import { BasisArbitrageStrategy, basisRoundTripCost } from "./basis-arbitrage.ts";
import { bar, bookAt, BTC, ctx, feed, T0, UBTC } from "./test-events.ts";

const MIN = 60_000;

/** One 1 m bar of each leg, closing at the same instant. */
function closes(perpPx: number, spotPx: number, openTime = T0): MarketEvent[] {
  return [bar(UBTC, "1m", openTime, spotPx, 5), bar(BTC, "1m", openTime, perpPx, 5)];
}

describe("basisRoundTripCost", () => {
  it("is 2 × (0.045 % + 0.070 %) = 0.23 % at tier 0 before spreads", () => {
    expect(basisRoundTripCost(0.00045, 0.0007, 0, 0)).toBeCloseTo(0.0023, 15);
    expect(basisRoundTripCost(0.00045, 0.0007, 0.0001, 0.0005)).toBeCloseTo(0.0029, 15);
  });
});

describe("BasisArbitrageStrategy", () => {
  it("shorts the perp and buys spot at a basis of exactly +0.3 %, recording the net edge", () => {
    const signals = feed(new BasisArbitrageStrategy(BTC, UBTC), closes(1003, 1000));
    expect(signals).toHaveLength(1);
    const s = signals[0]!;
    expect(s.side).toBe("short");
    expect(s.legs).toEqual([
      { market: BTC, side: "short", entryPx: 1003 },
      { market: UBTC, side: "long", entryPx: 1000 },
    ]);
    expect(s.executable).toBe(true);
    expect(s.maxHoldMs).toBe(8 * 3_600_000);
    expect(s.entryPx).toBe(1003);
    expect(s.targetPx).toBe(1000); // basis 0: perp back at spot
    expect(s.stopPx).toBeCloseTo(1006, 9); // basis 0.3 % + 0.3 % widening
    // cost = 0.23 % fees + 0.01 % + 0.05 % assumed spreads = 0.29 %; edge = 0.3 % − 0.29 % = 0.01 %.
    expect(s.spread?.entryBasis).toBe(0.003);
    expect(s.spread?.roundTripCost).toBeCloseTo(0.0029, 15);
    expect(s.spread?.expectedNetEdge).toBeCloseTo(0.0001, 12);
    expect(s.reason).toContain("short perp, long spot");
  });

  it("buys the perp and sells spot at −0.3 %", () => {
    const [s] = feed(new BasisArbitrageStrategy(BTC, UBTC), closes(997, 1000));
    expect(s?.side).toBe("long");
    expect(s?.legs[1]?.side).toBe("short");
    expect(s?.targetPx).toBe(1000);
    expect(s?.stopPx).toBeCloseTo(994, 9);
    expect(s?.reason).toContain("sells spot inventory");
  });

  it("fires just inside the 0.3 % threshold and not just outside it", () => {
    expect(feed(new BasisArbitrageStrategy(BTC, UBTC), closes(1003.01, 1000))).toHaveLength(1); // 0.301 %
    expect(feed(new BasisArbitrageStrategy(BTC, UBTC), closes(1002.99, 1000))).toHaveLength(0); // 0.299 %
    expect(feed(new BasisArbitrageStrategy(BTC, UBTC), closes(997.01, 1000))).toHaveLength(0); // −0.299 %
  });

  it("requires the expected convergence to exceed the round-trip cost: not at it, not below it", () => {
    // Fees 0 and a perp spread of 0.4 %: cost equals the 0.4 % basis → no edge.
    const base = { perpTakerFee: 0, spotTakerFee: 0, spotAssumedSpread: 0 };
    const basis04 = closes(1004, 1000);
    expect(feed(new BasisArbitrageStrategy(BTC, UBTC, { ...base, perpAssumedSpread: 0.004 }), basis04)).toHaveLength(0);
    expect(feed(new BasisArbitrageStrategy(BTC, UBTC, { ...base, perpAssumedSpread: 0.00399 }), basis04)).toHaveLength(1);
    expect(feed(new BasisArbitrageStrategy(BTC, UBTC, { ...base, perpAssumedSpread: 0.00401 }), basis04)).toHaveLength(0);
  });

  it("uses the quoted book spread instead of the assumption when a book is fresh", () => {
    // Perp book 1004.5 / 1005.5: mid 1005, spread 1 / 1005 ≈ 0.0995 %; spot bar at 1000 (assumed 0.05 %).
    const events = [bar(UBTC, "1m", T0, 1000, 5), bookAt(BTC, T0 + MIN - 1, 1004.5, 1005.5)];
    const [s] = feed(new BasisArbitrageStrategy(BTC, UBTC), events);
    expect(s?.metrics["perpSpread"]).toBeCloseTo(1 / 1005, 12);
    expect(s?.spread?.roundTripCost).toBeCloseTo(0.0023 + 1 / 1005 + 0.0005, 12);
  });

  it("never fires before both legs are seen, nor on a stale or skewed leg", () => {
    expect(feed(new BasisArbitrageStrategy(BTC, UBTC), [bar(BTC, "1m", T0, 1010, 5)])).toEqual([]);
    // Spot closed 3 minutes before the perp: older than 120 s at nowMs.
    const stale = [bar(UBTC, "1m", T0, 1000, 5), bar(BTC, "1m", T0 + 3 * MIN, 1010, 5)];
    expect(feed(new BasisArbitrageStrategy(BTC, UBTC), stale)).toEqual([]);
    const strategy = new BasisArbitrageStrategy(BTC, UBTC, { maxPriceAgeMs: 600_000 });
    expect(feed(strategy, stale)).toEqual([]); // fresh now, but the legs are 180 s apart (> 60 s skew)
  });

  it("fires once while the basis stays wide, again after it closes and reopens", () => {
    const strategy = new BasisArbitrageStrategy(BTC, UBTC);
    const events = [...closes(1005, 1000, T0), ...closes(1005, 1000, T0 + MIN), ...closes(1000, 1000, T0 + 2 * MIN), ...closes(1005, 1000, T0 + 3 * MIN)];
    expect(feed(strategy, events).map((s) => s.createdMs)).toEqual([T0 + MIN - 1, T0 + 4 * MIN - 1]);
  });

  it("flags an external spot reference as not executable", () => {
    const binance = market("binance", "spot", "BTC/USDT", "BTC");
    const events = [ctx(binance, T0, { midPx: 1000 }), ctx(BTC, T0, { midPx: 1005 })];
    const [s] = feed(new BasisArbitrageStrategy(BTC, binance), events);
    expect(s?.executable).toBe(false);
    expect(s?.reason).toContain("research only");
  });

  it("opts out of the volume filter with a reason", () => {
    const d = new BasisArbitrageStrategy(BTC, UBTC).description;
    expect(d.volumeFilter.applies).toBe(false);
    expect(d.entry).toContain("0.3 %");
  });
});
