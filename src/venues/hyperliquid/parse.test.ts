import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { HOUR_MS, ParseError, fundingRatePerHour, perp, spot } from "../../core/index.ts";
import {
  HOURLY_FUNDING_SINCE_MS,
  HyperliquidParser,
  parseCandleRow,
  parseFundingRow,
  parseL2BookResponse,
  parseMetaAndAssetCtxs,
  parseSpotMetaAndAssetCtxs,
} from "./parse.ts";
import type { ParseOutcome } from "./parse.ts";
import { SpotResolver } from "./spot.ts";

/*
 * Fixtures are small hand-written excerpts with real values: spot indices from the mainnet
 * spotMeta of 2025-11-09 (@107 = HYPE/USDC, @142 = UBTC/USDC), the BTC book of the nautilus
 * l2Book sample, BTC trades of 2025-09-03 from the djienne recording, the kPEPE 1h candle and
 * BTC funding rows from the python SDK cassettes, the BTC context from the nautilus ws sample.
 */
const SPOT_META = {
  tokens: [
    { name: "USDC", szDecimals: 8, weiDecimals: 8, index: 0, isCanonical: true },
    { name: "HYPE", szDecimals: 2, weiDecimals: 8, index: 150, isCanonical: false },
    { name: "UBTC", szDecimals: 5, weiDecimals: 10, index: 197, isCanonical: false },
  ],
  universe: [
    { tokens: [150, 0], name: "@107", index: 107, isCanonical: false },
    { tokens: [197, 0], name: "@142", index: 142, isCanonical: false },
  ],
};
const RESOLVER = SpotResolver.fromSpotMeta(SPOT_META);
const BTC = perp("BTC");
const UBTC_USDC = spot("UBTC/USDC", "BTC");
const T0 = 1_761_786_491_067; // book time of the nautilus BTC sample, ms
const RECV = T0 + 42; // our receive time, ms

function newParser(): HyperliquidParser {
  return new HyperliquidParser({ spot: RESOLVER });
}

function frame(channel: string, data: unknown): string {
  return JSON.stringify({ channel, data });
}

function bookData(coin: string, time: number, bidSz = "4.11882"): unknown {
  return {
    coin,
    time,
    levels: [
      [
        { px: "110427.0", sz: bidSz, n: 7 },
        { px: "110426.0", sz: "0.31694", n: 2 },
      ],
      [
        { px: "110428.0", sz: "3.72573", n: 5 },
        { px: "110430.0", sz: "0.03586", n: 1 },
      ],
    ],
  };
}

function messages(outcome: ParseOutcome): string[] {
  return outcome.rejects.map((r) => r.message);
}

