import { afterEach, describe, expect, it, vi } from "vitest";
import { perp } from "../core/index.ts";
import type { FundingSettlementEvent } from "../core/index.ts";
import { createMemoryLogger } from "../config/index.ts";
import type { FundingHistoryResult } from "../venues/hyperliquid/rest.ts";
import { FundingPoller, fundingResumePoints } from "./funding-poller.ts";

const H = 3_600_000;
/** 2025-01-01T00:00:00Z. */
const T0 = Date.UTC(2025, 0, 1);

function settlement(coin: string, tsMs: number): FundingSettlementEvent {
  return { kind: "funding", market: perp(coin), tsEvent: tsMs, tsInit: tsMs, rate: 1e-5, periodMs: H, premium: undefined };
}

/** A fake fundingHistory: every settlement at or after startTime, at most `pageSize` per answer. */
function fakeRest(rows: Record<string, number[]>, pageSize = 500, fail: { count: number } = { count: 0 }) {
  const calls: [string, number][] = [];
  return {
    calls,
    fundingHistory: (coin: string, startTimeMs: number): Promise<FundingHistoryResult> => {
      calls.push([coin, startTimeMs]);
      if (fail.count > 0) {
        fail.count -= 1;
        return Promise.reject(new Error("503"));
      }
      const times = (rows[coin] ?? []).filter((t) => t >= startTimeMs).slice(0, pageSize);
      return Promise.resolve({ rows: times.map((time) => ({ coin, fundingRate: "0.00001", time })), events: times.map((t) => settlement(coin, t)), rejects: [] });
    },
  };
}

afterEach(() => {
  vi.useRealTimers();
});

