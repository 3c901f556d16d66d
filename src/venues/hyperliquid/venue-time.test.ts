import { describe, expect, it } from "vitest";
import { perp } from "../../core/index.ts";
import { HyperliquidParser, parseCandleRow, parseFundingRow, parseL2BookResponse } from "./parse.ts";
import type { ParseOutcome } from "./parse.ts";
import { checkVenueTime, DEFAULT_MAX_VENUE_TIME_AHEAD_MS, VENUE_TIME_FLOOR_MS } from "./numbers.ts";
import { SpotResolver } from "./spot.ts";

/*
 * Input sanity at the edge: a venue time before Hyperliquid kept any data (2023-01-01) or far
 * ahead of the moment we received it cannot be real. Times: the 2025-09-03 BTC recording
 * (book 1 756 904 112 212, received 1 756 904 112 547).
 */
const RECV = 1_756_904_112_547;
const BOOK_TIME = 1_756_904_112_212;
const LEVELS = [[{ px: "111038.0", sz: "8.84885", n: 3 }], [{ px: "111039.0", sz: "0.0036", n: 1 }]];

function parser(maxVenueTimeAheadMs?: number): HyperliquidParser {
  return new HyperliquidParser(maxVenueTimeAheadMs === undefined ? { spot: SpotResolver.empty() } : { spot: SpotResolver.empty(), maxVenueTimeAheadMs });
}

function book(time: unknown): string {
  return JSON.stringify({ channel: "l2Book", data: { coin: "BTC", time, levels: LEVELS } });
}

const messages = (outcome: ParseOutcome): string[] => outcome.rejects.map((r) => r.message);

