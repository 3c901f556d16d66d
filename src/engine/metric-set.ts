import { EventClock } from "../core/index.ts";
import type { CandleEvent, CandleInterval, Market, MarketEvent, MarketEventKind } from "../core/index.ts";
import {
  AdaptiveThresholdMetric,
  Basis,
  BookConcentration,
  BookImbalance,
  CandleFlowProxy,
  FlowToxicity,
  FundingRate,
  FundingVelocity,
  LiquidityVelocity,
  MarketStateStore,
  OpenInterestTracker,
  QuoteStuffing,
  RealizedVolatility,
  RollingCorrelation,
  SessionVwap,
  TradeFlow,
  VolumeRatio,
  Vpin,
} from "../metrics/index.ts";
import type { MarketStateOptions, OpenInterestSeriesPort, StreamingMetric, VpinOptions } from "../metrics/index.ts";

/** One row of metric values: one market, one interval, at the close of one bar. */
export interface MetricRow {
  /** Bar close time, ms (the candle's `closeTime`, Hyperliquid's `T`). */
  readonly tsMs: number;
  /** `market.key`, e.g. `hyperliquid:perp:BTC`. */
  readonly marketKey: string;
  /** Venue symbol: perp coin (`BTC`) or pair (`UBTC/USDC`, `BTC/USDT`). */
  readonly symbol: string;
  /** The interval of the bar that closed; candle metrics in the row are of this interval. */
  readonly interval: CandleInterval;
  /**
   * Every metric, aligned with {@link MetricSet.columns}: `values[i]` is column `columns()[i]`
   * (an array, not a record: a row per bar is built from ~50 + N coins values, and named
   * properties made each row a dictionary). Shorter than `columns()` by the correlation columns
   * of coins seen after the row. `undefined` = not warm, stale or not applicable (a coin's
   * correlation with itself included). Never NaN or an infinity. By name: {@link rowRecord}.
   */
  readonly values: readonly (number | undefined)[];
}

/** A row's values by column name (`columns` = {@link MetricSet.columns}); for tests and tools, not the hot path. */
export function rowRecord(values: readonly (number | undefined)[], columns: readonly string[]): Record<string, number | undefined> {
  const record: Record<string, number | undefined> = {};
  for (let i = 0; i < values.length; i += 1) {
    const column = columns[i];
    if (column !== undefined) record[column] = values[i];
  }
  return record;
}

/** Options of {@link MetricSet}. Every metric keeps its own documented defaults. */
export interface MetricSetOptions {
  /** Candle intervals that get candle metrics and rows. Default: every interval seen. */
  intervals?: readonly CandleInterval[];
  /** Bounds of the shared market state. */
  state?: MarketStateOptions;
  /** Bars whose closes on the UTC hour give the hourly returns of the correlations. Default "1h". */
  correlationInterval?: CandleInterval;
  /** Compute the pairwise correlations (N(N − 1)/2 of them; O(1) per hourly bar and pair). Default true. */
  correlations?: boolean;
  /** Where open interest is kept (the journal's port, so 7 days survive a restart). Default: one in-memory series shared by all coins. */
  openInterestSeries?: OpenInterestSeriesPort;
  /** VPIN settings (bucket count, sizing window). Default: the metric's (50 buckets of 1/50 of 24 h volume). */
  vpin?: Omit<VpinOptions, "market">;
  /** Fixed thresholds used until 100 samples exist, in each metric's unit. Default: the memo's strong levels. */
  thresholdFallbacks?: { bookImbalance?: number; tradeFlow?: number; vwapZScore?: number };
}

/** The session-VWAP z-score as a numeric metric, so an adaptive threshold can sample it. */
class VwapZScore implements StreamingMetric<number> {
  readonly name = "sessionVwapZScore";
  readonly unit = "standard deviations from the session VWAP";
  readonly needs: readonly MarketEventKind[] = ["candle"];
  readonly warmUp: string;
  readonly vwap: SessionVwap;

