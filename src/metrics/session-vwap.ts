import type { CandleInterval, Market, MarketEvent, MarketEventKind } from "../core/index.ts";
import { CANDLE_INTERVAL_MS, DAY_MS } from "../core/index.ts";
import type { StreamingMetric } from "./contract.ts";

/** Options of {@link SessionVwap}. */
export interface SessionVwapOptions {
  market: Market;
  /** Bars whose typical prices are averaged. Default "1m". */
  interval?: CandleInterval;
  /** Undefined once the latest price is older than this, ms. Default 2 intervals. */
  staleAfterMs?: number;
}

/** Session VWAP and where the latest price stands against it. */
export interface SessionVwapValue {
  /** Volume-weighted mean typical price (h + l + c) / 3 since 00:00 UTC, quote currency. */
  readonly vwap: number;
  /** Volume-weighted standard deviation of typical price around the VWAP, quote currency. */
  readonly std: number;
  /** Latest price: close of the newest bar of the interval, forming or closed, quote currency. */
  readonly price: number;
  /** (price − vwap) / std, in standard deviations. */
  readonly zScore: number;
  /** (price − vwap) / vwap, a fraction (0.01 = 1 % above VWAP). */
  readonly deviation: number;
}

/**
 * A std at or below this fraction of the VWAP is rounding residue, not spread: prices are
 * quoted to ≤ 6 significant digits, so any real spread is ≥ ~1e-6 × vwap, while the update's
 * rounding leaves ≤ ~1e-15 × vwap per bar.
 */
export const STD_ZERO_RELATIVE = 1e-12;

/**
 * Session VWAP from 00:00 UTC, reset each UTC day, from CLOSED candles of one interval (default
 * 1m): typical price (h + l + c) / 3 weighted by bar volume. Candles rather than trades because
 * history replay has only candles, so live and replay agree. The deviation is the weighted
 * population standard deviation, kept with West's weighted Welford update (no Σx² − (Σx)²
 * cancellation at 1e5 prices). A bar belongs to the session of its open time; a correction of
 * an already-counted bar is ignored (Welford sums cannot be undone).
 * `undefined` before the session's first volume, when std is 0 (e.g. one bar, or all bars at one
 * price: std ≤ {@link STD_ZERO_RELATIVE} × vwap counts as 0, since the Welford update leaves
 * rounding residue of ~1e-16 × vwap that would give z-scores of ±1e13), once `nowMs` is in a later UTC day than the latest bar, or when the price is stale.
 * Memory: O(1).
 */
export class SessionVwap implements StreamingMetric<SessionVwapValue> {
  readonly name = "sessionVwap";
  readonly unit = "vwap, std, price in quote currency; zScore in std; deviation as a fraction";
  readonly needs: readonly MarketEventKind[] = ["candle"];
  readonly warmUp: string;
  readonly market: Market;
  readonly interval: CandleInterval;
  readonly staleAfterMs: number;
  private sessionDay = -Infinity;
  private weight = 0;
  private mean = 0;
  private m2 = 0;
  private lastCountedOpen = -Infinity;
  private price: number | undefined;
  private priceTs = -Infinity;
  private priceOpen = -Infinity;

  constructor(options: SessionVwapOptions) {
    this.market = options.market;
    this.interval = options.interval ?? "1m";
    this.staleAfterMs = options.staleAfterMs ?? 2 * CANDLE_INTERVAL_MS[this.interval];
    this.warmUp = `2 closed ${this.interval} bars with volume and different typical prices since 00:00 UTC`;
  }

  update(event: MarketEvent): void {
    if (event.kind !== "candle" || event.market.key !== this.market.key || event.interval !== this.interval) return;
    const day = Math.floor(event.openTime / DAY_MS);
    if (day < this.sessionDay) return;
    if (day > this.sessionDay) {
      this.sessionDay = day;
      this.weight = 0;
      this.mean = 0;
      this.m2 = 0;
    }
    if (event.openTime >= this.priceOpen) {
      this.price = event.close;
      this.priceTs = event.tsEvent;
      this.priceOpen = event.openTime;
    }
    if (!event.closed || event.openTime <= this.lastCountedOpen) return;
    this.lastCountedOpen = event.openTime;
    const w = event.volume;
    if (!(w > 0)) return;
    const x = (event.high + event.low + event.close) / 3;
    const total = this.weight + w;
    const delta = x - this.mean;
    const r = (delta * w) / total;
    this.mean += r;
    this.m2 += this.weight * delta * r;
    this.weight = total;
  }

  value(nowMs: number): SessionVwapValue | undefined {
    const price = this.price;
    if (price === undefined || nowMs - this.priceTs > this.staleAfterMs) return undefined;
    if (Math.floor(nowMs / DAY_MS) > this.sessionDay || !(this.weight > 0)) return undefined;
    const vwap = this.mean;
    const std = Math.sqrt(Math.max(0, this.m2 / this.weight));
    if (!(vwap > 0) || !(std > STD_ZERO_RELATIVE * vwap) || !Number.isFinite(std)) return undefined;
    const zScore = (price - vwap) / std;
    const deviation = (price - vwap) / vwap;
    if (!Number.isFinite(zScore) || !Number.isFinite(deviation)) return undefined;
    return { vwap, std, price, zScore, deviation };
  }

  isStable(nowMs: number): boolean {
    return this.value(nowMs) !== undefined;
  }
}
