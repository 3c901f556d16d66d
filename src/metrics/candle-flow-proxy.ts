import type { CandleInterval, Market, MarketEvent, MarketEventKind } from "../core/index.ts";
import { CANDLE_INTERVAL_MS } from "../core/index.ts";
import type { StreamingMetric } from "./contract.ts";
import { CandleSeries } from "./state/candle-series.ts";
import { NumberRing } from "./state/number-ring.ts";

/** Options of {@link CandleFlowProxy}. */
export interface CandleFlowProxyOptions {
  market: Market;
  /** Bar interval. Default "1m" (the original monitor's). */
  interval?: CandleInterval;
  /** Closed bars in the window. Default 10. */
  bars?: number;
  /** Undefined once the newest closed bar closed longer ago than this, ms. Default 2 intervals. */
  staleAfterMs?: number;
}

/**
 * A PROXY for trade flow when only candles exist (history replay has no trades): the original
 * monitor's "trade flow", Σ candle return × volume weight over the last 10 one-minute bars,
 * normalised to [-1, 1] so it reads like {@link TradeFlow}:
 *
 *   proxy = Σ rᵢ·vᵢ / Σ |rᵢ|·vᵢ,  rᵢ = (closeᵢ − openᵢ) / openᵢ,  vᵢ = volume (base units)
 *
 * +1 when every traded bar rose, −1 when every one fell; the original's unnormalised
 * Σ rᵢ·(vᵢ/Σv) is a volume-weighted mean return (≈1e-3), which its ±0.5 thresholds never met.
 * It does NOT observe aggressor sides: a strategy using it must say it uses a proxy.
 * `undefined` until `bars` consecutive closed bars (no missing bar between them), when every bar
 * is flat or has zero volume, or when stale. Memory: `bars` closed bars.
 */
export class CandleFlowProxy implements StreamingMetric<number> {
  readonly name = "candleFlowProxy";
  readonly unit = "fraction in [-1, 1], return-signed volume share (proxy, not aggressor flow)";
  readonly needs: readonly MarketEventKind[] = ["candle"];
  readonly warmUp: string;
  readonly market: Market;
  readonly interval: CandleInterval;
  readonly bars: number;
  readonly staleAfterMs: number;
  private readonly series: CandleSeries;
  private latest: number | undefined;
  /** Per closed bar, in step with the series: rᵢ·vᵢ and |rᵢ|·vᵢ. */
  private readonly signed: NumberRing;
  private readonly gross: NumberRing;

  constructor(options: CandleFlowProxyOptions) {
    this.market = options.market;
    this.interval = options.interval ?? "1m";
    this.bars = options.bars ?? 10;
    this.staleAfterMs = options.staleAfterMs ?? 2 * CANDLE_INTERVAL_MS[this.interval];
    this.series = new CandleSeries(this.interval, this.bars);
    this.signed = new NumberRing(this.bars);
    this.gross = new NumberRing(this.bars);
    this.warmUp = `${this.bars} consecutive closed ${this.interval} bars`;
  }

  update(event: MarketEvent): void {
    if (event.kind !== "candle" || event.market.key !== this.market.key || event.interval !== this.interval || !event.closed) return;
    const previous = this.series.lastClosed;
    if (!this.series.update(event)) return;
    // Each bar's two terms are computed once, when it closes, into rings in step with the series;
    // a bar with open ≤ 0 gets NaN terms, which make the gross sum fail the `> 0` test below.
    const r = event.open > 0 ? (event.close - event.open) / event.open : Number.NaN;
    const replace = previous !== undefined && previous.openTime === event.openTime;
    if (replace) {
      this.signed.replaceLast(r * event.volume);
      this.gross.replaceLast(Math.abs(r) * event.volume);
    } else {
      this.signed.push(r * event.volume);
      this.gross.push(Math.abs(r) * event.volume);
    }
    this.latest = this.proxyOfRings();
  }

  /** {@link candleFlowProxyOf} from the rings: the same terms summed in the same order (same bits). */
  private proxyOfRings(): number | undefined {
    const closed = this.series.closed;
    const first = closed.at(0);
    const last = closed.at(-1);
    if (closed.size !== this.bars || first === undefined || last === undefined) return undefined;
    if (last.openTime - first.openTime !== (this.bars - 1) * CANDLE_INTERVAL_MS[this.interval]) return undefined;
    const signed = this.signed.sum(0, this.bars);
    const gross = this.gross.sum(0, this.bars);
    if (!(gross > 0) || !Number.isFinite(gross)) return undefined;
    return Math.min(1, Math.max(-1, signed / gross));
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

/** The fields of a bar the proxy reads. */
interface ProxyBar {
  readonly openTime: number;
  readonly open: number;
  readonly close: number;
  readonly volume: number;
}

/** The proxy over exactly `bars` consecutive bars (`undefined` otherwise, or with no signed volume). */
export function candleFlowProxyOf(candles: readonly ProxyBar[], bars: number, intervalMs: number): number | undefined {
  return proxyOfNewest(candles, candles.length, bars, intervalMs);
}

/** {@link candleFlowProxyOf} over the newest `count` bars of `candles` (negative indices from the newest), read in place. */
function proxyOfNewest(candles: { at(index: number): ProxyBar | undefined }, count: number, bars: number, intervalMs: number): number | undefined {
  const first = candles.at(-count);
  const last = candles.at(-1);
  if (count !== bars || first === undefined || last === undefined) return undefined;
  if (last.openTime - first.openTime !== (bars - 1) * intervalMs) return undefined;
  let signed = 0;
  let gross = 0;
  for (let i = -count; i < 0; i += 1) {
    const c = candles.at(i) as ProxyBar;
    if (!(c.open > 0)) return undefined;
    const r = (c.close - c.open) / c.open;
    signed += r * c.volume;
    gross += Math.abs(r) * c.volume;
  }
  if (!(gross > 0) || !Number.isFinite(gross)) return undefined;
  return Math.min(1, Math.max(-1, signed / gross));
}