  constructor(vwap: SessionVwap) {
    this.vwap = vwap;
    this.warmUp = vwap.warmUp;
  }

  update(event: MarketEvent): void {
    this.vwap.update(event);
  }

  value(nowMs: number): number | undefined {
    return this.vwap.value(nowMs)?.zScore;
  }

  isStable(nowMs: number): boolean {
    return this.value(nowMs) !== undefined;
  }
}

/** Book metrics of one market. The imbalance is fed through its threshold wrapper, which owns it. */
interface BookGroup {
  readonly imbalance: BookImbalance;
  readonly imbalanceThreshold: AdaptiveThresholdMetric;
  readonly concentration: BookConcentration;
  readonly velocity: LiquidityVelocity;
  readonly stuffing: QuoteStuffing;
}

interface TradeGroup {
  readonly flow: TradeFlow;
  readonly flowThreshold: AdaptiveThresholdMetric;
  readonly vpin: Vpin;
}

/** Candle metrics of one market and interval. The VWAP is fed through its z-score threshold. */
interface CandleGroup {
  readonly proxy: CandleFlowProxy;
  readonly vwap: SessionVwap;
  readonly zThreshold: AdaptiveThresholdMetric;
  readonly volumeRatio: VolumeRatio;
  readonly toxicity: FlowToxicity;
  readonly volatility: RealizedVolatility;
  /** Open time of the newest bar a row was made for (a repeated or corrected bar makes none). */
  lastRowOpenTime: number;
}

interface FundingGroup {
  readonly rate: FundingRate;
  readonly velocity: FundingVelocity;
}

interface ContextGroup {
  readonly predicted: FundingRate;
  readonly openInterest: OpenInterestTracker;
}

/** Which candles a basis instance prices its legs from: one interval, or any (for sampling between bars). */
type BasisKey = CandleInterval | "any";

/**
 * A perp's basis against one spot leg, one instance per candle interval: a row of interval I
 * compares the perp and spot closes of bars of I that closed together, never a 3m perp close with
 * a 15m spot close from minutes earlier. Books and asset contexts feed every instance.
 */
interface BasisLink {
  readonly spot: Market | undefined;
  /** 1 when the spot leg is a Binance series: research only, not executable on Hyperliquid. */
  readonly researchOnly: 0 | 1;
  readonly byKey: Map<BasisKey, Basis>;
  /** The same instances as a list, so a book or context reaches them without a Map iterator per event. */
  readonly all: Basis[];
}

/** Everything computed for one market. Groups are created on the first event that feeds them. */
class MarketMetrics {
  readonly market: Market;
  book: BookGroup | undefined;
  trades: TradeGroup | undefined;
  readonly candles = new Map<CandleInterval, CandleGroup>();
  funding: FundingGroup | undefined;
  context: ContextGroup | undefined;
  /** Hyperliquid perps only. */
  basis: BasisLink | undefined;
  /** Correlations with the other Hyperliquid perps (each object shared with the other market), by the other coin's column index. */
  readonly correlations: { readonly index: number; readonly metric: RollingCorrelation }[] = [];

  constructor(market: Market) {
    this.market = market;
  }
}

/** Memo levels: |imbalance| > 0.6, |trade flow| > 0.5, |z| > 2.0 score the most points. */
const DEFAULT_FALLBACKS = { bookImbalance: 0.6, tradeFlow: 0.5, vwapZScore: 2.0 } as const;

const REGIME_CODE = { low: -1, normal: 0, high: 1 } as const;

const NO_ROWS: readonly MetricRow[] = Object.freeze([]);

const isHyperliquidPerp = (m: Market): boolean => m.venue === "hyperliquid" && m.kind === "perp";

