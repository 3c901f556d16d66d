import type { CandleInterval } from "./intervals.ts";
import type { Market } from "./market.ts";

/**
 * Market events: the one normalised stream that live, capture replay and history replay all
 * produce. Every event carries venue time `tsEvent` and local receive time `tsInit`
 * (ms since epoch, UTC). History files have no receive time: there `tsInit` equals the time
 * the event became knowable (a candle's close, a funding settlement's time).
 *
 * Units: prices in quote currency (USD or USDC), sizes in base-asset units, notionals in USD,
 * rates and ratios as fractions (0.0001 = 0.01 %).
 */
interface EventBase {
  /** Venue time, ms. */
  readonly tsEvent: number;
  /** Local receive time, ms. */
  readonly tsInit: number;
}

/** One price level of a book. */
export interface BookLevel {
  readonly px: number;
  /** Size in base-asset units, > 0. */
  readonly sz: number;
  /** Number of orders at the level; `undefined` where the source did not record it. */
  readonly orders: number | undefined;
}

/** A full L2 snapshot (Hyperliquid sends whole snapshots, up to 20 levels a side). */
export interface BookSnapshotEvent extends EventBase {
  readonly kind: "book";
  readonly market: Market;
  /** Best (highest) bid first. */
  readonly bids: readonly BookLevel[];
  /** Best (lowest) ask first. */
  readonly asks: readonly BookLevel[];
}

/**
 * The best bid and offer (Hyperliquid `bbo`): sent whenever the top of book changes, several times
 * per `l2Book` snapshot (every ~115 ms vs ~543 ms in the 2025 recording). For what only needs the
 * top of book (marks, stop and target triggers, mids); depth stays with {@link BookSnapshotEvent}.
 */
export interface TopOfBookEvent extends EventBase {
  readonly kind: "bbo";
  readonly market: Market;
  /** Best bid; `undefined` when the side is empty. */
  readonly bid: BookLevel | undefined;
  /** Best ask; `undefined` when the side is empty. */
  readonly ask: BookLevel | undefined;
}

/** Aggressor side of a trade: `buy` = the buyer took liquidity. */
export type AggressorSide = "buy" | "sell";

export interface TradeEvent extends EventBase {
  readonly kind: "trade";
  readonly market: Market;
  readonly px: number;
  /** Size in base-asset units, > 0. */
  readonly sz: number;
  readonly side: AggressorSide;
  /** Venue trade id (`tid`), as a string to keep 64-bit ids exact. */
  readonly tradeId: string;
}

export interface CandleEvent extends EventBase {
  readonly kind: "candle";
  readonly market: Market;
  readonly interval: CandleInterval;
  /** Bar open time, ms (inclusive). */
  readonly openTime: number;
  /** Bar close time, ms (Hyperliquid's `T`: open + interval − 1). */
  readonly closeTime: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  /** Volume in base-asset units. */
  readonly volume: number;
  /** Number of trades in the bar; `undefined` where the source did not keep it. */
  readonly trades: number | undefined;
  /** `true` for a finished bar; `false` for the forming bar a live feed repeats. */
  readonly closed: boolean;
  /**
   * `true` for history delivered at the start of a live session (fetched over REST, and replayed
   * from its capture) so that strategies are warm within minutes; absent otherwise. The kernel
   * feeds such an event to the strategies at its own time and discards what they signal: it never
   * reaches the broker, the signal book or the journal, and it does not move the clock.
   */
  readonly warmUp?: true;
}

/**
 * A market's context (Hyperliquid `activeAssetCtx` / `metaAndAssetCtxs`). Fields a venue
 * does not give for a market (spot has no funding, open interest or oracle) are `undefined`.
 */
export interface AssetContextEvent extends EventBase {
  readonly kind: "assetCtx";
  readonly market: Market;
  /** Current funding rate, fraction per hour (Hyperliquid's `funding`). Perp only. */
  readonly fundingRatePerHour: number | undefined;
  /** Open interest in base-asset units. Perp only. */
  readonly openInterest: number | undefined;
  readonly markPx: number | undefined;
  /** Oracle price. Perp only. */
  readonly oraclePx: number | undefined;
  readonly midPx: number | undefined;
  /** Premium as a fraction of the oracle price. Perp only. */
  readonly premium: number | undefined;
  /** Notional volume over the last 24 h, USD. */
  readonly dayNotionalVolumeUsd: number | undefined;
  readonly impactBidPx: number | undefined;
  readonly impactAskPx: number | undefined;
  /** Price 24 h ago. */
  readonly prevDayPx: number | undefined;
}

/** A settled funding payment (one `fundingHistory` row). */
export interface FundingSettlementEvent extends EventBase {
  readonly kind: "funding";
  readonly market: Market;
  /** Rate paid at this settlement, fraction of notional, for `periodMs`. Positive: longs pay. */
  readonly rate: number;
  /** Length of the funding period this rate covers: 1 h since 2023-06-08, 8 h before. */
  readonly periodMs: number;
  /** Premium component, fraction; `undefined` where the source did not keep it. */
  readonly premium: number | undefined;
  /** `true` for a settlement fetched at a live session's start to warm the strategies up (as {@link CandleEvent.warmUp}). */
  readonly warmUp?: true;
}

export type ConnectionState = "connected" | "disconnected" | "resubscribed" | "gap";

/**
 * Connection status of a live source. A `gap` event marks a span in which data may be missing
 * (from the last frame before a disconnect to the first after the reconnect).
 */
export interface ConnectionStatusEvent extends EventBase {
  readonly kind: "status";
  /** Which source: `hyperliquid-ws`, a capture file name, ... */
  readonly source: string;
  readonly state: ConnectionState;
  /** Start of a gap, ms (for `gap`). */
  readonly gapFrom: number | undefined;
  /** End of a gap, ms (for `gap`). */
  readonly gapTo: number | undefined;
  readonly detail: string;
}

export type MarketEvent =
  | BookSnapshotEvent
  | TopOfBookEvent
  | TradeEvent
  | CandleEvent
  | AssetContextEvent
  | FundingSettlementEvent
  | ConnectionStatusEvent;

export type MarketEventKind = MarketEvent["kind"];

export const MARKET_EVENT_KINDS: readonly MarketEventKind[] = ["book", "bbo", "trade", "candle", "assetCtx", "funding", "status"];

/** The mid of a top of book with both sides, else `undefined`. */
export function topOfBookMid(event: TopOfBookEvent): number | undefined {
  return event.bid !== undefined && event.ask !== undefined ? (event.bid.px + event.ask.px) / 2 : undefined;
}

/**
 * The hourly rate implied by a funding settlement. Divides by the period in hours (1 or 8,
 * both exact in binary), so an hourly rate comes back bit-for-bit unchanged.
 */
export function fundingRatePerHour(event: FundingSettlementEvent): number {
  return event.rate / (event.periodMs / 3_600_000);
}
