import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../core/index.ts";
import type { MarketEvent } from "../core/index.ts";
import { PositioningRegimesStrategy, positioningRegimes, positioningRegimesConfigSchema, positioningSettings } from "./positioning-regimes.ts";
import { nominalLevels } from "./threshold.ts";
import type { PositioningInputs } from "./positioning-regimes.ts";
import { bar, BTC, feed, fundingAt, inTimeOrder, T0 } from "./test-events.ts";

const H = 3_600_000;
const NOW = T0 + 21 * H;

/**
 * 21 closed 1 h bars (volume 1, the last `lastVolume`: volume ratio = lastVolume), closes 1000
 * except the last at 1000 × (1 + priceChange): the price 4 h before the last close is bar 16's 1000.
 * Nine hourly settlements from T0 + 13 h to NOW: r₋₈ₕ, then r₋₄ₕ at T0 + 17 h, then r₀ at NOW
 * (linear in between). velocity4h = (r₀ − r₋₄)/4, velocity8h = (r₀ − r₋₈)/8, acceleration = their difference.
 */
function events(rates: [number, number, number], lastVolume: number, priceChange: number): MarketEvent[] {
  const [r8, r4, r0] = rates;
  const out: MarketEvent[] = [];
  for (let i = 0; i < 21; i += 1) out.push(bar(BTC, "1h", T0 + i * H, i === 20 ? 1000 * (1 + priceChange) : 1000, i === 20 ? lastVolume : 1));
  for (let k = 0; k <= 8; k += 1) {
    const rate = k <= 4 ? r8 + ((r4 - r8) * k) / 4 : r4 + ((r0 - r4) * (k - 4)) / 4;
    out.push(fundingAt(BTC, T0 + (13 + k) * H, rate));
  }
  return inTimeOrder(out);
}

const run = (rates: [number, number, number], volume: number, price: number, config: unknown = {}) => feed(new PositioningRegimesStrategy(BTC, config), events(rates, volume, price));

/** Steady rise 1e-5 → 1.4e-5 → 1.8e-5: velocity4h = velocity8h = 1e-6, acceleration 0. */
const RISING: [number, number, number] = [1e-5, 1.4e-5, 1.8e-5];
const FALLING: [number, number, number] = [1.8e-5, 1.4e-5, 1e-5];
/** Flat, then a jump to 2e-5: acceleration (2e-5 − 2e-5 + 1e-5) / 8 = 1.25e-6. */
const JUMP: [number, number, number] = [1e-5, 1e-5, 2e-5];
/** Extreme 6e-5 turning to 5e-5: acceleration (5e-5 − 12e-5 + 6e-5) / 8 = −1.25e-6. */
const TURN: [number, number, number] = [6e-5, 6e-5, 5e-5];

