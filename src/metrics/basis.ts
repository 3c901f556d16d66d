import { CANDLE_INTERVAL_MS, topOfBookMid } from "../core/index.ts";
import type { BookSnapshotEvent, Market, MarketEvent, MarketEventKind } from "../core/index.ts";
import type { StreamingMetric } from "./contract.ts";

/** Options of {@link Basis}. */
export interface BasisOptions {
  /** The perp. */
  market: Market;
  /** The perp's spot pair, where the venue lists one (`UBTC/USDC` for `BTC`). Without it `perpSpotBps` stays undefined. */
  spot?: Market;
  /**
   * A leg priced from a book or an asset context is stale once older than this, ms.
   * Default 5_000 (books arrive about every 0.5 s). A leg priced from a candle stays fresh for
   * max(staleAfterMs, the candle's interval), so candle-only replay works at the bar interval.
   */
  staleAfterMs?: number;
}

/** What {@link Basis} reports; each part is undefined when its inputs are missing or stale. */
export interface BasisBps {
  /** (perp mid / spot mid − 1) × 1e4, bps. */
  readonly perpSpotBps: number | undefined;
  /** (perp mark / oracle − 1) × 1e4, bps. */
  readonly markOracleBps: number | undefined;
  /** The funding premium (asset context `premium`, a fraction of oracle) × 1e4, bps. */
  readonly premiumBps: number | undefined;
}

/** One observed price and how long it counts as current. */
interface Quote {
  readonly px: number | undefined;
  readonly tsMs: number;
  readonly freshForMs: number;
}

/** (a / b − 1) × 1e4, or undefined when b is not positive or the result is not finite. */
export function bpsOf(a: number, b: number): number | undefined {
  if (!(b > 0) || !(a > 0)) return undefined;
  const bps = (a / b - 1) * 1e4;
  return Number.isFinite(bps) ? bps : undefined;
}

/** Mid of the best bid and ask; undefined when a side is empty or the prices are not positive. */
export function bookMid(book: BookSnapshotEvent): number | undefined {
  const bid = book.bids[0]?.px;
  const ask = book.asks[0]?.px;
  if (bid === undefined || ask === undefined || !(bid > 0) || !(ask > 0)) return undefined;
  const mid = (bid + ask) / 2;
  return Number.isFinite(mid) ? mid : undefined;
}

/**
 * One leg's price: the latest mid (book or asset context) and the latest candle close, each
 * with how long it counts as current. Fields are overwritten in place (no allocation per event).
 */
class Leg {
  midPx: number | undefined = undefined;
  midTs = -Infinity;
  closePx: number | undefined = undefined;
  closeTs = -Infinity;
  closeFreshForMs = 0;
  /** Close time of the bar the close came from, ms (`closeTime`). */
  closeBarEnd = -Infinity;

  onMid(px: number | undefined, tsMs: number): void {
    // Books, tops of book and contexts come on separate channels: an older quote arriving after a
    // newer one never replaces it.
    if (tsMs < this.midTs) return;
    this.midPx = px;
    this.midTs = tsMs;
  }

  onClose(px: number, tsMs: number, freshForMs: number, barEnd: number): void {
    this.closePx = px;
    this.closeTs = tsMs;
    this.closeFreshForMs = freshForMs;
    this.closeBarEnd = barEnd;
  }

  /** The mid when fresh (a fresh one-sided or empty book has none: undefined). */
  mid(nowMs: number, staleAfterMs: number): number | undefined {
    return nowMs - this.midTs > staleAfterMs ? undefined : this.midPx;
  }

  /** The candle close when fresh. */
  close(nowMs: number): number | undefined {
    return nowMs - this.closeTs > this.closeFreshForMs ? undefined : this.closePx;
  }
}

function freshPx(quote: Quote | undefined, nowMs: number): number | undefined {
  if (quote === undefined || nowMs - quote.tsMs > quote.freshForMs) return undefined;
  return quote.px;
}

