import { describe, expect, it } from "vitest";
import { fundingRatePerHour } from "../core/index.ts";
import type { MarketEvent } from "../core/index.ts";
import { ContrarianFundingStrategy } from "./contrarian-funding.ts";
import { EXTREME_FUNDING_PER_HOUR } from "./funding-volume.ts";
import { BTC, feed, fundingAt, hourlyBars, inTimeOrder, T0 } from "./test-events.ts";

const H = 3_600_000;
const NOW = T0 + 21 * H;

function events(rate: number, lastVolume = 1.2): MarketEvent[] {
  return inTimeOrder([...hourlyBars(BTC, T0, 21, 1000, lastVolume), fundingAt(BTC, NOW, rate)]);
}

const fire = (rate: number, lastVolume = 1.2) => feed(new ContrarianFundingStrategy(BTC), events(rate, lastVolume));

describe("ContrarianFundingStrategy", () => {
  it("shorts extreme positive funding with LOW confidence, 2 % stop and 1.5 % target", () => {
    const [s] = fire(5e-5);
    expect(s?.side).toBe("short");
    expect(s?.confidence).toBe("LOW");
    expect(s?.stopPx).toBeCloseTo(1020, 9);
    expect(s?.targetPx).toBeCloseTo(985, 9);
  });

  it("longs extreme negative funding", () => {
    expect(fire(-5e-5).map((s) => s.side)).toEqual(["long"]);
  });

  it("fires just inside the extreme level, not at it, not just outside", () => {
    expect(fire(EXTREME_FUNDING_PER_HOUR * (1 + 1e-9))).toHaveLength(1);
    // The metric sees rate × 3.6e6 / periodMs (maybe one ulp off the input): "at" uses what it sees.
    const seen = fundingRatePerHour(fundingAt(BTC, NOW, EXTREME_FUNDING_PER_HOUR));
    expect(feed(new ContrarianFundingStrategy(BTC, { extremePerHour: seen }), events(EXTREME_FUNDING_PER_HOUR))).toHaveLength(0);
    expect(fire(EXTREME_FUNDING_PER_HOUR * (1 - 1e-9))).toHaveLength(0);
    expect(feed(new ContrarianFundingStrategy(BTC, { extremePerHour: seen }), events(-EXTREME_FUNDING_PER_HOUR))).toHaveLength(0);
  });

  it("fires at Hyperliquid's baseline funding (1.25e-5 /h = 10.95 %/yr is above 10 %/yr)", () => {
    expect(fire(1.25e-5)).toHaveLength(1);
  });

  it("applies the 1.2× volume filter", () => {
    expect(fire(5e-5, 1.19)).toEqual([]);
  });

  it("never fires during warm-up or on a stale settlement", () => {
    expect(feed(new ContrarianFundingStrategy(BTC), events(5e-5).slice(1))).toEqual([]);
    const strategy = new ContrarianFundingStrategy(BTC);
    const list = events(5e-5);
    feed(strategy, list.slice(0, -1));
    expect(strategy.onEvent(list.at(-1)!, { nowMs: NOW + 2 * H + 1 })).toEqual([]);
  });
});
