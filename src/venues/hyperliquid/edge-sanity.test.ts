import { describe, expect, it } from "vitest";
import { perp } from "../../core/index.ts";
import { HyperliquidParser, parseCandleRow, parseL2BookResponse } from "./parse.ts";
import type { HyperliquidParserOptions, ParseOutcome } from "./parse.ts";
import { SpotResolver } from "./spot.ts";

/*
 * Sanity at the edge (issue 13, docs/LIVE.md "Sanity at the edge"): books sorted and uncrossed,
 * candles with low ≤ open, close ≤ high, a price jump quarantined until confirmed, frames only for
 * subscribed markets, a bounded frame size and a bounded number of rejects per frame.
 */
const RESOLVER = SpotResolver.fromSpotMeta({
  tokens: [
    { name: "USDC", szDecimals: 8, weiDecimals: 8, index: 0, isCanonical: true },
    { name: "UBTC", szDecimals: 5, weiDecimals: 10, index: 197, isCanonical: false },
    { name: "HYPE", szDecimals: 2, weiDecimals: 8, index: 150, isCanonical: false },
  ],
  universe: [
    { tokens: [197, 0], name: "@142", index: 142, isCanonical: false },
    { tokens: [150, 0], name: "@107", index: 107, isCanonical: false },
  ],
});
const T0 = 1_761_786_491_067; // a venue time, ms
const RECV = T0 + 42;

function parser(options: Partial<HyperliquidParserOptions> = {}): HyperliquidParser {
  return new HyperliquidParser({ spot: RESOLVER, ...options });
}

function frame(channel: string, data: unknown): string {
  return JSON.stringify({ channel, data });
}

/** A two-level book whose best bid is `bid` and best ask `bid + 1`. */
function book(coin: string, time: number, bid: number): string {
  return frame("l2Book", {
    coin,
    time,
    levels: [
      [
        { px: String(bid), sz: "1", n: 1 },
        { px: String(bid - 1), sz: "2", n: 1 },
      ],
      [
        { px: String(bid + 1), sz: "1", n: 1 },
        { px: String(bid + 3), sz: "2", n: 1 },
      ],
    ],
  });
}

function messages(outcome: ParseOutcome): string[] {
  return outcome.rejects.map((r) => r.message);
}

describe("books at the edge: sorted and uncrossed", () => {
  const levels = (bids: string[], asks: string[]) => [bids.map((px) => ({ px, sz: "1", n: 1 })), asks.map((px) => ({ px, sz: "1", n: 1 }))];

  it("refuses bids not sorted descending, naming the level and its price", () => {
    const outcome = parser().parseFrame(frame("l2Book", { coin: "BTC", time: T0, levels: levels(["100", "101"], ["102"]) }), RECV);
    expect(outcome.events).toEqual([]);
    expect(messages(outcome)).toEqual(["l2Book.levels[0][1].px: bids must be sorted descending (level 0 is 100) (got 101)"]);
  });

  it("refuses asks not sorted ascending, and a repeated price level", () => {
    expect(messages(parser().parseFrame(frame("l2Book", { coin: "BTC", time: T0, levels: levels(["100"], ["103", "102"]) }), RECV))).toEqual([
      "l2Book.levels[1][1].px: asks must be sorted ascending (level 0 is 103) (got 102)",
    ]);
    expect(messages(parser().parseFrame(frame("l2Book", { coin: "BTC", time: T0, levels: levels(["100", "100"], ["102"]) }), RECV))).toEqual([
      "l2Book.levels[0][1].px: bids must be sorted descending (level 0 is 100) (got 100)",
    ]);
  });

  it("refuses a crossed or locked book", () => {
    expect(messages(parser().parseFrame(frame("l2Book", { coin: "BTC", time: T0, levels: levels(["102", "101"], ["101.5"]) }), RECV))).toEqual([
      "l2Book.levels[0][0].px: must be below the best ask 101.5 (a crossed or locked book) (got 102)",
    ]);
    expect(() => parseL2BookResponse({ coin: "BTC", time: T0, levels: levels(["101"], ["101"]) }, perp("BTC"), RECV)).toThrow(
      "l2Book.levels[0][0].px: must be below the best ask 101 (a crossed or locked book) (got 101)",
    );
  });

  it("still accepts a one-sided or empty book", () => {
    expect(parser().parseFrame(frame("l2Book", { coin: "BTC", time: T0, levels: levels([], ["101", "102"]) }), RECV).rejects).toEqual([]);
    expect(parser().parseFrame(frame("l2Book", { coin: "BTC", time: T0, levels: [[], []] }), RECV).rejects).toEqual([]);
  });
});