/** The metric columns every row has, in order (correlation columns follow, one per coin); valuesOf writes them in this order. */
export const STATIC_COLUMNS: readonly string[] = Object.freeze([
  "bookImbalance",
  "bookHerfindahl.bid",
  "bookHerfindahl.ask",
  "liquidityVelocityPerSecond",
  "quoteStuffing.churnUsdPerSecond",
  "quoteStuffing.medianChurnUsdPerSecond",
  "quoteStuffing.stuffing",
  "bookImbalanceP90.value",
  "bookImbalanceP90.samples",

  "tradeFlow",
  "tradeFlowP90.value",
  "tradeFlowP90.samples",
  "vpin",

  "candleFlowProxy",
  "sessionVwap.vwap",
  "sessionVwap.std",
  "sessionVwap.price",
  "sessionVwap.zScore",
  "sessionVwap.deviation",
  "sessionVwapZScoreP90.value",
  "sessionVwapZScoreP90.samples",
  "volumeRatio",
  "flowToxicity",
  "flowToxicity.direction",
  "realizedVolatility.vol1h",
  "realizedVolatility.vol1hAnnualised",
  "realizedVolatility.vol24h",
  "realizedVolatility.vol24hAnnualised",
  "realizedVolatility.regime",

  "fundingRate.perHour",
  "fundingRate.per8h",
  "fundingRate.annualized",
  "fundingVelocity.velocity4hPerHour",
  "fundingVelocity.velocity8hPerHour",
  "fundingVelocity.accelerationPerHour",
  "fundingRatePredicted.perHour",
  "fundingRatePredicted.per8h",
  "fundingRatePredicted.annualized",
  "openInterest.openInterest",
  "openInterest.change4h",
  "openInterest.change24h",
  "openInterest.change7d",

  "basisBps.perpSpotBps",
  "basisBps.markOracleBps",
  "basisBps.premiumBps",
  "basisBps.researchOnly",
]);

/**
 * The full metric set over the merged event stream: a {@link MarketStateStore} and one instance
 * of every metric per market it applies to, each created when the first event it needs arrives:
 *
 * - book metrics for markets with books; trade metrics for markets with trades;
 * - candle metrics per configured interval;
 * - funding (settled and predicted) and open interest for perps;
 * - basis for each Hyperliquid perp against its spot leg: the Hyperliquid spot pair of the same
 *   base, or, when the venue lists none, a Binance spot series of that base, flagged
 *   `basisBps.researchOnly` = 1 (a reference, not an executable leg). A Hyperliquid pair seen
 *   later replaces the Binance leg;
 * - the rolling correlation of hourly returns between every pair of Hyperliquid perps seen;
 * - adaptive thresholds (rolling 90th percentile of |value|) of book imbalance, trade flow and
 *   the session-VWAP z-score.
 *
 * Each event goes only to the metrics of its market and kind (and to the basis of the perps a
 * spot market is the leg of), so the cost per event does not grow with the number of markets.
 *
 * Rows: every CLOSED bar of a configured interval yields one {@link MetricRow} of its market and
 * interval, computed once every event with the same time has been applied (so a spot bar and a
 * perp bar closing together are both in the basis, whatever the source order). Time comes only
 * from the events (an {@link EventClock}); same input, same rows. Pure.
 */
export class MetricSet {
  readonly store: MarketStateStore;
  readonly clock = new EventClock();
  private readonly options: MetricSetOptions;
  private readonly intervals: ReadonlySet<CandleInterval> | undefined;
  private readonly correlationInterval: CandleInterval;
  private readonly fallbacks: { bookImbalance: number; tradeFlow: number; vwapZScore: number };
  private readonly byMarket = new Map<Market, MarketMetrics>();
  /** Perps by base, for linking spot legs. */
  private readonly perpsByBase = new Map<string, MarketMetrics[]>();
  /** The chosen spot leg per base. */
  private readonly spotByBase = new Map<string, Market>();
  /** Spot market → the perps whose basis it is the leg of. */
  private readonly basisBySpot = new Map<Market, MarketMetrics[]>();
  private readonly hlPerps: MarketMetrics[] = [];
  private readonly columnList: string[] = [...STATIC_COLUMNS];
  /** Bars closed and not yet returned as rows: three parallel lists (no object per bar), emptied by flush. */
  private readonly pendingEntries: MarketMetrics[] = [];
  private readonly pendingGroups: CandleGroup[] = [];
  private readonly pendingCandles: CandleEvent[] = [];
  private pendingAt = -Infinity;

