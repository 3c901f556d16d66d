import { describe, expect, it } from "vitest";
import { MIN_BOOTSTRAP_UNITS, activeBlocks, blockBootstrap, clusterBootstrap, defaultBlockLength, quantileSorted } from "./bootstrap.ts";
import { mulberry32, randomNormal } from "./prng.ts";
import { profitFactor } from "./profit-factor.ts";
import { winRate } from "./win-rate.ts";

const meanOf = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe("quantileSorted", () => {
  it("interpolates linearly like numpy", () => {
    // numpy.quantile([1,2,3,4], 0.25) = 1.75
    expect(quantileSorted([1, 2, 3, 4], 0.25)).toBe(1.75);
    expect(quantileSorted([1, 2, 3, 4], 1)).toBe(4);
    expect(quantileSorted([], 0.5)).toBeUndefined();
  });
});

describe("clusterBootstrap", () => {
  it("is deterministic for a seed", () => {
    const trades = [[1], [-1], [2], [-0.5], [3]];
    const a = clusterBootstrap(trades, (s) => meanOf(s), { seed: 5, resamples: 500 });
    const b = clusterBootstrap(trades, (s) => meanOf(s), { seed: 5, resamples: 500 });
    expect(a).toEqual(b);
  });

  it("covers the normal-theory interval of a mean for i.i.d. data", () => {
    // 400 draws of N(0.1, 1): normal 90 % interval half-width 1.645 / 20 = 0.0822
    const r = mulberry32(11);
    const xs = Array.from({ length: 400 }, () => 0.1 + randomNormal(r));
    const m = meanOf(xs);
    const iv = clusterBootstrap(
      xs.map((x) => [x]),
      (s) => meanOf(s),
      { seed: 3 },
    );
    expect(iv.lower).toBeLessThan(m);
    expect(iv.upper).toBeGreaterThan(m);
    expect((iv.upper! - iv.lower!) / 2).toBeGreaterThan(0.07);
    expect((iv.upper! - iv.lower!) / 2).toBeLessThan(0.095);
  });

  it("gives a win-rate interval inside [0, 1] and drops resamples where a statistic is undefined", () => {
    // 4 clusters are below the minimum: minUnits 1 lets this test look at the resampling itself
    const pnl = [1, 1, 1, -1].map((x) => [x]);
    const wr = clusterBootstrap(pnl, (s) => winRate(s), { seed: 2, minUnits: 1 });
    expect(wr.lower).toBeGreaterThanOrEqual(0);
    expect(wr.upper).toBe(1);
    // profit factor: a resample with no loss is +Infinity (ordered), so the upper bound is unbounded
    const pf = clusterBootstrap(pnl, (s) => profitFactor(s).value ?? (s.length > 0 ? Number.POSITIVE_INFINITY : undefined), { seed: 2, minUnits: 1 });
    expect(pf.upper).toBeUndefined();
    expect(pf.lower).toBeGreaterThan(0);
  });

  it("is empty without clusters", () => {
    expect(clusterBootstrap([], (s) => meanOf(s)).lower).toBeUndefined();
  });

  it("gives no interval from one overlap cluster instead of a zero-width one, and says why", () => {
    // 107 trades chained into one cluster: every resample is that cluster, so the old interval was [point, point]
    const oneCluster = [[10, -5, 7, -3, 12, -8, 4, 6, -2, 9, 1, -1]];
    const iv = clusterBootstrap(oneCluster, (s) => winRate(s), { seed: 1 });
    expect(iv).toMatchObject({ lower: undefined, upper: undefined, units: 1, dropped: 0 });
    expect(iv.undefinedReason).toBe("no interval: 1 overlap cluster, fewer than the 10 an interval needs");
  });

  it("needs at least MIN_BOOTSTRAP_UNITS (10) clusters", () => {
    expect(MIN_BOOTSTRAP_UNITS).toBe(10);
    const clusters = (k: number) => Array.from({ length: k }, (_, i) => [i % 3 === 0 ? -1 : 1]);
    expect(clusterBootstrap(clusters(9), (s) => winRate(s)).undefinedReason).toBe("no interval: 9 overlap clusters, fewer than the 10 an interval needs");
    const ten = clusterBootstrap(clusters(10), (s) => winRate(s));
    expect(ten.undefinedReason).toBeUndefined();
    expect(ten.units).toBe(10);
    expect(ten.lower).toBeLessThan(ten.upper!);
  });

  it("is wider when overlapping trades move together than when counted as independent", () => {
    // 20 clusters of 5 identical trades vs the same 100 trades as singletons
    const r = mulberry32(4);
    const values = Array.from({ length: 20 }, () => randomNormal(r));
    const clustered = values.map((v) => [v, v, v, v, v]);
    const flat = clustered.flat().map((v) => [v]);
    const wc = clusterBootstrap(clustered, (s) => meanOf(s), { seed: 1 });
    const wf = clusterBootstrap(flat, (s) => meanOf(s), { seed: 1 });
    expect(wc.upper! - wc.lower!).toBeGreaterThan(1.8 * (wf.upper! - wf.lower!));
  });
});

