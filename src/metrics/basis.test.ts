import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { MarketEvent } from "../core/index.ts";
import { Basis, bpsOf } from "./basis.ts";
import { assetCtx, book, BTC, candle, ETH, flat, UBTC } from "./test-events.ts";

const T0 = Date.UTC(2024, 2, 1);
const make = (staleAfterMs = 5_000): Basis => new Basis({ market: BTC, spot: UBTC, staleAfterMs });

describe("Basis", () => {
  it("gives perp mid vs spot mid, mark vs oracle and the premium in bps", () => {
    const b = make();
    b.update(book(BTC, T0, [[100.5, 1]], [[101.5, 1]])); // mid 101
    b.update(book(UBTC, T0 + 1, [[99.5, 1]], [[100.5, 2]])); // mid 100
    b.update(assetCtx(BTC, T0 + 2, { markPx: 100.2, oraclePx: 100, premium: 0.0003 }));
    // (101 / 100 − 1) × 1e4 = 100; (100.2 / 100 − 1) × 1e4 = 20; 0.0003 × 1e4 = 3
    const v = b.value(T0 + 2);
    expect(v?.perpSpotBps).toBeCloseTo(100, 9);
    expect(v?.markOracleBps).toBeCloseTo(20, 9);
    expect(v?.premiumBps).toBeCloseTo(3, 12);
  });

  it("never pairs a fresh perp with a stale spot", () => {
    const b = make();
    b.update(book(UBTC, T0, [[99.5, 1]], [[100.5, 1]]));
    b.update(book(BTC, T0 + 4_000, [[100.5, 1]], [[101.5, 1]]));
    expect(b.perpSpotBps(T0 + 5_000)).toBeCloseTo(100, 9);
    // at T0 + 5 001 the spot book is 5 001 ms old: stale
    expect(b.perpSpotBps(T0 + 5_001)).toBeUndefined();
    expect(b.value(T0 + 5_001)).toBeUndefined();
    expect(b.isStable(T0 + 5_001)).toBe(false);
  });

  it("takes mids from asset contexts and falls back to candle closes, fresh for one bar interval", () => {
    const b = make();
    b.update(candle(BTC, "1m", T0, flat(100.1, 5))); // stamped at T0 + 59 999
    b.update(candle(UBTC, "1m", T0, flat(100, 5)));
    const close = T0 + 59_999;
    // (100.1 / 100 − 1) × 1e4 = 10
    expect(b.perpSpotBps(close + 60_000)).toBeCloseTo(10, 9);
    expect(b.perpSpotBps(close + 60_001)).toBeUndefined();
    // a fresh mid wins over the candle close: (100.2 / 100 − 1) × 1e4 = 20
    b.update(assetCtx(BTC, close + 1, { midPx: 100.2 }));
    expect(b.perpSpotBps(close + 1)).toBeCloseTo(20, 9);
    // once that mid is stale (5 s), the still-fresh close is used again
    expect(b.perpSpotBps(close + 5_002)).toBeCloseTo(10, 9);
  });

  it("pairs two candle legs only when their bars close at the same time", () => {
    const b = make();
    b.update(candle(UBTC, "1h", T0, flat(100, 5))); // spot bar 00:00–01:00, stamped 00:59:59.999
    b.update(candle(BTC, "1h", T0 + 3_600_000, flat(101, 5))); // perp bar 01:00–02:00
    // Both closes are still fresh (1 h), but they are of different hours: no basis.
    expect(b.perpSpotBps(T0 + 2 * 3_600_000 - 1)).toBeUndefined();
    // The spot bar of the same hour arrives: (101 / 100.5 − 1) × 1e4 = 49.7512...
    b.update(candle(UBTC, "1h", T0 + 3_600_000, flat(100.5, 5)));
    expect(b.perpSpotBps(T0 + 2 * 3_600_000 - 1)).toBeCloseTo((101 / 100.5 - 1) * 1e4, 9);
    // A fresh spot mid against the perp candle close is used as before: (101 / 100 − 1) × 1e4 = 100
    b.update(assetCtx(UBTC, T0 + 2 * 3_600_000, { midPx: 100 }));
    expect(b.perpSpotBps(T0 + 2 * 3_600_000)).toBeCloseTo(100, 9);
  });

  it("is undefined for an empty book, a zero price or a missing spot market; finite at 1e-12 prices", () => {
    const b = make();
    b.update(book(UBTC, T0, [[1, 1]], [[1, 1]]));
    b.update(book(BTC, T0, [], [[101, 1]]));
    expect(b.perpSpotBps(T0)).toBeUndefined();
    b.update(assetCtx(UBTC, T0 + 1, { midPx: 0 }));
    b.update(assetCtx(BTC, T0 + 1, { midPx: 100 }));
    expect(b.perpSpotBps(T0 + 1)).toBeUndefined();
    b.update(assetCtx(UBTC, T0 + 2, { midPx: 1e-12 }));
    b.update(assetCtx(BTC, T0 + 2, { midPx: 2e-12 }));
    // (2e-12 / 1e-12 − 1) × 1e4 = 10 000
    expect(b.perpSpotBps(T0 + 2)).toBeCloseTo(10_000, 9);
    const alone = new Basis({ market: BTC });
    alone.update(assetCtx(BTC, T0, { midPx: 100 }));
    alone.update(assetCtx(UBTC, T0, { midPx: 100 }));
    expect(alone.value(T0)).toBeUndefined();
    expect(bpsOf(1, 0)).toBeUndefined();
  });

  it("ignores other markets", () => {
    const b = make();
    b.update(assetCtx(BTC, T0, { midPx: 101 }));
    b.update(assetCtx(UBTC, T0, { midPx: 100 }));
    b.update(assetCtx(ETH, T0 + 1, { midPx: 5, markPx: 1, oraclePx: 2 }));
    expect(b.value(T0 + 1)).toEqual({ perpSpotBps: expect.closeTo(100, 9), markOracleBps: undefined, premiumBps: undefined });
  });

  it("equals a batch recomputation from the latest fresh quotes over random streams", () => {
    const ev = fc.record({
      dt: fc.integer({ min: 0, max: 4_000 }),
      perp: fc.boolean(),
      kind: fc.constantFrom("book", "ctx", "candle", "emptyBook"),
      px: fc.double({ min: 1e-6, max: 1e6, noNaN: true }),
      mark: fc.double({ min: 1e-6, max: 1e6, noNaN: true }),
    });
    fc.assert(
      fc.property(fc.array(ev, { minLength: 1, maxLength: 80 }), fc.integer({ min: 0, max: 70_000 }), (evs, probeAfter) => {
        const b = make();
        const events: MarketEvent[] = [];
        let ts = T0;
        for (const e of evs) {
          ts += e.dt;
          const m = e.perp ? BTC : UBTC;
          const event =
            e.kind === "book" ? book(m, ts, [[e.px, 1]], [[e.px, 1]])
            : e.kind === "emptyBook" ? book(m, ts, [], [])
            : e.kind === "ctx" ? assetCtx(m, ts, { midPx: e.px, markPx: e.mark, oraclePx: e.px })
            : candle(m, "1m", Math.floor(ts / 60_000) * 60_000, flat(e.px, 1), false, ts);
          events.push(event);
          b.update(event);
        }
        const now = ts + probeAfter;
        // Batch: per leg, the mid of the last book/context if within 5 s, else the last candle's close if within 60 s;
        // two candle closes count only when their bars close at the same time.
        const legPx = (m: typeof BTC): { px: number | undefined; barEnd: number | undefined } => {
          const mids = events.filter((x) => (x.kind === "book" || x.kind === "assetCtx") && x.market === m);
          const lastMid = mids.at(-1);
          if (lastMid !== undefined && now - lastMid.tsEvent <= 5_000) {
            if (lastMid.kind === "assetCtx") return { px: lastMid.midPx, barEnd: undefined };
            // an empty book has no mid: the candle close (below) is all there is
            if (lastMid.kind === "book" && lastMid.bids.length > 0) return { px: (lastMid.bids[0]!.px + lastMid.asks[0]!.px) / 2, barEnd: undefined };
          }
          const lastCandle = events.filter((x) => x.kind === "candle" && x.market === m).at(-1);
          return lastCandle?.kind === "candle" && now - lastCandle.tsEvent <= 60_000 ? { px: lastCandle.close, barEnd: lastCandle.closeTime } : { px: undefined, barEnd: undefined };
        };
        const p = legPx(BTC);
        const s = legPx(UBTC);
        const mismatchedBars = p.barEnd !== undefined && s.barEnd !== undefined && p.barEnd !== s.barEnd;
        const want = p.px === undefined || s.px === undefined || mismatchedBars ? undefined : (p.px / s.px - 1) * 1e4;
        const got = b.perpSpotBps(now);
        if (want === undefined) expect(got).toBeUndefined();
        else expect(got).toBeCloseTo(want, 6);
        const ctx = events.filter((x) => x.kind === "assetCtx" && x.market === BTC).at(-1);
        const wantMark = ctx?.kind === "assetCtx" && now - ctx.tsEvent <= 5_000 ? (ctx.markPx! / ctx.oraclePx! - 1) * 1e4 : undefined;
        if (wantMark === undefined) expect(b.value(now)?.markOracleBps).toBeUndefined();
        else expect(b.value(now)?.markOracleBps).toBeCloseTo(wantMark, 6);
      }),
      { numRuns: 300 },
    );
  });
});
