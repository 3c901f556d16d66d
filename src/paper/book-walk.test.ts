import { describe, expect, it } from "vitest";
import { bookMid, walkBook } from "./book-walk.ts";

const lv = (px: number, sz: number) => ({ px, sz, orders: undefined });
const book = { bids: [lv(99, 1), lv(98, 1), lv(97, 5)], asks: [lv(100, 1), lv(101, 2), lv(102, 3)] };

describe("walkBook", () => {
  it("fills a buy of 4 over three ask levels at the volume-weighted price 101", () => {
    // 1 @ 100 + 2 @ 101 + 1 @ 102 = 404 USD for 4 coins → 101.
    expect(walkBook(book, "buy", 4)).toEqual({ sz: 4, px: 101, partial: false, levelsUsed: 3 });
  });

  it("fills a sell of 2.5 down the bids at 98.2", () => {
    // 1 @ 99 + 1 @ 98 + 0.5 @ 97 = 245.5 USD for 2.5 coins → 98.2.
    expect(walkBook(book, "sell", 2.5)).toEqual({ sz: 2.5, px: 98.2, partial: false, levelsUsed: 3 });
  });

  it("fills only the 6 coins the asks hold when 7 are asked for, and flags the fill partial", () => {
    // 1 @ 100 + 2 @ 101 + 3 @ 102 = 608 USD for 6 coins → 101.333…
    const w = walkBook(book, "buy", 7);
    expect(w).toMatchObject({ sz: 6, partial: true, levelsUsed: 3 });
    expect(w?.px).toBeCloseTo(608 / 6, 12);
  });

  it("fills inside the best level at its price", () => {
    expect(walkBook(book, "buy", 0.5)).toEqual({ sz: 0.5, px: 100, partial: false, levelsUsed: 1 });
  });

  it("gives nothing on an empty side", () => {
    expect(walkBook({ bids: [], asks: [] }, "sell", 1)).toBeUndefined();
    expect(bookMid({ bids: [], asks: [lv(1, 1)] })).toBeUndefined();
    expect(bookMid(book)).toBe(99.5);
  });
});
