import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { VolumeRatio } from "./volume-ratio.ts";
import { BTC, candle, flat } from "./test-events.ts";

const T0 = Date.UTC(2024, 2, 1);
const MIN = 60_000;

describe("VolumeRatio", () => {
  it("divides the newest closed bar's volume by the mean of the 20 before it", () => {
    const m = new VolumeRatio({ market: BTC });
    // Volumes 1..20: mean 10.5; then 21 → 21 / 10.5 = 2
    for (let i = 1; i <= 20; i += 1) m.update(candle(BTC, "1m", T0 + i * MIN, flat(100, i)));
    expect(m.value(T0 + 21 * MIN)).toBeUndefined(); // 20 bars: no "before" window yet
    m.update(candle(BTC, "1m", T0 + 21 * MIN, flat(100, 21)));
    expect(m.value(T0 + 22 * MIN)).toBeCloseTo(2, 15);
    // Next: 2..21 mean 11.5, current 0 → 0
    m.update(candle(BTC, "1m", T0 + 22 * MIN, flat(100, 0)));
    expect(m.value(T0 + 23 * MIN)).toBe(0);
  });

  it("is undefined when the previous bars had no volume, ignores forming bars and goes stale", () => {
    const m = new VolumeRatio({ market: BTC, bars: 2 });
    m.update(candle(BTC, "1m", T0, flat(100, 0)));
    m.update(candle(BTC, "1m", T0 + MIN, flat(100, 0)));
    m.update(candle(BTC, "1m", T0 + 2 * MIN, flat(100, 5)));
    expect(m.value(T0 + 3 * MIN)).toBeUndefined();
    m.update(candle(BTC, "1m", T0 + 3 * MIN, flat(100, 1e12), false));
    m.update(candle(BTC, "1m", T0 + 3 * MIN, flat(100, 1e12)));
    // previous two: 0 and 5 → mean 2.5; 1e12 / 2.5 = 4e11
    expect(m.value(T0 + 4 * MIN)).toBeCloseTo(4e11, 0);
    // closes at T0 + 4 min − 1; stale 2 min after
    expect(m.value(T0 + 6 * MIN - 1)).toBeDefined();
    expect(m.value(T0 + 6 * MIN)).toBeUndefined();
  });

  it("replaces a corrected bar rather than counting it twice", () => {
    const m = new VolumeRatio({ market: BTC, bars: 1 });
    m.update(candle(BTC, "1m", T0, flat(100, 4)));
    m.update(candle(BTC, "1m", T0 + MIN, flat(100, 1)));
    m.update(candle(BTC, "1m", T0 + MIN, flat(100, 2)));
    expect(m.value(T0 + 2 * MIN)).toBe(0.5);
  });

  it("equals a batch recomputation over random streams", () => {
    const vol = fc.oneof(fc.constant(0), fc.double({ min: 1e-12, max: 1e12, noNaN: true }));
    fc.assert(
      fc.property(fc.array(vol, { minLength: 1, maxLength: 50 }), fc.integer({ min: 1, max: 25 }), (vols, bars) => {
        const m = new VolumeRatio({ market: BTC, bars });
        vols.forEach((v, i) => m.update(candle(BTC, "1m", T0 + i * MIN, flat(100, v))));
        const now = T0 + vols.length * MIN;
        const before = vols.slice(-bars - 1, -1);
        const mean = before.reduce((a, v) => a + v, 0) / bars;
        const expected = vols.length > bars && mean > 0 ? vols.at(-1)! / mean : undefined;
        const got = m.value(now);
        if (expected === undefined) expect(got).toBeUndefined();
        else expect(Math.abs(got! - expected)).toBeLessThanOrEqual(1e-12 * Math.max(1, expected));
      }),
    );
  });
});
