import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { TradeEvent } from "../core/index.ts";
import { TradeFlow } from "./trade-flow.ts";
import { BTC, ETH, trade } from "./test-events.ts";

const T0 = Date.UTC(2024, 2, 1);

describe("TradeFlow", () => {
  it("is (buy − sell) / (buy + sell) of base volume in the window", () => {
    const m = new TradeFlow({ market: BTC });
    m.update(trade(BTC, T0, "buy", 100, 3));
    m.update(trade(BTC, T0 + 1_000, "sell", 101, 1));
    m.update(trade(BTC, T0 + 2_000, "buy", 99, 0.5));
    // buy 3.5, sell 1: (3.5 − 1) / 4.5 = 5/9
    expect(m.value(T0 + 2_000)).toBeCloseTo(5 / 9, 15);
  });

  it("drops trades once they are windowMs old, as time passes", () => {
    const m = new TradeFlow({ market: BTC, windowMs: 60_000 });
    m.update(trade(BTC, T0, "buy", 100, 3));
    m.update(trade(BTC, T0 + 30_000, "sell", 100, 1));
    // At T0 + 60 000 the first trade is exactly one window old: outside (now − 60 s, now].
    expect(m.value(T0 + 59_999)).toBeCloseTo(0.5, 15);
    expect(m.value(T0 + 60_000)).toBe(-1);
    // The sell is older than 60 s too at T0 + 90 000: no trade left → undefined.
    expect(m.value(T0 + 90_000)).toBeUndefined();
    expect(m.isStable(T0 + 90_000)).toBe(false);
  });

  it("is undefined before any trade and ignores other markets", () => {
    const m = new TradeFlow({ market: BTC });
    expect(m.value(T0)).toBeUndefined();
    m.update(trade(ETH, T0, "buy", 100, 1));
    expect(m.value(T0)).toBeUndefined();
  });

  it("keeps 1e-12 trades exact after 1e12 trades leave the window", () => {
    const m = new TradeFlow({ market: BTC, windowMs: 1_000 });
    m.update(trade(BTC, T0, "buy", 100, 1e12));
    m.update(trade(BTC, T0 + 500, "sell", 100, 1e12));
    m.update(trade(BTC, T0 + 1_000, "buy", 1e-12, 1e-12)); // the first is out
    m.update(trade(BTC, T0 + 1_600, "sell", 1e-12, 3e-12)); // the second is out
    // buy 1e-12, sell 3e-12: (1 − 3) / 4 = −0.5 (naive running sums would be off by ~1e-4)
    expect(m.value(T0 + 1_600)).toBeCloseTo(-0.5, 12);
  });

  it("honours a staleness limit shorter than the window", () => {
    const m = new TradeFlow({ market: BTC, windowMs: 60_000, staleAfterMs: 10_000 });
    m.update(trade(BTC, T0, "buy", 100, 1));
    expect(m.value(T0 + 10_000)).toBe(1);
    expect(m.value(T0 + 10_001)).toBeUndefined();
  });

  it("equals a batch recomputation over random streams, including the count cap", () => {
    const t = fc.record({
      dt: fc.integer({ min: 0, max: 20_000 }),
      buy: fc.boolean(),
      sz: fc.oneof(fc.double({ min: 1e-12, max: 1e12, noNaN: true }), fc.constantFrom(1e-12, 1e12)),
    });
    fc.assert(
      fc.property(fc.array(t, { minLength: 1, maxLength: 80 }), fc.integer({ min: 0, max: 30_000 }), fc.integer({ min: 1, max: 50 }), (ts, lag, maxTrades) => {
        const m = new TradeFlow({ market: BTC, windowMs: 30_000, maxTrades });
        const all: TradeEvent[] = [];
        let now = T0;
        for (const x of ts) {
          now += x.dt;
          const e = trade(BTC, now, x.buy ? "buy" : "sell", 100, x.sz);
          all.push(e);
          m.update(e);
        }
        const at = now + lag;
        // Batch: the last maxTrades trades, those in (at − 30 s, at].
        const held = all.slice(-maxTrades).filter((e) => e.tsEvent > at - 30_000 && e.tsEvent <= at);
        const buy = held.filter((e) => e.side === "buy").reduce((a, e) => a + e.sz, 0);
        const sell = held.filter((e) => e.side === "sell").reduce((a, e) => a + e.sz, 0);
        const expected = held.length === 0 ? undefined : (buy - sell) / (buy + sell);
        const got = m.value(at);
        if (expected === undefined) expect(got).toBeUndefined();
        else expect(Math.abs(got! - expected)).toBeLessThanOrEqual(1e-9);
      }),
    );
  });
});
