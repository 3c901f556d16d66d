import { describe, expect, it } from "vitest";
import type { MarketEvent } from "../core/index.ts";
import { createStrategies } from "./catalog.ts";
import type { Signal } from "./signal.ts";
import { bar, BTC, fundingAt, inTimeOrder, T0, UBTC } from "./test-events.ts";

const MIN = 60_000;
const H = 3_600_000;

/** A deterministic two-day stream: perp and spot 1 m bars (a slow wave with bursts), 1 h bars and hourly funding. */
function stream(): MarketEvent[] {
  const out: MarketEvent[] = [];
  let seed = 7;
  const rand = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed / 2_147_483_648;
  };
  for (let i = 0; i < 2 * 24 * 60; i += 1) {
    const t = T0 + i * MIN;
    const perpPx = 1000 * (1 + 0.02 * Math.sin(i / 90)) * (1 + 0.002 * (rand() - 0.5));
    const spotPx = perpPx * (1 - 0.004 * Math.sin(i / 200));
    const volume = rand() < 0.1 ? 5 : 1;
    out.push(bar(BTC, "1m", t, perpPx, volume), bar(UBTC, "1m", t, spotPx, volume));
    if (i % 60 === 0) {
      out.push(bar(BTC, "1h", t, perpPx, rand() * 3));
      out.push(fundingAt(BTC, t + H, 1e-5 * (1 + 3 * Math.sin(i / 500))));
    }
  }
  return inTimeOrder(out);
}

function run(): Signal[] {
  const strategies = createStrategies(BTC, {}, { spot: UBTC });
  const signals: Signal[] = [];
  for (const event of stream()) for (const s of strategies) signals.push(...s.onEvent(event, { nowMs: event.tsEvent }));
  return signals;
}

describe("replaying the same events", () => {
  it("gives identical signal logs, ids included", () => {
    const first = run();
    const second = run();
    expect(first.length).toBeGreaterThan(0);
    expect(JSON.stringify(second)).toBe(JSON.stringify(first));
    expect(new Set(first.map((s) => s.id)).size).toBe(first.length);
  });
});
