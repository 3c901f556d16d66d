import { CANDLE_INTERVAL_MS } from "../core/index.ts";
import type { CandleInterval, Market, MarketEvent, MarketEventKind } from "../core/index.ts";
import type { StreamingMetric } from "./contract.ts";
import { CandleSeries } from "./state/candle-series.ts";
import { NumberRing } from "./state/number-ring.ts";

/** Options of {@link FlowToxicity}. */
export interface FlowToxicityOptions {
  market: Market;
  /** Bar interval. Default "1m". */
  interval?: CandleInterval;
  /** Bars in the window whose consecutive pairs give the impacts. Default 10 (the memo's). */
  window?: number;
  /** Bars before the window whose mean volume normalises it. Default 20 (the memo's). */
  volumeBars?: number;
  /** Undefined once the newest closed bar closed longer ago than this, ms. Default 2 intervals. */
  staleAfterMs?: number;
}

/** Close and volume of one bar: all the toxicity needs. */
export interface ToxicityBar {
  readonly close: number;
  /** Volume in base-asset units. */
  readonly volume: number;
}

/** A volume ratio at or below this is too thin for an impact (the memo's 0.1). */
const MIN_VOLUME_RATIO = 0.1;
/** At least this many impacts, or there is no toxicity (the memo's 3). */
const MIN_IMPACTS = 3;

/**
 * The memo's flow toxicity ("Change 4") over the last `window + volumeBars` bars, oldest first:
 * avgVol = mean volume of the `volumeBars` bars before the window; for each consecutive pair in
 * the window, change = |close / prevClose − 1| and ratio = volume / avgVol; an impact
 * change / ratio is kept only when ratio > 0.1 (a pair whose previous close is 0 is skipped);
 * toxicity = mean(impacts) / std(impacts) with the population std (numpy's default, ddof = 0).
 *
 * Where the memo returned 0 ("no signal" and "no data" looked alike) this returns `undefined`:
 * fewer than `window + volumeBars` bars, avgVol 0, fewer than 3 impacts, or a std that is 0 up
 * to rounding (≤ 1e-12 of the mean; float rounding would otherwise turn equal impacts into a
 * huge ratio). The memo's rounding to 2 decimals is left to display.
 */
export function flowToxicityOf(bars: readonly ToxicityBar[], window = 10, volumeBars = 20): number | undefined {
  return toxicityOfNewest(bars, bars.length, window, volumeBars, new Float64Array(Math.max(0, window - 1)));
}

/** Bars by index, negative from the newest (−1 = newest): an array or the series' closed-bar queue. */
interface BarsByIndex {
  at(index: number): ToxicityBar | undefined;
}

/**
 * {@link flowToxicityOf} over the newest `window + volumeBars` of `count` bars, read in place (no
 * slice); the impacts go to `impacts` (≥ window − 1 slots, reused across calls), summed in the
 * order a batch would, so the result is the same to the bit.
 */
function toxicityOfNewest(bars: BarsByIndex, count: number, window: number, volumeBars: number, impacts: Float64Array): number | undefined {
  if (count < window + volumeBars) return undefined;
  let volumeSum = 0;
  for (let i = -window - volumeBars; i < -window; i += 1) volumeSum += bars.at(i)?.volume ?? 0;
  return toxicityGivenVolumeSum(bars, window, volumeBars, volumeSum, impacts);
}

/** The rest of {@link toxicityOfNewest} once the volume sum of the `volumeBars` bars before the window is known. */
function toxicityGivenVolumeSum(bars: BarsByIndex, window: number, volumeBars: number, volumeSum: number, impacts: Float64Array): number | undefined {
  const avgVolume = volumeSum / volumeBars;
  if (!(avgVolume > 0) || !Number.isFinite(avgVolume)) return undefined;
  let n = 0;
  let sum = 0;
  let prev = bars.at(-window);
  for (let i = -window + 1; i < 0; i += 1) {
    const curr = bars.at(i);
    if (prev !== undefined && curr !== undefined && prev.close !== 0) {
      const change = Math.abs((curr.close - prev.close) / prev.close);
      const ratio = curr.volume / avgVolume;
      if (ratio > MIN_VOLUME_RATIO) {
        const x = change / ratio;
        impacts[n] = x;
        n += 1;
        sum += x;
      }
    }
    prev = curr;
  }
  if (n < MIN_IMPACTS) return undefined;
  const mean = sum / n;
  let squares = 0;
  for (let k = 0; k < n; k += 1) {
    const d = (impacts[k] as number) - mean;
    squares += d * d;
  }
  const std = Math.sqrt(squares / n);
  if (!(std > 1e-12 * mean)) return undefined;
  const toxicity = mean / std;
  return Number.isFinite(toxicity) ? toxicity : undefined;
}

