import { describe, expect, it } from "vitest";
import { perp, spot } from "../core/index.ts";
import type { Market, MarketEvent } from "../core/index.ts";
import { CONTRACT_CASES } from "./contract-cases.ts";
import { allFinite, BTC, ETH, randomEventStream, UBTC } from "./test-events.ts";

/**
 * The shared contract every registered metric must keep (after trading-signals'
 * `testIndicatorContract`). Metrics register in `contract-cases.ts`.
 */

const SEEDS = [1, 2, 3, 42, 1234];

/** The same event moved to another market of the same kind (BTC → SOL, UBTC/USDC → USOL/USDC). */
function elsewhere(event: MarketEvent): MarketEvent {
  if (event.kind === "status") return event;
  const other: Market = event.market.kind === "perp" ? perp("SOL") : spot("USOL/USDC", "SOL");
  return { ...event, market: other };
}

/** Times to probe after an event: at it, just after, and long after (staleness). */
function probes(ts: number): number[] {
  return [ts, ts + 1, ts + 30_000, ts + 3_600_000, ts + 30 * 86_400_000];
}

describe("streaming metric contract", () => {
  it("has at least one registered metric", () => {
    expect(CONTRACT_CASES.length).toBeGreaterThan(0);
  });

  for (const c of CONTRACT_CASES) {
    const streamFor = (seed: number): MarketEvent[] => (c.stream ?? randomEventStream)(seed);

    describe(c.name, () => {
      it("is undefined and unstable before any input", () => {
        const metric = c.make(BTC);
        for (const t of [0, 1, Date.UTC(2024, 0, 1), Date.UTC(2030, 0, 1)]) {
          expect(metric.value(t)).toBeUndefined();
          expect(metric.isStable(t)).toBe(false);
        }
      });

      it("describes itself: name, unit, needs and warm-up are non-empty", () => {
        const metric = c.make(BTC);
        expect(metric.name).toMatch(/^[a-z][A-Za-z0-9]*$/);
        expect(metric.unit.trim()).not.toBe("");
        expect(metric.needs.length).toBeGreaterThan(0);
        expect(metric.warmUp.trim()).not.toBe("");
      });

      it("ignores events for other markets", () => {
        for (const seed of SEEDS) {
          const events = streamFor(seed);
          const clean = c.make(BTC);
          const noisy = c.make(BTC);
          const stranger = c.make(ETH);
          for (const event of events) {
            if (event.kind !== "status" && (event.market === ETH)) continue;
            clean.update(event);
            noisy.update(elsewhere(event));
            noisy.update(event);
            noisy.update(elsewhere(event));
            if (event.kind !== "status" && event.market !== BTC && event.market !== UBTC) continue;
            for (const t of probes(event.tsEvent)) {
              expect(noisy.value(t)).toEqual(clean.value(t));
            }
          }
          // A metric built for ETH never hears of ETH here (ETH events were skipped above for it).
          for (const event of events) {
            if (event.kind === "status" || event.market !== ETH) stranger.update(event);
          }
          const last = events.at(-1)?.tsEvent ?? 0;
          expect(stranger.value(last)).toBeUndefined();
        }
      });

      it("never yields NaN or an infinity, and isStable(t) agrees with value(t)", () => {
        let defined = 0;
        for (const seed of SEEDS) {
          const metric = c.make(BTC);
          for (const event of streamFor(seed)) {
            metric.update(event);
            for (const t of probes(event.tsEvent)) {
              const v = metric.value(t);
              expect(allFinite(v)).toBe(true);
              expect(metric.isStable(t)).toBe(v !== undefined);
              if (v !== undefined) defined += 1;
            }
          }
        }
        // The stream must actually exercise the metric, or the checks above prove nothing.
        expect(defined).toBeGreaterThan(0);
      });
    });
  }
});
