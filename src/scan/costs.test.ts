import { describe, expect, it } from "vitest";
import { perp } from "../core/index.ts";
import type { BookSnapshotEvent } from "../core/index.ts";
import { legRoundTrip } from "./costs.ts";

function book(bids: [number, number][], asks: [number, number][]): BookSnapshotEvent {
  const level = ([px, sz]: [number, number]) => ({ px, sz, orders: 1 });
  return { kind: "book", tsEvent: 0, tsInit: 0, market: perp("BTC"), bids: bids.map(level), asks: asks.map(level) };
}

describe("legRoundTrip", () => {
  it("pays the spread and the depth walked on both sides, and the taker fee on both fills", () => {
    // buy 3: 1 @ 101 + 2 @ 102 = 305 → 101.6667; sell 3: 1 @ 99 + 2 @ 98 = 295 → 98.3333
    // book cost 305 − 295 = 10; fees 0.001 × (305 + 295) = 0.6
    const result = legRoundTrip(book([[99, 1], [98, 5]], [[101, 1], [102, 5]]), 3, 0.001);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.leg.buyPx).toBeCloseTo(305 / 3, 12);
    expect(result.leg.sellPx).toBeCloseTo(295 / 3, 12);
    expect(result.leg.bookCostUsd).toBeCloseTo(10, 12);
    expect(result.leg.feesUsd).toBeCloseTo(0.6, 12);
  });

  it("costs only the quoted spread when the best level holds the size", () => {
    // 0.5 × (100.5 − 99.5) = 0.5; fees 0 at a zero rate
    const result = legRoundTrip(book([[99.5, 1]], [[100.5, 1]]), 0.5, 0);
    expect(result).toEqual({ ok: true, leg: { sz: 0.5, buyPx: 100.5, sellPx: 99.5, bookCostUsd: 0.5, feesUsd: 0 } });
  });

  it("is not a trade when a side holds less than the size", () => {
    expect(legRoundTrip(book([[99, 1]], [[101, 10]]), 2, 0.00045)).toEqual({ ok: false, reason: "BTC book holds 1 of 2 a side" });
  });

  it("is not a trade when a side is empty", () => {
    expect(legRoundTrip(book([], [[101, 10]]), 2, 0.00045)).toEqual({ ok: false, reason: "BTC book has an empty side" });
  });
});