describe("HyperliquidParser.parseFrame: l2Book", () => {
  it("parses a perp book into a snapshot with venue and receive time", () => {
    const outcome = newParser().parseFrame(frame("l2Book", bookData("BTC", T0)), RECV);
    expect(outcome.channel).toBe("l2Book");
    expect(outcome.rejects).toEqual([]);
    expect(outcome.events).toEqual([
      {
        kind: "book",
        tsEvent: T0,
        tsInit: RECV,
        market: BTC,
        bids: [
          { px: 110427, sz: 4.11882, orders: 7 },
          { px: 110426, sz: 0.31694, orders: 2 },
        ],
        asks: [
          { px: 110428, sz: 3.72573, orders: 5 },
          { px: 110430, sz: 0.03586, orders: 1 },
        ],
      },
    ]);
  });

  it("resolves a spot @N book to the readable pair", () => {
    const outcome = newParser().parseFrame(frame("l2Book", bookData("@142", T0)), RECV);
    const event = outcome.events[0];
    expect(event?.kind === "book" && event.market).toBe(UBTC_USDC);
    expect(UBTC_USDC.symbol).toBe("UBTC/USDC");
    expect(UBTC_USDC.base).toBe("BTC");
  });

  it("rejects an unknown spot pair, naming field and value", () => {
    const outcome = newParser().parseFrame(frame("l2Book", bookData("@999", T0)), RECV);
    expect(outcome.events).toEqual([]);
    expect(outcome.rejects).toHaveLength(1);
    expect(outcome.rejects[0]?.field).toBe("l2Book.coin");
    expect(outcome.rejects[0]?.value).toBe("@999");
    expect(messages(outcome)).toEqual(['l2Book.coin: unknown spot pair (got "@999")']);
  });

  it("rejects a book with one bad level whole", () => {
    const outcome = newParser().parseFrame(frame("l2Book", bookData("BTC", T0, "-1")), RECV);
    expect(outcome.events).toEqual([]);
    expect(messages(outcome)).toEqual(['l2Book.levels[0][0].sz: must be a positive finite number (got "-1")']);
  });

  it.each([
    ["zero size", { px: "110427.0", sz: "0.0", n: 1 }, 'l2Book.levels[0][0].sz: must be a positive finite number (got "0.0")'],
    ["NaN price", { px: "NaN", sz: "1.0", n: 1 }, 'l2Book.levels[0][0].px: must be a positive finite number (got "NaN")'],
    ["non-numeric price", { px: "abc", sz: "1.0", n: 1 }, 'l2Book.levels[0][0].px: must be a positive finite number (got "abc")'],
    ["infinite price", { px: "Infinity", sz: "1.0", n: 1 }, 'l2Book.levels[0][0].px: must be a positive finite number (got "Infinity")'],
    ["negative price", { px: "-110427.0", sz: "1.0", n: 1 }, 'l2Book.levels[0][0].px: must be a positive finite number (got "-110427.0")'],
    ["missing size", { px: "110427.0", n: 1 }, "l2Book.levels[0][0].sz: must be a positive finite number (got undefined)"],
    ["fractional order count", { px: "110427.0", sz: "1.0", n: 1.5 }, "l2Book.levels[0][0].n: must be a non-negative integer (got 1.5)"],
  ])("rejects a level with a %s", (_name, level, message) => {
    const data = { coin: "BTC", time: T0, levels: [[level], []] };
    expect(messages(newParser().parseFrame(frame("l2Book", data), RECV))).toEqual([message]);
  });

  it("rejects a book without a time or with one side", () => {
    const parser = newParser();
    expect(messages(parser.parseFrame(frame("l2Book", { coin: "BTC", levels: [[], []] }), RECV))).toEqual([
      "l2Book.time: must be a time in ms (non-negative integer) (got undefined)",
    ]);
    expect(parser.parseFrame(frame("l2Book", { coin: "BTC", time: T0, levels: [[]] }), RECV).rejects[0]?.field).toBe("l2Book.levels");
  });

  it("accepts an empty side (a thin spot book)", () => {
    const outcome = newParser().parseFrame(frame("l2Book", { coin: "@107", time: T0, levels: [[], [{ px: "41.33", sz: "12.5", n: 1 }]] }), RECV);
    expect(outcome.rejects).toEqual([]);
    expect(outcome.events[0]).toMatchObject({ bids: [], asks: [{ px: 41.33, sz: 12.5, orders: 1 }] });
  });

  it("rejects a book whose time goes backwards and carries on with the next one", () => {
    const parser = newParser();
    expect(parser.parseFrame(frame("l2Book", bookData("BTC", T0)), RECV).events).toHaveLength(1);
    const stale = parser.parseFrame(frame("l2Book", bookData("BTC", T0 - 500)), RECV + 1);
    expect(stale.events).toEqual([]);
    expect(messages(stale)).toEqual([`l2Book.time: venue time went backwards (last ${T0}) (got ${T0 - 500})`]);
    // Equal time passes; the stale frame did not move the stream back.
    expect(parser.parseFrame(frame("l2Book", bookData("BTC", T0)), RECV + 2).events).toHaveLength(1);
    expect(parser.parseFrame(frame("l2Book", bookData("BTC", T0 + 500)), RECV + 3).events).toHaveLength(1);
  });

  it("keeps a separate time per market", () => {
    const parser = newParser();
    parser.parseFrame(frame("l2Book", bookData("BTC", T0)), RECV);
    const other = parser.parseFrame(frame("l2Book", bookData("ETH", T0 - 500)), RECV);
    expect(other.rejects).toEqual([]);
    expect(other.events).toHaveLength(1);
  });
});

