import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { FlowToxicity, flowToxicityOf } from "./flow-toxicity.ts";
import type { ToxicityBar } from "./flow-toxicity.ts";
import { BTC, candle, ETH, flat } from "./test-events.ts";

const T0 = Date.UTC(2024, 2, 1);
const MIN = 60_000;

/** Feeds closed 1m bars (close, volume) from T0 on; returns the close time of the last one. */
function feed(m: FlowToxicity, bars: readonly ToxicityBar[], from = 0): number {
  bars.forEach((b, i) => m.update(candle(BTC, "1m", T0 + (from + i) * MIN, flat(b.close, b.volume))));
  return T0 + (from + bars.length) * MIN - 1;
}

const BASE: ToxicityBar[] = Array.from({ length: 20 }, () => ({ close: 100, volume: 10 }));
// The window: impacts 0.01 (b1), 0 (b2), 0.005 (b3: 1 % on double volume), b4 skipped (ratio 0.05), 0 × 5.
const WINDOW: ToxicityBar[] = [
  { close: 100, volume: 10 },
  { close: 101, volume: 10 },
  { close: 101, volume: 10 },
  { close: 102.01, volume: 20 },
  { close: 102.01, volume: 0.5 },
  ...Array.from({ length: 5 }, () => ({ close: 102.01, volume: 10 })),
];
// impacts [0.01, 0, 0.005, 0, 0, 0, 0, 0]: mean = 0.015 / 8 = 0.001875;
// Σ(x − mean)² = 0.008125² + 0.003125² + 6 × 0.001875² = 9.6875e-5; population var = 1.2109375e-5;
// toxicity = 0.001875 / √1.2109375e-5 = 0.538816... (Python statistics.pstdev agrees: 0.5388159060803...)
const EXPECTED = 0.001875 / Math.sqrt(1.2109375e-5);

describe("flowToxicityOf (the memo's Change 4)", () => {
  it("is mean / population std of the kept impacts", () => {
    expect(flowToxicityOf([...BASE, ...WINDOW])).toBeCloseTo(EXPECTED, 9);
    expect(EXPECTED).toBeCloseTo(0.538815906, 8);
  });

  it("is undefined (not the memo's 0) with too few bars, zero average volume, fewer than 3 impacts or zero spread", () => {
    expect(flowToxicityOf([...BASE, ...WINDOW].slice(1))).toBeUndefined();
    expect(flowToxicityOf([...BASE.map((b) => ({ ...b, volume: 0 })), ...WINDOW])).toBeUndefined();
    // every window volume 0.5 → ratio 0.05 ≤ 0.1 → no impacts
    expect(flowToxicityOf([...BASE, ...WINDOW.map((b) => ({ ...b, volume: 0.5 }))])).toBeUndefined();
    // flat prices: all impacts 0 → std 0
    expect(flowToxicityOf([...BASE, ...WINDOW.map((b) => ({ ...b, close: 100 }))])).toBeUndefined();
    // +1 % every bar on the same volume: equal impacts, std 0 up to rounding
    expect(flowToxicityOf([...BASE, ...Array.from({ length: 10 }, (_, i) => ({ close: 100 * 1.01 ** i, volume: 10 }))])).toBeUndefined();
  });

  it("uses only the 20 bars before the window for the volume mean", () => {
    // Ten huge bars before those 20 change nothing.
    const older = Array.from({ length: 10 }, () => ({ close: 1, volume: 1e9 }));
    expect(flowToxicityOf([...older, ...BASE, ...WINDOW])).toBeCloseTo(EXPECTED, 9);
  });

  it("does not depend on the price or volume scale (1e-12 prices, 1e12 volumes)", () => {
    const scaled = [...BASE, ...WINDOW].map((b) => ({ close: b.close * 1e-12, volume: b.volume * 1e12 }));
    expect(flowToxicityOf(scaled)).toBeCloseTo(EXPECTED, 6);
  });
});

describe("FlowToxicity", () => {
  it("gives the toxicity and the window's direction from closed bars", () => {
    const m = new FlowToxicity({ market: BTC });
    const end = feed(m, [...BASE, ...WINDOW]);
    expect(m.value(end)).toBeCloseTo(EXPECTED, 9);
    // last close 102.01 > first window close 100
    expect(m.direction(end)).toBe(1);
  });

  it("is undefined after 29 bars and ignores forming bars, other intervals and other markets", () => {
    const m = new FlowToxicity({ market: BTC });
    const all = [...BASE, ...WINDOW];
    const end = feed(m, all.slice(0, 29));
    expect(m.value(end)).toBeUndefined();
    expect(m.direction(end)).toBeUndefined();
    m.update(candle(BTC, "1m", T0 + 29 * MIN, flat(102.01, 10), false));
    m.update(candle(BTC, "5m", T0 + 29 * MIN, flat(102.01, 10)));
    m.update(candle(ETH, "1m", T0 + 29 * MIN, flat(102.01, 10)));
    expect(m.value(end + MIN)).toBeUndefined();
    feed(m, all.slice(29), 29);
    expect(m.value(end + MIN)).toBeCloseTo(EXPECTED, 9);
  });

  it("reports direction −1 when the window falls", () => {
    const m = new FlowToxicity({ market: BTC });
    const end = feed(m, [...BASE, ...WINDOW.map((b) => ({ ...b, close: 200 - b.close }))]);
    expect(m.direction(end)).toBe(-1);
  });

  it("goes undefined once the newest closed bar is older than 2 intervals", () => {
    const m = new FlowToxicity({ market: BTC });
    const end = feed(m, [...BASE, ...WINDOW]);
    expect(m.isStable(end + 2 * MIN)).toBe(true);
    expect(m.value(end + 2 * MIN + 1)).toBeUndefined();
    expect(m.direction(end + 2 * MIN + 1)).toBeUndefined();
  });

  it("equals the memo's batch computation over random bar streams", () => {
    const bar = fc.record({
      close: fc.oneof(fc.double({ min: 1e-3, max: 1e5, noNaN: true }), fc.constant(100)),
      volume: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 1e6, noNaN: true })),
    });
    fc.assert(
      fc.property(fc.array(bar, { minLength: 0, maxLength: 60 }), (bars) => {
        const m = new FlowToxicity({ market: BTC });
        const end = feed(m, bars);
        // Batch: the memo's Python, line by line, over the whole history (undefined for its 0 returns).
        const batch = (): number | undefined => {
          if (bars.length < 30) return undefined;
          const recent = bars.slice(-10);
          const volumeWindow = bars.slice(-30, -10);
          const avg = volumeWindow.reduce((a, b) => a + b.volume, 0) / volumeWindow.length;
          if (avg === 0) return undefined;
          const impacts: number[] = [];
          for (let i = 1; i < recent.length; i += 1) {
            const change = Math.abs((recent[i]!.close - recent[i - 1]!.close) / recent[i - 1]!.close);
            const ratio = recent[i]!.volume / avg;
            if (ratio > 0.1) impacts.push(change / ratio);
          }
          if (impacts.length < 3) return undefined;
          const mean = impacts.reduce((a, b) => a + b, 0) / impacts.length;
          const std = Math.sqrt(impacts.reduce((a, b) => a + (b - mean) ** 2, 0) / impacts.length);
          return std > 1e-12 * mean ? mean / std : undefined;
        };
        const want = batch();
        const got = m.value(end);
        if (want === undefined) expect(got).toBeUndefined();
        else expect(got).toBeCloseTo(want, 9);
        expect(got === undefined || Number.isFinite(got)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
