import { describe, expect, it } from "vitest";
import { perp } from "../core/index.ts";
import type { Market } from "../core/index.ts";
import { effectiveSampleSize, overlapClusters } from "./effective-sample-size.ts";

const BTC = perp("BTC");
const ETH = perp("ETH");
const SOL = perp("SOL");
const t = (openedMs: number, closedMs: number, market: Market = BTC) => ({ openedMs, closedMs, market });

describe("overlapClusters", () => {
  it("groups transitively overlapping holding periods and keeps touching ones apart", () => {
    // [0,10] overlaps [5,20], which overlaps [15,30]; [30,40] starts when the last closed
    expect(overlapClusters([t(15, 30), t(0, 10), t(5, 20), t(30, 40)])).toEqual([[1, 2, 0], [3]]);
  });
});

describe("effectiveSampleSize", () => {
  it("counts non-overlapping trades one each", () => {
    expect(effectiveSampleSize([t(0, 1), t(2, 3), t(4, 5)])).toEqual({ trades: 3, clusters: 3, effective: 3 });
  });

  it("counts overlapping trades on the same coin once", () => {
    // s = 3, ρ̄ = 1 → 3 / (1 + 2) = 1
    expect(effectiveSampleSize([t(0, 10), t(1, 11), t(2, 12)]).effective).toBeCloseTo(1, 15);
  });

  it("assumes the worst for unmeasured coins and uses measured correlations (Kish)", () => {
    const trades = [t(0, 10, BTC), t(1, 11, ETH), t(2, 12, SOL)];
    expect(effectiveSampleSize(trades).effective).toBeCloseTo(1, 15);
    // all pairs ρ = 0.5: 3 / (1 + 2 × 0.5) = 1.5
    expect(effectiveSampleSize(trades, () => 0.5).effective).toBeCloseTo(1.5, 15);
    // uncorrelated (and negative clamped to 0): 3 / 1 = 3
    expect(effectiveSampleSize(trades, () => -0.2).effective).toBeCloseTo(3, 15);
    // BTC–ETH 0.8, BTC–SOL 0.2, ETH–SOL 0.2 → ρ̄ = 0.4; 3 / 1.8 = 1.6667
    const rho = (a: Market, b: Market) => (a.base !== "SOL" && b.base !== "SOL" ? 0.8 : 0.2);
    expect(effectiveSampleSize(trades, rho).effective).toBeCloseTo(3 / 1.8, 12);
  });

  it("does not treat trades chained through one long position as one trade", () => {
    // [0,100] overlaps [0,10], [20,30], [40,50]; those three never overlap each other.
    // 6 pairs, 3 overlapping (ρ = 1): ρ̄ = 0.5 → 4 / (1 + 3 × 0.5) = 1.6 (chaining every pair gave 1)
    const e = effectiveSampleSize([t(0, 100), t(0, 10), t(20, 30), t(40, 50)]);
    expect(e.clusters).toBe(1);
    expect(e.effective).toBeCloseTo(1.6, 15);
  });

  it("is 0 without trades", () => {
    expect(effectiveSampleSize([])).toEqual({ trades: 0, clusters: 0, effective: 0 });
  });
});
