import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { BookLevel, BookSnapshotEvent } from "../core/index.ts";
import { BookConcentration, LiquidityVelocity, QuoteStuffing, sideChurnUsd } from "./book-quality.ts";
import type { Levels } from "./test-events.ts";
import { allFinite, book, BTC } from "./test-events.ts";

const T0 = Date.UTC(2024, 2, 1);

describe("BookConcentration", () => {
  it("is 1/N for a flat side and 1 for a single wall", () => {
    const m = new BookConcentration({ market: BTC, levels: 4 });
    // Bids: 4 levels of 100 USD each → shares 1/4 → 4 × (1/4)² = 0.25. Asks: one level → 1.
    m.update(book(BTC, T0, [[100, 1], [50, 2], [25, 4], [20, 5]], [[101, 3]]));
    expect(m.value(T0)?.bid).toBeCloseTo(0.25, 15);
    expect(m.value(T0)?.ask).toBe(1);
  });

  it("weights shares by notional: 300 and 100 USD give 0.75² + 0.25² = 0.625", () => {
    const m = new BookConcentration({ market: BTC });
    m.update(book(BTC, T0, [[100, 3], [100, 1]], [[1e-12, 1e12], [1e-12, 1e12]]));
    expect(m.value(T0)?.bid).toBeCloseTo(0.625, 15);
    // Two equal 1 USD levels of 1e12 × 1e-12: 2 × 0.5² = 0.5
    expect(m.value(T0)?.ask).toBeCloseTo(0.5, 12);
  });

  it("is undefined with an empty side and once stale", () => {
    const m = new BookConcentration({ market: BTC, staleAfterMs: 1_000 });
    m.update(book(BTC, T0, [], [[101, 1]]));
    expect(m.value(T0)).toBeUndefined();
    m.update(book(BTC, T0 + 1, [[100, 1]], [[101, 1]]));
    expect(m.value(T0 + 1_001)).toEqual({ bid: 1, ask: 1 });
    expect(m.value(T0 + 1_002)).toBeUndefined();
  });
});

describe("LiquidityVelocity", () => {
  it("divides the imbalance change by the seconds between consecutive snapshots", () => {
    const m = new LiquidityVelocity({ market: BTC });
    m.update(book(BTC, T0, [[100, 1]], [[100, 1]])); // imbalance 0
    expect(m.value(T0)).toBeUndefined();
    m.update(book(BTC, T0 + 500, [[100, 3]], [[100, 1]])); // (300 − 100) / 400 = 0.5
    // (0.5 − 0) / 0.5 s = 1 per second
    expect(m.value(T0 + 500)).toBeCloseTo(1, 15);
  });

  it("compares with the newest snapshot at least lookbackMs old", () => {
    const m = new LiquidityVelocity({ market: BTC, lookbackMs: 1_000 });
    m.update(book(BTC, T0, [[100, 1]], [])); // +1
    m.update(book(BTC, T0 + 600, [], [[100, 1]])); // −1
    m.update(book(BTC, T0 + 1_200, [[100, 1]], [[100, 1]])); // 0, reference T0 (+1): (0 − 1) / 1.2 s
    expect(m.value(T0 + 1_200)).toBeCloseTo(-1 / 1.2, 15);
    m.update(book(BTC, T0 + 1_700, [[100, 1]], [[100, 3]])); // −0.5, reference T0 + 600 (−1): 0.5 / 1.1 s
    expect(m.value(T0 + 1_700)).toBeCloseTo(0.5 / 1.1, 15);
  });

  it("is undefined across a gap longer than staleAfterMs, with an empty book, and when stale", () => {
    const m = new LiquidityVelocity({ market: BTC, staleAfterMs: 5_000 });
    m.update(book(BTC, T0, [[100, 1]], []));
    m.update(book(BTC, T0 + 6_000, [], [[100, 1]]));
    expect(m.value(T0 + 6_000)).toBeUndefined();
    m.update(book(BTC, T0 + 6_500, [], []));
    expect(m.value(T0 + 6_500)).toBeUndefined();
    m.update(book(BTC, T0 + 7_000, [[1, 1]], []));
    m.update(book(BTC, T0 + 7_500, [[1, 1]], []));
    expect(m.value(T0 + 7_500)).toBe(0);
    expect(m.value(T0 + 12_501)).toBeUndefined();
  });

  it("equals a batch recomputation over random streams", () => {
    const snap = fc.record({
      bid: fc.double({ min: 0, max: 1e6, noNaN: true }),
      ask: fc.double({ min: 0, max: 1e6, noNaN: true }),
      dt: fc.integer({ min: 0, max: 3_000 }),
    });
    fc.assert(
      fc.property(fc.array(snap, { minLength: 1, maxLength: 40 }), fc.integer({ min: 0, max: 4_000 }), (snaps, lookbackMs) => {
        const m = new LiquidityVelocity({ market: BTC, lookbackMs, staleAfterMs: 2_000 });
        const seen: { ts: number; imb: number | undefined }[] = [];
        let ts = T0;
        for (const s of snaps) {
          ts += s.dt;
          const bids: Levels = s.bid > 0 ? [[1, s.bid]] : [];
          const asks: Levels = s.ask > 0 ? [[1, s.ask]] : [];
          m.update(book(BTC, ts, bids, asks));
          seen.push({ ts, imb: s.bid + s.ask > 0 ? (s.bid - s.ask) / (s.bid + s.ask) : undefined });
          // Batch: the newest earlier snapshot at or before ts − lookback.
          const cur = seen[seen.length - 1]!;
          const ref = seen.slice(0, -1).filter((x) => x.ts <= ts - lookbackMs).at(-1);
          const dt = ref === undefined ? 0 : ts - ref.ts;
          const expected =
            ref === undefined || ref.imb === undefined || cur.imb === undefined || dt <= 0 || dt > lookbackMs + 2_000
              ? undefined
              : (cur.imb - ref.imb) / (dt / 1_000);
          const got = m.value(ts);
          if (expected === undefined) expect(got).toBeUndefined();
          else expect(got).toBeCloseTo(expected, 9);
        }
      }),
    );
  });
});

