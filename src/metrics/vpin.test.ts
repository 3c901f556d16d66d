import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { AggressorSide } from "../core/index.ts";
import { Vpin } from "./vpin.ts";
import { BTC, ETH, trade } from "./test-events.ts";

const T0 = Date.UTC(2024, 2, 1);
const MIN = 60_000;

describe("Vpin", () => {
  it("averages |buy − sell| / bucket volume over the last n full buckets, splitting trades across buckets", () => {
    const v = new Vpin({ market: BTC, fixedBucketSize: 10, buckets: 2 });
    v.update(trade(BTC, T0, "buy", 100, 6));
    v.update(trade(BTC, T0 + 1, "sell", 100, 4));
    // bucket 1: buy 6, sell 4 → |6 − 4| / 10 = 0.2; one bucket is not yet n = 2
    expect(v.value(T0 + 1)).toBeUndefined();
    v.update(trade(BTC, T0 + 2, "buy", 100, 15));
    // buy 15 = 10 filling bucket 2 (imbalance 1) + 5 opening bucket 3: (0.2 + 1) / 2 = 0.6
    expect(v.value(T0 + 2)).toBeCloseTo(0.6, 15);
    v.update(trade(BTC, T0 + 3, "sell", 100, 5));
    // bucket 3: buy 5, sell 5 → 0; last two: (1 + 0) / 2 = 0.5
    expect(v.value(T0 + 3)).toBeCloseTo(0.5, 15);
  });

  it("stays undefined before a full window of volume when no fixed bucket size is configured", () => {
    const v = new Vpin({ market: BTC, buckets: 1 });
    v.update(trade(BTC, T0, "buy", 100, 50));
    v.update(trade(BTC, T0 + 23 * 3_600_000, "sell", 100, 50));
    expect(v.bucketSize()).toBeUndefined();
    expect(v.value(T0 + 23 * 3_600_000)).toBeUndefined();
  });

  it("sizes each bucket from the trailing window's volume when it opens", () => {
    const v = new Vpin({ market: BTC, volumeWindowMs: 10 * MIN, bucketFraction: 1 / 10, buckets: 2 });
    v.update(trade(BTC, T0, "buy", 100, 50));
    v.update(trade(BTC, T0 + 9 * MIN, "buy", 100, 30));
    expect(v.value(T0 + 9 * MIN)).toBeUndefined(); // 9 min < the 10-min window
    v.update(trade(BTC, T0 + 10 * MIN, "sell", 100, 20));
    // window = minutes 1..10: 30 + 20 = 50 (minute 0 has left it); size 5; sell 20 → 4 buckets of imbalance 1
    expect(v.value(T0 + 10 * MIN)).toBe(1);
    v.update(trade(BTC, T0 + 10 * MIN + 1, "buy", 100, 2.5));
    // opens with size (50 + 2.5) / 10 = 5.25: buy 2.5, room 2.75
    expect(v.bucketSize()).toBeCloseTo(5.25, 12);
    v.update(trade(BTC, T0 + 10 * MIN + 2, "sell", 100, 3));
    // sell 2.75 completes it: |2.5 − 2.75| / 5.25; sell 0.25 opens a bucket of 55.5 / 10 = 5.55
    expect(v.value(T0 + 10 * MIN + 2)).toBeCloseTo((1 + 0.25 / 5.25) / 2, 12);
    expect(v.bucketSize()).toBeCloseTo(5.55, 12);
  });

  it("handles a 1e12 trade in one step and ignores 0-size and other markets' trades", () => {
    const v = new Vpin({ market: BTC, fixedBucketSize: 1, buckets: 3 });
    v.update(trade(BTC, T0, "buy", 1e-12, 1e12));
    // 1e12 one-sided buckets: the last 3 each have imbalance 1
    expect(v.value(T0)).toBe(1);
    v.update(trade(BTC, T0 + 1, "sell", 1e-12, 0));
    v.update(trade(ETH, T0 + 2, "sell", 100, 1));
    v.update(trade(BTC, T0 + 3, "sell", 100, 1e-12));
    expect(v.value(T0 + 3)).toBe(1);
    v.update(trade(BTC, T0 + 4, "sell", 100, 1));
    // sell 1 − 1e-12 completes the bucket (imbalance ≈ 1), the 1e-12 left opens the next
    expect(v.value(T0 + 4)).toBeCloseTo(1, 12);
  });

  it("goes undefined once the last trade is older than 10 min", () => {
    const v = new Vpin({ market: BTC, fixedBucketSize: 1, buckets: 1 });
    v.update(trade(BTC, T0, "buy", 100, 1));
    expect(v.value(T0 + 600_000)).toBe(1);
    expect(v.value(T0 + 600_001)).toBeUndefined();
    expect(v.isStable(T0 + 600_001)).toBe(false);
  });

  it("equals a bucket-by-bucket batch recomputation over random trade streams", () => {
    const t = fc.record({
      dt: fc.integer({ min: 0, max: 3 * MIN }),
      side: fc.constantFrom<AggressorSide>("buy", "sell"),
      sz: fc.oneof(fc.double({ min: 1e-6, max: 20, noNaN: true }), fc.constant(1e-12), fc.double({ min: 20, max: 500, noNaN: true })),
    });
    fc.assert(
      fc.property(fc.array(t, { maxLength: 200 }), fc.option(fc.constant(3), { nil: undefined }), (trades, fixed) => {
        const windowMs = 5 * MIN;
        const options = { market: BTC, volumeWindowMs: windowMs, bucketFraction: 1 / 7, buckets: 4 };
        const v = new Vpin(fixed === undefined ? options : { ...options, fixedBucketSize: fixed });
        // Batch: replay the list; size each bucket from the trades so far; fill one bucket at a time.
        const seen: { ts: number; sz: number }[] = [];
        const done: number[] = [];
        let open: { cap: number; buy: number; sell: number } | undefined;
        let ts = T0;
        for (const x of trades) {
          ts += x.dt;
          v.update(trade(BTC, ts, x.side, 100, x.sz));
          seen.push({ ts, sz: x.sz });
          const size = (): number | undefined => {
            if (ts - seen[0]!.ts < windowMs) return fixed;
            const m = Math.floor(ts / MIN);
            return seen.filter((s) => Math.floor(s.ts / MIN) > m - 5).reduce((a, s) => a + s.sz, 0) / 7;
          };
          let rest = x.sz;
          while (rest > 0) {
            if (open === undefined) {
              const cap = size();
              if (cap === undefined) break;
              open = { cap, buy: 0, sell: 0 };
            }
            const room = open.cap - open.buy - open.sell;
            const take = Math.min(rest, room);
            open[x.side] += take;
            rest -= take;
            if (take >= room) {
              done.push(Math.abs(open.buy - open.sell) / open.cap);
              open = undefined;
            }
          }
        }
        const last = done.slice(-4);
        const want = last.length < 4 ? undefined : last.reduce((a, b) => a + b, 0) / 4;
        const got = v.value(ts);
        if (want === undefined) expect(got).toBeUndefined();
        else expect(got).toBeCloseTo(want, 9);
      }),
      { numRuns: 300 },
    );
  });
});
