import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DAY_MS, HOUR_MS } from "../core/index.ts";
import { InMemoryOpenInterestSeries } from "./oi-series-port.ts";
import type { OpenInterestSample } from "./oi-series-port.ts";
import { OI_HORIZON_MS, OpenInterestTracker } from "./open-interest.ts";
import type { OpenInterestHorizon } from "./open-interest.ts";
import { assetCtx, BTC, ETH } from "./test-events.ts";

const T0 = Date.UTC(2024, 2, 1);
const MIN = 60_000;
const oi = (ts: number, openInterest: number, market = BTC) => assetCtx(market, ts, { openInterest });

describe("OpenInterestTracker", () => {
  it("reports the 4 h change as (now − then) / then and the longer horizons as insufficient", () => {
    const t = new OpenInterestTracker({ market: BTC });
    t.update(oi(T0, 1_000));
    t.update(oi(T0 + 4 * HOUR_MS, 1_100));
    // (1100 − 1000) / 1000 = 0.1
    expect(t.value(T0 + 4 * HOUR_MS)).toEqual({ openInterest: 1_100, tsMs: T0 + 4 * HOUR_MS, change4h: expect.closeTo(0.1, 15), change24h: "insufficient", change7d: "insufficient" });
    expect(t.change("4h", T0 + 4 * HOUR_MS)).toBeCloseTo(0.1, 15);
    expect(t.change("24h", T0 + 4 * HOUR_MS)).toBeUndefined();
    expect(t.columns(T0 + 4 * HOUR_MS)).toEqual({ openInterest: 1_100, oiChange4h: expect.closeTo(0.1, 15), oiChange24h: undefined, oiChange7d: undefined });
  });

  it("uses the sample nearest to now − horizon within 15 min, else reports insufficient", () => {
    const near = new OpenInterestTracker({ market: BTC });
    near.update(oi(T0 - 5 * MIN, 800));
    near.update(oi(T0 + 3 * MIN, 1_000));
    near.update(oi(T0 + 4 * HOUR_MS, 900));
    // target T0: T0 + 3 min (3 min away) beats T0 − 5 min; (900 − 1000) / 1000 = −0.1
    expect(near.change("4h", T0 + 4 * HOUR_MS)).toBeCloseTo(-0.1, 15);

    const far = new OpenInterestTracker({ market: BTC });
    far.update(oi(T0 + 16 * MIN, 1_000));
    far.update(oi(T0 + 4 * HOUR_MS, 900));
    // the only old sample is 16 min from the target T0: outside the tolerance
    expect(far.value(T0 + 4 * HOUR_MS)?.change4h).toBe("insufficient");

    const edge = new OpenInterestTracker({ market: BTC });
    edge.update(oi(T0 + 15 * MIN, 1_000));
    edge.update(oi(T0 + 4 * HOUR_MS, 1_500));
    // exactly 15 min away still counts: (1500 − 1000) / 1000 = 0.5
    expect(edge.change("4h", T0 + 4 * HOUR_MS)).toBeCloseTo(0.5, 15);
  });

  it("stores one sample per step (the first), so a gap in the recording is reported as insufficient", () => {
    const t = new OpenInterestTracker({ market: BTC });
    t.update(oi(T0, 1_000));
    t.update(oi(T0 + 30_000, 2_000)); // same minute: not stored, but it is the latest value
    expect(t.storedSamples()).toBe(1);
    expect(t.value(T0 + 30_000)?.openInterest).toBe(2_000);
    t.update(oi(T0 + 4 * HOUR_MS + 30_000, 1_200));
    // target T0 + 30 s; the stored sample is T0 (1000): (1200 − 1000) / 1000 = 0.2
    expect(t.change("4h", T0 + 4 * HOUR_MS + 30_000)).toBeCloseTo(0.2, 15);
    // 1 h later the target (T0 + 1 h) has no sample within 15 min: a gap, not a made-up number
    t.update(oi(T0 + 5 * HOUR_MS, 1_300));
    expect(t.value(T0 + 5 * HOUR_MS)?.change4h).toBe("insufficient");
  });

  it("keeps 7 days bounded at 1-min steps and reports all three horizons", () => {
    const t = new OpenInterestTracker({ market: BTC });
    // one sample every 30 s for 8 days; OI = 1000 + minutes elapsed
    const end = T0 + 8 * DAY_MS;
    for (let ts = T0; ts <= end; ts += 30_000) t.update(oi(ts, 1_000 + Math.floor((ts - T0) / MIN)));
    // bound: (7 d + 15 min) / 1 min + 1 = 10 096 samples
    expect(t.storedSamples()).toBeLessThanOrEqual(10_096);
    const v = t.value(end);
    const now = 1_000 + 8 * 1_440; // 12 520
    // then (4 h): 12 520 − 240 = 12 280; (12 520 − 12 280) / 12 280
    expect(v?.change4h).toBeCloseTo(240 / 12_280, 12);
    expect(v?.change24h).toBeCloseTo(1_440 / (now - 1_440), 12);
    expect(v?.change7d).toBeCloseTo(10_080 / (now - 10_080), 12);
  });

  it("reports insufficient when OI then was 0 and stays finite at 1e12", () => {
    const t = new OpenInterestTracker({ market: BTC });
    t.update(oi(T0, 0));
    t.update(oi(T0 + 4 * HOUR_MS, 1e12));
    expect(t.value(T0 + 4 * HOUR_MS)?.change4h).toBe("insufficient");
    const big = new OpenInterestTracker({ market: BTC });
    big.update(oi(T0, 1e-12));
    big.update(oi(T0 + 4 * HOUR_MS, 1e12));
    // (1e12 − 1e-12) / 1e-12 = 1e24 − 1: large but finite
    expect(big.change("4h", T0 + 4 * HOUR_MS)).toBeCloseTo(1e24, -12);
  });

  it("ignores contexts without open interest, other coins and invalid numbers", () => {
    const t = new OpenInterestTracker({ market: BTC });
    t.update(assetCtx(BTC, T0, { markPx: 100 }));
    expect(t.value(T0)).toBeUndefined();
    t.update(oi(T0, 1_000));
    t.update(oi(T0 + 1, 5_000, ETH));
    t.update(oi(T0 + 2, Number.NaN));
    t.update(oi(T0 + 3, -1));
    expect(t.value(T0 + 3)?.openInterest).toBe(1_000);
  });

  it("goes undefined once the latest observation is older than staleAfterMs (default 180 s)", () => {
    const t = new OpenInterestTracker({ market: BTC });
    t.update(oi(T0, 1_000));
    expect(t.isStable(T0 + 180_000)).toBe(true);
    expect(t.value(T0 + 180_001)).toBeUndefined();
    expect(t.isStable(T0 + 180_001)).toBe(false);
    expect(t.columns(T0 + 180_001)).toEqual({ openInterest: undefined, oiChange4h: undefined, oiChange24h: undefined, oiChange7d: undefined });
  });

  it("survives a restart through the port: a new tracker resumes the 7-day series", () => {
    const port = new InMemoryOpenInterestSeries();
    const first = new OpenInterestTracker({ market: BTC, series: port });
    first.update(oi(T0, 1_000));
    first.update(oi(T0 + 3 * DAY_MS, 1_050));
    expect(port.load("BTC", 0)).toEqual([{ tsMs: T0, openInterest: 1_000 }, { tsMs: T0 + 3 * DAY_MS, openInterest: 1_050 }]);
    const restarted = new OpenInterestTracker({ market: BTC, series: port, startMs: T0 + 7 * DAY_MS });
    restarted.update(oi(T0 + 7 * DAY_MS, 1_250));
    // (1250 − 1000) / 1000 = 0.25; 24 h is still a gap (nothing near T0 + 6 d)
    expect(restarted.value(T0 + 7 * DAY_MS)).toMatchObject({ change7d: expect.closeTo(0.25, 15), change24h: "insufficient" });
    expect(port.load("BTC", 0)).toHaveLength(3);
  });

  it("keeps a separate series per coin in one shared port, so a busy coin never starves another", () => {
    const port = new InMemoryOpenInterestSeries();
    const btc = new OpenInterestTracker({ market: BTC, series: port });
    const eth = new OpenInterestTracker({ market: ETH, series: port });
    btc.update(oi(T0, 1_000));
    for (let ts = T0; ts <= T0 + 4 * HOUR_MS; ts += MIN) eth.update(oi(ts, 7, ETH));
    btc.update(oi(T0 + 4 * HOUR_MS, 1_010));
    // (1010 − 1000) / 1000 = 0.01
    expect(btc.change("4h", T0 + 4 * HOUR_MS)).toBeCloseTo(0.01, 15);
    expect(port.load("BTC", 0)).toHaveLength(2);
    expect(port.load("ETH", 0)).toHaveLength(241);
  });

  it("equals a batch recomputation over random streams", () => {
    const step = fc.record({ dt: fc.integer({ min: 1, max: 40 * MIN }), oi: fc.oneof(fc.constant(0), fc.double({ min: 1e-6, max: 1e9, noNaN: true })) });
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 400 }), (steps) => {
        // Short horizons are not configurable, so stretch the stream: each dt is scaled ×30 (≤ 20 h per step).
        const t = new OpenInterestTracker({ market: BTC });
        const seen: OpenInterestSample[] = [];
        let ts = T0;
        for (const s of steps) {
          ts += s.dt * 30;
          t.update(oi(ts, s.oi));
          seen.push({ tsMs: ts, openInterest: s.oi });
        }
        // Batch: keep the first sample per minute, then pick the nearest within 15 min (ties: earlier).
        const kept = seen.filter((s, i) => i === 0 || Math.floor(seen[i - 1]!.tsMs / MIN) < Math.floor(s.tsMs / MIN));
        const latest = seen.at(-1)!;
        const batch = (h: OpenInterestHorizon): number | "insufficient" => {
          const target = latest.tsMs - OI_HORIZON_MS[h];
          let best: OpenInterestSample | undefined;
          for (const s of kept) {
            const d = Math.abs(s.tsMs - target);
            if (d <= 15 * MIN && (best === undefined || d < Math.abs(best.tsMs - target))) best = s;
          }
          return best === undefined || best.openInterest === 0 ? "insufficient" : (latest.openInterest - best.openInterest) / best.openInterest;
        };
        const v = t.value(latest.tsMs)!;
        for (const [h, got] of [["4h", v.change4h], ["24h", v.change24h], ["7d", v.change7d]] as const) {
          const want = batch(h);
          if (want === "insufficient") expect(got).toBe("insufficient");
          else expect(got).toBeCloseTo(want, 9);
        }
      }),
      { numRuns: 200 },
    );
  });
});
