import { describe, expect, it } from "vitest";
import { bracket, isExpired, signalId, SignalFactory, sizeFactorAt } from "./signal.ts";
import type { SignalDraft } from "./signal.ts";
import { BTC, ETH } from "./test-events.ts";

const draft = (over: Partial<SignalDraft> = {}): SignalDraft => ({
  market: BTC, side: "long", confidence: "MEDIUM", entryPx: 100, stopPx: 98, targetPx: 103, maxHoldMs: 3_600_000,
  reason: "test", metrics: { x: 1 }, thresholds: { x: 0.5 }, ...over,
});

describe("signal ids", () => {
  it("are strategy:market:createdMs:seq", () => {
    expect(signalId("flow-toxicity", "hyperliquid:perp:BTC", 1_000, 0)).toBe("flow-toxicity:hyperliquid:perp:BTC:1000:0");
  });

  it("count up within one millisecond and market, and restart at 0 otherwise", () => {
    const f = new SignalFactory("s");
    expect(f.create(draft(), 5).id).toBe("s:hyperliquid:perp:BTC:5:0");
    expect(f.create(draft(), 5).id).toBe("s:hyperliquid:perp:BTC:5:1");
    expect(f.create(draft({ market: ETH }), 5).id).toBe("s:hyperliquid:perp:ETH:5:0");
    expect(f.create(draft(), 6).id).toBe("s:hyperliquid:perp:BTC:6:0");
  });

  it("are identical when the same decisions are replayed by a fresh factory", () => {
    const run = () => {
      const f = new SignalFactory("s");
      return [f.create(draft(), 5), f.create(draft(), 5), f.create(draft(), 9)].map((s) => s.id);
    };
    expect(run()).toEqual(run());
  });
});

describe("a created signal", () => {
  it("has a single leg, is executable and expires after 120 s by default", () => {
    const s = new SignalFactory("s").create(draft(), 1_000);
    expect(s.legs).toEqual([{ market: BTC, side: "long", entryPx: 100 }]);
    expect(s.executable).toBe(true);
    expect(s.createdMs).toBe(1_000);
    expect(s.expiryMs).toBe(120_000);
  });

  it("is refused as a bug when the stop is on the wrong side", () => {
    const f = new SignalFactory("s");
    expect(() => f.create(draft({ stopPx: 101 }), 0)).toThrow(/bug in strategy s/);
    expect(() => f.create(draft({ side: "short", stopPx: 98, targetPx: 97 }), 0)).toThrow(/bug/);
    expect(() => f.create(draft({ entryPx: Number.NaN }), 0)).toThrow(/bug/);
  });
});

describe("size decay by age", () => {
  const s = { createdMs: 10_000, expiryMs: 120_000 };

  it("is 1 at creation, falls linearly, and is 0 at and after expiry", () => {
    expect(sizeFactorAt(s, 10_000)).toBe(1);
    expect(sizeFactorAt(s, 10_000 + 30_000)).toBe(0.75); // 1 − 30/120
    expect(sizeFactorAt(s, 10_000 + 60_000)).toBe(0.5);
    expect(sizeFactorAt(s, 10_000 + 119_999)).toBeCloseTo(1 / 120_000, 12);
    expect(sizeFactorAt(s, 10_000 + 120_000)).toBe(0);
    expect(sizeFactorAt(s, 10_000 + 86_400_000 + 30_000)).toBe(0); // a day later: full elapsed time, not .seconds
  });

  it("treats a time before creation as age 0", () => {
    expect(sizeFactorAt(s, 0)).toBe(1);
  });

  it("marks expiry at exactly createdMs + expiryMs", () => {
    expect(isExpired(s, 129_999)).toBe(false);
    expect(isExpired(s, 130_000)).toBe(true);
  });
});

describe("bracket", () => {
  it("puts a long's stop below and target above, a short's the other way", () => {
    // 1000 × (1 ∓ 0.02), 1000 × (1 ± 0.015), up to float rounding.
    const long = bracket("long", 1000, 0.02, 0.015);
    const short = bracket("short", 1000, 0.02, 0.015);
    expect(long.stopPx).toBeCloseTo(980, 9);
    expect(long.targetPx).toBeCloseTo(1015, 9);
    expect(short.stopPx).toBeCloseTo(1020, 9);
    expect(short.targetPx).toBeCloseTo(985, 9);
  });
});
