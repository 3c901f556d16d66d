import type {
  AssetContextEvent,
  BookSnapshotEvent,
  CandleInterval,
  FundingSettlementEvent,
  Market,
  MarketEvent,
} from "../../core/index.ts";
import { fundingRatePerHour } from "../../core/index.ts";
import { CandleSeries } from "./candle-series.ts";
import { FundingSeries } from "./funding-series.ts";
import { TradeWindow } from "./trade-window.ts";

/** Bounds of one market's state. Every window is bounded by time and/or count. */
export interface MarketStateOptions {
  /** Trade window length, ms. Default 900_000 (15 min). */
  tradeWindowMs?: number;
  /** Trade count cap. Default 100_000. */
  maxTrades?: number;
  /** Closed bars kept per candle interval. Default 500. */
  maxClosedCandles?: number;
  /** Age of the hourly funding series, ms. Default 7 days (168 settlements). */
  fundingMaxAgeMs?: number;
}

/** A price with the time it was observed and where it came from. */
export interface PricePoint {
  readonly px: number;
  /** ms since epoch. */
  readonly tsMs: number;
  readonly source: "bookMid" | "ctxMid" | "candleClose";
}

/**
 * Everything the metrics may need about one market, kept in bounded windows: the latest book,
 * recent trades (time- and count-bounded), candles per interval (forming + last N closed; at
 * most 14 intervals exist), the latest funding settlement and a 7-day hourly funding series, and
 * the latest asset context (open interest, mark, oracle, mid, predicted funding).
 * Pure: time comes only from the events.
 */
export class MarketState {
  readonly market: Market;
  /** Latest L2 snapshot. */
  book: BookSnapshotEvent | undefined;
  readonly trades: TradeWindow;
  /** Latest asset context (perp: funding, OI, mark, oracle, mid; spot: mark, mid). */
  assetCtx: AssetContextEvent | undefined;
  /** Latest funding settlement. */
  lastFunding: FundingSettlementEvent | undefined;
  /** Settled hourly funding rates (fraction per hour), time-indexed, 7 days by default. */
  readonly funding: FundingSeries;
  private readonly candleSeries = new Map<CandleInterval, CandleSeries>();
  private readonly maxClosedCandles: number;

  constructor(market: Market, options: MarketStateOptions = {}) {
    this.market = market;
    this.trades = new TradeWindow({
      ...(options.tradeWindowMs === undefined ? {} : { windowMs: options.tradeWindowMs }),
      ...(options.maxTrades === undefined ? {} : { maxTrades: options.maxTrades }),
    });
    this.funding = new FundingSeries(options.fundingMaxAgeMs === undefined ? {} : { maxAgeMs: options.fundingMaxAgeMs });
    this.maxClosedCandles = options.maxClosedCandles ?? 500;
  }

  /** Applies one event of this market (events of other markets and status events are ignored). */
  update(event: MarketEvent): void {
    if (event.kind === "status" || event.market.key !== this.market.key) return;
    switch (event.kind) {
      case "book":
        this.book = event;
        break;
      case "trade":
        this.trades.push(event);
        break;
      case "candle":
        this.candles(event.interval).update(event);
        break;
      case "assetCtx":
        this.assetCtx = event;
        break;
      case "funding":
        this.lastFunding = event;
        this.funding.add(event.tsEvent, fundingRatePerHour(event));
        break;
    }
  }

  /** The candle series of `interval` (created empty on first use). */
  candles(interval: CandleInterval): CandleSeries {
    let series = this.candleSeries.get(interval);
    if (series === undefined) {
      series = new CandleSeries(interval, this.maxClosedCandles);
      this.candleSeries.set(interval, series);
    }
    return series;
  }

  /** Intervals that have received at least one candle. */
  get intervals(): CandleInterval[] {
    return [...this.candleSeries.keys()];
  }

  /** Mid of the latest book, (best bid + best ask) / 2; `undefined` when a side is empty. */
  get bookMid(): PricePoint | undefined {
    const bid = this.book?.bids[0];
    const ask = this.book?.asks[0];
    if (this.book === undefined || bid === undefined || ask === undefined) return undefined;
    return { px: (bid.px + ask.px) / 2, tsMs: this.book.tsEvent, source: "bookMid" };
  }

  /**
   * The freshest mid-like price: book mid, asset-context mid, or the close of the newest candle
   * (forming or closed, any interval), whichever was observed last. `undefined` with none.
   */
  get latestMid(): PricePoint | undefined {
    const candidates: PricePoint[] = [];
    const bm = this.bookMid;
    if (bm !== undefined) candidates.push(bm);
    const ctxMid = this.assetCtx?.midPx;
    if (this.assetCtx !== undefined && ctxMid !== undefined && ctxMid > 0) {
      candidates.push({ px: ctxMid, tsMs: this.assetCtx.tsEvent, source: "ctxMid" });
    }
    for (const series of this.candleSeries.values()) {
      const c = series.forming ?? series.lastClosed;
      if (c !== undefined && c.close > 0) candidates.push({ px: c.close, tsMs: c.tsEvent, source: "candleClose" });
    }
    let best: PricePoint | undefined;
    for (const p of candidates) {
      if (best === undefined || p.tsMs > best.tsMs) best = p;
    }
    return best;
  }
}
