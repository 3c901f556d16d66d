import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { CandleEvent } from "../core/index.ts";
import { SessionVwap } from "./session-vwap.ts";
import { allFinite, BTC, candle, flat } from "./test-events.ts";

const DAY = 86_400_000;
const MIN = 60_000;
const D0 = Date.UTC(2024, 2, 1);

describe("SessionVwap", () => {
  it("weights typical prices by volume and measures price against them", () => {
    const m = new SessionVwap({ market: BTC });
    // Bar 1: tp (102 + 98 + 100) / 3 = 100, volume 1. Bar 2: tp (112 + 108 + 110) / 3 = 110, volume 3.
    m.update(candle(BTC, "1m", D0, { open: 100, high: 102, low: 98, close: 100, volume: 1 }));
    expect(m.value(D0 + MIN)).toBeUndefined(); // one bar: std 0
    m.update(candle(BTC, "1m", D0 + MIN, { open: 100, high: 112, low: 108, close: 110, volume: 3 }));
    // vwap = (100 + 330) / 4 = 107.5; var = (1 × 7.5² + 3 × 2.5²) / 4 = (56.25 + 18.75) / 4 = 18.75
    const v = m.value(D0 + 2 * MIN)!;
    expect(v.vwap).toBeCloseTo(107.5, 12);
    expect(v.std).toBeCloseTo(Math.sqrt(18.75), 12);
    // price = last close 110: z = 2.5 / 4.3301 = 0.57735; deviation = 2.5 / 107.5
    expect(v.price).toBe(110);
    expect(v.zScore).toBeCloseTo(2.5 / Math.sqrt(18.75), 12);
    expect(v.deviation).toBeCloseTo(2.5 / 107.5, 12);
  });

  it("takes the latest price from the forming bar but counts only closed bars", () => {
    const m = new SessionVwap({ market: BTC });
    m.update(candle(BTC, "1m", D0, flat(100, 1)));
    m.update(candle(BTC, "1m", D0 + MIN, flat(110, 3)));
    m.update(candle(BTC, "1m", D0 + 2 * MIN, flat(120, 50), false, D0 + 2 * MIN + 5_000));
    // vwap (100 + 330) / 4 = 107.5, var (7.5² + 3 × 2.5²) / 4 = 18.75, price 120 from the forming bar.
    const v = m.value(D0 + 2 * MIN + 5_000)!;
    expect(v.vwap).toBeCloseTo(107.5, 12);
    expect(v.zScore).toBeCloseTo(12.5 / Math.sqrt(18.75), 12);
  });

  it("resets at 00:00 UTC and is undefined in a new day until that session has volume and spread", () => {
    const m = new SessionVwap({ market: BTC });
    m.update(candle(BTC, "1m", D0 + DAY - 2 * MIN, flat(100, 1)));
    m.update(candle(BTC, "1m", D0 + DAY - MIN, flat(110, 1)));
    expect(m.value(D0 + DAY - 1)?.vwap).toBeCloseTo(105, 12);
    // Same data seen at 00:00:00 of the next day: a new session without volume yet.
    expect(m.value(D0 + DAY)).toBeUndefined();
    m.update(candle(BTC, "1m", D0 + DAY, flat(200, 1)));
    m.update(candle(BTC, "1m", D0 + DAY + MIN, flat(202, 1)));
    // Only the new day's bars: vwap 201, std 1, price 202 → z = 1
    expect(m.value(D0 + DAY + 2 * MIN)).toEqual({ vwap: 201, std: 1, price: 202, zScore: 1, deviation: 1 / 201 });
  });

  it("is undefined when every bar of the session has one price, even with rounding residue in the std", () => {
    const m = new SessionVwap({ market: BTC });
    // Weighted Welford at 27.3 with volumes 0.1, 0.2, 0.3 leaves std ≈ 1.2e-15 (not 0) by rounding;
    // a forming bar at 27.4 then gave z = 0.1 / 1.2e-15 ≈ 8e13 before the relative zero test.
    m.update(candle(BTC, "1m", D0, flat(27.3, 0.1)));
    m.update(candle(BTC, "1m", D0 + MIN, flat(27.3, 0.2)));
    m.update(candle(BTC, "1m", D0 + 2 * MIN, flat(27.3, 0.3)));
    expect(m.value(D0 + 3 * MIN)).toBeUndefined();
    m.update(candle(BTC, "1m", D0 + 3 * MIN, flat(27.4, 5), false, D0 + 3 * MIN + 1_000));
    expect(m.value(D0 + 3 * MIN + 1_000)).toBeUndefined();
    // A real spread of 1e-6 × vwap (one tick at 6 significant digits) still counts: 27.3 and 27.30003, equal volume → std 1.5e-5.
    m.update(candle(BTC, "1m", D0 + 3 * MIN, flat(27.30003, 0.6)));
    expect(m.value(D0 + 4 * MIN)?.std).toBeCloseTo(1.5e-5, 9);
  });

  it("ignores zero-volume bars for the average and is undefined with no volume", () => {
    const m = new SessionVwap({ market: BTC });
    m.update(candle(BTC, "1m", D0, flat(100, 0)));
    m.update(candle(BTC, "1m", D0 + MIN, flat(500, 0)));
    expect(m.value(D0 + 2 * MIN)).toBeUndefined();
    m.update(candle(BTC, "1m", D0 + 2 * MIN, flat(100, 1)));
    m.update(candle(BTC, "1m", D0 + 3 * MIN, flat(102, 1)));
    expect(m.value(D0 + 4 * MIN)?.vwap).toBeCloseTo(101, 12);
  });

  it("goes undefined when the price is older than staleAfterMs (2 bars by default)", () => {
    const m = new SessionVwap({ market: BTC });
    m.update(candle(BTC, "1m", D0, flat(100, 1)));
    const last = candle(BTC, "1m", D0 + MIN, flat(102, 1));
    m.update(last);
    expect(m.value(last.tsEvent + 2 * MIN)).toBeDefined();
    expect(m.value(last.tsEvent + 2 * MIN + 1)).toBeUndefined();
  });

  it("stays finite and precise with 1e-12 prices and 1e12 volumes", () => {
    const m = new SessionVwap({ market: BTC });
    m.update(candle(BTC, "1m", D0, flat(1e-12, 1e12)));
    m.update(candle(BTC, "1m", D0 + MIN, flat(3e-12, 1e12)));
    const v = m.value(D0 + 2 * MIN)!;
    expect(allFinite(v)).toBe(true);
    expect(v.vwap).toBeCloseTo(2e-12, 24);
    expect(v.zScore).toBeCloseTo(1, 9);
  });

  it("keeps a 60 000-level price's tiny spread (no Σx² cancellation)", () => {
    const m = new SessionVwap({ market: BTC });
    for (let i = 0; i < 1_000; i += 1) m.update(candle(BTC, "1m", D0 + i * MIN, flat(60_000 + (i % 2) * 0.01, 1)));
    // Half at 60 000, half at 60 000.01: std = 0.005 exactly in exact arithmetic.
    expect(m.value(D0 + 1_000 * MIN)?.std).toBeCloseTo(0.005, 9);
  });

  it("equals a two-pass batch recomputation over random streams", () => {
    const b = fc.record({
      gapMin: fc.integer({ min: 1, max: 400 }),
      tp: fc.double({ min: 1, max: 1e5, noNaN: true }),
      volume: fc.oneof(fc.constant(0), fc.double({ min: 1e-6, max: 1e6, noNaN: true })),
      closed: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(b, { minLength: 1, maxLength: 60 }), (bars) => {
        const m = new SessionVwap({ market: BTC, staleAfterMs: Infinity });
        const fed: CandleEvent[] = [];
        let open = D0 + 20 * 60 * MIN;
        for (const x of bars) {
          open += x.gapMin * MIN;
          const c = candle(BTC, "1m", open, flat(x.tp, x.volume), x.closed, open + 59_999);
          fed.push(c);
          m.update(c);
        }
        const now = open + 59_999;
        const day = Math.floor(now / DAY);
        const session = fed.filter((c) => c.closed && Math.floor(c.openTime / DAY) === day && c.volume > 0);
        const w = session.reduce((a, c) => a + c.volume, 0);
        const got = m.value(now);
        if (w === 0) {
          expect(got).toBeUndefined();
          return;
        }
        const vwap = session.reduce((a, c) => a + c.volume * c.close, 0) / w;
        const std = Math.sqrt(session.reduce((a, c) => a + c.volume * (c.close - vwap) ** 2, 0) / w);
        if (std <= 1e-9 * vwap) return; // float noise decides between 0 and tiny; nothing to compare
        expect(got).toBeDefined();
        expect(Math.abs(got!.vwap - vwap)).toBeLessThanOrEqual(1e-9 * vwap);
        expect(Math.abs(got!.std - std)).toBeLessThanOrEqual(1e-6 * std + 1e-9 * vwap);
        expect(got!.price).toBe(fed.at(-1)!.close);
      }),
    );
  });
});