describe("HyperliquidParser.parseFrame: trades", () => {
  const sell = { coin: "BTC", side: "A", px: "111038.0", sz: "0.14276", time: 1_756_904_103_412, hash: "0x00", tid: 33_108_932_701_991, users: ["0xa", "0xb"] };
  const buy = { coin: "BTC", side: "B", px: "111039.0", sz: "0.00091", time: 1_756_904_102_005, hash: "0x00", tid: 1_062_032_029_372_010, users: ["0xc", "0xd"] };

  it("parses each trade with the aggressor side (B = buy, A = sell)", () => {
    const outcome = newParser().parseFrame(frame("trades", [buy, sell]), RECV);
    expect(outcome.channel).toBe("trades");
    expect(outcome.rejects).toEqual([]);
    expect(outcome.events).toEqual([
      { kind: "trade", tsEvent: 1_756_904_102_005, tsInit: RECV, market: BTC, px: 111039, sz: 0.00091, side: "buy", tradeId: "1062032029372010" },
      { kind: "trade", tsEvent: 1_756_904_103_412, tsInit: RECV, market: BTC, px: 111038, sz: 0.14276, side: "sell", tradeId: "33108932701991" },
    ]);
  });

  it("keeps the good trades of a frame and rejects only the bad one", () => {
    const bad = { ...sell, sz: "-1", tid: 840_625_993_692_607 };
    const outcome = newParser().parseFrame(frame("trades", [buy, sell, bad, { ...sell, tid: 308_028_780_509_500 }]), RECV);
    expect(outcome.events.map((e) => (e.kind === "trade" ? e.tradeId : ""))).toEqual(["1062032029372010", "33108932701991", "308028780509500"]);
    expect(messages(outcome)).toEqual(['trades[2].sz: must be a positive finite number (got "-1")']);
  });

  it.each([
    ["an unknown side", { side: "S" }, 'trades[0].side: must be "B" or "A" (got "S")'],
    ["a zero size", { sz: "0" }, 'trades[0].sz: must be a positive finite number (got "0")'],
    ["a non-numeric price", { px: "1e" }, 'trades[0].px: must be a positive finite number (got "1e")'],
    ["a missing time", { time: undefined }, "trades[0].time: must be a time in ms (non-negative integer) (got undefined)"],
    ["a missing trade id", { tid: undefined }, "trades[0].tid: must be a non-negative safe integer or a non-empty string (got undefined)"],
    ["an unknown spot pair", { coin: "@999" }, 'trades[0].coin: unknown spot pair (got "@999")'],
  ])("rejects a trade with %s", (_name, change, message) => {
    expect(messages(newParser().parseFrame(frame("trades", [{ ...sell, ...change }]), RECV))).toEqual([message]);
  });

  it("rejects a trade older than the last one of its market and keeps equal times", () => {
    const parser = newParser();
    parser.parseFrame(frame("trades", [sell]), RECV);
    const outcome = parser.parseFrame(frame("trades", [buy, { ...sell, tid: 1 }, { ...sell, time: sell.time + 88, tid: 2 }]), RECV + 100);
    expect(messages(outcome)).toEqual([`trades[0].time: venue time went backwards (last ${sell.time}) (got ${buy.time})`]);
    expect(outcome.events.map((e) => e.tsEvent)).toEqual([sell.time, sell.time + 88]);
  });

  it("drops trades already delivered (the snapshot after a resubscription) without a reject, and counts them", () => {
    const parser = newParser();
    parser.parseFrame(frame("trades", [buy, sell]), RECV);
    const later = { ...sell, time: sell.time + 500, tid: 9 };
    // After a reconnect the venue resends its recent trades, then the new ones.
    const outcome = parser.parseFrame(frame("trades", [buy, sell, later]), RECV + 60_000);
    expect(outcome.rejects).toEqual([]);
    expect(outcome.events.map((e) => (e.kind === "trade" ? e.tradeId : ""))).toEqual(["9"]);
    expect(parser.stats.duplicateTrades).toBe(2);
  });

  it("resolves spot trades", () => {
    const outcome = newParser().parseFrame(frame("trades", [{ ...sell, coin: "@142", px: "103922.0" }]), RECV);
    expect(outcome.events[0]).toMatchObject({ market: UBTC_USDC, px: 103922 });
  });

  it("rejects a trades frame whose data is not an array", () => {
    expect(messages(newParser().parseFrame(frame("trades", sell), RECV))[0]).toMatch(/^trades: must be an array/);
  });
});

describe("HyperliquidParser.parseFrame: candle", () => {
  const bar = { t: 1_684_699_200_000, T: 1_684_702_799_999, s: "kPEPE", i: "1h", o: "0.001601", c: "0.001604", h: "0.001616", l: "0.001601", v: "520665683.0", n: 709 };

  it("holds the forming bar and emits it closed, stamped with its close time, when the next bar's frame arrives", () => {
    const parser = newParser();
    const recv = 1_684_700_000_123;
    expect(parser.parseFrame(frame("candle", bar), recv)).toMatchObject({ events: [], rejects: [] });
    // The same bar again (a later trade): replaces the held values, still nothing out.
    expect(parser.parseFrame(frame("candle", { ...bar, c: "0.001606", v: "520665690.0", n: 710 }), recv + 1_000).events).toEqual([]);
    const nextRecv = bar.T + 1 + 40;
    const next = parser.parseFrame(frame("candle", { ...bar, t: bar.t + HOUR_MS, T: bar.T + HOUR_MS, o: "0.001606", c: "0.001606", h: "0.001606", l: "0.001606", v: "10.0", n: 1 }), nextRecv);
    expect(next.rejects).toEqual([]);
    expect(next.events).toEqual([
      {
        kind: "candle",
        tsEvent: 1_684_702_799_999,
        tsInit: nextRecv,
        market: perp("kPEPE"),
        interval: "1h",
        openTime: 1_684_699_200_000,
        closeTime: 1_684_702_799_999,
        open: 0.001601,
        high: 0.001616,
        low: 0.001601,
        close: 0.001606,
        volume: 520_665_690,
        trades: 710,
        closed: true,
      },
    ]);
    expect(parser.bars.stats).toEqual({ closedByNextBar: 1, closedByGrace: 0, lateUpdates: 0 });
  });

  it("closes a quiet market's bar once any frame arrives after its close time + grace (3 s by default), before that frame's events", () => {
    const parser = newParser();
    parser.parseFrame(frame("candle", bar), bar.t + 5);
    // A pong 2.999 s after the close: still within the grace.
    expect(parser.parseFrame('{"channel":"pong"}', bar.T + 2_999).events).toEqual([]);
    const book = { coin: "BTC", time: bar.T + 3_000, levels: [[{ px: "100", sz: "1", n: 1 }], [{ px: "101", sz: "1", n: 1 }]] };
    const outcome = parser.parseFrame(frame("l2Book", book), bar.T + 3_000);
    expect(outcome.events.map((e) => [e.kind, e.tsEvent, e.tsInit])).toEqual([
      ["candle", bar.T, bar.T + 3_000],
      ["book", bar.T + 3_000, bar.T + 3_000],
    ]);
    expect(outcome.events[0]).toMatchObject({ closed: true, close: 0.001604 });
    expect(parser.bars.stats).toEqual({ closedByNextBar: 0, closedByGrace: 1, lateUpdates: 0 });
  });

  it("closes each bar once: a correction after the close is rejected and counted, never re-emitted; streams are per market and interval", () => {
    const parser = newParser();
    parser.parseFrame(frame("candle", bar), bar.t + 5);
    const next = { ...bar, t: bar.t + HOUR_MS, T: bar.T + HOUR_MS };
    expect(parser.parseFrame(frame("candle", next), bar.T + 10).events).toHaveLength(1);
    const late = parser.parseFrame(frame("candle", { ...bar, c: "0.001700", h: "0.001700" }), bar.T + 20);
    expect(late.events).toEqual([]);
    expect(messages(late)).toEqual([
      "candle.t: update for the 1h bar of hyperliquid:perp:kPEPE opened 2023-05-21T20:00:00.000Z, which is already closed (the stream is at the bar opened 2023-05-21T21:00:00.000Z); not applied (got 1684699200000)",
    ]);
    expect(parser.bars.stats.lateUpdates).toBe(1);
    // Another interval of the same market is its own stream: its first bar is held, not late.
    expect(parser.parseFrame(frame("candle", { ...bar, i: "1m", t: bar.t, T: bar.t + 59_999 }), bar.T + 30)).toMatchObject({ events: [], rejects: [] });
    // Grace passes for both held bars: closed in close-time order.
    const swept = parser.parseFrame('{"channel":"pong"}', next.T + 3_000).events;
    expect(swept.map((e) => (e.kind === "candle" ? [e.interval, e.closeTime] : []))).toEqual([
      ["1m", bar.t + 59_999],
      ["1h", next.T],
    ]);
  });

  it("accepts zero volume and reads a missing trade count as undefined", () => {
    const { n: _n, ...noCount } = bar;
    const parser = newParser();
    parser.parseFrame(frame("candle", { ...noCount, v: "0.0" }), bar.t + 5);
    const outcome = parser.parseFrame('{"channel":"pong"}', bar.T + 3_000);
    expect(outcome.events[0]).toMatchObject({ volume: 0, trades: undefined, closed: true });
  });

  it.each([
    ["an unknown interval", { i: "7m" }, 'candle.i: must be a candle interval (1m … 1M) (got "7m")'],
    ["a negative volume", { v: "-5" }, 'candle.v: must be a non-negative finite number (got "-5")'],
    ["a NaN high", { h: "NaN" }, 'candle.h: must be a positive finite number (got "NaN")'],
    ["a close time before the open", { T: 1_684_699_199_999 }, "candle.T: must not be before the open time 1684699200000 (got 1684699199999)"],
    ["an unknown spot pair", { s: "@999" }, 'candle.s: unknown spot pair (got "@999")'],
  ])("rejects a bar with %s", (_name, change, message) => {
    expect(messages(newParser().parseFrame(frame("candle", { ...bar, ...change }), bar.t + 5))).toEqual([message]);
  });
});