describe("candles at the edge: low ≤ open, close ≤ high", () => {
  const row = { t: 1_684_699_200_000, T: 1_684_702_799_999, s: "kPEPE", i: "1h", o: "0.001601", c: "0.001604", h: "0.001616", l: "0.001601", v: "5", n: 7 };
  const parse = (r: typeof row) => parseCandleRow(r, perp("kPEPE"), { closed: true, tsInit: r.T });

  it("accepts a bar whose open and close lie on its low and high", () => {
    expect(parse({ ...row, o: "0.001601", c: "0.001616" })).toMatchObject({ open: 0.001601, close: 0.001616 });
  });

  it("refuses a high below the low, an open or a close outside the range", () => {
    expect(() => parse({ ...row, h: "0.0016", l: "0.0017", o: "0.0016", c: "0.0016" })).toThrow("candle.h: must not be below the low 0.0017 (got \"0.0016\")");
    expect(() => parse({ ...row, o: "0.0017" })).toThrow("candle.o: must lie within the bar's low 0.001601 and high 0.001616 (got \"0.0017\")");
    expect(() => parse({ ...row, c: "0.0016" })).toThrow("candle.c: must lie within the bar's low 0.001601 and high 0.001616 (got \"0.0016\")");
  });

  it("refuses a forming bar frame with high below low, as a reject of the frame", () => {
    const outcome = parser().parseFrame(frame("candle", { ...row, h: "0.0015" }), row.t + 5);
    expect(messages(outcome)).toEqual(["candle.h: must not be below the low 0.001601 (got \"0.0015\")"]);
  });
});

describe("the price band: a jump is quarantined until confirmed", () => {
  it("three well-formed books at half the price, 100 ms apart, never come out; the real level carries on", () => {
    const p = parser();
    expect(p.parseFrame(book("BTC", T0, 100_000), RECV).events).toHaveLength(1);
    const fake = [1, 2, 3].map((k) => p.parseFrame(book("BTC", T0 + k * 100, 50_000), RECV + k * 100));
    expect(fake.map((o) => o.events.length)).toEqual([0, 0, 0]);
    // Reported once (mid 50 000.5 vs 100 000.5: −50.0 %), counted three times.
    expect(fake.flatMap(messages)).toEqual([
      "l2Book.levels: -50.0% from the latest accepted price 100000.5 (band ±10%): quarantined, not emitted, until 5 prices over 2000 ms confirm the new level (got 50000.5)",
    ]);
    expect(p.stats).toMatchObject({ quarantined: 3, confirmedJumps: 0 });
    expect(p.parseFrame(book("BTC", T0 + 400, 100_010), RECV + 400).events).toHaveLength(1);
  });

  it("lets a real move that persists through after 5 books over 2 s", () => {
    const p = parser();
    p.parseFrame(book("BTC", T0, 100_000), RECV);
    // −30 %, a book every 500 ms: the 5th (2 000 ms after the first) is the first to come out.
    const outcomes = [0, 1, 2, 3, 4, 5].map((k) => p.parseFrame(book("BTC", T0 + 1_000 + k * 500, 70_000 - k), RECV + 1_000 + k * 500));
    expect(outcomes.map((o) => o.events.length)).toEqual([0, 0, 0, 0, 1, 1]);
    expect(outcomes.flatMap((o) => o.rejects)).toHaveLength(1);
    expect(p.stats).toMatchObject({ quarantined: 4, confirmedJumps: 1 });
  });

  it("holds a half-price top of book and trade too, sharing the market's reference", () => {
    const p = parser();
    p.parseFrame(book("BTC", T0, 100_000), RECV);
    const bbo = p.parseFrame(frame("bbo", { coin: "BTC", time: T0 + 1, bbo: [{ px: "50000", sz: "1", n: 1 }, { px: "50001", sz: "1", n: 1 }] }), RECV + 1);
    expect(bbo.events).toEqual([]);
    expect(bbo.rejects[0]?.field).toBe("bbo.bbo");
    const trades = p.parseFrame(frame("trades", [{ coin: "BTC", side: "A", px: "50000", sz: "0.1", time: T0 + 2, hash: "0x0", tid: 1 }, { coin: "BTC", side: "B", px: "100001", sz: "0.1", time: T0 + 2, hash: "0x0", tid: 2 }]), RECV + 2);
    // The half-price trade continues the quarantine the top of book opened (no new report); the
    // trade at the old level is emitted and ends it.
    expect(trades.events.map((e) => (e.kind === "trade" ? e.px : 0))).toEqual([100_001]);
    expect(trades.rejects).toEqual([]);
  });

  it("is off with priceBand: false", () => {
    const p = parser({ priceBand: false });
    p.parseFrame(book("BTC", T0, 100_000), RECV);
    expect(p.parseFrame(book("BTC", T0 + 100, 50_000), RECV + 100).events).toHaveLength(1);
  });
});

