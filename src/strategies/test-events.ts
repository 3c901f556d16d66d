import { CANDLE_INTERVAL_MS, perp, spot } from "../core/index.ts";
import type { AssetContextEvent, BookSnapshotEvent, CandleEvent, CandleInterval, FundingSettlementEvent, Market, MarketEvent } from "../core/index.ts";
import type { StrategyContext } from "./strategy.ts";
import type { Signal } from "./signal.ts";

/** Event builders for strategy tests. Test-only: nothing in production imports this file. */

export const BTC = perp("BTC");
export const UBTC = spot("UBTC/USDC", "BTC");
export const ETH = perp("ETH");

/** 2024-01-01T00:00:00Z, a Monday. */
export const T0 = Date.UTC(2024, 0, 1);

/** A closed bar opening at `openTime`, stamped at its close (as history replay does). */
export function bar(market: Market, interval: CandleInterval, openTime: number, close: number, volume: number, extra: Partial<CandleEvent> = {}): CandleEvent {
  const closeTime = openTime + CANDLE_INTERVAL_MS[interval] - 1;
  return {
    kind: "candle", market, interval, openTime, closeTime, tsEvent: closeTime, tsInit: closeTime,
    open: close, high: close, low: close, close, volume, trades: undefined, closed: true, ...extra,
  };
}

export function fundingAt(market: Market, tsMs: number, ratePerHour: number): FundingSettlementEvent {
  return { kind: "funding", market, tsEvent: tsMs, tsInit: tsMs, rate: ratePerHour, periodMs: 3_600_000, premium: undefined };
}

export function ctx(market: Market, tsMs: number, fields: Partial<AssetContextEvent>): AssetContextEvent {
  return {
    kind: "assetCtx", market, tsEvent: tsMs, tsInit: tsMs, fundingRatePerHour: undefined, openInterest: undefined, markPx: undefined,
    oraclePx: undefined, midPx: undefined, premium: undefined, dayNotionalVolumeUsd: undefined, impactBidPx: undefined,
    impactAskPx: undefined, prevDayPx: undefined, ...fields,
  };
}

export function bookAt(market: Market, tsMs: number, bid: number, ask: number): BookSnapshotEvent {
  return { kind: "book", market, tsEvent: tsMs, tsInit: tsMs, bids: [{ px: bid, sz: 1, orders: undefined }], asks: [{ px: ask, sz: 1, orders: undefined }] };
}

/** Something that takes events like a strategy. */
interface Fed {
  onEvent(event: MarketEvent, ctx: StrategyContext): readonly Signal[];
}

/** Feeds events in order with nowMs = each event's time; returns every signal fired. */
export function feed(strategy: Fed, events: readonly MarketEvent[]): Signal[] {
  const out: Signal[] = [];
  for (const e of events) out.push(...strategy.onEvent(e, { nowMs: e.tsEvent }));
  return out;
}

/** `count` closed 1 h bars at `close`, the first opening at `firstOpen`; the last one's volume is `lastVolume`, the others 1. */
export function hourlyBars(market: Market, firstOpen: number, count: number, close: number, lastVolume: number): CandleEvent[] {
  const out: CandleEvent[] = [];
  for (let i = 0; i < count; i += 1) out.push(bar(market, "1h", firstOpen + i * 3_600_000, close, i === count - 1 ? lastVolume : 1));
  return out;
}

/** Events sorted by venue time (stable for equal times), as the replay merge delivers them. */
export function inTimeOrder(events: readonly MarketEvent[]): MarketEvent[] {
  return [...events].sort((a, b) => a.tsEvent - b.tsEvent);
}
