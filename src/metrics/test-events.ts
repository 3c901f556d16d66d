import { CANDLE_INTERVAL_MS, HOUR_MS, perp, spot } from "../core/index.ts";
import type {
  AggressorSide,
  AssetContextEvent,
  BookLevel,
  BookSnapshotEvent,
  CandleEvent,
  CandleInterval,
  ConnectionStatusEvent,
  FundingSettlementEvent,
  Market,
  MarketEvent,
  TradeEvent,
} from "../core/index.ts";

/**
 * Small event builders and a seeded random stream for metric tests. Test-only: nothing in
 * production imports this file.
 */

/** The market the shared contract test builds every metric for. */
export const BTC = perp("BTC");
/** BTC's spot leg. */
export const UBTC = spot("UBTC/USDC", "BTC");
/** Another perp, whose events every BTC metric must ignore. */
export const ETH = perp("ETH");

/** `[px, sz]` pairs, best first. */
export type Levels = readonly (readonly [number, number])[];

function levels(pairs: Levels): BookLevel[] {
  return pairs.map(([px, sz]) => ({ px, sz, orders: undefined }));
}

export function book(market: Market, ts: number, bids: Levels, asks: Levels): BookSnapshotEvent {
  return { kind: "book", market, tsEvent: ts, tsInit: ts, bids: levels(bids), asks: levels(asks) };
}

let nextTradeId = 1;

export function trade(market: Market, ts: number, side: AggressorSide, px: number, sz: number): TradeEvent {
  nextTradeId += 1;
  return { kind: "trade", market, tsEvent: ts, tsInit: ts, px, sz, side, tradeId: String(nextTradeId) };
}