describe("frames only for subscribed markets", () => {
  const subscribed = { perps: ["BTC"], spotPairs: ["UBTC/USDC"] };

  it("drops a book, trade, candle and context for a coin nobody subscribed, reporting it once per market", () => {
    const p = parser({ subscribed });
    const first = p.parseFrame(book("DOGE", T0, 100), RECV);
    expect(first.events).toEqual([]);
    expect(messages(first)).toEqual(['l2Book.coin: not a subscribed market: its frames are dropped (reported once per market) (got "DOGE")']);
    const later = [
      p.parseFrame(book("DOGE", T0 + 1, 100), RECV + 1),
      p.parseFrame(frame("trades", [{ coin: "DOGE", side: "B", px: "100", sz: "1", time: T0, hash: "0x0", tid: 9 }]), RECV + 2),
      p.parseFrame(frame("candle", { t: T0 - 5, T: T0 + 59_994, s: "DOGE", i: "1m", o: "1", c: "1", h: "1", l: "1", v: "1", n: 1 }), RECV + 3),
      p.parseFrame(frame("activeAssetCtx", { coin: "DOGE", ctx: { markPx: "1" } }), RECV + 4),
    ];
    expect(later.flatMap((o) => [...o.events, ...o.rejects])).toEqual([]);
    expect(p.stats.unsubscribedDropped).toBe(4);
    // A subscribed perp and spot pair pass; an unsubscribed spot pair (@107 = HYPE/USDC) does not.
    expect(p.parseFrame(book("BTC", T0, 100_000), RECV).events).toHaveLength(1);
    expect(p.parseFrame(book("@142", T0, 100_000), RECV).events).toHaveLength(1);
    expect(messages(p.parseFrame(book("@107", T0, 40), RECV))).toEqual(['l2Book.coin: not a subscribed market: its frames are dropped (reported once per market) (got "HYPE/USDC")']);
  });

  it("passes every market when no subscription is given (tools that parse what they are given)", () => {
    expect(parser().parseFrame(book("DOGE", T0, 100), RECV).events).toHaveLength(1);
  });
});

describe("bounded frames and bounded rejects", () => {
  it("refuses a frame over the size limit unread, with a short preview", () => {
    const p = parser({ maxFrameChars: 1_000 });
    const raw = `{"channel":"trades","data":[${'{"coin":"BTC"},'.repeat(200)}{}]}`;
    const outcome = p.parseFrame(raw, RECV);
    expect(outcome.events).toEqual([]);
    expect(outcome.rejects).toHaveLength(1);
    expect(outcome.rejects[0]?.message).toMatch(new RegExp(`^frame: is ${raw.length} characters, over the 1000 limit; refused unread \\(got "\\{\\\\"channel`));
    // describeValue keeps at most 120 characters of the value.
    expect(outcome.rejects[0]?.message.length).toBeLessThan(250);
  });

  it("refuses a 3 MB garbage frame with one reject under the default limit (1 MiB)", () => {
    const outcome = parser().parseFrame("x".repeat(3_000_000), RECV);
    expect(outcome.rejects.map((r) => r.message.slice(0, 60))).toEqual(["frame: is 3000000 characters, over the 1048576 limit; refuse"]);
  });

  it("reports the first 10 bad trades of a frame one by one and the rest as one summary", () => {
    const bad = Array.from({ length: 1_000 }, (_, i) => ({ coin: "BTC", side: "X", px: "1", sz: "1", time: T0, hash: "0x0", tid: i }));
    const outcome = parser().parseFrame(frame("trades", bad), RECV);
    expect(outcome.rejects).toHaveLength(11);
    expect(outcome.rejects[10]?.message).toBe("trades: more bad trades in this frame after the first 10 (not listed one by one) (got 990)");
  });
});
