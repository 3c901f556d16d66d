import { describe, expect, it } from "vitest";
import { ConfigError } from "../core/index.ts";
import type { BookLevel, BookSnapshotEvent } from "../core/index.ts";
import { herfindahl } from "../metrics/book-quality.ts";
import { LiquidityStrategy } from "./liquidity.ts";
import { BTC, feed, T0 } from "./test-events.ts";

/** `notionals` as levels stepping 0.01 away from 100 (sizes = notional / px, so each level's px·sz is its notional). */
function side(notionals: readonly number[], sign: 1 | -1): BookLevel[] {
  return notionals.map((q, k) => {
    const px = 100 + sign * (0.005 + k * 0.01);
    return { px, sz: q / px, orders: undefined };
  });
}

const flat = (perLevel: number): number[] => Array.from({ length: 10 }, () => perLevel);

function book(tsMs: number, bids: readonly number[], asks: readonly number[]): BookSnapshotEvent {
  return { kind: "book", market: BTC, tsEvent: tsMs, tsInit: tsMs, bids: side(bids, -1), asks: side(asks, 1) };
}

/**
 * 13 snapshots 0.5 s apart whose bid levels alternate 5 / 5.1 USD (churn 2 USD/s, imbalance ≈ 0),
 * then at 6.5 s the bids jump to 8 USD a level and the asks fall to 2 (`last` overrides): imbalance
 * (80 − 20) / 100 = 0.6, Herfindahl 0.1 per side, weighted 0.6 × 0.9 = 0.54; velocity against the
 * snapshot at 1.5 s (imbalance (51 − 50) / 101) = (0.6 − 0.0099) / 5 = 0.11802 /s; churn of the
 * jump from the 5 USD snapshot at 6 s (30 + 30 USD over 0.5 s) = 120 USD/s against a median of 2.
 */
function stream(last: { bids: readonly number[]; asks: readonly number[] } = { bids: flat(8), asks: flat(2) }): BookSnapshotEvent[] {
  const out: BookSnapshotEvent[] = [];
  for (let i = 0; i < 13; i += 1) out.push(book(T0 + i * 500, flat(i % 2 === 0 ? 5 : 5.1), flat(5)));
  out.push(book(T0 + 6_500, last.bids, last.asks));
  return out;
}

/** A small stuffing window so the flag is warm after 13 snapshots; k = 100 so the jump itself is not stuffing. */
const TEST = { stuffingWindow: 10, stuffingK: 100 };