  constructor(options: MetricSetOptions = {}) {
    this.options = options;
    this.store = new MarketStateStore(options.state ?? {});
    this.intervals = options.intervals === undefined ? undefined : new Set(options.intervals);
    this.correlationInterval = options.correlationInterval ?? "1h";
    this.fallbacks = { ...DEFAULT_FALLBACKS, ...options.thresholdFallbacks };
  }

  /**
   * Applies one event (events arrive in time order). Returns the rows of bars that closed at an
   * earlier time, now final; usually none (a shared empty array, no allocation).
   */
  update(event: MarketEvent): readonly MetricRow[] {
    const rows = this.pendingCandles.length > 0 && event.tsEvent > this.pendingAt ? this.flush() : NO_ROWS;
    this.clock.advance(event.tsEvent);
    if (event.kind === "status") return rows;
    this.store.update(event);
    const entry = this.entryFor(event.market);
    switch (event.kind) {
      case "book": {
        const g = (entry.book ??= this.makeBook(event.market));
        g.imbalanceThreshold.update(event);
        g.concentration.update(event);
        g.velocity.update(event);
        g.stuffing.update(event);
        this.updateBasis(entry, event);
        break;
      }
      case "trade": {
        const g = (entry.trades ??= this.makeTrades(event.market));
        g.flowThreshold.update(event);
        g.vpin.update(event);
        break;
      }
      case "candle":
        this.onCandle(entry, event);
        break;
      case "assetCtx": {
        const g = (entry.context ??= this.makeContext(event.market));
        g.predicted.update(event);
        g.openInterest.update(event);
        this.updateBasis(entry, event);
        break;
      }
      case "funding": {
        const g = (entry.funding ??= this.makeFunding(event.market));
        g.rate.update(event);
        g.velocity.update(event);
        break;
      }
    }
    return rows;
  }

  /** The rows of every bar closed so far and not yet returned (call at the end of a stream). */
  flush(): readonly MetricRow[] {
    const count = this.pendingCandles.length;
    if (count === 0) return NO_ROWS;
    const nowMs = this.clock.now();
    const rows: MetricRow[] = new Array<MetricRow>(count);
    for (let i = 0; i < count; i += 1) {
      const entry = this.pendingEntries[i] as MarketMetrics;
      const candle = this.pendingCandles[i] as CandleEvent;
      rows[i] = {
        tsMs: candle.closeTime,
        marketKey: entry.market.key,
        symbol: entry.market.symbol,
        interval: candle.interval,
        values: valuesOf(entry, this.pendingGroups[i], nowMs, this.columnList.length),
      };
    }
    this.pendingEntries.length = 0;
    this.pendingGroups.length = 0;
    this.pendingCandles.length = 0;
    return rows;
  }

  /**
   * Column names in their fixed order: the metric columns every row has, then one
   * `hourlyReturnCorrelation.<COIN>` per Hyperliquid perp in first-seen order (the list only
   * grows; a row lacks the columns of coins seen after it).
   */
  columns(): readonly string[] {
    return this.columnList;
  }

  /** Every metric of `market` at `nowMs`, candle metrics of `interval` (none when undefined). For sampling between bars. */
  sample(market: Market, interval: CandleInterval | undefined, nowMs: number): Record<string, number | undefined> {
    const entry = this.byMarket.get(market);
    const width = this.columnList.length;
    const values = entry === undefined ? valuesOf(new MarketMetrics(market), undefined, nowMs, width) : valuesOf(entry, interval === undefined ? undefined : entry.candles.get(interval), nowMs, width);
    return rowRecord(values, this.columnList);
  }