describe("HyperliquidParser.parseFrame: bbo (top of book)", () => {
  const top = (time: number, bid: unknown, ask: unknown) => frame("bbo", { coin: "BTC", time, bbo: [bid, ask] });

  it("parses the best bid and ask, stamped with the venue time", () => {
    const outcome = newParser().parseFrame(top(T0, { px: "111038.0", sz: "8.84885", n: 3 }, { px: "111039.0", sz: "0.0036", n: 1 }), RECV);
    expect(outcome.rejects).toEqual([]);
    expect(outcome.events).toEqual([
      { kind: "bbo", tsEvent: T0, tsInit: RECV, market: perp("BTC"), bid: { px: 111_038, sz: 8.84885, orders: 3 }, ask: { px: 111_039, sz: 0.0036, orders: 1 } },
    ]);
  });

  it("reads an empty side (null) as undefined, and resolves spot wire names", () => {
    const outcome = newParser().parseFrame(frame("bbo", { coin: "@142", time: T0, bbo: [null, { px: "111060.0", sz: "1", n: 1 }] }), RECV);
    expect(outcome.events[0]).toMatchObject({ kind: "bbo", market: { key: "hyperliquid:spot:UBTC/USDC" }, bid: undefined, ask: { px: 111_060 } });
  });

  it("refuses a crossed or locked top of book and a time going backwards, naming the field", () => {
    const parser = newParser();
    expect(messages(parser.parseFrame(top(T0, { px: "101", sz: "1", n: 1 }, { px: "101", sz: "1", n: 1 }), RECV))).toEqual([
      'bbo.bbo: must not be crossed or locked (bid 101 ≥ ask 101) (got [{"px":"101","sz":"1","n":1},{"px":"101","sz":"1","n":1}])',
    ]);
    expect(parser.parseFrame(top(T0 + 10, { px: "100", sz: "1", n: 1 }, { px: "101", sz: "1", n: 1 }), RECV + 10).events).toHaveLength(1);
    expect(messages(parser.parseFrame(top(T0 + 5, { px: "100", sz: "1", n: 1 }, { px: "101", sz: "1", n: 1 }), RECV + 20))).toEqual([
      `bbo.time: venue time went backwards (last ${T0 + 10}) (got ${T0 + 5})`,
    ]);
  });
});