describe("blockBootstrap", () => {
  it("uses ⌈n^(1/3)⌉ blocks by default", () => {
    expect(defaultBlockLength(365)).toBe(8);
    expect(defaultBlockLength(30)).toBe(4);
    expect(defaultBlockLength(1)).toBe(1);
  });

  it("counts the blocks that hold a non-zero value", () => {
    // blocks of 3: [0,0,0] [0,1,0] [0,0,0] [2] → 2
    expect(activeBlocks([0, 0, 0, 0, 1, 0, 0, 0, 0, 2], 3)).toBe(2);
    expect(activeBlocks([], 3)).toBe(0);
  });

  it("gives no interval when the activity sits in fewer than 10 blocks, however long the series", () => {
    // 1 005 days (block ⌈1005^(1/3)⌉ = 11), non-zero returns on 6 days of one block (days 803–808; 803 = 73 × 11).
    // Before: the resamples redrew that block or not, giving a Sharpe-like interval from one week.
    const series = Array.from({ length: 1_005 }, (_, i) => (i >= 803 && i < 809 ? [0.01, -0.004, 0.006, 0.002, -0.001, 0.003][i - 803]! : 0));
    const iv = blockBootstrap(series, (s) => meanOf(s), { seed: 1 });
    expect(iv.lower).toBeUndefined();
    expect(iv.units).toBe(1);
    expect(iv.undefinedReason).toBe("no interval: 1 block of 11 days with a non-zero value, fewer than the 10 an interval needs");
    // 30 days of activity in blocks of 4: 8 blocks, still too few
    const month = Array.from({ length: 30 }, (_, i) => (i % 2 === 0 ? 0.01 : -0.005));
    expect(blockBootstrap(month, (s) => meanOf(s)).undefinedReason).toBe("no interval: 8 blocks of 4 days with a non-zero value, fewer than the 10 an interval needs");
  });

  it("is deterministic and brackets the mean of a series", () => {
    const r = mulberry32(8);
    const xs = Array.from({ length: 200 }, () => 0.001 + 0.01 * randomNormal(r));
    const a = blockBootstrap(xs, (s) => meanOf(s), { seed: 9 });
    expect(blockBootstrap(xs, (s) => meanOf(s), { seed: 9 })).toEqual(a);
    expect(a.lower).toBeLessThan(meanOf(xs));
    expect(a.upper).toBeGreaterThan(meanOf(xs));
  });

  it("is wider than an i.i.d. bootstrap on a positively autocorrelated series", () => {
    // AR(1) with φ = 0.8: the variance of the mean is ≈ (1 + φ)/(1 − φ) = 9 times the i.i.d. one
    const r = mulberry32(21);
    const xs: number[] = [];
    let x = 0;
    for (let i = 0; i < 400; i += 1) {
      x = 0.8 * x + randomNormal(r);
      xs.push(x);
    }
    const blocks = blockBootstrap(xs, (s) => meanOf(s), { seed: 1, blockLength: 20 });
    const iid = blockBootstrap(xs, (s) => meanOf(s), { seed: 1, blockLength: 1 });
    expect(blocks.upper! - blocks.lower!).toBeGreaterThan(1.8 * (iid.upper! - iid.lower!));
  });
});
