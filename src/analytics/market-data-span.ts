import type { MarketEvent } from "../core/index.ts";

/** First and last market data time of one market, ms (venue time, `tsEvent`). */
export interface MarketCoverage {
  /** Market key, e.g. `hyperliquid:perp:BTC`. */
  readonly market: string;
  readonly firstMs: number;
  readonly lastMs: number;
}

/**
 * Whether an event is market data: something that prices the market (a candle, a book, a top of
 * book, a trade, an asset context). Funding settlements and connection status are not: a funding
 * history that reaches years before the first bar gives no price to trade at, so it must not
 * stretch the period a report judges over. Warm-up history (fetched at a live session's start) is
 * not either: the kernel does not trade on it.
 */
export function isMarketData(event: MarketEvent): boolean {
  return marketDataKey(event) !== undefined;
}

/** The market key of a market-data event (see {@link isMarketData}), else undefined. */
function marketDataKey(event: MarketEvent): string | undefined {
  switch (event.kind) {
    case "candle":
      return event.warmUp === true ? undefined : event.market.key;
    case "book":
    case "bbo":
    case "trade":
    case "assetCtx":
      return event.market.key;
    case "funding":
    case "status":
      return undefined;
  }
}

/**
 * The span of market data a consumer of the event stream has seen, per market: what the report's
 * default period is taken from ("the period is the data's"). Pure and incremental; the replay keeps
 * one for the whole input and stores {@link MarketDataSpan.coverage} with every checkpoint.
 */
export class MarketDataSpan {
  private readonly byMarket = new Map<string, { firstMs: number; lastMs: number }>();

  /** Takes one event into account (ignored unless {@link isMarketData}). */
  observe(event: MarketEvent): void {
    const key = marketDataKey(event);
    if (key === undefined) return;
    const span = this.byMarket.get(key);
    if (span === undefined) this.byMarket.set(key, { firstMs: event.tsEvent, lastMs: event.tsEvent });
    else {
      if (event.tsEvent < span.firstMs) span.firstMs = event.tsEvent;
      if (event.tsEvent > span.lastMs) span.lastMs = event.tsEvent;
    }
  }

  /** Every market seen, sorted by key (so a checkpoint holding it is deterministic). */
  coverage(): MarketCoverage[] {
    return [...this.byMarket.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([market, s]) => ({ market, firstMs: s.firstMs, lastMs: s.lastMs }));
  }
}

/** The union span of the markets' data: first to last market data time, ms; undefined without any. */
export function marketDataSpan(coverage: readonly MarketCoverage[]): { readonly firstMs: number; readonly lastMs: number; readonly markets: number } | undefined {
  if (coverage.length === 0) return undefined;
  let firstMs = Number.POSITIVE_INFINITY;
  let lastMs = Number.NEGATIVE_INFINITY;
  for (const c of coverage) {
    firstMs = Math.min(firstMs, c.firstMs);
    lastMs = Math.max(lastMs, c.lastMs);
  }
  return { firstMs, lastMs, markets: coverage.length };
}
