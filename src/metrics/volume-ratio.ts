import type { CandleInterval, Market, MarketEvent, MarketEventKind } from "../core/index.ts";
import { CANDLE_INTERVAL_MS } from "../core/index.ts";
import type { StreamingMetric } from "./contract.ts";
import { CandleSeries } from "./state/candle-series.ts";

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

  constructor(options: VolumeRatioOptions) {
    this.market = options.market;
    this.interval = options.interval ?? "1m";
    this.bars = options.bars ?? 20;
    this.staleAfterMs = options.staleAfterMs ?? 2 * CANDLE_INTERVAL_MS[this.interval];
    this.series = new CandleSeries(this.interval, this.bars + 1);
    this.warmUp = `${this.bars + 1} closed ${this.interval} bars (the newest + ${this.bars} before it)`;
  }

  update(event: MarketEvent): void {
    if (event.kind !== "candle" || event.market.key !== this.market.key || event.interval !== this.interval || !event.closed) return;
    if (!this.series.update(event)) return;
    this.latest = undefined;
    if (this.series.closedCount <= this.bars) return;
    // Summed afresh over `bars` values: exact enough and no drift from running sums.
    let sum = 0;
    for (let i = 0; i < this.bars; i += 1) sum += this.series.closedAt(i)?.volume ?? 0;
    const mean = sum / this.bars;
    const current = this.series.lastClosed?.volume ?? 0;
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
