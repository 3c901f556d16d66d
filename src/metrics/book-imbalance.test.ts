import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { BookSnapshotEvent } from "../core/index.ts";
import { BookImbalance } from "./book-imbalance.ts";
import { book, BTC, ETH } from "./test-events.ts";

const T0 = Date.UTC(2024, 2, 1);
const metric = (levels = 10, staleAfterMs = 5_000): BookImbalance => new BookImbalance({ market: BTC, levels, staleAfterMs });

describe("BookImbalance", () => {
  it("weights levels by notional: 100×3 + 99×1 bid vs 101×2 ask gives 197/601", () => {
    const m = metric();
    m.update(book(BTC, T0, [[100, 3], [99, 1]], [[101, 2]]));
    // bid = 300 + 99 = 399; ask = 202; (399 − 202) / (399 + 202) = 197 / 601
    expect(m.value(T0)).toBeCloseTo(197 / 601, 15);
  });

  it("is 0 when balanced, +1 with only bids, −1 with only asks, undefined when empty", () => {
    const m = metric();
    m.update(book(BTC, T0, [[100, 1]], [[100, 1]]));
    expect(m.value(T0)).toBe(0);
    m.update(book(BTC, T0 + 1, [[100, 1]], []));
    expect(m.value(T0 + 1)).toBe(1);
    m.update(book(BTC, T0 + 2, [], [[100, 1]]));
    expect(m.value(T0 + 2)).toBe(-1);
    m.update(book(BTC, T0 + 3, [], []));
    expect(m.value(T0 + 3)).toBeUndefined();
    expect(m.isStable(T0 + 3)).toBe(false);
  });

  it("counts only the top N levels", () => {
    const m = metric(2);
    // bid = 10×1 + 9×1 = 19 (the 3rd level is ignored); ask = 11×1 = 11; (19 − 11) / 30 = 8/30
    m.update(book(BTC, T0, [[10, 1], [9, 1], [8, 1000]], [[11, 1]]));
    expect(m.value(T0)).toBeCloseTo(8 / 30, 15);
  });

  it("stays finite with 1e12 sizes and 1e-12 prices", () => {
    const m = metric();
    m.update(book(BTC, T0, [[1e-12, 1e12]], [[1e-12, 1]]));
    // bid = 1, ask = 1e-12: (1 − 1e-12) / (1 + 1e-12)
    expect(m.value(T0)).toBeCloseTo((1 - 1e-12) / (1 + 1e-12), 15);
    m.update(book(BTC, T0 + 1, [[1e12, 1e12]], [[1e12, 1e12]]));
    expect(m.value(T0 + 1)).toBe(0);
  });

  it("goes undefined once the latest book is older than staleAfterMs", () => {
    const m = metric(10, 5_000);
    m.update(book(BTC, T0, [[100, 1]], []));
    expect(m.value(T0 + 5_000)).toBe(1);
    expect(m.value(T0 + 5_001)).toBeUndefined();
    expect(m.isStable(T0 + 5_001)).toBe(false);
  });

  it("ignores other markets' books", () => {
    const m = metric();
    m.update(book(BTC, T0, [[100, 1]], []));
    m.update(book(ETH, T0 + 1, [], [[100, 1]]));
    expect(m.value(T0 + 1)).toBe(1);
  });

  it("equals a batch recomputation from the last snapshot of any stream", () => {
    const level = fc.tuple(fc.double({ min: 1e-6, max: 1e6, noNaN: true }), fc.double({ min: 1e-9, max: 1e9, noNaN: true }));
    const snap = fc.record({ bids: fc.array(level, { maxLength: 15 }), asks: fc.array(level, { maxLength: 15 }), dt: fc.integer({ min: 0, max: 3_000 }) });
    fc.assert(
      fc.property(fc.array(snap, { minLength: 1, maxLength: 30 }), fc.integer({ min: 1, max: 20 }), (snaps, levels) => {
        const m = metric(levels);
        let ts = T0;
        let last: BookSnapshotEvent | undefined;
        for (const s of snaps) {
          ts += s.dt;
          last = book(BTC, ts, s.bids, s.asks);
          m.update(last);
        }
        const notional = (side: BookSnapshotEvent["bids"]): number => side.slice(0, levels).reduce((a, l) => a + l.px * l.sz, 0);
        const bid = notional(last!.bids);
        const ask = notional(last!.asks);
        const expected = bid + ask > 0 ? (bid - ask) / (bid + ask) : undefined;
        const got = m.value(ts);
        if (expected === undefined) expect(got).toBeUndefined();
        else expect(got).toBeCloseTo(expected, 12);
      }),
    );
  });
});
