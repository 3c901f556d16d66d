import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { HOUR_MS } from "../core/index.ts";
import { FundingRate, FundingVelocity } from "./funding.ts";
import { assetCtx, BTC, ETH, funding } from "./test-events.ts";

const T0 = Date.UTC(2024, 2, 1);

describe("FundingRate", () => {
  it("shows the hourly settlement as 8-hour equivalent and simple annualised", () => {
    const m = new FundingRate({ market: BTC });
    m.update(funding(BTC, T0, 1.25e-5));
    // 1.25e-5 × 8 = 1e-4; 1.25e-5 × 8760 = 0.1095
    const v = m.value(T0)!;
    expect(v.perHour).toBe(1.25e-5);
    expect(v.per8h).toBeCloseTo(1e-4, 18);
    expect(v.annualized).toBeCloseTo(0.1095, 15);
  });

  it("converts an old 8-hourly settlement to its hourly rate", () => {
    const m = new FundingRate({ market: BTC });
    m.update(funding(BTC, T0, 1e-4, 8 * HOUR_MS));
    expect(m.value(T0)?.perHour).toBeCloseTo(1.25e-5, 18);
  });

  it("uses only its source: settlements by default, asset contexts when predicted", () => {
    const settled = new FundingRate({ market: BTC });
    const predicted = new FundingRate({ market: BTC, source: "predicted" });
    for (const e of [funding(BTC, T0, 1e-5), assetCtx(BTC, T0 + 1, { fundingRatePerHour: 3e-5 }), assetCtx(BTC, T0 + 2)]) {
      settled.update(e);
      predicted.update(e);
    }
    expect(settled.value(T0 + 2)?.perHour).toBe(1e-5);
    expect(predicted.value(T0 + 2)?.perHour).toBe(3e-5);
    expect(predicted.needs).toEqual(["assetCtx"]);
  });

  it("goes stale 2 h after the last settlement (5 min for the predicted rate)", () => {
    const m = new FundingRate({ market: BTC });
    m.update(funding(BTC, T0, 1e-5));
    expect(m.value(T0 + 2 * HOUR_MS)).toBeDefined();
    expect(m.value(T0 + 2 * HOUR_MS + 1)).toBeUndefined();
    const p = new FundingRate({ market: BTC, source: "predicted" });
    p.update(assetCtx(BTC, T0, { fundingRatePerHour: 1e-5 }));
    expect(p.value(T0 + 300_001)).toBeUndefined();
  });
});

