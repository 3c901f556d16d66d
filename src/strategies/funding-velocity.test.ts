import { describe, expect, it } from "vitest";
import type { MarketEvent } from "../core/index.ts";
import { FundingVelocity } from "../metrics/funding.ts";
import { FundingVelocityStrategy } from "./funding-velocity.ts";
import { BTC, feed, fundingAt, hourlyBars, inTimeOrder, T0 } from "./test-events.ts";

const H = 3_600_000;
const NOW = T0 + 8 * H;

/**
 * Settlements every hour from T0 to T0 + 8 h: 1e-5 /h up to T0 + 4 h, then rising linearly to
 * `last` at T0 + 8 h. Acceleration = (last − 2 × 1e-5 + 1e-5) / 8. Plus 21 hourly bars at 1000
 * (volume 1, the last `lastVolume`) closing just before the final settlement.
 */
function events(last: number, lastVolume = 1.2, from = 0): MarketEvent[] {
  const out: MarketEvent[] = [];
  for (let k = from; k <= 8; k += 1) {
    const rate = k <= 4 ? 1e-5 : 1e-5 + ((last - 1e-5) * (k - 4)) / 4;
    out.push(fundingAt(BTC, T0 + k * H, rate));
  }
  return inTimeOrder([...out, ...hourlyBars(BTC, T0 - 13 * H, 21, 1000, lastVolume)]);
}

function accelerationOf(list: MarketEvent[]): number {
  const m = new FundingVelocity({ market: BTC });
  for (const e of list) m.update(e);
  return m.value(NOW)!.accelerationPerHour;
}

describe("FundingVelocityStrategy", () => {
  it("goes long when funding accelerates up beyond 1e-6 /h² (default)", () => {
    // (1.808e-5 − 2e-5 + 1e-5) / 8 = 1.01e-6.
    const list = events(1.808e-5);
    expect(accelerationOf(list)).toBeCloseTo(1.01e-6, 15);
    const [s, ...rest] = feed(new FundingVelocityStrategy(BTC), list);
    expect(rest).toEqual([]);
    expect(s?.side).toBe("long");
    expect(s?.createdMs).toBe(NOW);
    expect(s?.entryPx).toBe(1000);
    expect(s?.stopPx).toBeCloseTo(980, 9);
    expect(s?.targetPx).toBeCloseTo(1030, 9);
    // The memo's percentile rule by default: the first acceleration known is this one, so the fallback 1e-6.
    expect(s?.thresholds).toEqual({ accelerationPerHour2: { value: 1e-6, source: "fallback", percentile: 90, samples: 0 }, "volumeFilter.minRatio": 1.2 });
    expect(feed(new FundingVelocityStrategy(BTC), events(1.792e-5))).toEqual([]); // 0.99e-6
  });

  it("goes short when funding accelerates down", () => {
    // (1.92e-6 − 2e-5 + 1e-5) / 8 = −1.01e-6.
    const [s] = feed(new FundingVelocityStrategy(BTC), events(1.92e-6));
    expect(s?.side).toBe("short");
  });

  it("fires just inside the threshold, not at it, not just outside", () => {
    const list = events(1.9e-5);
    const a = accelerationOf(list); // ≈ 1.125e-6
    expect(feed(new FundingVelocityStrategy(BTC, { accelerationPerHour2: a * (1 - 1e-9) }), list)).toHaveLength(1);
    expect(feed(new FundingVelocityStrategy(BTC, { accelerationPerHour2: a }), list)).toHaveLength(0);
    expect(feed(new FundingVelocityStrategy(BTC, { accelerationPerHour2: a * (1 + 1e-9) }), list)).toHaveLength(0);
  });

  it("applies the 1.2× volume filter on 1 h bars", () => {
    expect(feed(new FundingVelocityStrategy(BTC), events(1.9e-5, 1.19))).toEqual([]);
  });

  it("never fires without 8 h of settlements, nor on a stale settlement", () => {
    expect(feed(new FundingVelocityStrategy(BTC), events(1.9e-5, 1.2, 1))).toEqual([]);
    const strategy = new FundingVelocityStrategy(BTC);
    const list = events(1.9e-5);
    feed(strategy, list.slice(0, -1));
    expect(strategy.onEvent(list.at(-1)!, { nowMs: NOW + 2 * H + 1 })).toEqual([]);
  });
});
