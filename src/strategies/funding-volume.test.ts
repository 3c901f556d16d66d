import { describe, expect, it } from "vitest";
import { fundingRatePerHour } from "../core/index.ts";
import type { MarketEvent } from "../core/index.ts";
import { EXTREME_FUNDING_PER_HOUR, FundingVolumeStrategy } from "./funding-volume.ts";
import { BTC, feed, fundingAt, hourlyBars, inTimeOrder, T0 } from "./test-events.ts";

const H = 3_600_000;
const NOW = T0 + 21 * H;

/** 21 hourly bars at 1000 (volume 1, the last `lastVolume`), then one settlement of `rate` at their end. */
function events(rate: number, lastVolume: number): MarketEvent[] {
  return inTimeOrder([...hourlyBars(BTC, T0, 21, 1000, lastVolume), fundingAt(BTC, NOW, rate)]);
}

const fire = (rate: number, lastVolume: number, config: unknown = {}) => feed(new FundingVolumeStrategy(BTC, config), events(rate, lastVolume));

describe("FundingVolumeStrategy", () => {
  it("uses 10 %/yr as an hourly fraction: 0.1 / 8760 ≈ 1.1416e-5", () => {
    expect(EXTREME_FUNDING_PER_HOUR).toBeCloseTo(1.1415525e-5, 12);
  });

  it("fades extreme positive funding on declining volume with a short", () => {
    const [s] = fire(5e-5, 0.5);
    expect(s?.side).toBe("short");
    expect(s?.reason).toMatch(/declining volume 0.50 ×: fade$/);
    expect(s?.metrics["fundingRateAnnualized"]).toBeCloseTo(0.438, 12); // 5e-5 × 8760
  });

  it("follows extreme positive funding on surging volume with a long, negative funding the other way", () => {
    expect(fire(5e-5, 2).map((s) => s.side)).toEqual(["long"]);
    expect(fire(-5e-5, 2).map((s) => s.side)).toEqual(["short"]);
    expect(fire(-5e-5, 0.5).map((s) => s.side)).toEqual(["long"]);
  });

  it("needs |funding| strictly above the extreme level: not at it, yes just inside, no just outside", () => {
    // The metric sees rate × 3.6e6 / periodMs, which may differ from the input by one ulp: "at" uses what it sees.
    const seen = fundingRatePerHour(fundingAt(BTC, NOW, EXTREME_FUNDING_PER_HOUR));
    expect(fire(EXTREME_FUNDING_PER_HOUR, 0.5, { extremePerHour: seen })).toHaveLength(0);
    expect(fire(EXTREME_FUNDING_PER_HOUR * (1 + 1e-9), 0.5)).toHaveLength(1);
    expect(fire(EXTREME_FUNDING_PER_HOUR * (1 - 1e-9), 0.5)).toHaveLength(0);
  });

  it("fades below a 0.8 volume ratio, not at it, not just above it", () => {
    expect(fire(5e-5, 0.79)).toHaveLength(1);
    expect(fire(5e-5, 0.8)).toHaveLength(0);
    expect(fire(5e-5, 0.81)).toHaveLength(0);
  });

  it("follows above a 1.5 volume ratio, not at it, not just below it", () => {
    expect(fire(5e-5, 1.51)).toHaveLength(1);
    expect(fire(5e-5, 1.5)).toHaveLength(0);
    expect(fire(5e-5, 1.49)).toHaveLength(0);
  });

  it("never fires during warm-up (20 bars) or on a stale settlement", () => {
    expect(feed(new FundingVolumeStrategy(BTC), events(5e-5, 0.5).slice(1))).toEqual([]);
    const strategy = new FundingVolumeStrategy(BTC);
    const list = events(5e-5, 0.5);
    feed(strategy, list.slice(0, -1));
    expect(strategy.onEvent(list.at(-1)!, { nowMs: NOW + 2 * H + 1 })).toEqual([]);
  });

  it("opts out of the 1.2× volume filter, saying why", () => {
    expect(new FundingVolumeStrategy(BTC).description.volumeFilter.applies).toBe(false);
  });
});
