import { describe, expect, it } from "vitest";
import { ConfigError } from "../core/index.ts";
import type { CandleEvent } from "../core/index.ts";
import { flowToxicityOf } from "../metrics/flow-toxicity.ts";
import { FlowToxicityStrategy } from "./flow-toxicity.ts";
import { bar, BTC, ETH, feed, T0 } from "./test-events.ts";

const MIN = 60_000;

/**
 * 20 flat bars (close 100, volume 1), then a 10-bar window whose closes step by +1 % and +2 %
 * in turn (down by the same factors when `falling`), volume 1 except the last bar's.
 * Impacts: 4 × 0.01, 4 × 0.02 and the last 0.01 / 1.5 = 0.00667; mean 0.126667 / 9 = 0.014074,
 * population std 0.0053927, toxicity ≈ 2.6099.
 */
function bars(lastVolume = 1.5, falling = false, market = BTC): CandleEvent[] {
  const out: CandleEvent[] = [];
  for (let i = 0; i < 20; i += 1) out.push(bar(market, "1m", T0 + i * MIN, 100, 1));
  let close = 100;
  for (let i = 0; i < 10; i += 1) {
    if (i > 0) {
      const step = i % 2 === 1 ? 1.01 : 1.02;
      close = falling ? close / step : close * step;
    }
    out.push(bar(market, "1m", T0 + (20 + i) * MIN, close, i === 9 ? lastVolume : 1));
  }
  return out;
}

const toxicityOf = (events: CandleEvent[]): number => flowToxicityOf(events.map((e) => ({ close: e.close, volume: e.volume })))!;