describe("HyperliquidParser.parseFrame: asset contexts", () => {
  const btcCtx = {
    funding: "-0.0000015186",
    openInterest: "27353.17682",
    prevDayPx: "76317.0",
    dayNtlVlm: "1516669192.1953897476",
    premium: "-0.0005927453",
    oraclePx: "77605.0",
    markPx: "77562.0",
    midPx: "77558.5",
    impactPxs: ["77558.0", "77559.0"],
    dayBaseVlm: "19707.77457",
  };

  it("parses a perp context, stamped with the receive time", () => {
    const outcome = newParser().parseFrame(frame("activeAssetCtx", { coin: "BTC", ctx: btcCtx }), RECV);
    expect(outcome.channel).toBe("activeAssetCtx");
    expect(outcome.events).toEqual([
      {
        kind: "assetCtx",
        tsEvent: RECV,
        tsInit: RECV,
        market: BTC,
        fundingRatePerHour: -0.0000015186,
        openInterest: 27353.17682,
        markPx: 77562,
        oraclePx: 77605,
        midPx: 77558.5,
        premium: -0.0005927453,
        dayNotionalVolumeUsd: 1516669192.1953897476,
        impactBidPx: 77558,
        impactAskPx: 77559,
        prevDayPx: 76317,
      },
    ]);
  });

  it("parses a spot context on either channel name, leaving perp-only fields undefined", () => {
    const ctx = { prevDayPx: "101838.0", dayNtlVlm: "56516360.5443699583", markPx: "103922.0", midPx: "103921.5", circulatingSupply: "20999999.9986163229", coin: "@142", totalSupply: "20999999.9986163229", dayBaseVlm: "552.25675" };
    const expected = {
      kind: "assetCtx",
      tsEvent: RECV,
      tsInit: RECV,
      market: UBTC_USDC,
      fundingRatePerHour: undefined,
      openInterest: undefined,
      markPx: 103922,
      oraclePx: undefined,
      midPx: 103921.5,
      premium: undefined,
      dayNotionalVolumeUsd: 56516360.5443699583,
      impactBidPx: undefined,
      impactAskPx: undefined,
      prevDayPx: 101838,
    };
    for (const channel of ["activeSpotAssetCtx", "activeAssetCtx"]) {
      const outcome = newParser().parseFrame(frame(channel, { coin: "@142", ctx }), RECV);
      expect(outcome.channel).toBe(channel);
      expect(outcome.events).toEqual([expected]);
    }
  });

  it("reads a null mid and null impact prices as undefined", () => {
    const outcome = newParser().parseFrame(frame("activeAssetCtx", { coin: "BTC", ctx: { ...btcCtx, midPx: null, impactPxs: null } }), RECV);
    expect(outcome.events[0]).toMatchObject({ midPx: undefined, impactBidPx: undefined, impactAskPx: undefined, markPx: 77562 });
  });

  it("rejects a context with a bad value, naming the path", () => {
    const outcome = newParser().parseFrame(frame("activeAssetCtx", { coin: "BTC", ctx: { ...btcCtx, openInterest: "-3" } }), RECV);
    expect(outcome.events).toEqual([]);
    expect(messages(outcome)).toEqual(['activeAssetCtx.ctx.openInterest: must be a non-negative finite number (got "-3")']);
  });
});

describe("HyperliquidParser.parseFrame: control frames and garbage", () => {
  it("returns the channel and no events for pong, subscriptionResponse, error and unknown channels", () => {
    const parser = newParser();
    for (const [raw, channel] of [
      ['{"channel":"pong"}', "pong"],
      ['{"channel":"subscriptionResponse","data":{"method":"subscribe","subscription":{"type":"l2Book","coin":"BTC"}}}', "subscriptionResponse"],
      ['{"channel":"error","data":"Invalid subscription"}', "error"],
      ['{"channel":"allMids","data":{"mids":{"BTC":"110427.5"}}}', "allMids"],
    ] as const) {
      expect(parser.parseFrame(raw, RECV)).toEqual({ events: [], rejects: [], channel });
    }
  });

  it("rejects invalid JSON as a frame error without throwing", () => {
    const outcome = newParser().parseFrame('{"channel":"l2Book",', RECV);
    expect(outcome.channel).toBeUndefined();
    expect(outcome.rejects).toHaveLength(1);
    expect(outcome.rejects[0]?.field).toBe("frame");
    expect(outcome.rejects[0]).toBeInstanceOf(ParseError);
  });

  it("rejects JSON that is not an object with a channel", () => {
    for (const raw of ["[1,2]", "42", "null", '{"data":{}}', '{"channel":7}']) {
      const outcome = newParser().parseFrame(raw, RECV);
      expect(outcome.channel).toBeUndefined();
      expect(outcome.rejects.map((r) => r.field)).toEqual(["frame"]);
    }
  });

  it("passes over the venue's plain-text greeting quietly", () => {
    expect(newParser().parseFrame("Websocket connection established.", RECV)).toEqual({ events: [], rejects: [], channel: undefined });
  });

  it("resolves spot pairs once the resolver is replaced", () => {
    const parser = new HyperliquidParser({ spot: SpotResolver.empty() });
    expect(messages(parser.parseFrame(frame("l2Book", bookData("@142", T0)), RECV))).toEqual(['l2Book.coin: unknown spot pair (got "@142")']);
    parser.setSpotResolver(RESOLVER);
    expect(parser.parseFrame(frame("l2Book", bookData("@142", T0)), RECV).events[0]?.kind).toBe("book");
  });
});