/**
 * Order-flow toxicity from closed bars (the memo's "Change 4", see {@link flowToxicityOf}):
 * high when prices move consistently far on ordinary volume (informed flow). A dimensionless
 * ratio ≥ 0; the memo calls > 2 significant. Also gives the price direction over the window,
 * sign(last close − first close), for a strategy to trade with.
 *
 * Bars are used as they arrive: a missing bar is not filled, so a pair across a gap spans two
 * intervals (as in the memo). Memory: the last `window + volumeBars` closed bars (30).
 */
export class FlowToxicity implements StreamingMetric<number> {
  readonly name = "flowToxicity";
  readonly unit = "ratio ≥ 0 (mean / population std of price impact per normalised volume); > 2 significant per the memo";
  readonly needs: readonly MarketEventKind[] = ["candle"];
  readonly warmUp: string;
  readonly market: Market;
  readonly interval: CandleInterval;
  readonly window: number;
  readonly volumeBars: number;
  readonly staleAfterMs: number;
  private readonly series: CandleSeries;
  private toxicity: number | undefined;
  private windowDirection: -1 | 0 | 1 | undefined;
  private lastCloseTime = -Infinity;
  /** Scratch for the impacts of one computation (window − 1 slots), reused every bar. */
  private readonly impacts: Float64Array;
  /** The series' closed-bar volumes (base units), in step with it (window + volumeBars). */
  private readonly volumes: NumberRing;

  constructor(options: FlowToxicityOptions) {
    this.market = options.market;
    this.interval = options.interval ?? "1m";
    this.window = options.window ?? 10;
    this.volumeBars = options.volumeBars ?? 20;
    this.staleAfterMs = options.staleAfterMs ?? 2 * CANDLE_INTERVAL_MS[this.interval];
    this.series = new CandleSeries(this.interval, this.window + this.volumeBars);
    this.impacts = new Float64Array(Math.max(0, this.window - 1));
    this.volumes = new NumberRing(this.window + this.volumeBars);
    this.warmUp = `${this.window + this.volumeBars} closed ${this.interval} bars (${this.volumeBars} for the volume mean + a window of ${this.window}), and at least ${MIN_IMPACTS} impacts`;
  }

  update(event: MarketEvent): void {
    if (event.kind !== "candle" || event.market.key !== this.market.key || event.interval !== this.interval || !event.closed) return;
    const previous = this.series.lastClosed;
    if (!this.series.update(event)) return;
    // Read in place from the series (no copy of the bars per close).
    const bars = this.series.closed;
    if (previous !== undefined && previous.openTime === event.openTime) this.volumes.replaceLast(event.volume);
    else this.volumes.push(event.volume);
    // The volume sum from a contiguous ring (same values, same order as the batch: same bits).
    this.toxicity = bars.size < this.window + this.volumeBars ? undefined : toxicityGivenVolumeSum(bars, this.window, this.volumeBars, this.volumes.sum(0, this.volumeBars), this.impacts);
    const first = bars.at(-this.window);
    const last = bars.at(-1);
    this.windowDirection = bars.size < this.window + this.volumeBars || first === undefined || last === undefined ? undefined : (Math.sign(last.close - first.close) as -1 | 0 | 1);
    this.lastCloseTime = event.closeTime;
  }

  value(nowMs: number): number | undefined {
    return this.fresh(nowMs) ? this.toxicity : undefined;
  }

  isStable(nowMs: number): boolean {
    return this.value(nowMs) !== undefined;
  }

  /**
   * Price direction over the window: +1 when the last close is above the window's first close,
   * −1 below, 0 equal. Undefined until warm (window + volume bars) or when stale; defined even
   * when the toxicity itself is not (a strategy needs both).
   */
  direction(nowMs: number): -1 | 0 | 1 | undefined {
    if (!this.fresh(nowMs) || this.windowDirection === undefined) return undefined;
    // Normalise −0 so callers can compare with ===.
    return this.windowDirection === 0 ? 0 : this.windowDirection;
  }

  private fresh(nowMs: number): boolean {
    return nowMs - this.lastCloseTime <= this.staleAfterMs;
  }
}
