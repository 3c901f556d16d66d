import { describe, expect, it } from "vitest";
import { HOUR_MS, perp, spot } from "../../core/index.ts";
import { assetCtx, book, BTC, candle, ETH, flat, funding, status, trade, UBTC } from "../test-events.ts";
import { BoundedQueue } from "./bounded-queue.ts";
import { FundingSeries } from "./funding-series.ts";
import { MarketState } from "./market-state.ts";
import { MarketStateStore } from "./market-state-store.ts";

const T0 = Date.UTC(2024, 2, 1);

describe("BoundedQueue", () => {
  it("drops the oldest item when full and indexes from both ends", () => {
    const q = new BoundedQueue<number>(3);
    for (const x of [1, 2, 3]) expect(q.push(x)).toBeUndefined();
    expect(q.push(4)).toBe(1);
    expect(q.toArray()).toEqual([2, 3, 4]);
    expect(q.at(0)).toBe(2);
    expect(q.at(-1)).toBe(4);
    expect(q.at(3)).toBeUndefined();
    expect(q.shift()).toBe(2);
    expect(q.size).toBe(2);
  });

  it("rejects a capacity that is not a positive integer", () => {
    expect(() => new BoundedQueue(0)).toThrow(RangeError);
  });
});

describe("FundingSeries", () => {
  it("finds the nearest sample within the tolerance and nothing beyond it", () => {
    const s = new FundingSeries();
    s.add(T0, 1e-5);
    s.add(T0 + HOUR_MS, 2e-5);
    s.add(T0 + 2 * HOUR_MS, 3e-5);
    expect(s.nearest(T0 + HOUR_MS + 10 * 60_000, 30 * 60_000)?.ratePerHour).toBe(2e-5);
    expect(s.nearest(T0 + HOUR_MS + 40 * 60_000, 30 * 60_000)?.ratePerHour).toBe(3e-5);
    expect(s.nearest(T0 - 31 * 60_000, 30 * 60_000)).toBeUndefined();
    expect(s.nearest(T0 + 5 * HOUR_MS, 30 * 60_000)).toBeUndefined();
  });

  it("keeps at most one sample per spacing slot and drops samples older than its age limit", () => {
    const s = new FundingSeries({ minSpacingMs: 60_000, maxAgeMs: 10 * 60_000 });
    // 1 sample every 5 s for 20 min: 240 samples → one per minute, last 10 min only.
    for (let i = 0; i < 240; i += 1) s.add(T0 + i * 5_000, i);
    expect(s.size).toBeLessThanOrEqual(11);
    expect(s.latest?.ratePerHour).toBe(239);
  });
});

