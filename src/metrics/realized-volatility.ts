import { CANDLE_INTERVAL_MS, DAY_MS, HOUR_MS } from "../core/index.ts";
import type { CandleInterval, Market, MarketEvent, MarketEventKind } from "../core/index.ts";
import { RollingPercentile } from "./adaptive-threshold.ts";
import type { StreamingMetric } from "./contract.ts";

/** Volatility regime from where the 24 h volatility sits among its own recent hourly values. */
export type VolatilityRegime = "low" | "normal" | "high";

/** What {@link RealizedVolatility} reports. Parts without enough data are undefined. */
export interface RealizedVolatilityValue {
  /** Volatility over the last hour, fraction per √hour. */
  readonly vol1h: number | undefined;
  /** vol1h × √8760, fraction per √year. */
  readonly vol1hAnnualised: number | undefined;
  /** Volatility over the last 24 h, fraction per √day. */
  readonly vol24h: number | undefined;
  /** vol24h × √365, fraction per √year (comparable with vol1hAnnualised: 24 × 365 = 8760). */
  readonly vol24hAnnualised: number | undefined;
  /** `low` below the trailing 25th percentile of hourly vol24h samples, `high` above the 75th, else `normal`. */
  readonly regime: VolatilityRegime | undefined;
}

/** Options of {@link RealizedVolatility}. */
export interface RealizedVolatilityOptions {
  market: Market;
  /** Bar interval whose closes give the returns; at most 1 h for a 1 h volatility. Default "1m". */
  interval?: CandleInterval;
  /** A window needs at least this fraction of its returns (missing bars drop returns). Default 0.75. */
  minCoverage?: number;
  /** Hourly vol24h samples kept for the regime. Default 720 (30 days). */
  regimeWindow?: number;
  /** Hourly samples needed before a regime is given. Default 168 (7 days). */
  regimeMinSamples?: number;
  /** Percentile below which the regime is low. Default 25. */
  lowPercentile?: number;
  /** Percentile above which the regime is high. Default 75. */
  highPercentile?: number;
  /** Undefined once the newest closed bar closed longer ago than this, ms. Default 2 intervals. */
  staleAfterMs?: number;
}

/** Window updates between exact recomputations of a running Σr². */
const RECOMPUTE_EVERY = 64;
/** Recompute a running Σr² exactly as soon as it falls below this fraction of its peak since the last recomputation. */
const RECOMPUTE_BELOW_PEAK = 1 / 16;

/**
 * Σr² of the returns from one start index to the newest, kept by adding entering and
 * subtracting leaving squares (O(1) per bar instead of a loop over up to 1 440 returns).
 *
 * Drift guard: each add or subtract rounds with an error ≤ ε (1.1e-16) × the sum at that moment
 * (≤ its peak), so after k updates the error is ≤ kε × peak. An exact re-summation every 64
 * updates, and at once when the sum drops below 1/16 of its peak (a large return leaving), keeps
 * the relative error ≤ 64 × 16 × 1.1e-16 ≈ 1.1e-13 (half that on the volatility).
 */
class SquareSum {
  /** Absolute index of the first return in the window. */
  start = 0;
  sum = 0;
  private peak = 0;
  private sinceExact = 0;

  add(square: number): void {
    this.sum += square;
    this.after();
  }

  remove(square: number, exact: () => number): void {
    this.sum -= square;
    this.after(exact);
  }

  /** Re-sums exactly when the guard says so; `exact` computes Σr² over the window. */
  private after(exact?: () => number): void {
    this.sinceExact += 1;
    if (this.sum > this.peak) this.peak = this.sum;
    if (exact !== undefined && (this.sinceExact >= RECOMPUTE_EVERY || this.sum < RECOMPUTE_BELOW_PEAK * this.peak)) {
      this.sum = this.peak = exact();
      this.sinceExact = 0;
    }
  }
}

const SQRT_HOURS_PER_YEAR = Math.sqrt(8_760);
const SQRT_DAYS_PER_YEAR = Math.sqrt(365);

