import type { BookLevel, BookSnapshotEvent, Market, MarketEvent, MarketEventKind } from "../core/index.ts";
import type { StreamingMetric } from "./contract.ts";

/** Options of {@link BookImbalance}. */
export interface BookImbalanceOptions {
  market: Market;
  /** Levels per side, best first. Default 10 (the original monitor's). */
  levels?: number;
  /** The value is undefined once the latest snapshot is older than this, ms. Default 5_000 (books arrive about every 0.5 s). */
  staleAfterMs?: number;
}

/** Σ px·sz over the first `levels` levels: the side's notional, USD. */
export function sideNotionalUsd(side: readonly BookLevel[], levels: number): number {
  let sum = 0;
  const n = Math.min(levels, side.length);
  for (let i = 0; i < n; i += 1) {
    const level = side[i];
    if (level !== undefined) sum += level.px * level.sz;
  }
  return sum;
}

/**
 * Notional-weighted imbalance of a snapshot over the top `levels` levels:
 * (bid − ask) / (bid + ask) with each side Σ px·sz. `undefined` for an empty book (no notional)
 * or a non-finite sum (overflow).
 */
export function bookImbalanceOf(snapshot: BookSnapshotEvent, levels: number): number | undefined {
  const bid = sideNotionalUsd(snapshot.bids, levels);
  const ask = sideNotionalUsd(snapshot.asks, levels);
  const total = bid + ask;
  if (!(total > 0) || !Number.isFinite(total)) return undefined;
  return (bid - ask) / total;
}

/**
 * Order-book imbalance: notional-weighted (Σ px·sz) over the top N levels (default 10) of the
 * latest snapshot, (bid − ask) / (bid + ask). Balanced → 0, only bids → +1, only asks → −1,
 * empty → undefined. Memory: one snapshot. Warm after one non-empty snapshot.
 */
export class BookImbalance implements StreamingMetric<number> {
  readonly name = "bookImbalance";
  readonly unit = "fraction in [-1, 1] (bid − ask notional over their sum)";
  readonly needs: readonly MarketEventKind[] = ["book"];
  readonly warmUp = "1 book snapshot";
  readonly market: Market;
  readonly levels: number;
  readonly staleAfterMs: number;
  private latest: number | undefined;
  private latestTs = -Infinity;

  constructor(options: BookImbalanceOptions) {
    this.market = options.market;
    this.levels = options.levels ?? 10;
    this.staleAfterMs = options.staleAfterMs ?? 5_000;
  }

  update(event: MarketEvent): void {
    if (event.kind !== "book" || event.market.key !== this.market.key) return;
    this.latest = bookImbalanceOf(event, this.levels);
    this.latestTs = event.tsEvent;
  }

  value(nowMs: number): number | undefined {
    if (nowMs - this.latestTs > this.staleAfterMs) return undefined;
    return this.latest;
  }

  isStable(nowMs: number): boolean {
    return this.value(nowMs) !== undefined;
  }
}
