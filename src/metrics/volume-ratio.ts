import type { CandleInterval, Market, MarketEvent, MarketEventKind } from "../core/index.ts";
import { CANDLE_INTERVAL_MS } from "../core/index.ts";
import type { StreamingMetric } from "./contract.ts";
import { CandleSeries } from "./state/candle-series.ts";
import { NumberRing } from "./state/number-ring.ts";

/** Options of {@link VolumeRatio}. */
export interface VolumeRatioOptions {
  market: Market;
  /** Bar interval. Default "1m". */
  interval?: CandleInterval;
  /** Closed bars in the mean. Default 20. */
  bars?: number;
  /** Undefined once the newest closed bar closed longer ago than this, ms. Default 2 intervals. */
  staleAfterMs?: number;
}

/**
 * Volume ratio: volume of the newest CLOSED bar / mean volume of the `bars` (default 20) closed
 * bars before it. The forming bar is not used: its volume is partial and would read low early
 * in every bar. Memo readings: < 0.8 declining, > 1.5 surging. `undefined` until `bars + 1`
 * closed bars, when the mean is 0, or when stale. Missing bars (no candle at all) are not
 * filled in: the mean is over the bars received. Memory: `bars + 1` bars.
 */
export class VolumeRatio implements StreamingMetric<number> {
  readonly name = "volumeRatio";
  readonly unit = "ratio ≥ 0 (1 = average volume)";
  readonly needs: readonly MarketEventKind[] = ["candle"];
  readonly warmUp: string;
  readonly market: Market;
  readonly interval: CandleInterval;
  readonly bars: number;
  readonly staleAfterMs: number;
  private readonly series: CandleSeries;
  private latest: number | undefined;
  /** The series' closed-bar volumes (base units), in step with it. */
  private readonly volumes: NumberRing;

  constructor(options: VolumeRatioOptions) {
    this.market = options.market;
    this.interval = options.interval ?? "1m";
    this.bars = options.bars ?? 20;
    this.staleAfterMs = options.staleAfterMs ?? 2 * CANDLE_INTERVAL_MS[this.interval];
    this.series = new CandleSeries(this.interval, this.bars + 1);
    this.volumes = new NumberRing(this.bars + 1);
    this.warmUp = `${this.bars + 1} closed ${this.interval} bars (the newest + ${this.bars} before it)`;
  }

  update(event: MarketEvent): void {
    if (event.kind !== "candle" || event.market.key !== this.market.key || event.interval !== this.interval || !event.closed) return;
    const previous = this.series.lastClosed;
    if (!this.series.update(event)) return;
    // The series replaces its newest bar when this one opens at the same time (a correction).
    if (previous !== undefined && previous.openTime === event.openTime) this.volumes.replaceLast(event.volume);
    else this.volumes.push(event.volume);
    this.latest = undefined;
    if (this.volumes.size <= this.bars) return;
    // Summed afresh over `bars` values (no drift from running sums), from a contiguous ring.
    const mean = this.volumes.sum(0, this.bars) / this.bars;
    const current = this.volumes.at(-1);
    const ratio = current / mean;
    if (mean > 0 && Number.isFinite(ratio)) this.latest = ratio;
  }

  value(nowMs: number): number | undefined {
    const last = this.series.lastClosed;
    if (last === undefined || nowMs - last.closeTime > this.staleAfterMs) return undefined;
    return this.latest;
  }

  isStable(nowMs: number): boolean {
    return this.value(nowMs) !== undefined;
  }
}
