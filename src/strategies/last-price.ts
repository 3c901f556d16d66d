import type { Market, MarketEvent } from "../core/index.ts";

/** A price and when it was observed. */
export interface ObservedPrice {
  readonly px: number;
  /** ms since epoch. */
  readonly tsMs: number;
  /** Quoted spread (ask − bid) / mid when it came from a book, else undefined. */
  readonly spreadFraction: number | undefined;
}

/**
 * The freshest reference price of one market: book mid (with its spread), asset-context mid
 * (or mark), or candle close, whichever arrived last. Strategies use it as the entry reference.
 * Memory: O(1).
 */
export class LastPrice {
  readonly market: Market;
  /** Older than this at `nowMs` → undefined, ms. */
  readonly maxAgeMs: number;
  private latest: ObservedPrice | undefined;

  constructor(market: Market, maxAgeMs: number) {
    this.market = market;
    this.maxAgeMs = maxAgeMs;
  }

  update(event: MarketEvent): void {
    if (event.kind === "status" || event.market.key !== this.market.key) return;
    let next: ObservedPrice | undefined;
    if (event.kind === "book") {
      const bid = event.bids[0]?.px;
      const ask = event.asks[0]?.px;
      if (bid !== undefined && ask !== undefined && bid > 0 && ask >= bid) {
        const mid = (bid + ask) / 2;
        next = { px: mid, tsMs: event.tsEvent, spreadFraction: (ask - bid) / mid };
      }
    } else if (event.kind === "bbo") {
      const bid = event.bid?.px;
      const ask = event.ask?.px;
      if (bid !== undefined && ask !== undefined && bid > 0 && ask >= bid) {
        const mid = (bid + ask) / 2;
        next = { px: mid, tsMs: event.tsEvent, spreadFraction: (ask - bid) / mid };
      }
    } else if (event.kind === "assetCtx") {
      const px = event.midPx ?? event.markPx;
      if (px !== undefined && px > 0) next = { px, tsMs: event.tsEvent, spreadFraction: undefined };
    } else if (event.kind === "candle" && event.close > 0) {
      next = { px: event.close, tsMs: event.tsEvent, spreadFraction: undefined };
    }
    if (next !== undefined && (this.latest === undefined || next.tsMs >= this.latest.tsMs)) this.latest = next;
  }

  /** The latest price if observed within `maxAgeMs` of `nowMs`. */
  value(nowMs: number): ObservedPrice | undefined {
    const p = this.latest;
    return p !== undefined && nowMs - p.tsMs <= this.maxAgeMs ? p : undefined;
  }
}
