import { describe, expect, it } from "vitest";
import { CANDLE_INTERVALS, spot } from "../../core/index.ts";
import type { SpotPair } from "./spot.ts";
import {
  buildSubscriptions,
  echoedSubscriptionKey,
  MAX_WS_SUBSCRIPTIONS,
  subscriptionKey,
  subscriptionMessage,
} from "./subscriptions.ts";

const ubtc: SpotPair = {
  index: 107,
  wireName: "@107",
  pairName: "UBTC/USDC",
  baseToken: "UBTC",
  quoteToken: "USDC",
  base: "BTC",
  market: spot("UBTC/USDC", "BTC"),
};

function spotPair(index: number): SpotPair {
  return { ...ubtc, index, wireName: `@${index}`, pairName: `T${index}/USDC`, baseToken: `T${index}`, base: `T${index}` };
}

describe("buildSubscriptions", () => {
  it("subscribes book, top of book, trades, context and each candle interval per perp, and book, top of book and context per spot pair", () => {
    const result = buildSubscriptions({ perps: ["BTC", "ETH"], spotPairs: [ubtc], candleIntervals: ["1m", "1h"] });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    // 2 perps × (4 + 2 intervals) + 1 spot pair × 3 = 15
    expect(result.subscriptions.map(subscriptionKey)).toEqual([
      "l2Book:BTC",
      "bbo:BTC",
      "trades:BTC",
      "activeAssetCtx:BTC",
      "candle:BTC:1m",
      "candle:BTC:1h",
      "l2Book:ETH",
      "bbo:ETH",
      "trades:ETH",
      "activeAssetCtx:ETH",
      "candle:ETH:1m",
      "candle:ETH:1h",
      "l2Book:@107",
      "bbo:@107",
      "activeAssetCtx:@107",
    ]);
  });

  it("leaves the top of book out when asked (topOfBook: false)", () => {
    const result = buildSubscriptions({ perps: ["BTC"], spotPairs: [ubtc], candleIntervals: ["1m"], topOfBook: false });
    expect(result.ok && result.subscriptions.map(subscriptionKey)).toEqual(["l2Book:BTC", "trades:BTC", "activeAssetCtx:BTC", "candle:BTC:1m", "l2Book:@107", "activeAssetCtx:@107"]);
  });

  it("subscribes spot pairs by wire name, never by pair name", () => {
    const result = buildSubscriptions({ perps: [], spotPairs: [ubtc], candleIntervals: ["1m"] });
    expect(result).toEqual({
      ok: true,
      subscriptions: [
        { type: "l2Book", coin: "@107" },
        { type: "bbo", coin: "@107" },
        { type: "activeAssetCtx", coin: "@107" },
      ],
    });
  });

  it("subscribes a coin listed twice once", () => {
    const result = buildSubscriptions({ perps: ["BTC", "BTC"], spotPairs: [], candleIntervals: [] });
    expect(result.ok && result.subscriptions.length).toBe(4);
  });

  it("accepts exactly 1000 subscriptions", () => {
    // 140 perps × (4 + 1 interval) = 700 and 100 spot pairs × 3 = 300: 1000
    const perps = Array.from({ length: 140 }, (_, i) => `P${i}`);
    const spotPairs = Array.from({ length: 100 }, (_, i) => spotPair(i));
    const result = buildSubscriptions({ perps, spotPairs, candleIntervals: ["1m"] });
    expect(result.ok && result.subscriptions.length).toBe(MAX_WS_SUBSCRIPTIONS);
  });

  it("refuses a plan over 1000 subscriptions, naming the count, instead of dropping some", () => {
    // 57 perps × (4 + 14 intervals) = 1026
    const perps = Array.from({ length: 57 }, (_, i) => `P${i}`);
    const result = buildSubscriptions({ perps, spotPairs: [], candleIntervals: CANDLE_INTERVALS });
    expect(result).toEqual({
      ok: false,
      count: 1026,
      reason: "plan needs 1026 subscriptions; Hyperliquid allows at most 1000",
    });
  });
});

describe("subscription keys and messages", () => {
  it("writes the subscribe frame in Hyperliquid's protocol", () => {
    expect(subscriptionMessage({ type: "candle", coin: "BTC", interval: "1m" })).toBe(
      '{"method":"subscribe","subscription":{"type":"candle","coin":"BTC","interval":"1m"}}',
    );
    expect(subscriptionMessage({ type: "l2Book", coin: "@107" }, "unsubscribe")).toBe(
      '{"method":"unsubscribe","subscription":{"type":"l2Book","coin":"@107"}}',
    );
  });

  it("matches an echo that carries extra fields to the subscription it acknowledges", () => {
    expect(echoedSubscriptionKey({ type: "l2Book", coin: "BTC", nSigFigs: null, mantissa: null })).toBe("l2Book:BTC");
    expect(echoedSubscriptionKey({ type: "candle", coin: "ETH", interval: "1h" })).toBe("candle:ETH:1h");
  });

  it("does not match an echo without a type, a coin or a candle interval", () => {
    expect(echoedSubscriptionKey(undefined)).toBeUndefined();
    expect(echoedSubscriptionKey({ type: "l2Book" })).toBeUndefined();
    expect(echoedSubscriptionKey({ type: "candle", coin: "BTC" })).toBeUndefined();
  });
});
