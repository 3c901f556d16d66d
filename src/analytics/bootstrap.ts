import { mulberry32, randomInt } from "./prng.ts";

/**
 * Fewest independent resampling units (overlap clusters of trades, or blocks of days holding a
 * non-zero value) a bootstrap interval is computed from. Below it there is no interval: the
 * percentile bootstrap resamples only what it saw, so with k units the interval is too narrow
 * (1 unit: zero width, the point estimate). Measured for a 90 % interval of a mean of k
 * normal units (2 000 simulations): coverage 50 % at k = 2, 63 % at 3, 79 % at 5, 83 % at 10,
 * 88 % at 20; 10 is where it stops falling steeply (docs/STATISTICS.md).
 */
export const MIN_BOOTSTRAP_UNITS = 10;

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
  /** Independent units resampled: overlap clusters, or blocks of days holding a non-zero value. */
  readonly units: number;
  /** Why there is no interval (too few units, too many resamples dropped); undefined when there is one. */
  readonly undefinedReason: string | undefined;
}

/** Options of the bootstrap functions. */
export interface BootstrapOptions {
  /** Number of resamples. Default 2000. */
  readonly resamples?: number;
  /** Two-sided coverage in (0, 1). Default 0.9 (lower bound = one-sided 95 %). */
  readonly confidence?: number;
  /** PRNG seed: the same seed gives the same interval. Default 1. */
  readonly seed?: number;
  /** Fewest independent units for an interval. Default {@link MIN_BOOTSTRAP_UNITS}. */
  readonly minUnits?: number;
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

function percentile(values: number[], resamples: number, confidence: number, units: number): BootstrapInterval {
  const dropped = resamples - values.length;
  // More than half the resamples without a value: the interval would describe a selected minority.
  if (values.length === 0 || dropped * 2 > resamples) {
    return { lower: undefined, upper: undefined, confidence, resamples, dropped, units, undefinedReason: `${dropped} of ${resamples} resamples had no value` };
  }
  values.sort((a, b) => a - b);
  const alpha = 1 - confidence;
  const finite = (x: number | undefined) => (x !== undefined && Number.isFinite(x) ? x : undefined);
  return { lower: finite(quantileSorted(values, alpha / 2)), upper: finite(quantileSorted(values, 1 - alpha / 2)), confidence, resamples, dropped, units, undefinedReason: undefined };
}

function settings(options: BootstrapOptions) {
  return { resamples: options.resamples ?? 2000, confidence: options.confidence ?? 0.9, seed: options.seed ?? 1, minUnits: options.minUnits ?? MIN_BOOTSTRAP_UNITS };
}

/** The interval that is not computed: too few independent units. */
function tooFewUnits(units: number, minUnits: number, what: string, confidence: number, resamples: number): BootstrapInterval {
  return { lower: undefined, upper: undefined, confidence, resamples, dropped: 0, units, undefinedReason: `no interval: ${units} ${what}, fewer than the ${minUnits} an interval needs` };
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
  const { resamples, confidence, seed, minUnits } = settings(options);
  // One cluster resampled 2 000 times is the point estimate 2 000 times: a zero-width interval that looks certain.
  if (clusters.length < Math.max(1, minUnits)) return tooFewUnits(clusters.length, minUnits, clusters.length === 1 ? "overlap cluster" : "overlap clusters", confidence, resamples);
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
  return percentile(values, resamples, confidence, k);
}

/**
 * Blocks of a series that carry information: the series cut into ⌈n / blockLength⌉ consecutive
 * blocks, counting those holding at least one non-zero value. Days without a position or a
 * close return exactly 0; a long period with activity in one week is one or two blocks of
 * information however many days it spans.
 */
export function activeBlocks(series: readonly number[], blockLength: number): number {
  const block = Math.max(1, Math.floor(blockLength));
  let count = 0;
  for (let start = 0; start < series.length; start += block) {
    for (let i = start; i < Math.min(series.length, start + block); i += 1) {
      if (series[i] !== 0) {
        count += 1;
        break;
      }
    }
  }
  return count;
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
 * No interval below `minUnits` {@link activeBlocks} (blocks holding a non-zero value).
 * @param blockLength default ⌈n^(1/3)⌉ (8 for a year of days, 4 for 30 days).
 */
export function blockBootstrap(series: readonly number[], stat: Statistic, options: BootstrapOptions & { readonly blockLength?: number } = {}): BootstrapInterval {
  const { resamples, confidence, seed, minUnits } = settings(options);
  const n = series.length;
  const block = Math.min(Math.max(1, n), Math.max(1, Math.floor(options.blockLength ?? defaultBlockLength(n))));
  const units = activeBlocks(series, block);
  // With the activity in a few blocks, every resample redraws the same few blocks: the interval is far too narrow.
  if (n === 0 || units < Math.max(1, minUnits)) return tooFewUnits(units, minUnits, `block${units === 1 ? "" : "s"} of ${block} day${block === 1 ? "" : "s"} with a non-zero value`, confidence, resamples);
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
  return percentile(values, resamples, confidence, units);
}
