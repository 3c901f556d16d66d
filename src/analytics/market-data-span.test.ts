import { describe, expect, it } from "vitest";
import { perp, spot } from "../core/index.ts";
import type { MarketEvent } from "../core/index.ts";
import { MarketDataSpan, isMarketData, marketDataSpan } from "./market-data-span.ts";

const BTC = perp("BTC");
const UBTC = spot("UBTC/USDC", "BTC");
const H = 3_600_000;
const T = Date.UTC(2024, 8, 4, 11); // 2024-09-04 11:00 UTC

const candle = (m = BTC, tsEvent = T, warmUp = false): MarketEvent => ({
  kind: "candle", market: m, interval: "1h", openTime: tsEvent - H + 1, closeTime: tsEvent, tsEvent, tsInit: tsEvent,
  open: 1, high: 1, low: 1, close: 1, volume: 1, trades: undefined, closed: true, ...(warmUp ? { warmUp: true as const } : {}),
});
const funding = (tsEvent: number): MarketEvent => ({ kind: "funding", market: BTC, tsEvent, tsInit: tsEvent, rate: 0.0001, periodMs: H, premium: undefined });

describe("market data span", () => {
  it("counts prices, not funding settlements or warm-up history", () => {
    expect(isMarketData(candle())).toBe(true);
    expect(isMarketData(candle(BTC, T, true))).toBe(false);
    expect(isMarketData(funding(T))).toBe(false);
  });

  it("keeps the first and last market data time per market, whatever the order, and ignores funding years earlier", () => {
    const span = new MarketDataSpan();
    span.observe(funding(T - 500 * 24 * H)); // a funding history reaching 500 days back
    span.observe(candle(BTC, T + 2 * H));
    span.observe(candle(BTC, T));
    span.observe(candle(UBTC, T + 5 * H));
    span.observe(candle(BTC, T + 3 * H));
    span.observe(funding(T + 900 * 24 * H));
    expect(span.coverage()).toEqual([
      { market: "hyperliquid:perp:BTC", firstMs: T, lastMs: T + 3 * H },
      { market: "hyperliquid:spot:UBTC/USDC", firstMs: T + 5 * H, lastMs: T + 5 * H },
    ]);
    expect(marketDataSpan(span.coverage())).toEqual({ firstMs: T, lastMs: T + 5 * H, markets: 2 });
  });

  it("has no span without market data", () => {
    expect(marketDataSpan([])).toBeUndefined();
    const span = new MarketDataSpan();
    span.observe(funding(T));
    expect(span.coverage()).toEqual([]);
  });
});
