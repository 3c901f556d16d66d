import { describe, expect, it } from "vitest";
import { ConfigError } from "../core/index.ts";
import type { CandleEvent } from "../core/index.ts";
import { VwapReversionStrategy } from "./vwap-reversion.ts";
import { bar, BTC, feed, T0 } from "./test-events.ts";

const MIN = 60_000;
const DAY = 86_400_000;
/** 2024-01-02 12:00:00.000 UTC. */
const NOON = T0 + DAY + 12 * 60 * MIN;

/**
 * 18 bars of volume 1 the day before (they only feed the volume mean), then the session's two
 * bars at 99 and 101 (volume 1: VWAP 100, population σ 1, exactly), then the last bar at `px`
 * with volume 0 (ratio 0; a zero-volume bar moves the price, not the VWAP), so z = px − 100.
 * The last bar closes at `closeMs`.
 */
function fixture(px: number, closeMs = NOON + MIN - 1, lastVolume = 0): CandleEvent[] {
  const lastOpen = closeMs - MIN + 1;
  const out: CandleEvent[] = [];
  for (let i = 0; i < 18; i += 1) out.push(bar(BTC, "1m", lastOpen - DAY + i * MIN, 100, 1));
  out.push(bar(BTC, "1m", lastOpen - 2 * MIN, 99, 1), bar(BTC, "1m", lastOpen - MIN, 101, 1), bar(BTC, "1m", lastOpen, px, lastVolume));
  return out;
}

const fires = (events: CandleEvent[], config: unknown = {}) => feed(new VwapReversionStrategy(BTC, config), events);

describe("VwapReversionStrategy", () => {
  it("fades a +2 σ stretch with a short toward the VWAP", () => {
    const [s, ...rest] = fires(fixture(102));
    expect(rest).toEqual([]);
    expect(s?.side).toBe("short");
    expect(s?.entryPx).toBe(102);
    expect(s?.targetPx).toBe(100);
    expect(s?.stopPx).toBe(103.5); // 100 + 3.5 × 1
    expect(s?.metrics).toMatchObject({ vwap: 100, vwapStd: 1, zScore: 2, volumeRatio: 0 });
  });

  it("fades a −2 σ stretch with a long", () => {
    const [s] = fires(fixture(98));
    expect(s?.side).toBe("long");
    expect(s?.stopPx).toBe(96.5);
  });

  it("fires at |z| = 1.5 and just inside it, not just outside", () => {
    expect(fires(fixture(101.5))).toHaveLength(1);
    expect(fires(fixture(101.51))).toHaveLength(1);
    expect(fires(fixture(101.49))).toHaveLength(0);
    expect(fires(fixture(98.5))).toHaveLength(1);
    expect(fires(fixture(98.51))).toHaveLength(0);
  });

  it("fires at |z| = 2.5 and just inside it, not just outside", () => {
    expect(fires(fixture(102.5))).toHaveLength(1);
    expect(fires(fixture(102.49))).toHaveLength(1);
    expect(fires(fixture(102.51))).toHaveLength(0);
    expect(fires(fixture(97.49))).toHaveLength(0);
  });

  it("only fires from 12:00:00.000 up to, not including, 20:00 UTC", () => {
    expect(fires(fixture(102, NOON - 1))).toHaveLength(0);
    expect(fires(fixture(102, NOON))).toHaveLength(1);
    expect(fires(fixture(102, NOON + 8 * 60 * MIN - 1))).toHaveLength(1);
    expect(fires(fixture(102, NOON + 8 * 60 * MIN))).toHaveLength(0);
  });

  it("fires at a volume ratio of 1.3 and just under, not just over", () => {
    // Ten session bars alternating 99/101 (volume 1) and the last at 103: with weight 1.3 the VWAP is
    // (1000 + 1.3 × 103) / 11.3 = 100.345, σ = 1.3421, z = 1.978 (in the band).
    const tenBars = (lastVolume: number): CandleEvent[] => {
      const lastOpen = NOON;
      const out: CandleEvent[] = [];
      for (let i = 0; i < 10; i += 1) out.push(bar(BTC, "1m", lastOpen - DAY + i * MIN, 100, 1));
      for (let i = 0; i < 10; i += 1) out.push(bar(BTC, "1m", lastOpen - (10 - i) * MIN, i % 2 === 0 ? 99 : 101, 1));
      out.push(bar(BTC, "1m", lastOpen, 103, lastVolume));
      return out;
    };
    const [s] = fires(tenBars(1.3));
    expect(s?.metrics["zScore"]).toBeCloseTo(1.978, 3);
    expect(s?.metrics["volumeRatio"]).toBe(1.3);
    expect(fires(tenBars(1.29))).toHaveLength(1);
    expect(fires(tenBars(1.31))).toHaveLength(0);
  });

  it("never fires during warm-up (no volume mean yet) or on a stale bar", () => {
    expect(fires(fixture(102).slice(1))).toHaveLength(0);
    const strategy = new VwapReversionStrategy(BTC);
    const events = fixture(102);
    feed(strategy, events.slice(0, -1));
    const last = events.at(-1)!;
    expect(strategy.onEvent(last, { nowMs: last.closeTime + 2 * MIN + 1 })).toEqual([]);
  });

  it("opts out of the 1.2× volume filter, saying why", () => {
    const d = new VwapReversionStrategy(BTC).description;
    expect(d.volumeFilter.applies).toBe(false);
    expect(d.entry).toBe("12:00–20:00 UTC, latest 1m bar volume ≤ 1.3 × the mean of the 20 before, p90 of the last 1000 |values| (1.5 until 100) ≤ |z| ≤ 2.5 (and < stopZ): fade (z > 0 short, z < 0 long)");
  });

  it("rejects a stop inside the entry band", () => {
    expect(() => new VwapReversionStrategy(BTC, { stopZ: 2.5 })).toThrow(ConfigError);
    expect(() => new VwapReversionStrategy(BTC, { minAbsZ: 3 })).toThrow("strategies.vwapReversion.minAbsZ");
  });
});
