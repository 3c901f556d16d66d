import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DAY_MS, HOUR_MS, perp } from "../core/index.ts";
import type { Market } from "../core/index.ts";
import { CorrelationMatrix, pearson, RollingCorrelation } from "./correlation.ts";
import { BTC, candle, ETH, flat, UBTC } from "./test-events.ts";

const T0 = Date.UTC(2024, 2, 1);
const SOL = perp("SOL");

/** Feeds hourly bars for `market` whose log returns are `rs` (from 100), bar i opening at T0 + hours[i] h. */
function feed(m: { update: RollingCorrelation["update"] }, market: Market, rs: readonly number[], hours?: readonly number[]): void {
  let px = 100;
  m.update(candle(market, "1h", T0 + (hours?.[0] ?? 0) * HOUR_MS, flat(px, 1)));
  rs.forEach((r, i) => {
    px *= Math.exp(r);
    m.update(candle(market, "1h", T0 + (hours?.[i + 1] ?? i + 1) * HOUR_MS, flat(px, 1)));
  });
}

describe("pearson", () => {
  it("is 0.5 for x = [1,2,3], y = [1,3,2] and undefined with a zero variance", () => {
    // dx = [−1,0,1], dy = [−1,1,0]: Σdxdy = 1, Σdx² = Σdy² = 2 → 1/2
    expect(pearson([1, 2, 3], [1, 3, 2])).toBeCloseTo(0.5, 15);
    expect(pearson([1, 1, 1], [1, 2, 3])).toBeUndefined();
    expect(pearson([1], [1])).toBeUndefined();
  });
});