describe("MarketState", () => {
  it("keeps the latest book, context, settlement and candles of its own market only", () => {
    const state = new MarketState(BTC);
    state.update(book(BTC, T0, [[100, 1]], [[102, 1]]));
    state.update(book(ETH, T0 + 1, [[5, 1]], [[6, 1]]));
    state.update(assetCtx(BTC, T0 + 2, { openInterest: 1_000, markPx: 101, oraclePx: 100.5 }));
    state.update(funding(BTC, T0 + HOUR_MS, 8e-5, 8 * HOUR_MS));
    state.update(candle(BTC, "1m", T0, flat(101, 3)));
    state.update(status(T0 + 3));
    expect(state.book?.bids[0]?.px).toBe(100);
    // (100 + 102) / 2 = 101
    expect(state.bookMid).toEqual({ px: 101, tsMs: T0, source: "bookMid" });
    expect(state.assetCtx?.openInterest).toBe(1_000);
    // An 8-hour settlement of 8e-5 is 1e-5 per hour.
    expect(state.funding.latest?.ratePerHour).toBeCloseTo(1e-5, 15);
    expect(state.candles("1m").closedCount).toBe(1);
    expect(state.intervals).toEqual(["1m"]);
  });

  it("replaces a corrected closed bar and drops a forming bar once its bar closes", () => {
    const state = new MarketState(BTC);
    const s = state.candles("1m");
    s.update(candle(BTC, "1m", T0, flat(100, 1), false, T0 + 10_000));
    expect(s.forming?.close).toBe(100);
    s.update(candle(BTC, "1m", T0, flat(101, 2)));
    expect(s.forming).toBeUndefined();
    s.update(candle(BTC, "1m", T0, flat(102, 3)));
    expect(s.closedCount).toBe(1);
    expect(s.lastClosed?.close).toBe(102);
    // A late forming update for an already closed bar is ignored.
    s.update(candle(BTC, "1m", T0, flat(99, 1), false, T0 + 59_000));
    expect(s.forming).toBeUndefined();
  });

  it("stays bounded over 100 000 events", () => {
    const state = new MarketState(BTC, { tradeWindowMs: 60_000, maxTrades: 1_000, maxClosedCandles: 50 });
    for (let i = 0; i < 100_000; i += 1) {
      const ts = T0 + i * 100;
      state.update(trade(BTC, ts, i % 2 === 0 ? "buy" : "sell", 100, 1));
      if (i % 600 === 0) state.update(candle(BTC, "1m", ts, flat(100, 1)));
      if (i % 36_000 === 0) state.update(funding(BTC, ts, 1e-5));
    }
    // 10 trades a second over a 60 s window: 600 trades, under the 1 000 cap.
    expect(state.trades.size).toBe(601);
    expect(state.candles("1m").closedCount).toBe(50);
    expect(state.funding.size).toBeLessThanOrEqual(24 * 7 + 1);
  });

  it("caps the trade window by count when trades come faster than the window allows", () => {
    const state = new MarketState(BTC, { tradeWindowMs: 60_000, maxTrades: 1_000 });
    for (let i = 0; i < 100_000; i += 1) state.update(trade(BTC, T0 + i, "buy", 100, 1));
    expect(state.trades.size).toBe(1_000);
  });

  it("takes the freshest of book mid, context mid and candle close as the latest mid", () => {
    const state = new MarketState(UBTC);
    state.update(book(UBTC, T0, [[99, 1]], [[101, 1]]));
    state.update(assetCtx(UBTC, T0 + 5, { midPx: 100.5 }));
    expect(state.latestMid).toEqual({ px: 100.5, tsMs: T0 + 5, source: "ctxMid" });
    state.update(candle(UBTC, "1m", T0, flat(100.7, 1), false, T0 + 9));
    expect(state.latestMid?.px).toBe(100.7);
    // An empty side gives no book mid at all.
    const empty = new MarketState(UBTC);
    empty.update(book(UBTC, T0, [], [[101, 1]]));
    expect(empty.latestMid).toBeUndefined();
  });
});

describe("MarketStateStore", () => {
  it("routes events by market key and links a perp to the spot pair of its base", () => {
    const store = new MarketStateStore();
    store.update(book(BTC, T0, [[60_000, 1]], [[60_010, 1]]));
    store.update(book(UBTC, T0 + 1, [[59_990, 1]], [[60_000, 1]]));
    store.update(book(ETH, T0 + 2, [[3_000, 1]], [[3_001, 1]]));
    store.update(status(T0 + 3));
    expect(store.all().map((s) => s.market.key)).toEqual([BTC.key, UBTC.key, ETH.key]);
    // (59 990 + 60 000) / 2 = 59 995
    expect(store.spotReference(BTC)).toEqual({ px: 59_995, tsMs: T0 + 1, source: "bookMid" });
    expect(store.spotReference(ETH)).toBeUndefined();
  });

  it("uses an explicitly linked spot pair over the first one seen", () => {
    const store = new MarketStateStore();
    const other = spot("BTC2/USDC", "BTC");
    store.update(assetCtx(other, T0, { midPx: 1 }));
    store.update(assetCtx(UBTC, T0, { midPx: 60_000 }));
    expect(store.spotReference(perp("BTC"))?.px).toBe(1);
    store.linkSpot(UBTC);
    expect(store.spotReference(perp("BTC"))?.px).toBe(60_000);
  });
});