describe("venue time sanity", () => {
  it("puts the floor at 2023-01-01T00:00:00Z and the default tolerance at 60 s", () => {
    // Date.UTC(2023, 0, 1) = 19 358 days × 86 400 000 ms.
    expect(VENUE_TIME_FLOOR_MS).toBe(1_672_531_200_000);
    expect(DEFAULT_MAX_VENUE_TIME_AHEAD_MS).toBe(60_000);
  });

  it("refuses a book stamped before the floor, naming field and value; the floor itself passes", () => {
    expect(messages(parser().parseFrame(book(1_672_531_199_999), RECV))).toEqual([
      "l2Book.time: venue time is before 2023-01-01T00:00:00.000Z, when no Hyperliquid data exists (got 1672531199999)",
    ]);
    expect(parser().parseFrame(book(1_672_531_200_000), RECV).events).toHaveLength(1);
  });

  it("refuses seconds where ms are due (1 756 904 112 s reads as 1970-01-21)", () => {
    expect(messages(parser().parseFrame(book(1_756_904_112), RECV))).toEqual([
      "l2Book.time: venue time is before 2023-01-01T00:00:00.000Z, when no Hyperliquid data exists (got 1756904112)",
    ]);
  });

  it("accepts a book up to 60 s ahead of its receive time and refuses one 60 001 ms ahead", () => {
    expect(parser().parseFrame(book(RECV + 60_000), RECV).events).toHaveLength(1);
    expect(messages(parser().parseFrame(book(RECV + 60_001), RECV))).toEqual([
      "l2Book.time: venue time is 60001 ms ahead of the receive time 1756904112547 (tolerance 60000 ms) (got 1756904172548)",
    ]);
    // A venue time behind the receive time is normal (latency): 335 ms here.
    expect(parser().parseFrame(book(BOOK_TIME), RECV).events[0]).toMatchObject({ tsEvent: BOOK_TIME, tsInit: RECV });
  });

  it("takes the tolerance from the options", () => {
    expect(parser(5_000).parseFrame(book(RECV + 5_000), RECV).events).toHaveLength(1);
    expect(messages(parser(5_000).parseFrame(book(RECV + 5_001), RECV))).toEqual([
      "l2Book.time: venue time is 5001 ms ahead of the receive time 1756904112547 (tolerance 5000 ms) (got 1756904117548)",
    ]);
  });

  it("refuses the impossible trade of a frame and keeps the good one", () => {
    const trade = (time: number, tid: number): unknown => ({ coin: "BTC", side: "B", px: "111039.0", sz: "0.00091", time, hash: "0x0", tid });
    const outcome = parser().parseFrame(JSON.stringify({ channel: "trades", data: [trade(1_756_904_102_005, 1), trade(RECV + 3_600_000, 2)] }), RECV);
    expect(outcome.events.map((e) => e.tsEvent)).toEqual([1_756_904_102_005]);
    expect(messages(outcome)).toEqual(["trades[1].time: venue time is 3600000 ms ahead of the receive time 1756904112547 (tolerance 60000 ms) (got 1756907712547)"]);
  });

  it("checks a forming candle's open time, not its close (which lies ahead by design)", () => {
    const t = 1_756_900_800_000; // 2025-09-03 12:00 UTC; received 12:55:12.547, 4 min 47 s before its close
    // The 14:00 bar, received at 12:55:12.547: 1 756 908 000 000 − 1 756 904 112 547 = 3 887 453 ms ahead.
    const bar = { t, T: t + 3_599_999, s: "BTC", i: "1h", o: "1", c: "1", h: "1", l: "1", v: "0" };
    expect(parser().parseFrame(JSON.stringify({ channel: "candle", data: bar }), RECV).rejects).toEqual([]);
    const future = { ...bar, t: t + 2 * 3_600_000, T: t + 3 * 3_600_000 - 1 };
    expect(messages(parser().parseFrame(JSON.stringify({ channel: "candle", data: future }), RECV))).toEqual([
      "candle.t: venue time is 3887453 ms ahead of the receive time 1756904112547 (tolerance 60000 ms) (got 1756908000000)",
    ]);
    expect(() => parseCandleRow({ ...bar, t: 1_600_000_000_000, T: 1_600_003_599_999 }, perp("BTC"), { closed: true, tsInit: 1_600_003_599_999 })).toThrow(
      "candle.t: venue time is before 2023-01-01T00:00:00.000Z, when no Hyperliquid data exists (got 1600000000000)",
    );
  });

  it("refuses a funding settlement before the floor or ahead of the poll that fetched it", () => {
    expect(() => parseFundingRow({ coin: "BTC", fundingRate: "0.0000125", time: 1_600_000_000_048 }, perp("BTC"))).toThrow(
      "fundingHistory.time: venue time is before 2023-01-01T00:00:00.000Z, when no Hyperliquid data exists (got 1600000000048)",
    );
    // Polled at 13:00:15 for the 13:00:00.048 settlement: fine; a 14:00 settlement in that poll is not.
    const poll = Date.UTC(2025, 8, 3, 13, 0, 15);
    expect(parseFundingRow({ coin: "BTC", fundingRate: "0.0000125", time: Date.UTC(2025, 8, 3, 13) + 48 }, perp("BTC"), poll).tsEvent).toBe(1_756_904_400_048);
    expect(() => parseFundingRow({ coin: "BTC", fundingRate: "0.0000125", time: Date.UTC(2025, 8, 3, 14) + 48 }, perp("BTC"), poll)).toThrow(
      "fundingHistory.time: venue time is 3585048 ms ahead of the receive time 1756904415000 (tolerance 60000 ms) (got 1756908000048)",
    );
  });

  it("applies to REST l2Book responses as well", () => {
    expect(() => parseL2BookResponse({ coin: "BTC", time: 12, levels: LEVELS }, perp("BTC"), RECV)).toThrow("l2Book.time: venue time is before 2023-01-01");
  });

  it("checkVenueTime without a receive time checks the floor only", () => {
    expect(() => checkVenueTime(Date.UTC(2100, 0, 1), "time", undefined, 0)).not.toThrow();
    expect(() => checkVenueTime(0, "time", undefined, 0)).toThrow("time: venue time is before 2023-01-01T00:00:00.000Z");
  });
});