/** Prices and volume of one bar. */
export interface Bar {
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

/**
 * A candle opening at `openTime`. A closed bar is stamped at its close (`openTime + interval − 1`),
 * as history replay does; a forming bar at `ts` (default: its open time).
 */
export function candle(
  market: Market,
  interval: CandleInterval,
  openTime: number,
  bar: Bar,
  closed = true,
  ts?: number,
): CandleEvent {
  const closeTime = openTime + CANDLE_INTERVAL_MS[interval] - 1;
  const stamp = ts ?? (closed ? closeTime : openTime);
  return {
    kind: "candle",
    market,
    interval,
    tsEvent: stamp,
    tsInit: stamp,
    openTime,
    closeTime,
    open: bar.open,
    high: bar.high,
    low: bar.low,
    close: bar.close,
    volume: bar.volume,
    trades: undefined,
    closed,
  };
}

/** A flat bar: open = high = low = close = `px`. */
export function flat(px: number, volume: number): Bar {
  return { open: px, high: px, low: px, close: px, volume };
}

export function assetCtx(market: Market, ts: number, fields: Partial<Omit<AssetContextEvent, "kind" | "market">> = {}): AssetContextEvent {
  return {
    kind: "assetCtx",
    market,
    tsEvent: ts,
    tsInit: ts,
    fundingRatePerHour: undefined,
    openInterest: undefined,
    markPx: undefined,
    oraclePx: undefined,
    midPx: undefined,
    premium: undefined,
    dayNotionalVolumeUsd: undefined,
    impactBidPx: undefined,
    impactAskPx: undefined,
    prevDayPx: undefined,
    ...fields,
  };
}

export function funding(market: Market, ts: number, rate: number, periodMs = HOUR_MS): FundingSettlementEvent {
  return { kind: "funding", market, tsEvent: ts, tsInit: ts, rate, periodMs, premium: undefined };
}

export function status(ts: number): ConnectionStatusEvent {
  return { kind: "status", source: "test", state: "connected", tsEvent: ts, tsInit: ts, gapFrom: undefined, gapTo: undefined, detail: "" };
}

/** Deterministic PRNG (mulberry32): same seed, same stream. Returns numbers in [0, 1). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Start of the random streams: 2024-03-01 00:00 UTC. */
export const STREAM_START_MS = Date.UTC(2024, 2, 1);

/**
 * A seeded, time-ordered stream of every event kind for `perp("BTC")`, its spot pair and
 * `perp("ETH")`: books (sometimes one-sided or empty), trades, 1m candles (forming and
 * closed, sometimes zero volume), asset contexts, hourly funding settlements, status events,
 * with occasional multi-minute gaps and a UTC midnight crossing. Prices stay positive.
 */
export function randomEventStream(seed: number, length = 600): MarketEvent[] {
  const rnd = prng(seed);
  const events: MarketEvent[] = [];
  // Start shortly before midnight so session resets are exercised.
  let ts = STREAM_START_MS - 20 * 60_000 + Math.floor(rnd() * 60_000);
  let px = 60_000;
  let lastMinute = Math.floor(ts / 60_000) * 60_000;
  let minuteVolume = 0;
  let minuteOpen = px;
  let minuteHigh = px;
  let minuteLow = px;
  let nextFunding = Math.ceil(ts / HOUR_MS) * HOUR_MS;
  for (let i = 0; i < length; i += 1) {
    ts += rnd() < 0.02 ? Math.floor(rnd() * 15 * 60_000) : Math.floor(rnd() * 3_000);
    const minute = Math.floor(ts / 60_000) * 60_000;
    while (lastMinute < minute) {
      events.push(candle(BTC, "1m", lastMinute, { open: minuteOpen, high: minuteHigh, low: minuteLow, close: px, volume: minuteVolume }, true, Math.min(ts, lastMinute + 59_999)));
      lastMinute += 60_000;
      minuteVolume = 0;
      minuteOpen = px;
      minuteHigh = px;
      minuteLow = px;
      if (lastMinute + 60_000 <= minute) {
        // Skip the rest of a gap in one step: missing bars are what a gap looks like.
        lastMinute = minute;
      }
    }
    while (nextFunding <= ts) {
      events.push(funding(BTC, nextFunding, (rnd() - 0.3) * 1e-4));
      nextFunding += HOUR_MS;
    }
    px = Math.max(1, px * (1 + (rnd() - 0.5) * 0.002));
    minuteHigh = Math.max(minuteHigh, px);
    minuteLow = Math.min(minuteLow, px);
    const r = rnd();
    const market = rnd() < 0.15 ? ETH : rnd() < 0.15 ? UBTC : BTC;
    if (r < 0.3) {
      const n = Math.floor(rnd() * 12);
      const bids: [number, number][] = [];
      const asks: [number, number][] = [];
      for (let k = 0; k < n; k += 1) {
        if (rnd() < 0.9) bids.push([px - (k + 1) * 0.5, rnd() < 0.1 ? 1e-12 : rnd() * 5]);
        if (rnd() < 0.9) asks.push([px + (k + 1) * 0.5, rnd() < 0.05 ? 1e12 : rnd() * 5]);
      }
      events.push(book(market, ts, bids.filter(([, s]) => s > 0), asks.filter(([, s]) => s > 0)));
    } else if (r < 0.6) {
      const sz = rnd() < 0.05 ? 1e-12 : rnd() * 3 + 1e-6;
      if (market === BTC) minuteVolume += sz;
      events.push(trade(market, ts, rnd() < 0.5 ? "buy" : "sell", px, sz));
    } else if (r < 0.75) {
      events.push(candle(market, "1m", minute, { open: minuteOpen, high: minuteHigh, low: minuteLow, close: px, volume: minuteVolume }, false, ts));
    } else if (r < 0.9) {
      events.push(assetCtx(market, ts, { fundingRatePerHour: (rnd() - 0.3) * 1e-4, openInterest: rnd() * 1e4, markPx: px, oraclePx: px, midPx: px }));
    } else {
      events.push(status(ts));
    }
  }
  // Closed bars and settlements are stamped at their own times; a stable sort keeps ties in order.
  return events.sort((a, b) => a.tsEvent - b.tsEvent);
}

/** True when every number inside `value` (recursively) is finite. */
export function allFinite(value: unknown): boolean {
  if (typeof value === "number") return Number.isFinite(value);
  if (value === null || typeof value !== "object") return true;
  return Object.values(value).every(allFinite);
}

/**
 * A seeded stream of about two days of hourly funding settlements and predicted-rate contexts
 * for `perp("BTC")`, with some hours missing and a few 8-hourly settlements, interleaved with
 * `perp("ETH")` settlements. Rates stay within ±1e-3 per hour.
 */
export function hourlyFundingStream(seed: number): MarketEvent[] {
  const rnd = prng(seed);
  const events: MarketEvent[] = [];
  let rate = 1.25e-5;
  for (let h = 0; h < 48; h += 1) {
    const ts = STREAM_START_MS + h * HOUR_MS;
    rate = Math.max(-1e-3, Math.min(1e-3, rate + (rnd() - 0.5) * 2e-5));
    if (rnd() < 0.85) events.push(rnd() < 0.05 ? funding(BTC, ts, rate * 8, 8 * HOUR_MS) : funding(BTC, ts, rate));
    events.push(funding(ETH, ts, -rate));
    events.push(assetCtx(BTC, ts + 60_000, { fundingRatePerHour: rate * (1 + rnd()) }));
  }
  return events;
}