describe("parseCandleRow", () => {
  it("parses a closed history row with numeric fields, stamped at its close time", () => {
    // A UBTC/USDC 1h row as in the history files: numbers, no trade count.
    const row = { t: 1_753_488_000_000, T: 1_753_491_599_999, s: "UBTC/USDC", i: "1h", o: 117_950, c: 118_011, h: 118_100, l: 117_900, v: 3.25 };
    expect(parseCandleRow(row, UBTC_USDC, { closed: true, tsInit: 1_753_491_599_999 })).toEqual({
      kind: "candle",
      tsEvent: 1_753_491_599_999,
      tsInit: 1_753_491_599_999,
      market: UBTC_USDC,
      interval: "1h",
      openTime: 1_753_488_000_000,
      closeTime: 1_753_491_599_999,
      open: 117_950,
      high: 118_100,
      low: 117_900,
      close: 118_011,
      volume: 3.25,
      trades: undefined,
      closed: true,
    });
  });

  it("parses string times and an empty trade count", () => {
    const row = { t: "1684699200000", T: "1684702799999", s: "kPEPE", i: "1h", o: "0.001601", c: "0.001604", h: "0.001616", l: "0.001601", v: "520665683.0", n: "" };
    expect(parseCandleRow(row, perp("kPEPE"), { closed: true, tsInit: 1_684_702_799_999 })).toMatchObject({ openTime: 1_684_699_200_000, trades: undefined, tsInit: 1_684_702_799_999 });
  });

  it("throws a ParseError naming the field and value", () => {
    const row = { t: 1, T: 2, s: "BTC", i: "1m", o: "1", c: "1", h: "1", l: "-1", v: "0" };
    expect(() => parseCandleRow(row, BTC, { closed: true, tsInit: 2 })).toThrow(new ParseError("candle.l", "-1", "must be a positive finite number"));
  });
});

describe("parseFundingRow", () => {
  it("gives 8-hour periods before the switch to hourly funding", () => {
    // 2023-05-12T00:00:00.048Z, from the python SDK fundingHistory cassette.
    const event = parseFundingRow({ coin: "BTC", fundingRate: "-0.00061334", premium: "-0.00091334", time: 1_683_849_600_048 }, BTC);
    expect(event).toEqual({ kind: "funding", tsEvent: 1_683_849_600_048, tsInit: 1_683_849_600_048, market: BTC, rate: -0.00061334, periodMs: 8 * HOUR_MS, premium: -0.00091334 });
    expect(fundingRatePerHour(event)).toBeCloseTo(-0.0000766675, 12); // −0.00061334 / 8
  });

  it("treats the 2023-06-08 00:00 settlement as the last 8-hour one and 01:00 as the first hourly", () => {
    expect(HOURLY_FUNDING_SINCE_MS).toBe(Date.parse("2023-06-08T01:00:00Z"));
    // BTC paid 0.0001 (= 8 × 1.25e-5) at 00:00:00.254 and 1.25e-5 at 01:00:00.054.
    expect(parseFundingRow({ coin: "BTC", fundingRate: "0.0001", premium: "0.0002035847", time: 1_686_182_400_254 }, BTC).periodMs).toBe(8 * HOUR_MS);
    const hourly = parseFundingRow({ coin: "BTC", fundingRate: "1.25e-05", premium: "0.0002346732", time: 1_686_186_000_054 }, BTC, 1_686_186_000_100);
    expect(hourly).toMatchObject({ periodMs: HOUR_MS, rate: 0.0000125, tsInit: 1_686_186_000_100 });
    expect(fundingRatePerHour(hourly)).toBe(0.0000125);
  });

  it("reads a missing, null or empty premium as undefined", () => {
    const base = { coin: "SOL", fundingRate: "-0.0000945789", time: 1_686_186_000_054 };
    expect(parseFundingRow(base, perp("SOL")).premium).toBeUndefined();
    expect(parseFundingRow({ ...base, premium: null }, perp("SOL")).premium).toBeUndefined();
    expect(parseFundingRow({ ...base, premium: "" }, perp("SOL")).premium).toBeUndefined();
  });

  it("throws a ParseError naming the field and value", () => {
    expect(() => parseFundingRow({ coin: "BTC", fundingRate: "n/a", time: 1 }, BTC)).toThrow('fundingHistory.fundingRate: must be a finite number (got "n/a")');
    expect(() => parseFundingRow({ coin: "BTC", fundingRate: "0.0001", time: "yesterday" }, BTC)).toThrow(ParseError);
  });
});

describe("parseL2BookResponse", () => {
  it("parses the REST book, with no order counts where the venue gave none", () => {
    // Excerpt of the nautilus http_l2_book_btc.json sample (it has no `n`).
    const body = {
      coin: "BTC",
      levels: [
        [
          { px: "110427.0", sz: "4.11882" },
          { px: "110426.0", sz: "0.31694" },
        ],
        [{ px: "110428.0", sz: "3.72573" }],
      ],
      time: T0,
    };
    expect(parseL2BookResponse(body, BTC, RECV)).toEqual({
      kind: "book",
      tsEvent: T0,
      tsInit: RECV,
      market: BTC,
      bids: [
        { px: 110427, sz: 4.11882, orders: undefined },
        { px: 110426, sz: 0.31694, orders: undefined },
      ],
      asks: [{ px: 110428, sz: 3.72573, orders: undefined }],
    });
  });

  it("throws for a bad level", () => {
    const body = { coin: "BTC", levels: [[], [{ px: "110428.0", sz: "x" }]], time: T0 };
    expect(() => parseL2BookResponse(body, BTC, RECV)).toThrow('l2Book.levels[1][0].sz: must be a positive finite number (got "x")');
  });
});