/**
 * Realised volatility from log returns ln(close / previous close) of consecutive closed bars
 * (a missing bar drops the return across it). Over a window W the per-bar variance is
 * estimated as mean(r²) (zero-mean, the usual realised-variance convention) and scaled to W:
 * vol_W = √(mean(r²) × W / interval). Stated per √hour (1 h) and per √day (24 h), and annualised
 * for a 24/7 market: × √8760 per-hour basis, × √365 per-day basis.
 *
 * A window is undefined until it holds `minCoverage` (75 %) of its returns. The regime compares
 * the current vol24h with percentiles of vol24h sampled at each bar ending on a UTC hour over
 * the last 720 samples (30 days); undefined before 168 samples (7 days).
 * Memory: the returns of 24 h (≤ 1 440 at 1m) and ≤ 720 regime samples. O(1) per bar: running
 * sums of r² per window with a bounded-drift exact recomputation (see {@link SquareSum}).
 */
export class RealizedVolatility implements StreamingMetric<RealizedVolatilityValue> {
  readonly name = "realizedVolatility";
  readonly unit = "fraction per √hour (1 h) and per √day (24 h); annualised × √8760 / × √365; regime low/normal/high";
  readonly needs: readonly MarketEventKind[] = ["candle"];
  readonly warmUp: string;
  readonly market: Market;
  readonly interval: CandleInterval;
  readonly minCoverage: number;
  readonly regimeMinSamples: number;
  readonly lowPercentile: number;
  readonly highPercentile: number;
  readonly staleAfterMs: number;
  private readonly intervalMs: number;
  /** Ring of returns by absolute index (slot = index & (capacity − 1)): close times, ms, and log returns. */
  private closeTimes = new Float64Array(64);
  private rs = new Float64Array(64);
  /** Absolute index after the newest return. */
  private end = 0;
  /** Σr² over the 1 h and the 24 h windows; `day.start` is the oldest return kept. */
  private readonly hour = new SquareSum();
  private readonly day = new SquareSum();
  private readonly regimeSamples: RollingPercentile;
  /** The previous closed bar's open time (−Infinity before the first) and close, kept as fields (no object per bar). */
  private previousOpen = -Infinity;
  private previousClose = 0;
  private lastCloseTime = -Infinity;
  private current: RealizedVolatilityValue | undefined;

  constructor(options: RealizedVolatilityOptions) {
    this.market = options.market;
    this.interval = options.interval ?? "1m";
    this.intervalMs = CANDLE_INTERVAL_MS[this.interval];
    this.minCoverage = options.minCoverage ?? 0.75;
    this.regimeSamples = new RollingPercentile(options.regimeWindow ?? 720);
    this.regimeMinSamples = options.regimeMinSamples ?? 168;
    this.lowPercentile = options.lowPercentile ?? 25;
    this.highPercentile = options.highPercentile ?? 75;
    this.staleAfterMs = options.staleAfterMs ?? 2 * this.intervalMs;
    const perHour = Math.ceil((this.minCoverage * HOUR_MS) / this.intervalMs);
    const perDay = Math.ceil((this.minCoverage * DAY_MS) / this.intervalMs);
    this.warmUp = `${perHour} ${this.interval} returns within 1 h (vol1h), ${perDay} within 24 h (vol24h), ${this.regimeMinSamples} hourly vol24h samples (regime)`;
  }

