import type { BookSnapshotEvent } from "../core/index.ts";
import { walkBook } from "../paper/index.ts";

/**
 * The real cost of going in and out of one leg with market orders at a size, from a current
 * book: the buy walks the asks, the sell walks the bids (the paper broker's own `walkBook`), and
 * each fill pays the taker fee on its notional. What the round trip loses to the book is
 * `sz × (buy VWAP − sell VWAP)` — the spread plus the depth walked on both sides — whichever
 * side the leg opens on, on the assumption that the book looks the same at exit.
 */
export interface LegRoundTrip {
  /** Size in and out, coins. */
  readonly sz: number;
  /** Average price of a market buy of `sz`: Σ px × take / sz over the asks consumed. */
  readonly buyPx: number;
  /** Average price of a market sell of `sz` over the bids. */
  readonly sellPx: number;
  /** sz × (buyPx − sellPx), USD. */
  readonly bookCostUsd: number;
  /** takerFee × sz × (buyPx + sellPx): the two fills' fees, USD. */
  readonly feesUsd: number;
}

export type LegRoundTripResult = { readonly ok: true; readonly leg: LegRoundTrip } | { readonly ok: false; readonly reason: string };

/**
 * One leg's round trip at `sz` coins through `book`, both fills taker at `takerFee`.
 * Not a trade when a side is empty or holds less than `sz` (the 20 levels the venue sends are
 * all we know): `{ ok: false, reason }`.
 */
export function legRoundTrip(book: BookSnapshotEvent, sz: number, takerFee: number): LegRoundTripResult {
  const buy = walkBook(book, "buy", sz);
  const sell = walkBook(book, "sell", sz);
  if (buy === undefined || sell === undefined) return { ok: false, reason: `${book.market.symbol} book has an empty side` };
  if (buy.partial || sell.partial) {
    const held = Math.min(buy.sz, sell.sz);
    return { ok: false, reason: `${book.market.symbol} book holds ${formatSz(held)} of ${formatSz(sz)} a side` };
  }
  return {
    ok: true,
    leg: { sz, buyPx: buy.px, sellPx: sell.px, bookCostUsd: sz * (buy.px - sell.px), feesUsd: takerFee * sz * (buy.px + sell.px) },
  };
}

function formatSz(sz: number): string {
  return Number(sz.toPrecision(4)).toString();
}