describe("parseMetaAndAssetCtxs", () => {
  const ethCtx = { funding: "0.0000125", openInterest: "605822.2557999999", prevDayPx: "2094.6", dayNtlVlm: "591989409.9392402172", premium: "-0.0002824061", oraclePx: "2124.6", markPx: "2123.7", midPx: "2123.95", impactPxs: ["2123.65", "2124.0"], dayBaseVlm: "281686.8234999999" };
  const btcCtx = { ...ethCtx, funding: "-0.0000015186", markPx: "77562.0", oraclePx: "77605.0" };
  const meta = { universe: [{ szDecimals: 5, name: "BTC", maxLeverage: 40, marginTableId: 56 }, { szDecimals: 4, name: "ETH", maxLeverage: 25, marginTableId: 55 }] };

  it("returns the universe and one context per perp, matched by position", () => {
    const result = parseMetaAndAssetCtxs([meta, [btcCtx, ethCtx]], RECV);
    expect(result.universe).toEqual([
      { name: "BTC", szDecimals: 5, maxLeverage: 40, index: 0 },
      { name: "ETH", szDecimals: 4, maxLeverage: 25, index: 1 },
    ]);
    expect(result.rejects).toEqual([]);
    expect(result.contexts.map((c) => [c.market, c.markPx, c.fundingRatePerHour, c.tsEvent])).toEqual([
      [BTC, 77562, -0.0000015186, RECV],
      [perp("ETH"), 2123.7, 0.0000125, RECV],
    ]);
    expect(result.contexts[1]).toMatchObject({ openInterest: 605822.2557999999, impactBidPx: 2123.65, impactAskPx: 2124 });
  });

  it("rejects a bad context and keeps the others", () => {
    const result = parseMetaAndAssetCtxs([meta, [{ ...btcCtx, markPx: "Infinity" }, ethCtx, ethCtx]], RECV);
    expect(result.contexts.map((c) => c.market.symbol)).toEqual(["ETH"]);
    expect(result.rejects.map((r) => r.message)).toEqual([
      'metaAndAssetCtxs[1][0].markPx: must be a non-negative finite number (got "Infinity")',
      `metaAndAssetCtxs[1][2]: no perp at this position (universe has 2) (got ${JSON.stringify(ethCtx).slice(0, 117)}...)`,
    ]);
  });

  it("throws a ParseError for a malformed universe", () => {
    expect(() => parseMetaAndAssetCtxs([{ universe: [{ name: "BTC", szDecimals: "5", maxLeverage: 40 }] }, []], RECV)).toThrow(/^metaAndAssetCtxs\[0\]\.universe\[0\]\.szDecimals: /);
    expect(() => parseMetaAndAssetCtxs({ universe: [] }, RECV)).toThrow(/^metaAndAssetCtxs: must be an array/);
  });
});

describe("parseSpotMetaAndAssetCtxs", () => {
  const hypeCtx = { prevDayPx: "40.2", dayNtlVlm: "74058905.5426500589", markPx: "41.328", midPx: "41.3315", circulatingSupply: "337155614.4947223663", coin: "@107", totalSupply: "999516427.3551584482", dayBaseVlm: "1838873.3400000001" };
  const ubtcCtx = { prevDayPx: "101838.0", dayNtlVlm: "56516360.5443699583", markPx: "103922.0", midPx: "103921.5", circulatingSupply: "20999999.9986163229", coin: "@142", totalSupply: "20999999.9986163229", dayBaseVlm: "552.25675" };
  // A delisted pair's placeholder, as the venue sends it (index 71 is absent from the universe).
  const delisted = { prevDayPx: "0.0", dayNtlVlm: "0.0", markPx: "1.0", midPx: null, circulatingSupply: "0.0", coin: "@71", totalSupply: "0.0", dayBaseVlm: "0.0" };

  it("builds the resolver and matches contexts by coin, skipping delisted placeholders", () => {
    const result = parseSpotMetaAndAssetCtxs([SPOT_META, [delisted, hypeCtx, ubtcCtx]], RECV);
    expect(result.resolver.byWireName("@142")?.pairName).toBe("UBTC/USDC");
    expect(result.rejects).toEqual([]);
    expect(result.contexts.map((c) => [c.market.symbol, c.market.base, c.markPx, c.midPx])).toEqual([
      ["HYPE/USDC", "HYPE", 41.328, 41.3315],
      ["UBTC/USDC", "BTC", 103922, 103921.5],
    ]);
    expect(result.contexts[1]).toMatchObject({ dayNotionalVolumeUsd: 56516360.5443699583, prevDayPx: 101838, fundingRatePerHour: undefined, tsEvent: RECV });
  });

  it("uses the aliases given", () => {
    const result = parseSpotMetaAndAssetCtxs([SPOT_META, []], RECV, { UBTC: "XBT" });
    expect(result.resolver.byBase("XBT")?.wireName).toBe("@142");
  });

  it("rejects a bad context and keeps the others", () => {
    const result = parseSpotMetaAndAssetCtxs([SPOT_META, [{ ...hypeCtx, midPx: "-41" }, ubtcCtx]], RECV);
    expect(result.contexts).toHaveLength(1);
    expect(result.rejects.map((r) => r.message)).toEqual(['spotMetaAndAssetCtxs[1][0].midPx: must be a non-negative finite number (got "-41")']);
  });

  it("throws a ParseError for a malformed spotMeta", () => {
    expect(() => parseSpotMetaAndAssetCtxs([{ tokens: [] }, []], RECV)).toThrow(/^spotMeta\.universe: /);
  });
});

