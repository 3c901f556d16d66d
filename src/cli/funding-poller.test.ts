import { afterEach, describe, expect, it, vi } from "vitest";
import { perp } from "../core/index.ts";
import type { FundingSettlementEvent } from "../core/index.ts";
import { createMemoryLogger } from "../config/index.ts";
import type { FundingHistoryResult } from "../venues/hyperliquid/rest.ts";
import { FundingPoller } from "./funding-poller.ts";

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

  it("logs a failed request and asks again from the same settlement at the next poll", async () => {
    vi.useFakeTimers({ now: T0 + 30_000 });
    const rest = fakeRest({ BTC: [T0 + 48] }, 500, { count: 1 });
    const logger = createMemoryLogger();
    const delivered: number[] = [];
    const poller = new FundingPoller({ rest, coins: ["BTC"], startMs: T0, logger, deliver: (es) => delivered.push(...es.map((e) => e.tsEvent)) });
    poller.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(delivered).toEqual([]);
    expect(poller.failures).toBe(1);
    expect(logger.entries.some((e) => e.level === "warn" && (e.msg ?? "").includes("fundingHistory failed"))).toBe(true);
    await vi.advanceTimersByTimeAsync(H);
    expect(rest.calls.map((c) => c[1])).toEqual([T0, T0]);
    expect(delivered).toEqual([T0 + 48]);
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
});
