import { ParseError } from "../core/index.ts";
import type { BookLevel, BookSnapshotEvent, Market, TradeEvent } from "../core/index.ts";
import { checkVenueTime, DEFAULT_MAX_VENUE_TIME_AHEAD_MS } from "../venues/hyperliquid/numbers.ts";
import { positiveField, secondsAsMsField, timeMsField } from "./fields.ts";

/**
 * Rows of the l2_trades WebSocket recording (djienne/Hyperliquid_data_collector layout, see
 * the data PROVENANCE): `timestamp` is the local receive time in seconds (float),
 * `exchange_timestamp` Hyperliquid's `time` in ms.
 */

/**
 * Column positions of an orderbooks header: `timestamp,sequence,exchange_timestamp,bid_price_0,
 * bid_size_0,ask_price_0,ask_size_0,…` (`sequence` is optional: nothing reads it).
 */
export interface OrderbookColumns {
  readonly levels: number;
  /** Default 2 (after `timestamp,sequence`). */
  readonly exchangeTimeAt?: number;
  /** Default 3. */
  readonly firstLevelAt?: number;
}

/**
 * One orderbooks row → a book snapshot: tsEvent = `exchange_timestamp`, tsInit =
 * `timestamp` × 1000 rounded to ms; `orders` undefined (the recorder did not keep `n`).
 * An `exchange_timestamp` before 2023-01-01 or more than 60 s after `timestamp` is refused.
 * A level whose price and size are both empty is absent (a thin book); a half-empty level is
 * a reject. Bids must fall and asks rise strictly, as in any venue snapshot.
 *
 * @throws ParseError naming the column and value
 */
export function orderbookRow(fields: readonly string[], columns: OrderbookColumns, market: Market): BookSnapshotEvent {
  const tsInit = secondsAsMsField(fields[0] ?? "", "timestamp");
  const tsEvent = timeMsField(fields[columns.exchangeTimeAt ?? 2] ?? "", "exchange_timestamp");
  checkVenueTime(tsEvent, "exchange_timestamp", tsInit, DEFAULT_MAX_VENUE_TIME_AHEAD_MS);
  const bids: BookLevel[] = [];
  const asks: BookLevel[] = [];
  const first = columns.firstLevelAt ?? 3;
  for (let level = 0; level < columns.levels; level += 1) {
    const at = first + level * 4;
    pushLevel(bids, fields[at] ?? "", fields[at + 1] ?? "", "bid", level, true);
    pushLevel(asks, fields[at + 2] ?? "", fields[at + 3] ?? "", "ask", level, false);
  }
  return { kind: "book", market, tsEvent, tsInit, bids, asks };
}

function pushLevel(side: BookLevel[], pxText: string, szText: string, name: "bid" | "ask", level: number, falling: boolean): void {
  if (pxText.length === 0 && szText.length === 0) {
    return;
  }
  const px = positiveField(pxText, `${name}_price_${level}`);
  const sz = positiveField(szText, `${name}_size_${level}`);
  const previous = side[side.length - 1];
  if (previous !== undefined && (falling ? px >= previous.px : px <= previous.px)) {
    throw new ParseError(`${name}_price_${level}`, pxText, `must be ${falling ? "below" : "above"} the previous level's ${previous.px}`);
  }
  side.push({ px, sz, orders: undefined });
}

/**
 * One trades row (`timestamp,price,size,side,trade_id,exchange_timestamp`) → a trade:
 * `side` buy/sell is the taker (aggressor) side, tsEvent = `exchange_timestamp`.
 *
 * @throws ParseError naming the column and value
 */
export function tradeRow(fields: readonly string[], market: Market): TradeEvent {
  const tsInit = secondsAsMsField(fields[0] ?? "", "timestamp");
  const px = positiveField(fields[1] ?? "", "price");
  const sz = positiveField(fields[2] ?? "", "size");
  const sideText = fields[3] ?? "";
  if (sideText !== "buy" && sideText !== "sell") {
    throw new ParseError("side", sideText, "must be buy or sell");
  }
  const tradeId = fields[4] ?? "";
  if (!/^\d+$/.test(tradeId)) {
    throw new ParseError("trade_id", tradeId, "must be a decimal integer id");
  }
  const tsEvent = timeMsField(fields[5] ?? "", "exchange_timestamp");
  checkVenueTime(tsEvent, "exchange_timestamp", tsInit, DEFAULT_MAX_VENUE_TIME_AHEAD_MS);
  return { kind: "trade", market, tsEvent, tsInit, px, sz, side: sideText, tradeId };
}
