import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BookImbalance } from "./book-imbalance.ts";
import { AdaptiveThreshold, AdaptiveThresholdMetric, percentileOfSorted, RollingPercentile } from "./adaptive-threshold.ts";
import { book, BTC } from "./test-events.ts";

const T0 = Date.UTC(2024, 2, 1);

describe("percentileOfSorted (numpy linear)", () => {
  it("interpolates between the nearest ranks", () => {
    // rank = p/100 × (n − 1): p50 of [1,2,3,4] → 1.5 → 2 + 0.5 × (3 − 2) = 2.5
    expect(percentileOfSorted([1, 2, 3, 4], 50)).toBe(2.5);
    // p90 → rank 2.7 → 3 + 0.7 × (4 − 3) = 3.7 (np.percentile([1,2,3,4], 90) = 3.7)
    expect(percentileOfSorted([1, 2, 3, 4], 90)).toBeCloseTo(3.7, 15);
    expect(percentileOfSorted([1, 2, 3, 4], 0)).toBe(1);
    expect(percentileOfSorted([1, 2, 3, 4], 100)).toBe(4);
    // p25 of [10..50] → rank 1 exactly → 20
    expect(percentileOfSorted([10, 20, 30, 40, 50], 25)).toBe(20);
    expect(percentileOfSorted([7], 33)).toBe(7);
  });

  it("is undefined for no values or a percentile outside [0, 100], and finite at ±1e308", () => {
    expect(percentileOfSorted([], 50)).toBeUndefined();
    expect(percentileOfSorted([1], 101)).toBeUndefined();
    expect(percentileOfSorted([1], Number.NaN)).toBeUndefined();
    // −1e308 × 0.5 + 1e308 × 0.5 = 0 (b − a would overflow)
    expect(percentileOfSorted([-1e308, 1e308], 50)).toBe(0);
    // equal neighbours give exactly that value
    expect(percentileOfSorted([0.1, 0.1, 0.1], 37)).toBe(0.1);
  });
});

describe("RollingPercentile", () => {
  it("keeps only the last `window` values, duplicates included", () => {
    const r = new RollingPercentile(3);
    for (const x of [5, 1, 4, 2]) r.push(x);
    // holds 1, 4, 2 → sorted [1, 2, 4] → p50 = 2
    expect(r.size).toBe(3);
    expect(r.percentile(50)).toBe(2);
    const d = new RollingPercentile(2);
    for (const x of [1, 1, 2]) d.push(x);
    // holds 1, 2 → p50 = 1.5
    expect(d.percentile(50)).toBe(1.5);
  });

  it("ignores non-finite values", () => {
    const r = new RollingPercentile(3);
    r.push(Number.NaN);
    r.push(Number.POSITIVE_INFINITY);
    expect(r.size).toBe(0);
    expect(r.percentile(50)).toBeUndefined();
  });

  it("equals a batch sort of the last `window` values over random streams", () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.integer({ min: -3, max: 3 })), { maxLength: 400 }),
        fc.integer({ min: 1, max: 60 }),
        fc.double({ min: 0, max: 100, noNaN: true }),
        (values, window, p) => {
          const r = new RollingPercentile(window);
          values.forEach((v) => r.push(v));
          // Batch: sort the last `window` values; numpy's linear rule written out directly.
          const s = values.slice(-window).sort((a, b) => a - b);
          const want = s.length === 0 ? undefined : (() => {
            const rank = (p / 100) * (s.length - 1);
            const lo = Math.floor(rank);
            const hi = Math.ceil(rank);
            return s[lo]! + (s[hi]! - s[lo]!) * (rank - lo);
          })();
          const got = r.percentile(p);
          if (want === undefined) expect(got).toBeUndefined();
          else expect(got).toBeCloseTo(want, 6);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("AdaptiveThreshold", () => {
  it("returns the fixed default, flagged, below 100 samples and the percentile from then on", () => {
    const t = new AdaptiveThreshold({ percentile: 90, fallback: 0.6 });
    for (let i = 1; i <= 99; i += 1) t.push(i);
    expect(t.threshold()).toEqual({ value: 0.6, source: "default", samples: 99 });
    t.push(100);
    // 1..100: rank 0.9 × 99 = 89.1 → s[89] = 90, s[90] = 91 → 90.1
    const th = t.threshold();
    expect(th.source).toBe("percentile");
    expect(th.value).toBeCloseTo(90.1, 12);
  });

  it("can take absolute values for two-sided thresholds", () => {
    const t = new AdaptiveThreshold({ percentile: 50, fallback: 0, minSamples: 1, absolute: true });
    for (const x of [-0.8, 0.2, -0.4]) t.push(x);
    // |x| = 0.8, 0.2, 0.4 → median 0.4
    expect(t.threshold().value).toBeCloseTo(0.4, 15);
  });

  it("rejects a percentile outside [0, 100] as a bug", () => {
    expect(() => new AdaptiveThreshold({ percentile: 150, fallback: 1 })).toThrow(RangeError);
  });
});

describe("AdaptiveThresholdMetric", () => {
  it("samples its source once per sampleEveryMs slot, before the slot's first event, and goes stale after a day without samples", () => {
    const m = new AdaptiveThresholdMetric({ source: new BookImbalance({ market: BTC }), percentile: 50, fallback: 0.5, minSamples: 2, sampleEveryMs: 1_000 });
    expect(m.name).toBe("bookImbalanceP50");
    m.update(book(BTC, T0, [[100, 1]], [])); // slot T0: source undefined before it, no sample; then +1
    expect(m.value(T0)).toBeUndefined();
    m.update(book(BTC, T0 + 500, [], [[100, 1]])); // same slot: no sample; then −1
    m.update(book(BTC, T0 + 1_000, [[100, 1]], [[100, 1]])); // slot T0 + 1 s: samples −1; then 0
    expect(m.value(T0 + 1_000)).toEqual({ value: 0.5, source: "default", samples: 1 });
    m.update(book(BTC, T0 + 1_500, [[100, 1]], [])); // same slot: none; then +1
    m.update(book(BTC, T0 + 2_000, [], [])); // slot T0 + 2 s: samples +1; then empty
    // samples −1, +1 → median 0
    expect(m.value(T0 + 2_000)).toEqual({ value: 0, source: "percentile", samples: 2 });
    expect(m.value(T0 + 2_000 + 86_400_000)).toBeDefined();
    expect(m.value(T0 + 2_001 + 86_400_000)).toBeUndefined();
  });
});
