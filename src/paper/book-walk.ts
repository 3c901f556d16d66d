import type { BookLevel } from "../core/index.ts";
import type { OrderSide } from "./types.ts";

/** The result of walking a book with a market order. Prices USD per coin, sizes coins. */
export interface BookWalk {
  /** Size filled, coins: the order's size, or less when the book ran out. */
  readonly sz: number;
  /** Volume-weighted average price over the levels consumed. */
  readonly px: number;
  /** True when the levels held less than the order's size; the remainder is not filled. */
  readonly partial: boolean;
  readonly levelsUsed: number;
}

/**
 * Walks one side of a book with a market order of `sz` coins: a buy takes the asks from the best
 * (lowest) up, a sell the bids from the best (highest) down. The price is Σ px × take / Σ take
 * over the levels consumed. `undefined` when that side is empty (nothing can fill).
 */
export function walkBook(book: { readonly bids: readonly BookLevel[]; readonly asks: readonly BookLevel[] }, side: OrderSide, sz: number): BookWalk | undefined {
  const levels = side === "buy" ? book.asks : book.bids;
  let left = sz;
  let filled = 0;
  let cost = 0;
  let levelsUsed = 0;
  for (const level of levels) {
    if (left <= 0) break;
    const take = Math.min(left, level.sz);
    if (!(take > 0)) continue;
    filled += take;
    cost += take * level.px;
    left -= take;
    levelsUsed += 1;
  }
  if (!(filled > 0)) return undefined;
  // Comparing with a relative tolerance: subtracting level sizes leaves binary dust (1e-17 coin).
  const partial = left > sz * 1e-12;
  return { sz: partial ? filled : sz, px: cost / filled, partial, levelsUsed };
}

/** Mid price of a book, or `undefined` when a side is empty. */
export function bookMid(book: { readonly bids: readonly BookLevel[]; readonly asks: readonly BookLevel[] }): number | undefined {
  const bid = book.bids[0];
  const ask = book.asks[0];
  return bid !== undefined && ask !== undefined ? (bid.px + ask.px) / 2 : undefined;
}