describe("FundingVelocity", () => {
  it("gives slopes over 4 h and 8 h and their difference", () => {
    const m = new FundingVelocity({ market: BTC });
    // Flat at 1.25e-5 for hours 0..4, then rising linearly to 5e-5 at hour 8.
    const rates = [1.25e-5, 1.25e-5, 1.25e-5, 1.25e-5, 1.25e-5, 2.1875e-5, 3.125e-5, 4.0625e-5, 5e-5];
    rates.forEach((r, h) => m.update(funding(BTC, T0 + h * HOUR_MS, r)));
    const v = m.value(T0 + 8 * HOUR_MS)!;
    // v4 = (5e-5 − 1.25e-5) / 4 = 9.375e-6; v8 = (5e-5 − 1.25e-5) / 8 = 4.6875e-6; a = 4.6875e-6
    expect(v.velocity4hPerHour).toBeCloseTo(9.375e-6, 18);
    expect(v.velocity8hPerHour).toBeCloseTo(4.6875e-6, 18);
    expect(v.accelerationPerHour).toBeCloseTo(4.6875e-6, 18);
  });

  it("is undefined until 8 h of history and when a reference is missing beyond the tolerance", () => {
    const m = new FundingVelocity({ market: BTC });
    for (let h = 0; h < 8; h += 1) m.update(funding(BTC, T0 + h * HOUR_MS, 1e-5));
    expect(m.value(T0 + 7 * HOUR_MS)).toBeUndefined();
    m.update(funding(BTC, T0 + 8 * HOUR_MS, 1e-5));
    expect(m.value(T0 + 8 * HOUR_MS)).toEqual({ velocity4hPerHour: 0, velocity8hPerHour: 0, accelerationPerHour: 0 });
    // Hours 9..12 missing, then hour 13: its 4 h reference (hour 9) has no sample within 30 min.
    m.update(funding(BTC, T0 + 13 * HOUR_MS, 2e-5));
    expect(m.value(T0 + 13 * HOUR_MS)).toBeUndefined();
  });

  it("accepts the nearest sample within 30 minutes of the reference time", () => {
    const m = new FundingVelocity({ market: BTC });
    m.update(funding(BTC, T0 + 25 * 60_000, 0)); // 8 h reference, 25 min late
    m.update(funding(BTC, T0 + 4 * HOUR_MS - 20 * 60_000, 4e-5)); // 4 h reference, 20 min early
    m.update(funding(BTC, T0 + 8 * HOUR_MS, 8e-5));
    // v4 = (8e-5 − 4e-5) / 4 = 1e-5; v8 = 8e-5 / 8 = 1e-5; a = 0
    expect(m.value(T0 + 8 * HOUR_MS)).toEqual({ velocity4hPerHour: 1e-5, velocity8hPerHour: 1e-5, accelerationPerHour: 0 });
  });

  it("ignores other markets and goes stale 2 h after the newest settlement", () => {
    const m = new FundingVelocity({ market: BTC });
    for (let h = 0; h <= 8; h += 1) {
      m.update(funding(BTC, T0 + h * HOUR_MS, h * 1e-6));
      m.update(funding(ETH, T0 + h * HOUR_MS + 1, 1));
    }
    expect(m.value(T0 + 10 * HOUR_MS)?.velocity8hPerHour).toBeCloseTo(1e-6, 18);
    expect(m.value(T0 + 10 * HOUR_MS + 1)).toBeUndefined();
  });

  it("stays finite with extreme rates (±4 % per hour cap and 1e-12)", () => {
    const m = new FundingVelocity({ market: BTC });
    [0.04, -0.04, 1e-12, 0.04, -0.04, 1e-12, 0.04, -0.04, 1e-12].forEach((r, h) => m.update(funding(BTC, T0 + h * HOUR_MS, r)));
    const v = m.value(T0 + 8 * HOUR_MS)!;
    // r0 = 1e-12, r4 = −0.04, r8 = 0.04: v4 = (1e-12 + 0.04) / 4, v8 = (1e-12 − 0.04) / 8
    expect(v.velocity4hPerHour).toBeCloseTo(0.01, 12);
    expect(v.velocity8hPerHour).toBeCloseTo(-0.005, 12);
  });

  it("equals a batch lookup over random settlement streams", () => {
    const s = fc.record({ gapMin: fc.integer({ min: 1, max: 150 }), rate: fc.double({ min: -0.04, max: 0.04, noNaN: true }) });
    fc.assert(
      fc.property(fc.array(s, { minLength: 1, maxLength: 40 }), (steps) => {
        const m = new FundingVelocity({ market: BTC });
        const all: { ts: number; r: number }[] = [];
        let ts = T0;
        for (const x of steps) {
          ts += x.gapMin * 60_000;
          all.push({ ts, r: x.rate });
          m.update(funding(BTC, ts, x.rate));
        }
        // Batch: nearest sample (earlier wins ties) within 30 min of each reference time.
        const near = (target: number): number | undefined => {
          let best: { ts: number; r: number } | undefined;
          for (const p of all) if (best === undefined || Math.abs(p.ts - target) < Math.abs(best.ts - target)) best = p;
          return best !== undefined && Math.abs(best.ts - target) <= 30 * 60_000 ? best.r : undefined;
        };
        const r0 = all.at(-1)!.r;
        const r4 = near(ts - 4 * HOUR_MS);
        const r8 = near(ts - 8 * HOUR_MS);
        const got = m.value(ts);
        if (r4 === undefined || r8 === undefined) {
          expect(got).toBeUndefined();
          return;
        }
        expect(got).toEqual({ velocity4hPerHour: (r0 - r4) / 4, velocity8hPerHour: (r0 - r8) / 8, accelerationPerHour: (r0 - r4) / 4 - (r0 - r8) / 8 });
      }),
    );
  });
});