  /** Markets seen, first-seen order. */
  markets(): Market[] {
    return [...this.byMarket.keys()];
  }

  private onCandle(entry: MarketMetrics, event: CandleEvent): void {
    // A perp's first bar of an interval opens that interval's basis (the state already holds the bar).
    if (entry.basis !== undefined && !entry.basis.byKey.has(event.interval)) {
      this.addBasis(entry.market, entry.basis, event.interval);
      entry.basis.byKey.get("any")?.update(event);
    } else {
      this.updateBasis(entry, event);
    }
    if (event.interval === this.correlationInterval) {
      for (const c of entry.correlations) c.metric.update(event);
    }
    if (this.intervals !== undefined && !this.intervals.has(event.interval)) return;
    let g = entry.candles.get(event.interval);
    if (g === undefined) {
      g = this.makeCandles(event.market, event.interval);
      entry.candles.set(event.interval, g);
    }
    g.proxy.update(event);
    g.zThreshold.update(event);
    g.volumeRatio.update(event);
    g.toxicity.update(event);
    g.volatility.update(event);
    if (event.closed && event.openTime > g.lastRowOpenTime) {
      g.lastRowOpenTime = event.openTime;
      if (this.pendingCandles.length === 0 || event.tsEvent > this.pendingAt) this.pendingAt = event.tsEvent;
      this.pendingEntries.push(entry);
      this.pendingGroups.push(g);
      this.pendingCandles.push(event);
    }
  }

  private updateBasis(entry: MarketMetrics, event: MarketEvent): void {
    if (entry.basis !== undefined) {
      basisUpdate(entry.basis, event);
      return;
    }
    const perps = this.basisBySpot.get(entry.market);
    if (perps !== undefined) for (const p of perps) if (p.basis !== undefined) basisUpdate(p.basis, event);
  }

  private entryFor(market: Market): MarketMetrics {
    let entry = this.byMarket.get(market);
    if (entry !== undefined) return entry;
    entry = new MarketMetrics(market);
    this.byMarket.set(market, entry);
    if (isHyperliquidPerp(market)) {
      this.addPerp(entry);
    } else if (market.kind === "spot") {
      this.addSpot(market);
    }
    return entry;
  }

  private addPerp(entry: MarketMetrics): void {
    const market = entry.market;
    const peers = this.perpsByBase.get(market.base) ?? [];
    peers.push(entry);
    this.perpsByBase.set(market.base, peers);
    this.link(entry, this.spotByBase.get(market.base));
    if (this.options.correlations === false) return;
    // The coin's column index: the static columns, then one per perp in hlPerps order.
    const index = this.columnList.length;
    this.hlPerps.forEach((other, k) => {
      const metric = new RollingCorrelation({ market: other.market, other: market, interval: this.correlationInterval });
      other.correlations.push({ index, metric });
      entry.correlations.push({ index: STATIC_COLUMNS.length + k, metric });
    });
    this.hlPerps.push(entry);
    this.columnList.push(correlationColumn(market));
  }

  /** A Hyperliquid pair becomes the leg of its base (over a Binance one); a Binance pair only when there is none. */
  private addSpot(spot: Market): void {
    const current = this.spotByBase.get(spot.base);
    const better = current === undefined || (current.venue !== "hyperliquid" && spot.venue === "hyperliquid");
    if (!better) return;
    if (spot.venue === "hyperliquid") this.store.linkSpot(spot);
    this.spotByBase.set(spot.base, spot);
    const perps = this.perpsByBase.get(spot.base) ?? [];
    if (current !== undefined) this.basisBySpot.delete(current);
    for (const p of perps) this.link(p, spot);
  }

