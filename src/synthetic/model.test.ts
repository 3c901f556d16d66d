import { describe, expect, it } from "vitest";
import { flowToxicityOf } from "../metrics/flow-toxicity.ts";
import { effectWindow } from "./effects.ts";
import { formatPx, HOUR_MS, MarketModel, MINUTE_MS, tickOf } from "./model.ts";
import type { PerpSpec } from "./model.ts";
import { defaultEffects, DEFAULT_PERPS } from "./universe.ts";

const HOUR0 = 1_699_999_200_000; // 2023-11-14T22:00:00Z, a whole hour
const quiet: PerpSpec = { coin: "TST", px: 100, volPerHour: 0.01, szDecimals: 2, tradesPerSecond: 0, meanTradeUsd: 1_000, fundingPerHour: 1.25e-5, openInterest: 1_000, spreadFraction: 0.0001, depthUsd: 10_000 };

describe("MarketModel", () => {
  it("moves a mid and a funding rate exactly as its seed says (hand-checked first step)", () => {
    const model = new MarketModel({ seed: 42, perps: [quiet], originMs: HOUR0, liveStartMs: HOUR0 });
    model.advanceTo(HOUR0 + 1_000);
    // mulberry32(42): u1 = 0.6011037519, u2 = 0.4482905590, u3 = 0.8524657935, u4 = 0.6697340414.
    // z = √(−2 ln(1 − u1)) cos(2π u2) = −1.2848381576; mid = 100 × exp(0.01 × √(1/3600) × z) = 99.978588323.
    expect(model.mid("TST")).toBeCloseTo(99.97858832333294, 10);
    // f = √(−2 ln(1 − u3)) cos(2π u4) = −0.9453528100; funding = 1.25e-5 + 1e-6 × √(1/3600) × f = 1.2484244e-5.
    expect(model.context("TST").funding).toBeCloseTo(1.2484244119833754e-5, 15);
  });

  it("gives the same prices, trades, bars and funding for the same seed, and others for another seed", () => {
    const run = (seed: number): string => {
      const model = new MarketModel({ seed, perps: DEFAULT_PERPS.slice(0, 3), originMs: HOUR0 - 6 * HOUR_MS, liveStartMs: HOUR0, effects: defaultEffects(HOUR0) });
      model.advanceTo(HOUR0 + 10 * MINUTE_MS);
      return JSON.stringify([model.mid("BTC"), model.mid("@2"), model.takeTrades("ETH").slice(0, 5), model.closedBars("SOL", "1m").at(-1), model.fundingRows("BTC")]);
    };
    expect(run(7)).toBe(run(7));
    expect(run(7)).not.toBe(run(8));
  });

  it("settles funding every hour, a few ms after it, averaging the hour's rate", () => {
    const model = new MarketModel({ seed: 1, perps: [quiet], originMs: HOUR0, liveStartMs: HOUR0 + 3 * HOUR_MS });
    model.advanceTo(HOUR0 + 3 * HOUR_MS);
    const rows = model.fundingRows("TST");
    // Hours 1 … 3 after HOUR0; time = hour + 3 + (hour index mod 40) ms: 472 222 + k, mod 40 = 22 + k.
    expect(rows.map((r) => r.time - HOUR0)).toEqual([HOUR_MS + 3 + 23, 2 * HOUR_MS + 3 + 24, 3 * HOUR_MS + 3 + 25]);
    // Noise of 1e-6 × √(step in hours) per step around the base: a few 1e-7 over three hours.
    for (const r of rows) expect(Math.abs(r.fundingRate - 1.25e-5)).toBeLessThan(2e-6);
  });

  it("plants the funding acceleration: settlements flat, then base + ramp × (k − 0.5); at k = 2 the acceleration is 1.875e-6 /h²", () => {
    // Live from HOUR0 + 8 h + 1 ms: the next whole hour h0 is HOUR0 + 9 h, the ramp starts at h0 − 2 h.
    const effect = defaultEffects(HOUR0 + 8 * HOUR_MS + 1)[0]!;
    expect(effect.kind).toBe("fundingAcceleration");
    expect(effect.startMs).toBe(HOUR0 + 7 * HOUR_MS);
    const model = new MarketModel({ seed: 3, perps: DEFAULT_PERPS.filter((p) => p.coin === "SOL"), originMs: HOUR0, liveStartMs: HOUR0 + 20 * HOUR_MS, effects: [effect] });
    model.advanceTo(effect.startMs + 2 * HOUR_MS);
    const rate = (t: number): number => model.fundingRows("SOL").find((r) => Math.floor(r.time / HOUR_MS) * HOUR_MS === t)!.fundingRate;
    const r0 = rate(effect.startMs + 2 * HOUR_MS);
    const r4 = rate(effect.startMs - 2 * HOUR_MS);
    const r8 = rate(effect.startMs - 6 * HOUR_MS);
    // r0 = 1.25e-5 + 1e-5 × 1.5 = 2.75e-5 (the hour's average of a linear ramp); r4 = r8 = 1.25e-5.
    expect(r0).toBeCloseTo(2.75e-5, 12);
    expect(r4).toBeCloseTo(1.25e-5, 12);
    expect(r8).toBeCloseTo(1.25e-5, 12);
    // funding-velocity's acceleration (r0 − 2 r4 + r8) / 8 = 1.5e-5 / 8 = 1.875e-6 > 1e-6.
    expect((r0 - 2 * r4 + r8) / 8).toBeCloseTo(1.875e-6, 12);
    expect(effectWindow(effect)).toEqual({ fromMs: effect.startMs + 2 * HOUR_MS, toMs: effect.startMs + 4 * HOUR_MS });
  });

  it("plants toxic flow: over the effect's last 10 closed 1 m bars the flow toxicity exceeds flow-toxicity's threshold 2, and the window rose", () => {
    const [, toxic] = defaultEffects(HOUR0 + 30 * MINUTE_MS);
    expect(toxic?.kind).toBe("toxicFlow");
    const model = new MarketModel({ seed: 5, perps: DEFAULT_PERPS.filter((p) => p.coin === "DOGE"), originMs: HOUR0, liveStartMs: HOUR0 + 30 * MINUTE_MS, effects: [toxic!] });
    model.advanceTo(toxic!.startMs + 12 * MINUTE_MS);
    const bars = model.closedBars("DOGE", "1m").map((b) => ({ close: b.c, volume: b.v }));
    const toxicity = flowToxicityOf(bars.slice(-30));
    expect(toxicity).toBeGreaterThan(2);
    expect(bars.at(-1)!.close).toBeGreaterThan(bars.at(-10)!.close);
    // Without the effect, the same seed's noise stays under it.
    const noise = new MarketModel({ seed: 5, perps: DEFAULT_PERPS.filter((p) => p.coin === "DOGE"), originMs: HOUR0, liveStartMs: HOUR0 + 30 * MINUTE_MS });
    noise.advanceTo(toxic!.startMs + 12 * MINUTE_MS);
    expect(flowToxicityOf(noise.closedBars("DOGE", "1m").map((b) => ({ close: b.c, volume: b.v })).slice(-30))).toBeLessThan(2);
  });

  it("plants the basis dislocation: the spot pair 0.8 % under the perp at its start, half of it an hour later", () => {
    const [, , basis] = defaultEffects(HOUR0);
    const model = new MarketModel({ seed: 9, perps: DEFAULT_PERPS.filter((p) => p.coin === "ETH"), originMs: HOUR0, liveStartMs: HOUR0, effects: [basis!] });
    model.advanceTo(basis!.startMs + 1_000);
    // (perp − spot) / spot = 0.008 / (1 − 0.008) ≈ 0.806 %, ± the OU noise of a few bp.
    expect((model.mid("ETH") - model.mid("@2")) / model.mid("@2")).toBeCloseTo(0.00806, 3);
    model.advanceTo(basis!.startMs + HOUR_MS);
    expect((model.mid("ETH") - model.mid("@2")) / model.mid("@2")).toBeCloseTo(0.004, 3);
  });

  it("builds books of 20 levels a side, sorted, uncrossed, on 5-significant-figure ticks", () => {
    const model = new MarketModel({ seed: 2, perps: DEFAULT_PERPS, originMs: HOUR0, liveStartMs: HOUR0 });
    let state = 1;
    const random = { next: (): number => ((state = (state * 48271) % 2147483647) / 2147483647) };
    for (const market of model.markets) {
      const [bids, asks] = model.book(market.wire, random);
      expect(bids).toHaveLength(20);
      expect(asks).toHaveLength(20);
      for (let i = 1; i < 20; i += 1) {
        expect(bids[i]!.px).toBeLessThan(bids[i - 1]!.px);
        expect(asks[i]!.px).toBeGreaterThan(asks[i - 1]!.px);
      }
      expect(bids[0]!.px).toBeLessThan(asks[0]!.px);
    }
    // BTC at 100 000: tick 10^(5 − 4) = 10; ETH at 4 000: 0.1; DOGE at 0.2: 0.00001.
    expect([tickOf(100_000), tickOf(4_000), tickOf(0.2)]).toEqual([10, 0.1, 0.00001]);
    expect(formatPx(0.123456)).toBe("0.12346");
  });
});
