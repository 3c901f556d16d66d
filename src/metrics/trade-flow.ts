import type { Market, MarketEvent, MarketEventKind, TradeEvent } from "../core/index.ts";
import type { StreamingMetric } from "./contract.ts";
import { BoundedQueue } from "./state/bounded-queue.ts";

/** Options of {@link TradeFlow}. */
export interface TradeFlowOptions {
  market: Market;
  /** Window length, ms: trades with time in (now − windowMs, now]. Default 60_000 (1 min). */
  windowMs?: number;
  /** Undefined once the newest trade is older than this, ms. Default `windowMs` (so: no trade in the window → undefined). */
  staleAfterMs?: number;
  /** Hard cap on trades held; beyond it the oldest are dropped early. Default 100_000. */
  maxTrades?: number;
}

/**
 * Trade-flow imbalance from the aggressor side over a time window (default 60 s, long enough
 * for tens of trades on a liquid perp, short enough to react within a minute):
 * (buy − sell) / (buy + sell) of base-asset volume, in [-1, 1]. `buy` = buyer took liquidity.
 * `undefined` with no trades in the window (or the newest older than `staleAfterMs`).
 * Warm after one trade. Memory: the window's trades, at most `maxTrades`.
 *
 * The sums are kept incrementally; when subtraction would lose precision (the window total
 * falls below 1e-6 of its peak since the last exact sum) they are recomputed from the window.
 */
export class TradeFlow implements StreamingMetric<number> {
  readonly name: string;
  readonly unit = "fraction in [-1, 1] of base volume, (buy − sell) / (buy + sell)";
  readonly needs: readonly MarketEventKind[] = ["trade"];
  readonly warmUp = "1 trade";
  readonly market: Market;
  readonly windowMs: number;
  readonly staleAfterMs: number;
  private readonly trades: BoundedQueue<TradeEvent>;
  private buy = 0;
  private sell = 0;
  private peak = 0;

  constructor(options: TradeFlowOptions) {
    this.market = options.market;
    this.windowMs = options.windowMs ?? 60_000;
    this.staleAfterMs = options.staleAfterMs ?? this.windowMs;
    this.trades = new BoundedQueue(options.maxTrades ?? 100_000);
    this.name = this.windowMs === 60_000 ? "tradeFlow" : `tradeFlow${Math.round(this.windowMs / 1_000)}s`;
  }

  update(event: MarketEvent): void {
    if (event.kind !== "trade" || event.market.key !== this.market.key) return;
    this.add(event, 1);
    const dropped = this.trades.push(event);
    if (dropped !== undefined) this.add(dropped, -1);
    const cutoff = event.tsEvent - this.windowMs;
    while ((this.trades.first?.tsEvent ?? Infinity) <= cutoff) {
      const old = this.trades.shift();
      if (old !== undefined) this.add(old, -1);
    }
    const total = this.buy + this.sell;
    if (this.buy < 0 || this.sell < 0 || total < this.peak * 1e-6) this.recompute();
    this.peak = Math.max(this.peak, this.buy + this.sell);
  }

  value(nowMs: number): number | undefined {
    const last = this.trades.last;
    if (last === undefined || nowMs - last.tsEvent > this.staleAfterMs) return undefined;
    const first = this.trades.first;
    let buy = this.buy;
    let sell = this.sell;
    if (nowMs < last.tsEvent || (first !== undefined && first.tsEvent <= nowMs - this.windowMs)) {
      // Some held trades are outside (now − window, now]: sum the rest exactly (read-only).
      buy = 0;
      sell = 0;
      for (const t of this.trades) {
        if (t.tsEvent > nowMs - this.windowMs && t.tsEvent <= nowMs) {
          if (t.side === "buy") buy += t.sz;
          else sell += t.sz;
        }
      }
    }
    return flowOf(buy, sell);
  }

  isStable(nowMs: number): boolean {
    return this.value(nowMs) !== undefined;
  }

  private add(t: TradeEvent, sign: 1 | -1): void {
    if (t.side === "buy") this.buy += sign * t.sz;
    else this.sell += sign * t.sz;
  }

  private recompute(): void {
    this.buy = 0;
    this.sell = 0;
    for (const t of this.trades) this.add(t, 1);
    this.peak = this.buy + this.sell;
  }
}

/** (buy − sell) / (buy + sell), clamped to [-1, 1]; `undefined` when the total is not positive or not finite. */
export function flowOf(buy: number, sell: number): number | undefined {
  const total = buy + sell;
  if (!(total > 0) || !Number.isFinite(total)) return undefined;
  return Math.min(1, Math.max(-1, (buy - sell) / total));
}
