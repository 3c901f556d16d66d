import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { HOUR_MS } from "../core/index.ts";
import { RealizedVolatility } from "./realized-volatility.ts";
import type { RealizedVolatilityOptions } from "./realized-volatility.ts";
import { BTC, candle, ETH, flat } from "./test-events.ts";

const T0 = Date.UTC(2024, 2, 1);
const MIN = 60_000;

/** Hourly closed bars: bar i opens at T0 + index_i h. Returns the close time of the last. */
function feedHours(m: RealizedVolatility, closes: readonly number[], indices?: readonly number[]): number {
  let last = T0;
  closes.forEach((c, i) => {
    const open = T0 + (indices?.[i] ?? i) * HOUR_MS;
    m.update(candle(BTC, "1h", open, flat(c, 1)));
    last = open + HOUR_MS - 1;
  });
  return last;
}

/** Closes whose log returns are the given list, from 100. */
const fromReturns = (rs: readonly number[]): number[] => rs.reduce<number[]>((acc, r) => [...acc, acc.at(-1)! * Math.exp(r)], [100]);

const hourly = (extra: Partial<RealizedVolatilityOptions> = {}): RealizedVolatility => new RealizedVolatility({ market: BTC, interval: "1h", ...extra });

describe("RealizedVolatility", () => {
  it("gives vol per √hour and per √day from hourly log returns, annualised consistently", () => {
    const m = hourly();
    // 24 returns of ±0.01: mean(r²) = 1e-4
    const end = feedHours(m, fromReturns(Array.from({ length: 24 }, (_, i) => (i % 2 === 0 ? 0.01 : -0.01))));
    const v = m.value(end)!;
    // 1 h: √(1e-4 × 1) = 0.01; 24 h: √(1e-4 × 24) = 0.04899
    expect(v.vol1h).toBeCloseTo(0.01, 12);
    expect(v.vol24h).toBeCloseTo(Math.sqrt(24e-4), 12);
    // 0.01 × √8760 = 0.935949; 0.01 × √24 × √365 = 0.01 × √8760: the same annual figure
    expect(v.vol1hAnnualised).toBeCloseTo(0.935949, 6);
    expect(v.vol24hAnnualised).toBeCloseTo(0.935949, 6);
    expect(v.regime).toBeUndefined();
  });

  it("scales 1m returns to the hour: 60 returns of 0.001 give √(1e-6 × 60)", () => {
    const m = new RealizedVolatility({ market: BTC });
    let close = 100;
    for (let i = 0; i <= 60; i += 1) {
      m.update(candle(BTC, "1m", T0 + i * MIN, flat(close, 1)));
      close *= Math.exp(0.001);
    }
    // √(6e-5) = 0.0077459667
    expect(m.value(T0 + 61 * MIN - 1)?.vol1h).toBeCloseTo(Math.sqrt(6e-5), 12);
    expect(m.value(T0 + 61 * MIN - 1)?.vol24h).toBeUndefined();
  });

  it("drops returns across a missing bar and needs 75 % of a window's returns", () => {
    const m = hourly();
    // bars at hours 0..9, then 11..26: 9 + 15 = 24 returns... minus: the 10→11 pair spans a gap
    const idx = [...Array.from({ length: 10 }, (_, i) => i), ...Array.from({ length: 16 }, (_, i) => 11 + i)];
    const end = feedHours(m, fromReturns(Array.from({ length: 25 }, () => 0.02)), idx);
    // returns in the last 24 h (bars closing at hours 3..26): from bars 3..9 (7) and 12..26 (15) = 22 ≥ 18
    // mean(r²) = 4e-4 (the 0.04 log jump across the gap is dropped): √(4e-4 × 24)
    expect(m.value(end)?.vol24h).toBeCloseTo(Math.sqrt(4e-4 * 24), 12);
    const sparse = hourly();
    // 17 returns are fewer than 0.75 × 24 = 18
    const e2 = feedHours(sparse, fromReturns(Array.from({ length: 17 }, () => 0.01)));
    expect(sparse.value(e2)?.vol24h).toBeUndefined();
    expect(sparse.value(e2)?.vol1h).toBeCloseTo(0.01, 12);
  });

  it("classifies the regime against trailing hourly percentiles once enough samples exist", () => {
    const m = hourly({ regimeWindow: 10, regimeMinSamples: 5 });
    // 30 h of a flat price: every return is exactly 0, so every vol24h sample is 0
    let end = feedHours(m, Array.from({ length: 31 }, () => 100));
    expect(m.value(end)?.vol24h).toBe(0);
    // all samples equal: not below p25, not above p75
    expect(m.value(end)?.regime).toBe("normal");
    const calm = hourly({ regimeWindow: 10, regimeMinSamples: 5 });
    const rs = [...Array.from({ length: 30 }, () => 0.02), 0.001];
    end = feedHours(calm, fromReturns(rs));
    // the newest vol24h (23 × 4e-4 + 1e-6)/24 × 24 is below every earlier sample; p25 of
    // [new, c × 9] is c (rank 2.25) → low
    expect(calm.value(end)?.regime).toBe("low");
    const wild = hourly({ regimeWindow: 10, regimeMinSamples: 5 });
    end = feedHours(wild, fromReturns([...Array.from({ length: 30 }, () => 0.02), 0.1]));
    expect(wild.value(end)?.regime).toBe("high");
  });

  it("ignores forming bars, other markets and corrections, stays finite at 1e-12 prices and goes stale", () => {
    const m = hourly();
    m.update(candle(BTC, "1h", T0, flat(1e-12, 1)));
    m.update(candle(BTC, "1h", T0 + HOUR_MS, flat(2e-12, 1), false));
    m.update(candle(ETH, "1h", T0 + HOUR_MS, flat(5e-12, 1)));
    m.update(candle(BTC, "1h", T0 + HOUR_MS, flat(1e-12 * Math.exp(0.03), 1e12)));
    m.update(candle(BTC, "1h", T0 + HOUR_MS, flat(9, 1))); // a correction of the newest bar: no second return
    const end = T0 + 2 * HOUR_MS - 1;
    expect(m.value(end)?.vol1h).toBeCloseTo(0.03, 12);
    expect(m.value(end + 2 * HOUR_MS)).toBeDefined();
    expect(m.value(end + 2 * HOUR_MS + 1)).toBeUndefined();
  });

  it("stays equal to a batch recomputation at every bar of 4 000 1m bars, with shocks entering and leaving both windows", () => {
    const m = new RealizedVolatility({ market: BTC, interval: "1m" });
    // Small returns with a 30 % shock every 1 500 bars and a missing bar every 700: a shock leaving
    // a window drops its Σr² by orders of magnitude (the drift guard's hard case).
    let close = 100;
    const rets: { closeTime: number; r: number }[] = [];
    let previousOpen = -Infinity;
    let worst = 0;
    for (let i = 0; i < 4_000; i += 1) {
      const r = i % 1_500 === 100 ? 0.3 : 0.0005 * Math.sin(i * 0.37);
      const next = close * Math.exp(r);
      const open = T0 + i * MIN;
      if (i % 700 === 699) {
        close = next; // the bar is missing: no return into or out of it
        continue;
      }
      if (previousOpen === open - MIN) rets.push({ closeTime: open + MIN - 1, r: Math.log(next / close) });
      close = next;
      previousOpen = open;
      m.update(candle(BTC, "1m", open, flat(close, 1)));
      const end = open + MIN - 1;
      const batch = (span: number): number | undefined => {
        const inWin = rets.filter((x) => x.closeTime > end - span * MIN);
        return inWin.length === 0 || inWin.length < 0.75 * span ? undefined : Math.sqrt((inWin.reduce((a, x) => a + x.r * x.r, 0) / inWin.length) * span);
      };
      const v = m.value(end);
      for (const [got, want] of [[v?.vol1h, batch(60)], [v?.vol24h, batch(1_440)]] as const) {
        if (want === undefined) expect(got).toBeUndefined();
        else worst = Math.max(worst, Math.abs((got ?? NaN) / want - 1));
      }
    }
    // The drift guard bounds the relative error at ~6e-14 (see SquareSum); summation order alone differs by ~1e-15.
    expect(worst).toBeLessThan(1e-13);
  });

  it("equals a batch recomputation over random hourly streams with gaps", () => {
    const bar = fc.record({ skip: fc.integer({ min: 0, max: 9 }), r: fc.double({ min: -0.2, max: 0.2, noNaN: true }) });
    fc.assert(
      fc.property(fc.array(bar, { minLength: 1, maxLength: 120 }), (bars) => {
        const m = hourly({ regimeWindow: 12, regimeMinSamples: 4 });
        let hour = 0;
        let close = 100;
        const seen: { hour: number; close: number }[] = [];
        for (const b of bars) {
          hour += b.skip === 0 ? 2 : 1; // a skip of 0 leaves one bar out
          close *= Math.exp(b.r);
          seen.push({ hour, close });
          m.update(candle(BTC, "1h", T0 + hour * HOUR_MS, flat(close, 1)));
        }
        // Batch: returns of adjacent hours; windows by close time; regime from every past hour's vol24h.
        const rets = seen.flatMap((s, i) => (i > 0 && seen[i - 1]!.hour === s.hour - 1 ? [{ hour: s.hour, r: Math.log(s.close / seen[i - 1]!.close) }] : []));
        const vol = (h: number, span: number): number | undefined => {
          const inWin = rets.filter((x) => x.hour > h - span && x.hour <= h);
          return inWin.length === 0 || inWin.length < 0.75 * span ? undefined : Math.sqrt((inWin.reduce((a, x) => a + x.r * x.r, 0) / inWin.length) * span);
        };
        const last = seen.at(-1)!.hour;
        const v = m.value(T0 + (last + 1) * HOUR_MS - 1);
        const v1 = vol(last, 1);
        const v24 = vol(last, 24);
        if (v1 === undefined && v24 === undefined) {
          expect(v).toBeUndefined();
          return;
        }
        if (v1 === undefined) expect(v?.vol1h).toBeUndefined();
        else expect(v?.vol1h).toBeCloseTo(v1, 12);
        if (v24 === undefined) expect(v?.vol24h).toBeUndefined();
        else expect(v?.vol24h).toBeCloseTo(v24, 12);
        const samples = seen.map((s) => vol(s.hour, 24)).filter((x): x is number => x !== undefined).slice(-12).sort((a, b) => a - b);
        const pct = (p: number): number => {
          const rank = (p / 100) * (samples.length - 1);
          return samples[Math.floor(rank)]! + (samples[Math.ceil(rank)]! - samples[Math.floor(rank)]!) * (rank - Math.floor(rank));
        };
        const want = v24 === undefined || samples.length < 4 ? undefined : v24 < pct(25) ? "low" : v24 > pct(75) ? "high" : "normal";
        expect(v?.regime).toBe(want);
      }),
      { numRuns: 300 },
    );
  });
});