  private link(perp: MarketMetrics, spot: Market | undefined): void {
    const keys: BasisKey[] = perp.basis === undefined ? ["any"] : [...perp.basis.byKey.keys()];
    const link: BasisLink = { spot, researchOnly: spot !== undefined && spot.venue !== "hyperliquid" ? 1 : 0, byKey: new Map(), all: [] };
    perp.basis = link;
    for (const key of keys) this.addBasis(perp.market, link, key);
    if (spot === undefined) return;
    const list = this.basisBySpot.get(spot) ?? [];
    if (!list.includes(perp)) list.push(perp);
    this.basisBySpot.set(spot, list);
  }

  /** A basis instance for `key`, started from the latest observations the state holds (a leg linked mid-stream). */
  private addBasis(perp: Market, link: BasisLink, key: BasisKey): Basis {
    const metric = new Basis(link.spot === undefined ? { market: perp } : { market: perp, spot: link.spot });
    link.byKey.set(key, metric);
    link.all.push(metric);
    for (const e of this.latestPriceEvents(perp, link.spot, key)) metric.update(e);
    return metric;
  }

  /** The latest book, asset context and candles (of `key`'s interval, or all) of the two legs, in time order. */
  private latestPriceEvents(perp: Market, spot: Market | undefined, key: BasisKey): MarketEvent[] {
    const events: MarketEvent[] = [];
    for (const m of spot === undefined ? [perp] : [perp, spot]) {
      const state = this.store.get(m);
      if (state === undefined) continue;
      if (state.book !== undefined) events.push(state.book);
      if (state.assetCtx !== undefined) events.push(state.assetCtx);
      for (const interval of state.intervals) {
        if (key !== "any" && key !== interval) continue;
        const series = state.candles(interval);
        if (series.lastClosed !== undefined) events.push(series.lastClosed);
        if (series.forming !== undefined) events.push(series.forming);
      }
    }
    return events.sort((a, b) => a.tsEvent - b.tsEvent);
  }

  private makeBook(market: Market): BookGroup {
    const imbalance = new BookImbalance({ market });
    return {
      imbalance,
      imbalanceThreshold: new AdaptiveThresholdMetric({ source: imbalance, fallback: this.fallbacks.bookImbalance, absolute: true }),
      concentration: new BookConcentration({ market }),
      velocity: new LiquidityVelocity({ market }),
      stuffing: new QuoteStuffing({ market }),
    };
  }

  private makeTrades(market: Market): TradeGroup {
    const flow = new TradeFlow({ market });
    return {
      flow,
      flowThreshold: new AdaptiveThresholdMetric({ source: flow, fallback: this.fallbacks.tradeFlow, absolute: true }),
      vpin: new Vpin({ ...this.options.vpin, market }),
    };
  }

  private makeCandles(market: Market, interval: CandleInterval): CandleGroup {
    const vwap = new SessionVwap({ market, interval });
    return {
      proxy: new CandleFlowProxy({ market, interval }),
      vwap,
      zThreshold: new AdaptiveThresholdMetric({ source: new VwapZScore(vwap), fallback: this.fallbacks.vwapZScore, absolute: true }),
      volumeRatio: new VolumeRatio({ market, interval }),
      toxicity: new FlowToxicity({ market, interval }),
      volatility: new RealizedVolatility({ market, interval }),
      lastRowOpenTime: -Infinity,
    };
  }

  private makeFunding(market: Market): FundingGroup {
    return { rate: new FundingRate({ market }), velocity: new FundingVelocity({ market }) };
  }

  private makeContext(market: Market): ContextGroup {
    const series = this.options.openInterestSeries;
    return {
      predicted: new FundingRate({ market, source: "predicted" }),
      openInterest: new OpenInterestTracker(series === undefined ? { market, startMs: this.clock.now() } : { market, series, startMs: this.clock.now() }),
    };
  }

}