describe("QuoteStuffing", () => {
  it("measures churn as Σ px·|Δsz| per second, matching levels by price", () => {
    const m = new QuoteStuffing({ market: BTC, window: 1 });
    m.update(book(BTC, T0, [[100, 1], [99, 2]], [[101, 1]]));
    // Bids: 100: |3 − 1| × 100 = 200; 99 gone: 2 × 99 = 198; 98 new: 1 × 98 = 98. Asks unchanged.
    // Churn 496 USD over 0.5 s = 992 USD/s (the first rate; window 1 needs one more).
    m.update(book(BTC, T0 + 500, [[100, 3], [98, 1]], [[101, 1]]));
    expect(m.value(T0 + 500)).toBeUndefined();
    // Asks: 101: |2 − 1| × 101 = 101 over 1 s = 101 USD/s; median of previous [992] = 992.
    m.update(book(BTC, T0 + 1_500, [[100, 3], [98, 1]], [[101, 2]]));
    expect(m.value(T0 + 1_500)).toEqual({ churnUsdPerSecond: 101, medianChurnUsdPerSecond: 992, stuffing: 0 });
  });

  it("flags churn above k times its trailing median", () => {
    const m = new QuoteStuffing({ market: BTC, window: 3, k: 5 });
    let ts = T0;
    let sz = 1;
    // Three quiet intervals: size moves by 1 at px 100 each second → 100 USD/s.
    for (let i = 0; i < 4; i += 1) {
      m.update(book(BTC, ts, [[100, sz]], []));
      ts += 1_000;
      sz += 1;
    }
    // Then a jump of 6 in one second: 600 USD/s > 5 × 100.
    m.update(book(BTC, ts, [[100, sz + 5]], []));
    expect(m.value(ts)).toEqual({ churnUsdPerSecond: 600, medianChurnUsdPerSecond: 100, stuffing: 1 });
  });

  it("adds churn of same-timestamp snapshots to the next interval and skips gaps", () => {
    const m = new QuoteStuffing({ market: BTC, window: 1, staleAfterMs: 5_000 });
    m.update(book(BTC, T0, [[100, 1]], []));
    m.update(book(BTC, T0, [[100, 2]], [])); // 100 USD pending, no time passed
    m.update(book(BTC, T0 + 1_000, [[100, 3]], [])); // +100 → 200 USD over 1 s
    m.update(book(BTC, T0 + 2_000, [[100, 3]], [])); // 0 USD/s; median [200]
    expect(m.value(T0 + 2_000)).toEqual({ churnUsdPerSecond: 0, medianChurnUsdPerSecond: 200, stuffing: 0 });
    m.update(book(BTC, T0 + 9_000, [[100, 9]], [])); // 7 s gap: no rate
    expect(m.value(T0 + 9_000)).toBeUndefined();
  });

  it("matches ordered venue sides by price exactly as plain per-price matching does", () => {
    // Ordered sides with distinct prices take the merge walk; the reference matches price by price.
    const side = fc.uniqueArray(fc.record({ px: fc.integer({ min: 90, max: 110 }), sz: fc.double({ min: 1e-3, max: 1e3, noNaN: true }) }), { selector: (l) => l.px, maxLength: 12 });
    fc.assert(
      fc.property(side, side, fc.boolean(), fc.integer({ min: 1, max: 12 }), (a, b, descending, levels) => {
        const order = (x: { px: number; sz: number }[]): BookLevel[] =>
          [...x].sort((p, q) => (descending ? q.px - p.px : p.px - q.px)).map((l) => ({ px: l.px, sz: l.sz, orders: undefined }));
        const prev = order(a);
        const next = order(b);
        const before = prev.slice(0, levels);
        const after = next.slice(0, levels);
        let want = 0;
        for (const px of new Set([...before, ...after].map((l) => l.px))) {
          want += px * Math.abs((after.find((l) => l.px === px)?.sz ?? 0) - (before.find((l) => l.px === px)?.sz ?? 0));
        }
        expect(sideChurnUsd(prev, next, levels)).toBeCloseTo(want, 6);
      }),
      { numRuns: 500 },
    );
  });

  it("stays finite with 1e12 sizes and 1 ms intervals", () => {
    const m = new QuoteStuffing({ market: BTC, window: 1 });
    m.update(book(BTC, T0, [[1e6, 1e12]], []));
    m.update(book(BTC, T0 + 1, [[1e6, 1]], []));
    m.update(book(BTC, T0 + 2, [[1e6, 1e12]], []));
    expect(allFinite(m.value(T0 + 2))).toBe(true);
    expect(m.value(T0 + 2)?.stuffing).toBe(0);
  });

  it("equals a batch recomputation over random streams", () => {
    const level = fc.tuple(fc.integer({ min: 95, max: 105 }), fc.double({ min: 1e-3, max: 1e3, noNaN: true }));
    const snap = fc.record({ bids: fc.array(level, { maxLength: 5 }), asks: fc.array(level, { maxLength: 5 }), dt: fc.integer({ min: 0, max: 1_500 }) });
    fc.assert(
      fc.property(fc.array(snap, { minLength: 1, maxLength: 40 }), fc.integer({ min: 1, max: 6 }), (snaps, window) => {
        const m = new QuoteStuffing({ market: BTC, window, staleAfterMs: 1_000 });
        const books: BookSnapshotEvent[] = [];
        let ts = T0;
        for (const s of snaps) {
          ts += s.dt;
          books.push(book(BTC, ts, s.bids, s.asks));
          m.update(books[books.length - 1]!);
        }
        // Batch: walk all snapshots, recomputing churn from scratch with plain maps.
        const churnOf = (a: BookSnapshotEvent["bids"], b: BookSnapshotEvent["bids"]): number => {
          const pxs = new Set([...a.slice(0, 10), ...b.slice(0, 10)].map((l) => l.px));
          let c = 0;
          for (const px of pxs) {
            const sa = a.slice(0, 10).filter((l) => l.px === px).reduce((x, l) => x + l.sz, 0);
            const sb = b.slice(0, 10).filter((l) => l.px === px).reduce((x, l) => x + l.sz, 0);
            c += px * Math.abs(sb - sa);
          }
          return c;
        };
        const rates: number[] = [];
        let pending = 0;
        let lastHadRate = false;
        for (let i = 1; i < books.length; i += 1) {
          const p = books[i - 1]!;
          const b = books[i]!;
          pending += churnOf(p.bids, b.bids) + churnOf(p.asks, b.asks);
          const dt = b.tsEvent - p.tsEvent;
          lastHadRate = false;
          if (dt <= 0) continue;
          const churn = pending;
          pending = 0;
          if (dt > 1_000) continue;
          rates.push(churn / (dt / 1_000));
          lastHadRate = true;
        }
        const got = m.value(ts);
        if (!lastHadRate || rates.length <= window) {
          expect(got).toBeUndefined();
          return;
        }
        const trailing = rates.slice(-window - 1, -1).sort((a, b) => a - b);
        const median = window % 2 === 1 ? trailing[(window - 1) / 2]! : (trailing[window / 2 - 1]! + trailing[window / 2]!) / 2;
        const rate = rates.at(-1)!;
        const close = (a: number | undefined, b: number): boolean => a !== undefined && Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));
        expect(close(got?.churnUsdPerSecond, rate)).toBe(true);
        expect(close(got?.medianChurnUsdPerSecond, median)).toBe(true);
        expect(got?.stuffing).toBe(median > 0 && rate > 5 * median ? 1 : 0);
      }),
    );
  });
});
