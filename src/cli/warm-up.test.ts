import { describe, expect, it } from "vitest";
import { createMemoryLogger } from "../config/index.ts";
import type { CandleInterval } from "../core/index.ts";
import type { RawCandleRow } from "../venues/hyperliquid/parse.ts";
import { fetchWarmUp, warmUpWeight } from "./warm-up.ts";

const NOW = Date.UTC(2025, 8, 1, 12, 30, 20);

/** A REST stand-in answering candleSnapshot with one row per minute/hour in the window (the last one forming) and 3 settlements. */
function fakeRest(calls: string[]) {
  return {
    candleSnapshot: (coin: string, interval: CandleInterval, start: number, end: number) => {
      calls.push(`candles ${coin} ${interval}`);
      const step = interval === "1m" ? 60_000 : 3_600_000;
      const rows: RawCandleRow[] = [];
      for (let t = Math.ceil(start / step) * step; t <= end; t += step) rows.push({ t, T: t + step - 1, s: coin, i: interval, o: "1", c: "1", h: "1", l: "1", v: "1" });
      return Promise.resolve({ rows, candles: [], rejects: [] });
    },
    fundingHistory: (coin: string) => {
      calls.push(`funding ${coin}`);
      const rows = [1, 2, 3].map((h) => ({ coin, fundingRate: "0.0000125", premium: "0", time: Math.floor(NOW / 3_600_000) * 3_600_000 - h * 3_600_000 + 48 }));
      return Promise.resolve({ rows, events: [], rejects: [] });
    },
  };
}

describe("fetchWarmUp", () => {
  it("keeps exactly the asked number of CLOSED bars per market and interval (the forming one comes live) and the settlements", async () => {
    const calls: string[] = [];
    const warm = await fetchWarmUp(fakeRest(calls), { coins: ["BTC"], spotPairs: [], intervals: ["1m", "1h"], bars: 30, fundingHours: 24 }, NOW, createMemoryLogger());
    expect(warm.body.candles.map((c) => [c.coin, c.interval, c.rows.length])).toEqual([
      ["BTC", "1m", 30],
      ["BTC", "1h", 30],
    ]);
    // The newest kept 1 m bar is the one that closed at 12:29:59.999; 12:30 is forming.
    expect(warm.body.candles[0]?.rows.at(-1)?.t).toBe(Date.UTC(2025, 8, 1, 12, 29));
    expect(warm).toMatchObject({ bars: 60, settlements: 3, failures: 0, skippedCoins: [] });
  });

  it("spends at most its weight budget, the first coins first: the rest warm up from live data", async () => {
    const plan = { intervals: ["1m", "1h"] as CandleInterval[], bars: 1500, fundingHours: 72 };
    // Per perp without a spot pair: 2 × (20 + ⌈1501 / 60⌉ = 26) + (20 + ⌈72 / 20⌉ = 4) = 116.
    expect(warmUpWeight(plan, false)).toBe(116);
    // With its spot pair's two series: 4 × 46 + 24 = 208.
    expect(warmUpWeight(plan, true)).toBe(208);
    const calls: string[] = [];
    const logger = createMemoryLogger();
    const warm = await fetchWarmUp(fakeRest(calls), { coins: ["BTC", "ETH", "SOL"], spotPairs: [], ...plan, maxWeight: 240 }, NOW, logger);
    expect(warm.skippedCoins).toEqual(["SOL"]);
    expect(calls).toEqual(["candles BTC 1m", "candles BTC 1h", "candles ETH 1m", "candles ETH 1h", "funding BTC", "funding ETH"]);
    expect(logger.entries.find((e) => e.msg?.startsWith("warm-up: weight budget"))?.fields).toMatchObject({ warmed: 2, skipped: 1, weight: 232, maxWeight: 240 });
  });

  it("logs a failed request and warms up the rest", async () => {
    const calls: string[] = [];
    const rest = { ...fakeRest(calls), fundingHistory: () => Promise.reject(new Error("HTTP 500")) };
    const logger = createMemoryLogger();
    const warm = await fetchWarmUp(rest, { coins: ["BTC"], spotPairs: [], intervals: ["1h"], bars: 5, fundingHours: 24 }, NOW, logger);
    expect(warm).toMatchObject({ bars: 5, settlements: 0, failures: 1 });
    expect(logger.entries.find((e) => e.level === "warn")?.fields).toMatchObject({ err: "HTTP 500", coin: "BTC" });
  });
});
