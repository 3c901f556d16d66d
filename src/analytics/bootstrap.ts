import { mulberry32, randomInt } from "./prng.ts";

/** A percentile bootstrap interval; bounds undefined when too few resamples gave a value. */
export interface BootstrapInterval {
  /** Lower percentile bound (α/2), or undefined. */
  readonly lower: number | undefined;
  /** Upper percentile bound (1 − α/2); undefined also when it is unbounded (e.g. a profit factor with no losses in many resamples). */
  readonly upper: number | undefined;
  /** Two-sided coverage, e.g. 0.9: the lower bound is then a one-sided 95 % bound. */
  readonly confidence: number;
  readonly resamples: number;
  /** Resamples whose statistic was undefined (dropped). */
  readonly dropped: number;
}

/** Options of the bootstrap functions. */
export interface BootstrapOptions {
  /** Number of resamples. Default 2000. */
  readonly resamples?: number;
  /** Two-sided coverage in (0, 1). Default 0.9 (lower bound = one-sided 95 %). */
  readonly confidence?: number;
  /** PRNG seed: the same seed gives the same interval. Default 1. */
  readonly seed?: number;
}

/** A statistic of a resample; undefined or NaN drops the resample; ±Infinity is ordered normally. */
export type Statistic = (sample: readonly number[]) => number | undefined;

/** Linear-interpolated quantile of sorted values (R type 7 / numpy "linear"). */
export function quantileSorted(sorted: readonly number[], q: number): number | undefined {
  if (sorted.length === 0) return undefined;
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.ceil(h);
  const a = sorted[lo]!;
  const b = sorted[hi]!;
  if (lo === hi || a === b) return a;
  return a + (h - lo) * (b - a);
}

function percentile(values: number[], resamples: number, confidence: number): BootstrapInterval {
  const dropped = resamples - values.length;
  // More than half the resamples without a value: the interval would describe a selected minority.
  if (values.length === 0 || dropped * 2 > resamples) return { lower: undefined, upper: undefined, confidence, resamples, dropped };
  values.sort((a, b) => a - b);
  const alpha = 1 - confidence;
  const finite = (x: number | undefined) => (x !== undefined && Number.isFinite(x) ? x : undefined);
  return { lower: finite(quantileSorted(values, alpha / 2)), upper: finite(quantileSorted(values, 1 - alpha / 2)), confidence, resamples, dropped };
}

function settings(options: BootstrapOptions) {
  return { resamples: options.resamples ?? 2000, confidence: options.confidence ?? 0.9, seed: options.seed ?? 1 };
}

/**
 * Cluster bootstrap over trades: resamples whole clusters (groups of trades whose holding
 * periods overlap, see `overlapClusters`) with replacement, as many clusters as observed, and
 * evaluates `stat` on the concatenated trades. With one trade per cluster this is the plain
 * i.i.d. bootstrap. Resampling clusters keeps trades that shared a market move together, so
 * the interval is not narrowed by counting one move several times.
 * @param clusters per-cluster values (e.g. net P&L of each trade in the cluster).
 */
export function clusterBootstrap(clusters: readonly (readonly number[])[], stat: Statistic, options: BootstrapOptions = {}): BootstrapInterval {
  const { resamples, confidence, seed } = settings(options);
  if (clusters.length === 0) return { lower: undefined, upper: undefined, confidence, resamples, dropped: resamples };
  const random = mulberry32(seed);
  const values: number[] = [];
  const k = clusters.length;
  const picks = new Int32Array(k);
  for (let b = 0; b < resamples; b += 1) {
    // Pick first, then fill a pre-sized array: far faster than growing one with push.
    let total = 0;
    for (let j = 0; j < k; j += 1) {
      const c = randomInt(random, k);
      picks[j] = c;
      total += clusters[c]!.length;
    }
    const sample = new Array<number>(total);
    let i = 0;
    for (let j = 0; j < k; j += 1) {
      const cluster = clusters[picks[j]!]!;
      for (let m = 0; m < cluster.length; m += 1) sample[i++] = cluster[m]!;
    }
    const v = stat(sample);
    if (v !== undefined && !Number.isNaN(v)) values.push(v);
  }
  return percentile(values, resamples, confidence);
}

/** Block length for the circular block bootstrap of n daily returns: ⌈n^(1/3)⌉ (Hall, Horowitz & Jing 1995 rate). */
export function defaultBlockLength(n: number): number {
  return Math.max(1, Math.ceil(Math.cbrt(n)));
}

/**
 * Circular block bootstrap (Politis & Romano 1992) over a time series: each resample is built
 * from blocks of `blockLength` consecutive values starting at uniform positions, wrapping
 * around the end, cut to the original length. Blocks keep the day-to-day dependence (volatility
 * clustering, positions held over several days) that an i.i.d. bootstrap would destroy.
 * @param blockLength default ⌈n^(1/3)⌉ (8 for a year of days, 4 for 30 days).
 */
export function blockBootstrap(series: readonly number[], stat: Statistic, options: BootstrapOptions & { readonly blockLength?: number } = {}): BootstrapInterval {
  const { resamples, confidence, seed } = settings(options);
  const n = series.length;
  if (n === 0) return { lower: undefined, upper: undefined, confidence, resamples, dropped: resamples };
  const block = Math.min(n, Math.max(1, Math.floor(options.blockLength ?? defaultBlockLength(n))));
  const random = mulberry32(seed);
  const values: number[] = [];
  const sample = new Array<number>(n);
  for (let b = 0; b < resamples; b += 1) {
    let i = 0;
    while (i < n) {
      const start = randomInt(random, n);
      for (let j = 0; j < block && i < n; j += 1, i += 1) sample[i] = series[(start + j) % n]!;
    }
    const v = stat(sample);
    if (v !== undefined && !Number.isNaN(v)) values.push(v);
  }
  return percentile(values, resamples, confidence);
}
