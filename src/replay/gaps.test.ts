import { describe, expect, it } from "vitest";
import { HOUR_MS, perp } from "../core/index.ts";
import type { CandleEvent, CandleInterval, FundingSettlementEvent } from "../core/index.ts";
import { GapDetector } from "./gaps.ts";

const BTC = perp("BTC");
const ETH = perp("ETH");
const MIN = 60_000;
const T0 = Date.UTC(2025, 6, 21, 12); // 2025-07-21 12:00 UTC

function candle(openTime: number, interval: CandleInterval = "1m", market = BTC): CandleEvent {
  const length = interval === "1h" ? HOUR_MS : MIN;
  const closeTime = openTime + length - 1;
  return { kind: "candle", market, interval, openTime, closeTime, tsEvent: closeTime, tsInit: closeTime, open: 1, high: 1, low: 1, close: 1, volume: 0, trades: undefined, closed: true };
}

function funding(tsEvent: number, periodMs = HOUR_MS): FundingSettlementEvent {
  return { kind: "funding", market: BTC, tsEvent, tsInit: tsEvent, rate: 1.25e-5, periodMs, premium: undefined };
}

describe("GapDetector", () => {
  it("finds skipped candle bars per market and interval with their exact count", () => {
    const gaps = new GapDetector();
    // BTC 1m: opens at 0, 1, 4, 5, 9 minutes → bars 2, 3 missing (one gap) and 6, 7, 8 (another).
    for (const m of [0, 1, 4, 5, 9]) gaps.observe(candle(T0 + m * MIN));
    // ETH 1m and BTC 1h interleaved: complete, no gaps.
    for (const m of [0, 1, 2]) gaps.observe(candle(T0 + m * MIN, "1m", ETH));
    gaps.observe(candle(T0, "1h"));
    gaps.observe(candle(T0 + HOUR_MS, "1h"));
    expect(gaps.count).toBe(2);
    expect(gaps.missing).toBe(5);
    expect(gaps.gaps).toEqual([
      { key: BTC.key, kind: "candle", interval: "1m", fromMs: T0 + 2 * MIN, toMs: T0 + 4 * MIN, missing: 2 },
      { key: BTC.key, kind: "candle", interval: "1m", fromMs: T0 + 6 * MIN, toMs: T0 + 9 * MIN, missing: 3 },
    ]);
    expect(gaps.countsByKey).toEqual(new Map([[`${BTC.key}|candle|1m`, 2]]));
  });

  it("ignores repeated or earlier bars from overlapping files", () => {
    const gaps = new GapDetector();
    for (const m of [0, 1, 1, 0, 2]) gaps.observe(candle(T0 + m * MIN));
    expect(gaps.count).toBe(0);
  });

  it("counts a funding gap only past 1.5 periods of the earlier settlement, ignoring ms jitter", () => {
    const gaps = new GapDetector();
    const eightHourly = Date.UTC(2023, 5, 7, 16);
    gaps.observe(funding(eightHourly + 254, 8 * HOUR_MS)); // 8-hourly phase: next one due 8 h later
    gaps.observe(funding(eightHourly + 8 * HOUR_MS + 48, 8 * HOUR_MS));
    const hourly = eightHourly + 9 * HOUR_MS;
    gaps.observe(funding(hourly + 54));
    gaps.observe(funding(hourly + HOUR_MS + 123));
    gaps.observe(funding(hourly + 3 * HOUR_MS + 7)); // one hour missing
    expect(gaps.gaps).toEqual([{ key: BTC.key, kind: "funding", interval: undefined, fromMs: hourly + 2 * HOUR_MS + 123, toMs: hourly + 3 * HOUR_MS + 7, missing: 1 }]);
  });

  it("lists connection gaps from status events", () => {
    const gaps = new GapDetector();
    gaps.observe({ kind: "status", source: "hyperliquid-ws", state: "gap", tsEvent: T0 + 5000, tsInit: T0 + 5000, gapFrom: T0, gapTo: T0 + 5000, detail: "" });
    gaps.observe({ kind: "status", source: "hyperliquid-ws", state: "connected", tsEvent: T0 + 5000, tsInit: T0 + 5000, gapFrom: undefined, gapTo: undefined, detail: "" });
    expect(gaps.gaps).toEqual([{ key: "hyperliquid-ws", kind: "status", interval: undefined, fromMs: T0, toMs: T0 + 5000, missing: undefined }]);
  });

  it("keeps counting past maxListed but lists only that many", () => {
    const gaps = new GapDetector(1);
    for (const m of [0, 2, 4, 6]) gaps.observe(candle(T0 + m * MIN));
    expect(gaps.count).toBe(3);
    expect(gaps.gaps).toHaveLength(1);
  });
});
