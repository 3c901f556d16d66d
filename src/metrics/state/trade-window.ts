import type { TradeEvent } from "../../core/index.ts";
import { BoundedQueue } from "./bounded-queue.ts";

/** Options of a {@link TradeWindow}. */
export interface TradeWindowOptions {
  /** Keep trades no older than this, ms before the newest trade. Default 900_000 (15 min). */
  windowMs?: number;
  /** Hard cap on trades held. Default 100_000 (a busy 15 minutes of BTC is a few tens of thousands). */
  maxTrades?: number;
}

/**
 * The recent trades of one market, bounded by time (`windowMs` before the newest trade) and by
 * count (`maxTrades`, oldest dropped first).
 */
export class TradeWindow {
  readonly windowMs: number;
  private readonly trades: BoundedQueue<TradeEvent>;

  constructor(options: TradeWindowOptions = {}) {
    this.windowMs = options.windowMs ?? 900_000;
    this.trades = new BoundedQueue(options.maxTrades ?? 100_000);
  }

  /** Adds a trade (time order assumed) and drops trades that fell out of the window. */
  push(trade: TradeEvent): void {
    this.trades.push(trade);
    const cutoff = trade.tsEvent - this.windowMs;
    while ((this.trades.first?.tsEvent ?? Infinity) < cutoff) {
      this.trades.shift();
    }
  }

  get size(): number {
    return this.trades.size;
  }

  get last(): TradeEvent | undefined {
    return this.trades.last;
  }

  /** Trades with `tsEvent` in (`nowMs − spanMs`, `nowMs`], oldest first. */
  since(nowMs: number, spanMs: number): TradeEvent[] {
    const out: TradeEvent[] = [];
    for (const t of this.trades) {
      if (t.tsEvent > nowMs - spanMs && t.tsEvent <= nowMs) out.push(t);
    }
    return out;
  }

  /** All held trades, oldest first. */
  toArray(): TradeEvent[] {
    return this.trades.toArray();
  }
}