describe("FlowToxicityStrategy", () => {
  it("follows rising prices when toxicity exceeds 2.0, at the default settings", () => {
    const events = bars();
    expect(toxicityOf(events)).toBeCloseTo(2.6099, 4);
    const signals = feed(new FlowToxicityStrategy(BTC), events);
    expect(signals).toHaveLength(1);
    const s = signals[0]!;
    const last = events.at(-1)!;
    expect(s.id).toBe(`flow-toxicity:hyperliquid:perp:BTC:${last.closeTime}:0`);
    expect(s.side).toBe("long");
    expect(s.confidence).toBe("MEDIUM");
    expect(s.entryPx).toBe(last.close);
    expect(s.stopPx).toBeCloseTo(last.close * 0.995, 9);
    expect(s.targetPx).toBeCloseTo(last.close * 1.01, 9);
    expect(s.maxHoldMs).toBe(3_600_000);
    expect(s.metrics["flowToxicity"]).toBeCloseTo(2.6099, 4);
    expect(s.metrics["volumeRatio"]).toBe(1.5);
    // The default is the memo's percentile rule; no toxicity was known before this first one, so the fallback 2.0.
    expect(s.thresholds).toEqual({ threshold: { value: 2, source: "fallback", percentile: 90, samples: 0 }, "volumeFilter.minRatio": 1.2 });
    // A fixed threshold is recorded as its number.
    expect(feed(new FlowToxicityStrategy(BTC, { threshold: 2 }), events)[0]?.thresholds).toEqual({ threshold: 2, "volumeFilter.minRatio": 1.2 });
  });

  it("a percentile rule: the threshold at each bar is the percentile of the toxicities at the bars strictly before it", () => {
    // A seeded walk of 400 bars with a volume surge every 7th: toxicity varies, the rule warms after 10 values.
    let seed = 7;
    const rnd = (): number => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed / 2_147_483_648;
    };
    const events: CandleEvent[] = [];
    let close = 100;
    for (let i = 0; i < 400; i += 1) {
      close *= 1 + (rnd() - 0.5) * 0.02 * (i % 7 === 6 ? 3 : 1);
      events.push(bar(BTC, "1m", T0 + i * MIN, close, i % 7 === 6 ? 0.3 : 1 + rnd()));
    }
    const rule = { percentile: 80, window: 50, minSamples: 10, fallback: 2 };
    const signals = feed(new FlowToxicityStrategy(BTC, { threshold: rule, volumeFilter: { enabled: false } }), events);
    // The plain recomputation: the toxicity at every bar close from the bars up to it.
    const known: { ts: number; toxicity: number }[] = [];
    for (let i = 0; i < events.length; i += 1) {
      const t = toxicityOf(events.slice(0, i + 1).slice(-30));
      if (t !== undefined) known.push({ ts: events[i]!.closeTime, toxicity: t });
    }
    const sources = new Set<string>();
    expect(signals.length).toBeGreaterThan(5);
    for (const s of signals) {
      const before = known.filter((k) => k.ts < s.createdMs).slice(-50).map((k) => k.toxicity).sort((a, b) => a - b);
      const met = s.thresholds["threshold"] as { value: number; source: string; samples: number };
      sources.add(met.source);
      expect(met.samples).toBe(before.length);
      if (before.length < 10) {
        expect(met).toEqual({ value: 2, source: "fallback", percentile: 80, samples: before.length });
        continue;
      }
      // numpy linear: rank 0.8 × (n − 1).
      const rank = 0.8 * (before.length - 1);
      const lo = Math.floor(rank);
      const want = before[lo]! + (before[Math.min(lo + 1, before.length - 1)]! - before[lo]!) * (rank - lo);
      expect(met.source).toBe("percentile");
      expect(met.value).toBeCloseTo(want, 12);
      expect(s.metrics["flowToxicity"]).toBeGreaterThan(met.value);
    }
    expect(sources).toEqual(new Set(["percentile"]));
  });

  it("follows falling prices with a short", () => {
    const signals = feed(new FlowToxicityStrategy(BTC), bars(1.5, true));
    expect(signals.map((s) => s.side)).toEqual(["short"]);
  });

  it("fires just inside the threshold, not at it, not just outside it", () => {
    const events = bars();
    const t = toxicityOf(events);
    expect(feed(new FlowToxicityStrategy(BTC, { threshold: t - 1e-9 }), events)).toHaveLength(1);
    expect(feed(new FlowToxicityStrategy(BTC, { threshold: t }), events)).toHaveLength(0);
    expect(feed(new FlowToxicityStrategy(BTC, { threshold: t + 1e-9 }), events)).toHaveLength(0);
  });

  it("never fires during warm-up (29 of 30 bars)", () => {
    const strategy = new FlowToxicityStrategy(BTC);
    const events = bars().slice(0, 29);
    expect(feed(strategy, events)).toEqual([]);
    expect(strategy.isWarm(events.at(-1)!.closeTime)).toBe(false);
  });

  it("never fires on a bar that is stale when it arrives (older than 2 intervals at nowMs)", () => {
    const strategy = new FlowToxicityStrategy(BTC);
    const events = bars();
    feed(strategy, events.slice(0, 29));
    const last = events.at(-1)!;
    expect(strategy.onEvent(last, { nowMs: last.closeTime + 2 * MIN + 1 })).toEqual([]);
  });

  it("applies the volume filter: the last bar needs ≥ 1.2 × the mean of the 20 before", () => {
    expect(feed(new FlowToxicityStrategy(BTC, { threshold: 1 }), bars(1.2))).toHaveLength(1);
    expect(feed(new FlowToxicityStrategy(BTC, { threshold: 1 }), bars(1.19))).toHaveLength(0);
    expect(feed(new FlowToxicityStrategy(BTC, { threshold: 1, volumeFilter: { enabled: false } }), bars(1.19))).toHaveLength(1);
  });

  it("fires once while the condition holds (rearm) and ignores other markets", () => {
    const strategy = new FlowToxicityStrategy(BTC);
    const events = bars();
    expect(feed(strategy, [...events, ...bars(1.5, false, ETH)])).toHaveLength(1);
  });

  it("rejects an invalid threshold with a ConfigError naming the key", () => {
    expect(() => new FlowToxicityStrategy(BTC, { threshold: -1 })).toThrow(ConfigError);
    expect(() => new FlowToxicityStrategy(BTC, { threshold: -1 })).toThrow("strategies.flowToxicity.threshold");
  });
});