/** Feeds a basis: books and contexts to every instance, a candle to those of its interval and "any". */
function basisUpdate(link: BasisLink, event: MarketEvent): void {
  if (event.kind !== "candle") {
    for (const b of link.all) b.update(event);
    return;
  }
  link.byKey.get("any")?.update(event);
  link.byKey.get(event.interval)?.update(event);
}

function numeric(x: number | "insufficient" | undefined): number | undefined {
  return typeof x === "number" ? x : undefined;
}

/** `hourlyReturnCorrelation.<COIN>`: the correlation of this row's coin with that coin. */
export function correlationColumn(market: Market): string {
  return `hourlyReturnCorrelation.${market.symbol}`;
}

/**
 * Every column of one market at `nowMs`, in the order of {@link STATIC_COLUMNS}, then the
 * correlation columns up to `width` (undefined where this market has no such correlation).
 */
function valuesOf(entry: MarketMetrics, g: CandleGroup | undefined, nowMs: number, width: number): (number | undefined)[] {
  const book = entry.book;
  const herfindahl = book?.concentration.value(nowMs);
  const stuffing = book?.stuffing.value(nowMs);
  const imbalanceP90 = book?.imbalanceThreshold.value(nowMs);
  const trades = entry.trades;
  const flowP90 = trades?.flowThreshold.value(nowMs);
  const vwap = g?.vwap.value(nowMs);
  const zP90 = g?.zThreshold.value(nowMs);
  const vol = g?.volatility.value(nowMs);
  const rate = entry.funding?.rate.value(nowMs);
  const velocity = entry.funding?.velocity.value(nowMs);
  const predicted = entry.context?.predicted.value(nowMs);
  const oi = entry.context?.openInterest.value(nowMs);
  const basis = entry.basis?.byKey.get(g?.volumeRatio.interval ?? "any")?.value(nowMs);
  const v: (number | undefined)[] = [
    book?.imbalance.value(nowMs),
    herfindahl?.bid,
    herfindahl?.ask,
    book?.velocity.value(nowMs),
    stuffing?.churnUsdPerSecond,
    stuffing?.medianChurnUsdPerSecond,
    stuffing?.stuffing,
    imbalanceP90?.value,
    imbalanceP90?.samples,

    trades?.flow.value(nowMs),
    flowP90?.value,
    flowP90?.samples,
    trades?.vpin.value(nowMs),

    g?.proxy.value(nowMs),
    vwap?.vwap,
    vwap?.std,
    vwap?.price,
    vwap?.zScore,
    vwap?.deviation,
    zP90?.value,
    zP90?.samples,
    g?.volumeRatio.value(nowMs),
    g?.toxicity.value(nowMs),
    g?.toxicity.direction(nowMs),
    vol?.vol1h,
    vol?.vol1hAnnualised,
    vol?.vol24h,
    vol?.vol24hAnnualised,
    vol?.regime === undefined ? undefined : REGIME_CODE[vol.regime],

    rate?.perHour,
    rate?.per8h,
    rate?.annualized,
    velocity?.velocity4hPerHour,
    velocity?.velocity8hPerHour,
    velocity?.accelerationPerHour,
    predicted?.perHour,
    predicted?.per8h,
    predicted?.annualized,
    oi?.openInterest,
    numeric(oi?.change4h),
    numeric(oi?.change24h),
    numeric(oi?.change7d),

    basis?.perpSpotBps,
    basis?.markOracleBps,
    basis?.premiumBps,
    basis?.perpSpotBps === undefined ? undefined : entry.basis?.researchOnly,
  ];
  // Passed on as computed: each metric promises finite values, and the tests hold them to it.
  // Correlation slots of coins this market has no correlation with (itself) stay undefined.
  for (let i = STATIC_COLUMNS.length; i < width; i += 1) v.push(undefined);
  for (const c of entry.correlations) if (c.index < width) v[c.index] = c.metric.value(nowMs);
  return v;
}