describe("RollingCorrelation", () => {
  it("correlates hourly log returns aligned by hour", () => {
    const m = new RollingCorrelation({ market: BTC, other: UBTC, minPairs: 3 });
    feed(m, BTC, [0.01, 0.02, 0.03]);
    feed(m, UBTC, [0.01, 0.03, 0.02]);
    // returns ×100 are [1,2,3] and [1,3,2]: 0.5 (up to the exp/log round trip)
    const end = T0 + 4 * HOUR_MS;
    expect(m.value(end)).toBeCloseTo(0.5, 9);
    expect(m.pairCount()).toBe(3);
  });

  it("is ±1 for proportional returns, undefined below the minimum count or with a flat market", () => {
    const up = new RollingCorrelation({ market: BTC, other: UBTC, minPairs: 4 });
    feed(up, BTC, [0.01, -0.02, 0.005, 0.03]);
    feed(up, UBTC, [0.02, -0.04, 0.01, 0.06]);
    expect(up.value(T0 + 5 * HOUR_MS)).toBeCloseTo(1, 9);
    const down = new RollingCorrelation({ market: BTC, other: UBTC, minPairs: 4 });
    feed(down, BTC, [0.01, -0.02, 0.005, 0.03]);
    feed(down, UBTC, [-0.01, 0.02, -0.005, -0.03]);
    expect(down.value(T0 + 5 * HOUR_MS)).toBeCloseTo(-1, 9);
    const few = new RollingCorrelation({ market: BTC, other: UBTC });
    feed(few, BTC, Array.from({ length: 47 }, (_, i) => (i % 3) * 0.01));
    feed(few, UBTC, Array.from({ length: 47 }, (_, i) => (i % 5) * 0.01));
    // 47 pairs < 48
    expect(few.value(T0 + 48 * HOUR_MS)).toBeUndefined();
    const flatMarket = new RollingCorrelation({ market: BTC, other: UBTC, minPairs: 3 });
    feed(flatMarket, BTC, [0, 0, 0, 0]);
    feed(flatMarket, UBTC, [0.01, 0.02, 0.03, 0.04]);
    expect(flatMarket.value(T0 + 5 * HOUR_MS)).toBeUndefined();
  });

  it("drops the pair of an hour missing for either market, including the return across the gap", () => {
    const m = new RollingCorrelation({ market: BTC, other: UBTC, minPairs: 3 });
    // BTC hours 0..5 (returns at 1..5); UBTC misses hour 3 (returns at 1, 2, 5 only: 4 spans the gap)
    feed(m, BTC, [0.01, 0.02, 0.5, -0.5, 0.03]);
    feed(m, UBTC, [0.01, 0.03, 0.9, 0.02], [0, 1, 2, 4, 5]);
    // pairs at hours 1, 2, 5: x = [1,2,3]%, y = [1,3,2]% → 0.5
    expect(m.pairCount()).toBe(3);
    expect(m.value(T0 + 6 * HOUR_MS)).toBeCloseTo(0.5, 9);
  });

  it("keeps 30 days (720 pairs) and goes stale 2 h after the newest pair's hour", () => {
    const m = new RollingCorrelation({ market: BTC, other: UBTC });
    const rs = Array.from({ length: 800 }, (_, i) => Math.sin(i) * 0.01);
    feed(m, BTC, rs);
    feed(m, UBTC, rs.map((r) => r * 3));
    expect(m.pairCount()).toBe(720);
    const newest = T0 + 801 * HOUR_MS; // the last bar opens at hour 800 and ends on hour 801
    expect(m.value(newest + 2 * HOUR_MS)).toBeCloseTo(1, 9);
    expect(m.value(newest + 2 * HOUR_MS + 1)).toBeUndefined();
    expect(30 * DAY_MS).toBe(720 * HOUR_MS);
  });

  it("uses only bars ending on the hour from finer intervals, and stays finite at extreme prices", () => {
    const m = new RollingCorrelation({ market: BTC, other: UBTC, interval: "1m", minPairs: 3 });
    for (const [market, pxs] of [[BTC, [1e-12, 2e-12, 1e-12, 3e-12]], [UBTC, [1e12, 3e12, 2e12, 2e12]]] as const) {
      pxs.forEach((px, h) => {
        m.update(candle(market, "1m", T0 + h * HOUR_MS + 30 * 60_000, flat(999, 1))); // mid-hour: ignored
        m.update(candle(market, "1m", T0 + (h + 1) * HOUR_MS - 60_000, flat(px, 1))); // ends on the hour
      });
    }
    // x = ln[2, 1/2, 3], y = ln[3, 2/3, 1]
    const x = [Math.log(2), Math.log(0.5), Math.log(3)];
    const y = [Math.log(3), Math.log(2 / 3), 0];
    expect(m.value(T0 + 4 * HOUR_MS)).toBeCloseTo(pearson(x, y)!, 12);
  });

  it("holds at most a window of returns waiting for a market that never sends bars", () => {
    const m = new RollingCorrelation({ market: BTC, other: UBTC });
    feed(m, BTC, Array.from({ length: 2_000 }, (_, i) => Math.sin(i) * 0.01));
    // 2 000 returns, none paired: only the newest 720 hours (30 days) are kept.
    expect(m.pendingCount()).toBe(720);
    expect(m.pairCount()).toBe(0);
  });

  it("stays equal to a batch recomputation at every hour of 5 000, with outliers entering and leaving the window", () => {
    const m = new RollingCorrelation({ market: BTC, other: UBTC });
    // Deterministic returns: small noise around a drift, with a ±50 % shock every 997 hours (its
    // leaving the window drops the variance by orders of magnitude: the drift guard's hard case).
    const x = Array.from({ length: 5_000 }, (_, i) => (i % 997 === 500 ? 0.5 : 0.001 + Math.sin(i * 1.3) * 0.002));
    const y = Array.from({ length: 5_000 }, (_, i) => (i % 997 === 500 ? -0.4 : 0.002 * Math.cos(i * 0.7) + 0.5 * (x[i] ?? 0)));
    let pa = 100;
    let pb = 100;
    m.update(candle(BTC, "1h", T0, flat(pa, 1)));
    m.update(candle(UBTC, "1h", T0, flat(pb, 1)));
    const xs: number[] = [];
    const ys: number[] = [];
    let worst = 0;
    for (let i = 0; i < 5_000; i += 1) {
      const na = pa * Math.exp(x[i] ?? 0);
      const nb = pb * Math.exp(y[i] ?? 0);
      xs.push(Math.log(na / pa));
      ys.push(Math.log(nb / pb));
      pa = na;
      pb = nb;
      m.update(candle(BTC, "1h", T0 + (i + 1) * HOUR_MS, flat(pa, 1)));
      m.update(candle(UBTC, "1h", T0 + (i + 1) * HOUR_MS, flat(pb, 1)));
      const want = xs.length < 48 ? undefined : pearson(xs.slice(-720), ys.slice(-720));
      const got = m.value(T0 + (i + 2) * HOUR_MS);
      if (want === undefined) expect(got).toBeUndefined();
      else worst = Math.max(worst, Math.abs((got ?? NaN) - want));
    }
    // The drift guard bounds the error at ~2e-10 (see PairWindow); measured far below it.
    expect(worst).toBeLessThan(1e-10);
  });

  it("equals a batch recomputation over random streams with missing hours", () => {
    const hour = fc.record({ a: fc.option(fc.double({ min: -0.1, max: 0.1, noNaN: true })), b: fc.option(fc.double({ min: -0.1, max: 0.1, noNaN: true })) });
    fc.assert(
      fc.property(fc.array(hour, { maxLength: 120 }), fc.integer({ min: 2, max: 10 }), fc.integer({ min: 3, max: 60 }), (hours, minPairs, windowHours) => {
        const m = new RollingCorrelation({ market: BTC, other: UBTC, minPairs, windowMs: windowHours * HOUR_MS });
        const closes: { a: (number | undefined)[]; b: (number | undefined)[] } = { a: [], b: [] };
        let pa = 100;
        let pb = 100;
        hours.forEach((h, i) => {
          // null = the bar is missing this hour; the price still moves
          pa *= Math.exp(h.a ?? 0.001);
          pb *= Math.exp(h.b ?? -0.001);
          closes.a.push(h.a === null ? undefined : pa);
          closes.b.push(h.b === null ? undefined : pb);
          if (h.a !== null) m.update(candle(BTC, "1h", T0 + i * HOUR_MS, flat(pa, 1)));
          if (h.b !== null) m.update(candle(UBTC, "1h", T0 + i * HOUR_MS, flat(pb, 1)));
        });
        // Batch: returns where both adjacent hours exist, pairs where both markets have one, last window.
        const ret = (c: (number | undefined)[], i: number): number | undefined => (i > 0 && c[i] !== undefined && c[i - 1] !== undefined ? Math.log(c[i] / c[i - 1]!) : undefined);
        const pairs = hours.flatMap((_, i) => {
          const x = ret(closes.a, i);
          const y = ret(closes.b, i);
          return x === undefined || y === undefined ? [] : [{ i, x, y }];
        });
        const newest = pairs.at(-1);
        const inWindow = newest === undefined ? [] : pairs.filter((p) => p.i > newest.i - windowHours);
        const want = inWindow.length < minPairs ? undefined : pearson(inWindow.map((p) => p.x), inWindow.map((p) => p.y));
        const got = newest === undefined ? undefined : m.value(T0 + (newest.i + 1) * HOUR_MS);
        if (want === undefined) expect(got).toBeUndefined();
        else expect(got).toBeCloseTo(want, 9);
      }),
      { numRuns: 300 },
    );
  });
});

describe("CorrelationMatrix", () => {
  it("holds every pair symmetrically, 1 on the diagonal, undefined without data", () => {
    const m = new CorrelationMatrix({ markets: [BTC, UBTC, SOL], minPairs: 3 });
    feed(m, BTC, [0.01, 0.02, 0.03]);
    feed(m, UBTC, [0.01, 0.03, 0.02]);
    const t = T0 + 4 * HOUR_MS;
    expect(m.correlation(BTC, UBTC, t)).toBeCloseTo(0.5, 9);
    expect(m.correlation(UBTC, BTC, t)).toBeCloseTo(0.5, 9);
    expect(m.correlation(BTC, BTC, t)).toBe(1);
    expect(m.correlation(BTC, SOL, t)).toBeUndefined();
    expect(m.correlation(BTC, ETH, t)).toBeUndefined();
    const grid = m.matrix(t);
    expect(grid[0]).toEqual([1, expect.closeTo(0.5, 9), undefined]);
    expect(grid[2]).toEqual([undefined, undefined, 1]);
  });
});