/**
 * Basis of a perp, in bps = (a / b − 1) × 1e4:
 * - `perpSpotBps`: perp mid vs its spot pair's mid (book mid or asset-context `midPx`; candle
 *   close when no fresh mid exists, as in candle-only replay);
 * - `markOracleBps`: perp mark vs oracle, both from one asset context;
 * - `premiumBps`: the funding premium from the asset context.
 *
 * A part whose inputs are older than the staleness limit is undefined, never made up from a
 * fresh leg and a stale one. When neither leg has a fresh mid and both are priced from candle
 * closes, the two bars must have the same close time: a candle stays fresh for its whole
 * interval, so otherwise the previous spot bar could be set against the current perp bar (a
 * difference of one bar's move, not a basis). A mid against a candle close is taken as it is. The value is undefined only when all three parts are.
 * Memory: the latest quote per leg and source.
 */
export class Basis implements StreamingMetric<BasisBps> {
  readonly name = "basisBps";
  readonly unit = "bps: perp mid vs spot mid, mark vs oracle, funding premium";
  readonly needs: readonly MarketEventKind[] = ["book", "bbo", "assetCtx", "candle"];
  readonly warmUp = "1 fresh price of each leg (perp book/top of book/context/candle and spot alike), or 1 perp asset context";
  readonly market: Market;
  readonly spot: Market | undefined;
  readonly staleAfterMs: number;
  private readonly perpLeg = new Leg();
  private readonly spotLeg = new Leg();
  private markOracle: Quote | undefined;
  private premium: Quote | undefined;

  constructor(options: BasisOptions) {
    this.market = options.market;
    this.spot = options.spot;
    this.staleAfterMs = options.staleAfterMs ?? 5_000;
  }

  update(event: MarketEvent): void {
    if (event.kind === "status" || event.kind === "trade" || event.kind === "funding") return;
    const isPerp = event.market.key === this.market.key;
    if (!isPerp && event.market.key !== this.spot?.key) return;
    const leg = isPerp ? this.perpLeg : this.spotLeg;
    const ts = event.tsEvent;
    if (event.kind === "book") {
      leg.onMid(bookMid(event), ts);
    } else if (event.kind === "bbo") {
      // The top of book changes several times per snapshot: the freshest mid.
      const mid = topOfBookMid(event);
      if (mid !== undefined) leg.onMid(mid, ts);
    } else if (event.kind === "candle") {
      leg.onClose(event.close, ts, Math.max(this.staleAfterMs, CANDLE_INTERVAL_MS[event.interval]), event.closeTime);
    } else {
      if (event.midPx !== undefined) leg.onMid(event.midPx, ts);
      if (!isPerp) return;
      if (event.markPx !== undefined && event.oraclePx !== undefined) {
        this.markOracle = { px: bpsOf(event.markPx, event.oraclePx), tsMs: ts, freshForMs: this.staleAfterMs };
      }
      if (event.premium !== undefined) {
        const bps = event.premium * 1e4;
        this.premium = { px: Number.isFinite(bps) ? bps : undefined, tsMs: ts, freshForMs: this.staleAfterMs };
      }
    }
  }

  value(nowMs: number): BasisBps | undefined {
    const perpSpotBps = this.perpSpotBps(nowMs);
    const markOracleBps = freshPx(this.markOracle, nowMs);
    const premiumBps = freshPx(this.premium, nowMs);
    if (perpSpotBps === undefined && markOracleBps === undefined && premiumBps === undefined) return undefined;
    return { perpSpotBps, markOracleBps, premiumBps };
  }

  isStable(nowMs: number): boolean {
    return this.value(nowMs) !== undefined;
  }

  /**
   * Perp mid vs spot mid, bps; undefined without a spot market, when either leg is missing or
   * stale, or when both legs are candle closes of bars with different close times.
   */
  perpSpotBps(nowMs: number): number | undefined {
    // A fresh mid wins over a fresh candle close (a close is a trade price, off the mid by up to half the spread).
    const perpMid = this.perpLeg.mid(nowMs, this.staleAfterMs);
    const spotMid = this.spotLeg.mid(nowMs, this.staleAfterMs);
    const perpPx = perpMid ?? this.perpLeg.close(nowMs);
    const spotPx = spotMid ?? this.spotLeg.close(nowMs);
    if (perpPx === undefined || spotPx === undefined) return undefined;
    if (perpMid === undefined && spotMid === undefined && this.perpLeg.closeBarEnd !== this.spotLeg.closeBarEnd) return undefined;
    return bpsOf(perpPx, spotPx);
  }
}