describe("FundingPoller", () => {
  it("polls at start and 15 s after every UTC hour, from the last settlement + 1 ms, delivering each settlement once", async () => {
    vi.useFakeTimers({ now: T0 + 10 * 60_000 });
    const rows: Record<string, number[]> = { BTC: [T0 + 48], ETH: [] };
    const rest = fakeRest(rows);
    const delivered: [string, number][] = [];
    const poller = new FundingPoller({ rest, coins: ["BTC", "ETH"], startMs: T0, lastSettlementMs: { ETH: T0 - H + 50 }, logger: createMemoryLogger(), deliver: (es) => delivered.push(...es.map((e): [string, number] => [e.market.symbol, e.tsEvent])) });
    poller.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(rest.calls).toEqual([["BTC", T0], ["ETH", T0 - H + 51]]);
    expect(delivered).toEqual([["BTC", T0 + 48]]);
    // Nothing until 01:00:15.
    rows["BTC"]?.push(T0 + H + 60);
    rows["ETH"]?.push(T0 + H + 70);
    await vi.advanceTimersByTimeAsync(H - 10 * 60_000 + 14_999);
    expect(rest.calls).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(rest.calls.slice(2)).toEqual([["BTC", T0 + 49], ["ETH", T0 - H + 51]]);
    expect(delivered).toEqual([["BTC", T0 + 48], ["BTC", T0 + H + 60], ["ETH", T0 + H + 70]]);
    await vi.advanceTimersByTimeAsync(H);
    expect(rest.calls.slice(4)).toEqual([["BTC", T0 + H + 61], ["ETH", T0 + H + 71]]);
    expect(delivered).toHaveLength(3);
    await poller.stop();
    expect(poller.polls).toBe(3);
  });

  // Was "asks again … at the next poll" (an hour later); a failed poll now retries with backoff within the hour.
  it("logs a failed request and asks again from the same settlement after 30 s, 1 min, 2 min, … (not an hour later)", async () => {
    vi.useFakeTimers({ now: T0 + 30_000 });
    const rest = fakeRest({ BTC: [T0 + 48] }, 500, { count: 3 });
    const logger = createMemoryLogger();
    const delivered: number[] = [];
    const poller = new FundingPoller({ rest, coins: ["BTC"], startMs: T0, logger, deliver: (es) => delivered.push(...es.map((e) => e.tsEvent)) });
    const callTimes: number[] = [];
    const inner = rest.fundingHistory;
    rest.fundingHistory = (coin: string, from: number) => {
      callTimes.push(Date.now() - T0);
      return inner(coin, from);
    };
    poller.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(delivered).toEqual([]);
    expect(poller.failures).toBe(1);
    expect(logger.entries.some((e) => e.level === "warn" && (e.msg ?? "").includes("fundingHistory failed"))).toBe(true);
    // Fails at 00:00:30, 00:01:00 (+30 s), 00:02:00 (+60 s); succeeds at 00:04:00 (+120 s).
    await vi.advanceTimersByTimeAsync(3 * 60_000 + 29_999);
    expect(delivered).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(callTimes).toEqual([30_000, 60_000, 120_000, 240_000]);
    expect(rest.calls.map((c) => c[1])).toEqual([T0, T0, T0, T0]);
    expect(delivered).toEqual([T0 + 48]);
    expect(poller.failures).toBe(3);
    // Then the hourly poll again, at 01:00:15: 60 min 15 s − 4 min = 56 min 15 s later.
    await vi.advanceTimersByTimeAsync(56 * 60_000 + 14_999);
    expect(callTimes).toHaveLength(4);
    await vi.advanceTimersByTimeAsync(1);
    expect(callTimes.at(-1)).toBe(H + 15_000);
    expect(rest.calls.at(-1)).toEqual(["BTC", T0 + 49]);
    await poller.stop();
  });

  it("retries only the coins that failed, and never later than the next hourly poll", async () => {
    // 00:59:40: the hourly poll is due at 01:00:15, 35 s ahead.
    vi.useFakeTimers({ now: T0 + H - 20_000 });
    const rest = fakeRest({ BTC: [T0 + 48], ETH: [T0 + 52] });
    let ethFailures = 2;
    const inner = rest.fundingHistory;
    const callTimes: [string, number][] = [];
    rest.fundingHistory = (coin: string, from: number) => {
      callTimes.push([coin, Date.now() - T0]);
      if (coin === "ETH" && ethFailures > 0) {
        ethFailures -= 1;
        return Promise.reject(new Error("503"));
      }
      return inner(coin, from);
    };
    const delivered: [string, number][] = [];
    const poller = new FundingPoller({ rest, coins: ["BTC", "ETH"], startMs: T0, logger: createMemoryLogger(), deliver: (es) => delivered.push(...es.map((e): [string, number] => [e.market.symbol, e.tsEvent])) });
    poller.start();
    await vi.advanceTimersByTimeAsync(0);
    // ETH failed at 00:59:40; its retry 30 s later (01:00:10) is before the hourly poll (01:00:15).
    await vi.advanceTimersByTimeAsync(30_000);
    // ETH failed again; the next retry (+60 s = 01:01:10) would come after 01:00:15: the hourly poll asks for both.
    await vi.advanceTimersByTimeAsync(5_000);
    expect(callTimes).toEqual([
      ["BTC", H - 20_000],
      ["ETH", H - 20_000],
      ["ETH", H + 10_000],
      ["BTC", H + 15_000],
      ["ETH", H + 15_000],
    ]);
    expect(delivered).toEqual([["BTC", T0 + 48], ["ETH", T0 + 52]]);
    expect(poller.failures).toBe(2);
    await poller.stop();
  });

  it("asks again while a response is a full page (a restart after a long stop), in time order", async () => {
    vi.useFakeTimers({ now: T0 + 30_000 });
    const times = Array.from({ length: 5 }, (_, i) => T0 + i * H + 50);
    const rest = fakeRest({ BTC: times }, 2);
    const delivered: number[] = [];
    // Pages of 2 rows stand in for the venue's 500.
    const poller = new FundingPoller({ rest, coins: ["BTC"], startMs: T0, rowsPerResponse: 2, logger: createMemoryLogger(), deliver: (es) => delivered.push(...es.map((e) => e.tsEvent)) });
    await poller.pollOnce();
    expect(delivered).toEqual(times);
    // Pages from the start, from 1 h + 51 ms and from 3 h + 51 ms; the last (one row) ends it.
    expect(rest.calls.map((c) => c[1])).toEqual([T0, T0 + H + 51, T0 + 3 * H + 51]);
    await poller.stop();
  });

  it("a restart on a journal that paid no settlement yet asks from its oldest open position: the settlement missed while down is caught up", async () => {
    // A BTC long opened 00:40, the monitor down from 00:50 to 01:30: the 01:00 settlement (+50 ms) is owed.
    vi.useFakeTimers({ now: T0 + H + 30 * 60_000 });
    const key = (coin: string): string => perp(coin).key;
    const state = { lastFundingMs: {}, positions: [{ openedMs: T0 + 40 * 60_000, legs: [{ market: { key: key("BTC") }, remainingSz: 0.1 }] }] };
    const resume = fundingResumePoints(state, ["BTC", "ETH"], key);
    // BTC from 00:40:00.000 (resume point 1 ms before it); ETH holds nothing and has paid nothing: left to startMs.
    expect(resume).toEqual({ BTC: T0 + 40 * 60_000 - 1 });
    const rest = fakeRest({ BTC: [T0 - H + 50, T0 + 50, T0 + H + 50], ETH: [T0 + H + 50] });
    const delivered: [string, number][] = [];
    const poller = new FundingPoller({ rest, coins: ["BTC", "ETH"], lastSettlementMs: resume, startMs: Date.now(), logger: createMemoryLogger(), deliver: (es) => delivered.push(...es.map((e): [string, number] => [e.market.symbol, e.tsEvent])) });
    await poller.pollOnce();
    expect(rest.calls).toEqual([["BTC", T0 + 40 * 60_000], ["ETH", T0 + H + 30 * 60_000]]);
    expect(delivered).toEqual([["BTC", T0 + H + 50]]);
    await poller.stop();
  });

  it("resumes from the later of the last settlement paid and the oldest open position", () => {
    const key = (coin: string): string => perp(coin).key;
    const leg = (coin: string, remainingSz = 1) => ({ market: { key: key(coin) }, remainingSz });
    const state = {
      // BTC paid 01:00; ETH paid 01:00; SOL paid 00:00.
      lastFundingMs: { [key("BTC")]: T0 + H + 50, [key("ETH")]: T0 + H + 50, [key("SOL")]: T0 + 50 },
      positions: [
        // BTC: open since 00:30, before the last payment → from the payment.
        { openedMs: T0 + 30 * 60_000, legs: [leg("BTC")] },
        // ETH: open since 01:20 (after the last payment) and 01:10 → from the older one, 01:10.
        { openedMs: T0 + H + 20 * 60_000, legs: [leg("ETH")] },
        { openedMs: T0 + H + 10 * 60_000, legs: [leg("ETH"), leg("SOL", 0)] },
      ],
    };
    // SOL's only leg is fully closed (remainingSz 0): from its payment.
    expect(fundingResumePoints(state, ["BTC", "ETH", "SOL", "AVAX"], key)).toEqual({ BTC: T0 + H + 50, ETH: T0 + H + 10 * 60_000 - 1, SOL: T0 + 50 });
    expect(fundingResumePoints(undefined, ["BTC"], key)).toEqual({});
  });
});