  update(event: MarketEvent): void {
    if (event.kind !== "candle" || event.market.key !== this.market.key || event.interval !== this.interval || !event.closed) return;
    // Time order, and a correction of the newest bar is not a new return.
    if (event.openTime <= this.previousOpen) return;
    if (this.previousOpen === event.openTime - this.intervalMs && this.previousClose > 0 && event.close > 0) {
      const r = Math.log(event.close / this.previousClose);
      if (Number.isFinite(r)) this.push(event.closeTime, r);
    }
    this.previousOpen = event.openTime;
    this.previousClose = event.close;
    this.lastCloseTime = event.closeTime;
    // Returns closing in (closeTime − window, closeTime] are in a window; the hour's start never trails the day's.
    this.evict(this.hour, event.closeTime - HOUR_MS);
    this.evict(this.day, event.closeTime - DAY_MS);

    const vol1h = this.volOver(HOUR_MS, this.end - this.hour.start, this.hour.sum);
    const vol24h = this.volOver(DAY_MS, this.end - this.day.start, this.day.sum);
    if (vol24h !== undefined && (event.closeTime + 1) % HOUR_MS === 0) this.regimeSamples.push(vol24h);
    this.current =
      vol1h === undefined && vol24h === undefined
        ? undefined
        : {
            vol1h,
            vol1hAnnualised: vol1h === undefined ? undefined : vol1h * SQRT_HOURS_PER_YEAR,
            vol24h,
            vol24hAnnualised: vol24h === undefined ? undefined : vol24h * SQRT_DAYS_PER_YEAR,
            regime: this.regimeOf(vol24h),
          };
  }

  value(nowMs: number): RealizedVolatilityValue | undefined {
    return nowMs - this.lastCloseTime > this.staleAfterMs ? undefined : this.current;
  }

  isStable(nowMs: number): boolean {
    return this.value(nowMs) !== undefined;
  }

  /** √(mean(r²) × windowMs / interval) from the window's n returns and Σr²; undefined below the coverage. */
  private volOver(windowMs: number, n: number, sumSquares: number): number | undefined {
    const expected = windowMs / this.intervalMs;
    if (expected < 1) return undefined;
    if (n === 0 || n < this.minCoverage * expected) return undefined;
    const vol = Math.sqrt((Math.max(0, sumSquares) / n) * expected);
    return Number.isFinite(vol) ? vol : undefined;
  }

  private push(closeTime: number, r: number): void {
    if (this.end - this.day.start === this.rs.length) this.grow();
    const slot = this.end & (this.rs.length - 1);
    this.closeTimes[slot] = closeTime;
    this.rs[slot] = r;
    this.end += 1;
    this.hour.add(r * r);
    this.day.add(r * r);
  }

  /** Moves a window's start past the returns closing at or before `cutoffMs`. */
  private evict(window: SquareSum, cutoffMs: number): void {
    const mask = this.rs.length - 1;
    while (window.start < this.end && (this.closeTimes[window.start & mask] ?? Infinity) <= cutoffMs) {
      const r = this.rs[window.start & mask] ?? 0;
      window.start += 1;
      window.remove(r * r, () => this.sumSquares(window.start));
    }
  }

  /** Σr² from absolute index `from` to the newest, summed afresh. */
  private sumSquares(from: number): number {
    const mask = this.rs.length - 1;
    let sum = 0;
    for (let i = from; i < this.end; i += 1) {
      const r = this.rs[i & mask] ?? 0;
      sum += r * r;
    }
    return sum;
  }

  /** Doubles the ring (a power of two, so absolute indices map to slots by masking). */
  private grow(): void {
    const oldMask = this.rs.length - 1;
    const times = new Float64Array(this.rs.length * 2);
    const rs = new Float64Array(this.rs.length * 2);
    const mask = rs.length - 1;
    for (let i = this.day.start; i < this.end; i += 1) {
      times[i & mask] = this.closeTimes[i & oldMask] ?? 0;
      rs[i & mask] = this.rs[i & oldMask] ?? 0;
    }
    this.closeTimes = times;
    this.rs = rs;
  }

  private regimeOf(vol24h: number | undefined): VolatilityRegime | undefined {
    if (vol24h === undefined || this.regimeSamples.size < this.regimeMinSamples) return undefined;
    const low = this.regimeSamples.percentile(this.lowPercentile);
    const high = this.regimeSamples.percentile(this.highPercentile);
    if (low === undefined || high === undefined) return undefined;
    if (vol24h < low) return "low";
    if (vol24h > high) return "high";
    return "normal";
  }
}