describe("LiquidityStrategy", () => {
  it("warms up at a slow book cadence only when bookStaleMs allows it: books every 5.5 s are gaps under the 5 s default, a feed at 15 s", () => {
    // 13 books 5.5 s apart (a slower venue than the measured 543 ms), stuffing window 10 intervals.
    const slow = Array.from({ length: 13 }, (_, i) => book(T0 + i * 5_500, flat(i % 2 === 0 ? 5 : 5.1), flat(5)));
    const at = T0 + 12 * 5_500;
    const strict = new LiquidityStrategy(BTC, TEST);
    const relaxed = new LiquidityStrategy(BTC, { ...TEST, bookStaleMs: 15_000 });
    feed(strict, slow);
    feed(relaxed, slow);
    expect(strict.isWarm(at)).toBe(false);
    expect(relaxed.isWarm(at)).toBe(true);
    // Stale all the same once no book came for longer than the setting.
    expect(relaxed.isWarm(at + 15_001)).toBe(false);
  });

  it("goes long on a clean bid-heavy book whose imbalance is building", () => {
    const signals = feed(new LiquidityStrategy(BTC, TEST), stream());
    expect(signals).toHaveLength(1);
    const s = signals[0]!;
    expect(s.id).toBe(`liquidity:hyperliquid:perp:BTC:${T0 + 6_500}:0`);
    expect([s.side, s.confidence]).toEqual(["long", "MEDIUM"]);
    expect(s.metrics["bookImbalance"]).toBeCloseTo(0.6, 12);
    expect(s.metrics["herfindahlBid"]).toBeCloseTo(0.1, 12);
    expect(s.metrics["qualityWeightedImbalance"]).toBeCloseTo(0.54, 12);
    expect(s.metrics["liquidityVelocityPerSecond"]).toBeCloseTo((0.6 - 1 / 101) / 5, 12);
    expect(s.metrics["churnUsdPerSecond"]).toBeCloseTo(120, 9);
    expect(s.metrics["medianChurnUsdPerSecond"]).toBeCloseTo(2, 9);
    expect(s.entryPx).toBeCloseTo(100, 12);
    // Defaults: stop 0.5 %, target 0.75 % from the mid 100.
    expect(s.stopPx).toBeCloseTo(99.5, 12);
    expect(s.targetPx).toBeCloseTo(100.75, 12);
    expect(s.maxHoldMs).toBe(300_000);
  });

  it("goes short on an ask-heavy book", () => {
    const signals = feed(new LiquidityStrategy(BTC, TEST), stream({ bids: flat(2), asks: flat(8) }));
    expect(signals.map((s) => s.side)).toEqual(["short"]);
  });

  it("fires just inside the weighted threshold, not at it, not just outside", () => {
    const w = feed(new LiquidityStrategy(BTC, TEST), stream())[0]!.metrics["qualityWeightedImbalance"]!;
    expect(feed(new LiquidityStrategy(BTC, { ...TEST, threshold: w - 1e-9 }), stream())).toHaveLength(1);
    expect(feed(new LiquidityStrategy(BTC, { ...TEST, threshold: w }), stream())).toHaveLength(0);
    expect(feed(new LiquidityStrategy(BTC, { ...TEST, threshold: w + 1e-9 }), stream())).toHaveLength(0);
  });

  it("rejects a fake wall: a bid side with 60 of its 80 USD in one level (Herfindahl 0.5694)", () => {
    const wall = [60, ...Array.from({ length: 9 }, () => 20 / 9)];
    const h = herfindahl(side(wall, -1), 10)!;
    expect(h).toBeCloseTo(0.5625 + 9 * (20 / 9 / 80) ** 2, 12);
    const last = { bids: wall, asks: flat(2) };
    // Weighted imbalance 0.6 × (1 − 0.5694) = 0.258: lower the threshold, and raise k (the wall's
    // arrival churns 220 USD/s), so only the wall rule decides.
    const only = { stuffingWindow: 10, stuffingK: 1000, threshold: 0.2 };
    expect(feed(new LiquidityStrategy(BTC, only), stream(last))).toHaveLength(0);
    expect(feed(new LiquidityStrategy(BTC, { ...only, fakeWallHerfindahl: h }), stream(last))).toHaveLength(1);
    expect(feed(new LiquidityStrategy(BTC, { ...only, fakeWallHerfindahl: h - 1e-9 }), stream(last))).toHaveLength(0);
  });

  it("rejects quote stuffing: churn 120 USD/s is above 5 × the median 2 USD/s; not above 60.1 × (at exactly 60 × the float sums decide)", () => {
    expect(feed(new LiquidityStrategy(BTC, { stuffingWindow: 10, stuffingK: 5 }), stream())).toHaveLength(0);
    expect(feed(new LiquidityStrategy(BTC, { stuffingWindow: 10, stuffingK: 60.1 }), stream())).toHaveLength(1);
    expect(feed(new LiquidityStrategy(BTC, { stuffingWindow: 10, stuffingK: 59.9 }), stream())).toHaveLength(0);
  });

  it("needs the liquidity velocity to agree: a bid-heavy book that is thinning out does not fire", () => {
    const events: BookSnapshotEvent[] = [];
    for (let i = 0; i < 13; i += 1) events.push(book(T0 + i * 500, flat(i % 2 === 0 ? 9.5 : 9.6), flat(0.5)));
    events.push(book(T0 + 6_500, flat(8), flat(2)));
    expect(feed(new LiquidityStrategy(BTC, TEST), events)).toEqual([]);
    expect(feed(new LiquidityStrategy(BTC, { ...TEST, minVelocityPerSecond: 0.118 }), stream())).toHaveLength(1);
    expect(feed(new LiquidityStrategy(BTC, { ...TEST, minVelocityPerSecond: 0.1181 }), stream())).toHaveLength(0);
  });

  it("never fires during warm-up (stuffing median needs window + 2 snapshots) or on a late snapshot", () => {
    const strategy = new LiquidityStrategy(BTC, { ...TEST, stuffingWindow: 20 });
    expect(feed(strategy, stream())).toEqual([]);
    expect(strategy.isWarm(T0 + 6_500)).toBe(false);
    const late = new LiquidityStrategy(BTC, TEST);
    const events = stream();
    feed(late, events.slice(0, -1));
    expect(late.onEvent(events.at(-1)!, { nowMs: T0 + 6_500 + 5_001 })).toEqual([]);
  });

  it("says it cannot fire on candle-only history", () => {
    expect(new LiquidityStrategy(BTC).description.candleOnly.canFire).toBe(false);
  });

  it("rejects an out-of-range threshold with a ConfigError naming the key", () => {
    expect(() => new LiquidityStrategy(BTC, { threshold: 2 })).toThrow(ConfigError);
    expect(() => new LiquidityStrategy(BTC, { threshold: 2 })).toThrow("strategies.liquidity.threshold");
  });
});