describe("PositioningRegimesStrategy", () => {
  it("accumulation: funding rising steadily, volume 1.5 ×, price +1 % → long", () => {
    const [s] = run(RISING, 1.5, 0.01);
    expect([s?.side, s?.metrics["regime"]]).toEqual(["long", 0]);
    expect(s?.metrics["fundingVelocity4hPerHour2"]).toBeCloseTo(1e-6, 15);
    expect(s?.metrics["fundingVelocity8hPerHour2"]).toBeCloseTo(1e-6, 15);
    expect(s?.metrics["priceChange4h"]).toBeCloseTo(0.01, 12);
    expect(s?.entryPx).toBeCloseTo(1010, 9);
    expect(s?.stopPx).toBeCloseTo(989.8, 9);
    expect(s?.targetPx).toBeCloseTo(1040.3, 9);
    expect(s?.reason).toContain("accumulation");
  });

  it("distribution: funding falling steadily, volume 1.5 ×, price −1 % → short", () => {
    const [s] = run(FALLING, 1.5, -0.01);
    expect([s?.side, s?.metrics["regime"]]).toEqual(["short", 1]);
  });

  it("accumulation needs rising volume (≥ 1.2, inclusive), price beyond +0.5 % and velocity4h beyond its threshold", () => {
    expect(run(RISING, 1.2, 0.01)).toHaveLength(1);
    expect(run(RISING, 1.19, 0.01)).toHaveLength(0);
    expect(run(RISING, 1.5, 0.005)).toHaveLength(0);
    expect(run(RISING, 1.5, 0.0051)).toHaveLength(1);
    const v4 = run(RISING, 1.5, 0.01)[0]!.metrics["fundingVelocity4hPerHour2"]!;
    expect(run(RISING, 1.5, 0.01, { steadyVelocityPerHour2: v4 * (1 - 1e-9) })).toHaveLength(1);
    expect(run(RISING, 1.5, 0.01, { steadyVelocityPerHour2: v4 })).toHaveLength(0);
    expect(run(RISING, 1.5, 0.01, { steadyVelocityPerHour2: v4 * (1 + 1e-9) })).toHaveLength(0);
  });

  it("momentum: acceleration 1.25e-6 > 1e-6 with price up, on ordinary volume → long; price down → nothing", () => {
    const [s] = run(JUMP, 1, 0.01);
    expect([s?.side, s?.metrics["regime"]]).toEqual(["long", 2]);
    expect(s?.metrics["fundingAccelerationPerHour2"]).toBeCloseTo(1.25e-6, 15);
    expect(run(JUMP, 1, -0.01)).toEqual([]);
  });

  it("momentum fires just inside its acceleration threshold, not at it, not just outside", () => {
    const a = run(JUMP, 1, 0.01)[0]!.metrics["fundingAccelerationPerHour2"]!;
    expect(run(JUMP, 1, 0.01, { accelerationPerHour2: a * (1 - 1e-9) })).toHaveLength(1);
    expect(run(JUMP, 1, 0.01, { accelerationPerHour2: a })).toHaveLength(0);
    expect(run(JUMP, 1, 0.01, { accelerationPerHour2: a * (1 + 1e-9) })).toHaveLength(0);
  });

  it("exhaustion: extreme positive funding turning down on volume 0.5 × with a flat price → short (fade)", () => {
    const [s] = run(TURN, 0.5, 0);
    expect([s?.side, s?.metrics["regime"]]).toEqual(["short", 3]);
    expect(s?.metrics["fundingAccelerationPerHour2"]).toBeCloseTo(-1.25e-6, 15);
    // Negative extreme funding turning up → long.
    expect(run([-6e-5, -6e-5, -5e-5], 0.5, 0).map((x) => x.side)).toEqual(["long"]);
  });

  it("exhaustion needs declining volume (< 0.8, strict) and extreme funding", () => {
    expect(run(TURN, 0.79, 0)).toHaveLength(1);
    expect(run(TURN, 0.8, 0)).toHaveLength(0);
    expect(run(TURN, 0.5, 0, { extremePerHour: 5e-5 * (1 - 1e-9) })).toHaveLength(1);
    expect(run(TURN, 0.5, 0, { extremePerHour: 5e-5 * (1 + 1e-9) })).toHaveLength(0);
  });

  it("checks the regimes in order: a steady rise that also accelerates is accumulation", () => {
    const [s] = run(JUMP, 1.5, 0.01);
    expect(s?.metrics["regime"]).toBe(0);
  });

  it("never fires during warm-up (8 settlements, 7 h of funding) or on a stale settlement", () => {
    expect(feed(new PositioningRegimesStrategy(BTC), events(RISING, 1.5, 0.01).filter((e) => !(e.kind === "funding" && e.tsEvent === T0 + 13 * H)))).toEqual([]);
    const strategy = new PositioningRegimesStrategy(BTC);
    const list = events(RISING, 1.5, 0.01);
    feed(strategy, list.slice(0, -1));
    expect(strategy.onEvent(list.at(-1)!, { nowMs: NOW + 2 * H + 1 })).toEqual([]);
  });

  it("rejects a negative threshold with a ConfigError naming the key", () => {
    expect(() => new PositioningRegimesStrategy(BTC, { turnPerHour2: -1 })).toThrow(ConfigError);
    expect(() => new PositioningRegimesStrategy(BTC, { turnPerHour2: -1 })).toThrow("strategies.positioningRegimes.turnPerHour2");
  });
});

describe("positioningRegimes (pure)", () => {
  // The rules at their nominal numbers (a percentile rule's fallback).
  const c = nominalLevels(positioningSettings(v.parse(positioningRegimesConfigSchema, {})));
  const base: PositioningInputs = { fundingPerHour: 1e-5, velocity4hPerHour2: 0, velocity8hPerHour2: 0, accelerationPerHour2: 0, volumeRatio: 1, priceChange4h: 0 };

  it("needs velocity8h > 0 for accumulation (a 4 h rise inside an 8 h fall is not steady)", () => {
    const i = { ...base, velocity4hPerHour2: 1e-6, volumeRatio: 1.5, priceChange4h: 0.01 };
    expect(positioningRegimes({ ...i, velocity8hPerHour2: 1e-7 }, c).accumulation).toBe("long");
    expect(positioningRegimes({ ...i, velocity8hPerHour2: 0 }, c).accumulation).toBeUndefined();
  });

  it("exhaustion needs the turn beyond 2.5e-7 /h² against the funding sign", () => {
    const i = { ...base, fundingPerHour: 5e-5, volumeRatio: 0.5 };
    expect(positioningRegimes({ ...i, accelerationPerHour2: -2.5e-7 - 1e-12 }, c).exhaustion).toBe("short");
    expect(positioningRegimes({ ...i, accelerationPerHour2: -2.5e-7 }, c).exhaustion).toBeUndefined();
    expect(positioningRegimes({ ...i, accelerationPerHour2: 1e-6 }, c).exhaustion).toBeUndefined();
  });
});
