import { describe, expect, it } from "vitest";
import { ConfigError } from "../core/index.ts";
import { SignalFactory } from "./signal.ts";
import type { Signal } from "./signal.ts";
import { SignalBook } from "./signal-book.ts";
import { BTC, ETH } from "./test-events.ts";

const factory = new SignalFactory("s");
const sig = (createdMs: number, market = BTC, maxHoldMs = 60_000): Signal =>
  factory.create({ market, side: "long", confidence: "LOW", entryPx: 10, stopPx: 9, targetPx: 11, maxHoldMs, reason: "r", metrics: {}, thresholds: {} }, createdMs);

describe("SignalBook", () => {
  it("accepts one open signal per strategy and market and refuses a second", () => {
    const book = new SignalBook({ cooldownMs: 1_000 });
    expect(book.offer(sig(0), 0)).toEqual({ accepted: true });
    expect(book.offer(sig(10), 10)).toEqual({ accepted: false, reason: "open-signal", untilMs: 60_000 });
    expect(book.offer(sig(10, ETH), 10)).toEqual({ accepted: true });
    expect(book.openSignals(10).map((s) => s.market.symbol)).toEqual(["BTC", "ETH"]);
  });

  it("refuses during the cooldown after a close and accepts at its end", () => {
    const book = new SignalBook({ cooldownMs: 1_000 });
    book.offer(sig(0), 0);
    expect(book.close("s", BTC, 500)).toBe(true);
    expect(book.close("s", BTC, 500)).toBe(false);
    expect(book.offer(sig(1_499), 1_499)).toEqual({ accepted: false, reason: "cooldown", untilMs: 1_500 });
    expect(book.offer(sig(1_500), 1_500)).toEqual({ accepted: true });
  });

  it("ends a signal at its maximum hold and starts the cooldown there", () => {
    const book = new SignalBook({ cooldownMs: 1_000 });
    book.offer(sig(0), 0);
    expect(book.openSignal("s", BTC, 59_999)).toBeDefined();
    expect(book.openSignal("s", BTC, 60_000)).toBeUndefined();
    expect(book.offer(sig(60_999), 60_999)).toMatchObject({ accepted: false, reason: "cooldown", untilMs: 61_000 });
    expect(book.offer(sig(61_000), 61_000)).toEqual({ accepted: true });
  });

  it("defaults to a 10-minute cooldown and rejects a negative one", () => {
    expect(new SignalBook().cooldownMs).toBe(600_000);
    expect(() => new SignalBook({ cooldownMs: -1 })).toThrow(ConfigError);
  });
});