/** Every number reachable from the events (through objects and arrays, skipping markets). */
function numbersIn(value: unknown, out: number[]): number[] {
  if (typeof value === "number") {
    out.push(value);
  } else if (Array.isArray(value)) {
    for (const item of value) numbersIn(item, out);
  } else if (typeof value === "object" && value !== null) {
    for (const item of Object.values(value)) numbersIn(item, out);
  }
  return out;
}

describe("HyperliquidParser properties", () => {
  const CHANNELS = ["l2Book", "trades", "candle", "activeAssetCtx", "activeSpotAssetCtx", "pong", "subscriptionResponse", "error", "bbo"];
  const decimalish = fc.oneof(
    fc.double().map(String),
    fc.double(),
    fc.constantFrom("", " ", "NaN", "Infinity", "-0", "1e309", "0x10", "1e-400", "-1", "0.0", null),
    fc.string(),
  );
  const coin = fc.constantFrom("BTC", "@142", "@107", "@999", "PURR/USDC", "", 7);
  const time = fc.oneof(fc.integer({ min: 0, max: 2 ** 42 }), fc.double(), fc.string());
  const level = fc.record({ px: decimalish, sz: decimalish, n: fc.oneof(fc.nat(), decimalish) }, { requiredKeys: [] });
  const nearValid = fc.oneof(
    fc.record({ coin, time, levels: fc.array(fc.array(level, { maxLength: 4 }), { maxLength: 3 }) }).map((data) => ({ channel: "l2Book", data })),
    fc.array(fc.record({ coin, side: fc.constantFrom("A", "B", "C"), px: decimalish, sz: decimalish, time, tid: fc.oneof(fc.nat(), fc.string(), fc.double()) }), { maxLength: 4 }).map((data) => ({ channel: "trades", data })),
    fc.record({ t: time, T: time, s: coin, i: fc.constantFrom("1m", "1h", "7m"), o: decimalish, c: decimalish, h: decimalish, l: decimalish, v: decimalish, n: decimalish }, { requiredKeys: [] }).map((data) => ({ channel: "candle", data })),
    fc.record({ coin, ctx: fc.record({ funding: decimalish, openInterest: decimalish, markPx: decimalish, midPx: decimalish, oraclePx: decimalish, premium: decimalish, dayNtlVlm: decimalish, prevDayPx: decimalish, impactPxs: fc.oneof(fc.array(decimalish, { maxLength: 3 }), decimalish) }, { requiredKeys: [] }) }).map((data) => ({ channel: "activeAssetCtx", data })),
  );

  function check(parser: HyperliquidParser, raw: string): void {
    const outcome = parser.parseFrame(raw, RECV);
    for (const n of numbersIn(outcome.events, [])) {
      expect(Number.isFinite(n)).toBe(true);
    }
    for (const reject of outcome.rejects) {
      expect(reject).toBeInstanceOf(ParseError);
    }
  }

  it("never throws and never emits a non-finite number for arbitrary strings", () => {
    const parser = newParser();
    fc.assert(fc.property(fc.oneof(fc.string(), fc.string({ unit: "binary-ascii" }), fc.json()), (raw) => check(parser, raw)), { numRuns: 500 });
  });

  it("never throws and never emits a non-finite number for arbitrary JSON under any channel", () => {
    const parser = newParser();
    fc.assert(
      fc.property(fc.constantFrom(...CHANNELS), fc.jsonValue(), (channel, data) => check(parser, JSON.stringify({ channel, data }))),
      { numRuns: 500 },
    );
    fc.assert(fc.property(fc.jsonValue(), (value) => check(parser, JSON.stringify(value))), { numRuns: 300 });
  });

  it("never throws and never emits a non-finite or non-positive size for near-valid frames", () => {
    const parser = newParser();
    fc.assert(
      fc.property(nearValid, (message) => {
        const outcome = parser.parseFrame(JSON.stringify(message), RECV);
        for (const event of outcome.events) {
          for (const n of numbersIn(event, [])) expect(Number.isFinite(n)).toBe(true);
          if (event.kind === "book") {
            for (const l of [...event.bids, ...event.asks]) expect(l.sz > 0 && l.px > 0).toBe(true);
          }
          if (event.kind === "trade") expect(event.sz > 0 && event.px > 0).toBe(true);
        }
      }),
      { numRuns: 1000 },
    );
  });
});
