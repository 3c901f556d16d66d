import * as v from "valibot";
import { HOUR_MS, ParseError, isCandleInterval, perp } from "../../core/index.ts";
import type {
  AssetContextEvent,
  BookLevel,
  BookSnapshotEvent,
  CandleEvent,
  FundingSettlementEvent,
  Market,
  MarketEvent,
  TopOfBookEvent,
  TradeEvent,
} from "../../core/index.ts";
import {
  decimal,
  MUST_BE_POSITIVE,
  optionalCount,
  optionalFinite,
  optionalNonNegative,
  isAbsent,
  requiredFinite,
  requiredNonNegative,
  requiredPositive,
  requiredTimeMs,
  checkVenueTime,
  DEFAULT_MAX_VENUE_TIME_AHEAD_MS,
} from "./numbers.ts";
import { BarCloser, DEFAULT_BAR_CLOSE_GRACE_MS } from "./bar-closer.ts";
import { fieldOfIssue, SpotResolver } from "./spot.ts";
import { PriceBand } from "./quarantine.ts";
import { ClockOffset, CLOCK_SKEW_TOLERANCE_MS } from "./clock-offset.ts";
import type { PriceBandOptions } from "./quarantine.ts";

/**
 * The one Hyperliquid parser: raw WebSocket frames (live and capture replay) and REST / history
 * rows (backfill, history replay) → `MarketEvent`s.
 *
 * Pure: no I/O, no clock; receive time comes in as `tsInit`. Decimal strings are parsed once,
 * here, with the checked helpers of `numbers.ts`; anything malformed becomes a `ParseError`
 * naming the field path and the raw value. `parseFrame` never throws: rejects are values.
 * The hot path is `JSON.parse` plus hand-written field checks (valibot only for one-off metas).
 */

/** Result of one WebSocket frame. */
export interface ParseOutcome {
  readonly events: MarketEvent[];
  /** One per rejected item; the frame's good items still come out. */
  readonly rejects: ParseError[];
  /** The frame's `channel` (`"l2Book"`, `"trades"`, `"pong"`, ...); `undefined` if not a JSON object with a string channel. */
  readonly channel: string | undefined;
}

export interface HyperliquidParserOptions {
  /** Resolves spot wire names (`@142`); `SpotResolver.empty()` until spotMeta is fetched. */
  readonly spot: SpotResolver;
  /**
   * Grace after a forming bar's close time before it is closed without a later bar's frame, ms
   * (see {@link BarCloser}). Default {@link DEFAULT_BAR_CLOSE_GRACE_MS}.
   */
  readonly barCloseGraceMs?: number;
  /**
   * A venue time more than this ahead of the frame's receive time is refused as impossible, ms
   * (as is any venue time before `VENUE_TIME_FLOOR_MS`, 2023-01-01). Default
   * {@link DEFAULT_MAX_VENUE_TIME_AHEAD_MS} (60 000).
   */
  readonly maxVenueTimeAheadMs?: number;
  /**
   * A frame longer than this many characters is refused whole, before `JSON.parse`: one 3 MB
   * garbage frame once gave ~40 000 rejects, 400 warning lines and +93 MB RSS. Default
   * {@link DEFAULT_MAX_FRAME_CHARS} (1 MiB; the largest real frame measured is ~2.6 KB, see
   * docs/LIVE.md "Sanity at the edge").
   */
  readonly maxFrameChars?: number;
  /**
   * The price band and its confirmation (see {@link PriceBand}); `false` turns it off (tests of
   * other rules). Default: the band's defaults (10 %, 5 frames over 2 s).
   */
  readonly priceBand?: PriceBandOptions | false;
  /**
   * The markets subscribed: perp coins (`BTC`) and spot pair names (`UBTC/USDC`). A frame item
   * for any other market is dropped (the first per market as a reject, the rest counted in
   * `stats.unsubscribedDropped`), so a stray frame cannot create a phantom market. Default: every
   * market passes (tools that parse whatever they are given).
   */
  readonly subscribed?: { readonly perps: readonly string[]; readonly spotPairs: readonly string[] };
}

/** Default {@link HyperliquidParserOptions.maxFrameChars}: 1 MiB of text, ~400× the largest real frame measured. */
export const DEFAULT_MAX_FRAME_CHARS = 1_048_576;

/** Characters of a refused frame kept in its `ParseError` (and so in the log). */
const FRAME_PREVIEW_CHARS = 200;

/** Item rejects reported one by one per frame; the rest of a frame's bad items become one summary reject. */
const ITEM_REJECTS_PER_FRAME = 10;

/** Hyperliquid candle row (`candleSnapshot`, WS `candle`, history files): numbers as strings or numbers. */
export interface RawCandleRow {
  t: number | string;
  T: number | string;
  s: string;
  i: string;
  o: number | string;
  c: number | string;
  h: number | string;
  l: number | string;
  v: number | string;
  n?: number | string | undefined;
}

/** Hyperliquid `fundingHistory` row (also the history-file layout). */
export interface RawFundingRow {
  coin: string;
  fundingRate: number | string;
  premium?: number | string | null | undefined;
  time: number | string;
}

/** One perp of `metaAndAssetCtxs` / `meta`. */
export interface PerpMeta {
  readonly name: string;
  readonly szDecimals: number;
  readonly maxLeverage: number;
  /** Position in the perp universe (the venue's asset id). */
  readonly index: number;
}

/**
 * First hourly settlement, ms: 2023-06-08T01:00:00Z (1 686 186 000 000). Funding was 8-hourly
 * before 2023-06-08T00:00:00Z; the settlement stamped 00:00:00.254 that day still paid an
 * 8-hour rate (BTC 0.0001 = 8 × 1.25e-5; ETH rate − premium = −0.0003, the 8-hour formula),
 * and the first 1-hour rate (BTC 1.25e-5) is stamped 01:00:00.054 — see the recorded
 * fundingHistory in the shared data (PROVENANCE.md). Rows before this instant cover 8 h.
 */
export const HOURLY_FUNDING_SINCE_MS: number = Date.UTC(2023, 5, 8, 1);

const EIGHT_HOURS_MS = 8 * HOUR_MS;

/** Hyperliquid's greeting on connect, sent as plain text (the official python SDK skips it too). */
const CONNECTION_GREETING = "Websocket connection established.";

type Fields = Record<string, unknown>;

function isFields(value: unknown): value is Fields {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function requiredFields(value: unknown, field: string): Fields {
  if (!isFields(value)) {
    throw new ParseError(field, value, "must be an object");
  }
  return value;
}

function requiredArray(value: unknown, field: string): unknown[] {
  if (!Array.isArray(value)) {
    throw new ParseError(field, value, "must be an array");
  }
  return value;
}

function requiredString(value: unknown, field: string): string {
  if (typeof value !== "string" || value.length === 0) {
    throw new ParseError(field, value, "must be a non-empty string");
  }
  return value;
}

/** Spot wire names start with `@`, except the legacy `PURR/USDC` (any `/` name is a spot pair). */
function isSpotCoin(coin: string): boolean {
  return coin.charCodeAt(0) === 64 || coin.includes("/");
}

/** The market a venue `coin` names: spot via the resolver, else a perp. Throws `ParseError`. */
function marketOfCoin(value: unknown, field: string, spot: SpotResolver): Market {
  const coin = requiredString(value, field);
  if (isSpotCoin(coin)) {
    const pair = spot.byWireName(coin);
    if (pair === undefined) {
      throw new ParseError(field, coin, "unknown spot pair");
    }
    return pair.market;
  }
  return perp(coin);
}

/** The price the band judges: the mid when both sides are there, else the side present. */
function bookPrice(bid: BookLevel | undefined, ask: BookLevel | undefined): number | undefined {
  if (bid !== undefined && ask !== undefined) return (bid.px + ask.px) / 2;
  return bid?.px ?? ask?.px;
}

function backwards(field: string, time: number, last: number): ParseError {
  return new ParseError(field, time, `venue time went backwards (last ${last})`);
}

// Hot path: field paths are built only when a value is bad (a 20-level book would otherwise
// build ~120 strings per frame for nothing).
function parseLevels(value: unknown, field: string): BookLevel[] {
  const raw = requiredArray(value, field);
  const levels: BookLevel[] = new Array<BookLevel>(raw.length);
  for (let i = 0; i < raw.length; i++) {
    const level = raw[i];
    if (!isFields(level)) {
      throw new ParseError(`${field}[${i}]`, level, "must be an object");
    }
    const px = decimal(level.px);
    if (!(px > 0)) {
      throw new ParseError(`${field}[${i}].px`, level.px, MUST_BE_POSITIVE);
    }
    const sz = decimal(level.sz);
    if (!(sz > 0)) {
      throw new ParseError(`${field}[${i}].sz`, level.sz, MUST_BE_POSITIVE);
    }
    const n = level.n;
    let orders: number | undefined;
    if (typeof n === "number" && n >= 0 && Number.isSafeInteger(n)) {
      orders = n;
    } else {
      orders = optionalCount(n, `${field}[${i}].n`);
    }
    levels[i] = { px, sz, orders };
  }
  return levels;
}

/** A whole book or nothing: a book missing a bad level would be invented data. */
function parseBook(value: unknown, field: string, market: Market | undefined, spot: SpotResolver, tsInit: number, maxAheadMs: number): BookSnapshotEvent {
  const body = requiredFields(value, field);
  const bookMarket = market ?? marketOfCoin(body.coin, `${field}.coin`, spot);
  const tsEvent = requiredTimeMs(body.time, `${field}.time`);
  checkVenueTime(tsEvent, `${field}.time`, tsInit, maxAheadMs);
  const sides = requiredArray(body.levels, `${field}.levels`);
  if (sides.length !== 2) {
    throw new ParseError(`${field}.levels`, sides, "must hold two sides [bids, asks]");
  }
  const bids = parseLevels(sides[0], `${field}.levels[0]`);
  const asks = parseLevels(sides[1], `${field}.levels[1]`);
  checkBookOrder(bids, asks, field);
  return { kind: "book", tsEvent, tsInit, market: bookMarket, bids, asks };
}

/** Bids strictly descending, asks strictly ascending, best bid below best ask; else a `ParseError` naming the level. */
function checkBookOrder(bids: readonly BookLevel[], asks: readonly BookLevel[], field: string): void {
  for (let i = 1; i < bids.length; i++) {
    const px = (bids[i] as BookLevel).px;
    const above = (bids[i - 1] as BookLevel).px;
    if (!(px < above)) {
      throw new ParseError(`${field}.levels[0][${i}].px`, px, `bids must be sorted descending (level ${i - 1} is ${above})`);
    }
  }
  for (let i = 1; i < asks.length; i++) {
    const px = (asks[i] as BookLevel).px;
    const below = (asks[i - 1] as BookLevel).px;
    if (!(px > below)) {
      throw new ParseError(`${field}.levels[1][${i}].px`, px, `asks must be sorted ascending (level ${i - 1} is ${below})`);
    }
  }
  const bestBid = bids[0];
  const bestAsk = asks[0];
  if (bestBid !== undefined && bestAsk !== undefined && !(bestBid.px < bestAsk.px)) {
    throw new ParseError(`${field}.levels[0][0].px`, bestBid.px, `must be below the best ask ${bestAsk.px} (a crossed or locked book)`);
  }
}

/** `bbo` data `{coin, time, bbo: [bid | null, ask | null]}` → a top of book; a crossed one is refused. */
function parseTopOfBook(value: unknown, spot: SpotResolver, tsInit: number, maxAheadMs: number): TopOfBookEvent {
  const field = "bbo";
  const body = requiredFields(value, field);
  const market = marketOfCoin(body.coin, `${field}.coin`, spot);
  const tsEvent = requiredTimeMs(body.time, `${field}.time`);
  checkVenueTime(tsEvent, `${field}.time`, tsInit, maxAheadMs);
  const sides = requiredArray(body.bbo, `${field}.bbo`);
  if (sides.length !== 2) {
    throw new ParseError(`${field}.bbo`, sides, "must hold two sides [bid, ask] (each a level or null)");
  }
  const side = (level: unknown, at: number): BookLevel | undefined => (level === null || level === undefined ? undefined : parseLevels([level], `${field}.bbo[${at}]`)[0]);
  const bid = side(sides[0], 0);
  const ask = side(sides[1], 1);
  if (bid !== undefined && ask !== undefined && !(bid.px < ask.px)) {
    throw new ParseError(`${field}.bbo`, sides, `must not be crossed or locked (bid ${bid.px} ≥ ask ${ask.px})`);
  }
  return { kind: "bbo", tsEvent, tsInit, market, bid, ask };
}

function parseTrade(value: unknown, index: number, spot: SpotResolver, tsInit: number, maxAheadMs: number): TradeEvent {
  if (!isFields(value)) {
    throw new ParseError(`trades[${index}]`, value, "must be an object");
  }
  const coin = value.coin;
  const market = typeof coin === "string" && coin.length > 0 && !isSpotCoin(coin) ? perp(coin) : marketOfCoin(coin, `trades[${index}].coin`, spot);
  const sideCode = value.side;
  if (sideCode !== "B" && sideCode !== "A") {
    throw new ParseError(`trades[${index}].side`, sideCode, 'must be "B" or "A"');
  }
  const px = decimal(value.px);
  if (!(px > 0)) {
    throw new ParseError(`trades[${index}].px`, value.px, MUST_BE_POSITIVE);
  }
  const sz = decimal(value.sz);
  if (!(sz > 0)) {
    throw new ParseError(`trades[${index}].sz`, value.sz, MUST_BE_POSITIVE);
  }
  const time = value.time;
  const tsEvent = typeof time === "number" && time >= 0 && Number.isSafeInteger(time) ? time : requiredTimeMs(time, `trades[${index}].time`);
  checkVenueTime(tsEvent, `trades[${index}].time`, tsInit, maxAheadMs);
  const tid = value.tid;
  let tradeId: string;
  if (typeof tid === "number" && Number.isSafeInteger(tid) && tid >= 0) {
    tradeId = String(tid);
  } else if (typeof tid === "string" && tid.length > 0) {
    tradeId = tid;
  } else {
    // A tid above 2^53 would already have lost digits in JSON.parse; refuse rather than mislabel.
    throw new ParseError(`trades[${index}].tid`, tid, "must be a non-negative safe integer or a non-empty string");
  }
  return { kind: "trade", tsEvent, tsInit, market, px, sz, side: sideCode === "B" ? "buy" : "sell", tradeId };
}

function parseCandle(value: unknown, field: string, market: Market | undefined, spot: SpotResolver, closed: boolean, tsInit: number, maxAheadMs: number): CandleEvent {
  const row = requiredFields(value, field);
  const candleMarket = market ?? marketOfCoin(row.s, `${field}.s`, spot);
  const interval = row.i;
  if (typeof interval !== "string" || !isCandleInterval(interval)) {
    throw new ParseError(`${field}.i`, interval, "must be a candle interval (1m … 1M)");
  }
  const openTime = requiredTimeMs(row.t, `${field}.t`);
  const closeTime = requiredTimeMs(row.T, `${field}.T`);
  if (closeTime < openTime) {
    throw new ParseError(`${field}.T`, row.T, `must not be before the open time ${openTime}`);
  }
  const open = requiredPositive(row.o, `${field}.o`);
  const high = requiredPositive(row.h, `${field}.h`);
  const low = requiredPositive(row.l, `${field}.l`);
  const close = requiredPositive(row.c, `${field}.c`);
  if (high < low) {
    throw new ParseError(`${field}.h`, row.h, `must not be below the low ${low}`);
  }
  if (open < low || open > high) {
    throw new ParseError(`${field}.o`, row.o, `must lie within the bar's low ${low} and high ${high}`);
  }
  if (close < low || close > high) {
    throw new ParseError(`${field}.c`, row.c, `must lie within the bar's low ${low} and high ${high}`);
  }
  const event: CandleEvent = {
    kind: "candle",
    // A finished bar is knowable at its close; a forming bar carries no observation time of its
    // own, so it is stamped with the time we received it.
    tsEvent: closed ? closeTime : tsInit,
    tsInit,
    market: candleMarket,
    interval,
    openTime,
    closeTime,
    open,
    high,
    low,
    close,
    // Zero-volume bars are real (flat bars in quiet spot markets).
    volume: requiredNonNegative(row.v, `${field}.v`),
    trades: optionalCount(row.n, `${field}.n`),
    closed,
  };
  // The open time, not the close: a forming bar's close lies ahead of its receive time by design.
  checkVenueTime(openTime, `${field}.t`, tsInit, maxAheadMs);
  return event;
}

/**
 * Asset context fields are each optional: spot has no funding/OI/oracle, and the venue sends
 * `null` for a mid or impact price on an empty book. Prices may be 0 (delisted pairs report
 * `prevDayPx: "0.0"`), so they are checked as non-negative.
 */
function parseAssetCtx(value: unknown, field: string, market: Market, tsEvent: number, tsInit: number): AssetContextEvent {
  const ctx = requiredFields(value, field);
  let impactBidPx: number | undefined;
  let impactAskPx: number | undefined;
  if (!isAbsent(ctx.impactPxs)) {
    const impact = requiredArray(ctx.impactPxs, `${field}.impactPxs`);
    if (impact.length !== 2) {
      throw new ParseError(`${field}.impactPxs`, impact, "must hold two prices [bid, ask]");
    }
    impactBidPx = optionalNonNegative(impact[0], `${field}.impactPxs[0]`);
    impactAskPx = optionalNonNegative(impact[1], `${field}.impactPxs[1]`);
  }
  return {
    kind: "assetCtx",
    tsEvent,
    tsInit,
    market,
    fundingRatePerHour: optionalFinite(ctx.funding, `${field}.funding`),
    openInterest: optionalNonNegative(ctx.openInterest, `${field}.openInterest`),
    markPx: optionalNonNegative(ctx.markPx, `${field}.markPx`),
    oraclePx: optionalNonNegative(ctx.oraclePx, `${field}.oraclePx`),
    midPx: optionalNonNegative(ctx.midPx, `${field}.midPx`),
    premium: optionalFinite(ctx.premium, `${field}.premium`),
    dayNotionalVolumeUsd: optionalNonNegative(ctx.dayNtlVlm, `${field}.dayNtlVlm`),
    impactBidPx,
    impactAskPx,
    prevDayPx: optionalNonNegative(ctx.prevDayPx, `${field}.prevDayPx`),
  };
}

function asParseError(error: unknown): ParseError {
  if (error instanceof ParseError) {
    return error;
  }
  // Anything else is a bug in this file; let it surface.
  throw error;
}

/** For row parsers given their market: nothing to resolve. */
const NO_SPOT = SpotResolver.empty();

/**
 * Turns raw Hyperliquid WebSocket frames into market events.
 *
 * Channels: `l2Book` → one book (rejected whole if any level is bad); `trades` → one event per
 * good trade (`side` is the aggressor: `B` → buy, `A` → sell); `candle` → the forming bar
 * (`closed: false`, `tsEvent = tsInit` because the frame carries no observation time);
 * `activeAssetCtx` / `activeSpotAssetCtx` → one context (`tsEvent = tsInit`, no venue time in
 * the frame). `pong`, `subscriptionResponse`, `error` and unknown channels give no events.
 *
 * State: only the last venue time per stream, to reject time going backwards (equal times
 * pass): books per market by `time`, trades per market by trade `time`; the forming bar per
 * market and interval. A rejected item does not move its stream's time.
 */
/** Trade ids remembered per market to drop repeats; the venue's trades snapshot is far shorter. */
const RECENT_TRADE_IDS = 2048;

/** The last `capacity` ids per market: a ring buffer plus a set, O(1) per trade, bounded memory. */
class RecentIds {
  private readonly capacity: number;
  private readonly byMarket = new Map<Market, { ring: string[]; next: number; set: Set<string> }>();

  constructor(capacity: number) {
    this.capacity = capacity;
  }

  seen(market: Market, id: string): boolean {
    return this.byMarket.get(market)?.set.has(id) ?? false;
  }

  add(market: Market, id: string): void {
    let entry = this.byMarket.get(market);
    if (entry === undefined) {
      entry = { ring: [], next: 0, set: new Set() };
      this.byMarket.set(market, entry);
    }
    if (entry.ring.length < this.capacity) {
      entry.ring.push(id);
    } else {
      const evicted = entry.ring[entry.next];
      if (evicted !== undefined) entry.set.delete(evicted);
      entry.ring[entry.next] = id;
      entry.next = (entry.next + 1) % this.capacity;
    }
    entry.set.add(id);
  }
}

export class HyperliquidParser {
  private spot: SpotResolver;
  private readonly maxAheadMs: number;
  private readonly lastBookTime = new Map<Market, number>();
  private readonly lastTopTime = new Map<Market, number>();
  private readonly lastTradeTime = new Map<Market, number>();
  private readonly recentTradeIds = new RecentIds(RECENT_TRADE_IDS);
  private readonly maxFrameChars: number;
  private readonly band: PriceBand | undefined;
  private readonly subscribedPerps: ReadonlySet<string> | undefined;
  private readonly subscribedSpot: ReadonlySet<string> | undefined;
  /** Markets not subscribed whose first frame item has been reported (later ones are only counted). */
  private readonly unsubscribedSeen = new Set<Market>();
  /**
   * `duplicateTrades`: trades dropped because their id was already delivered (resubscription
   * snapshots). `unsubscribedDropped`: items for markets not subscribed dropped silently after the
   * first (reported) one per market. `quarantined`: prices held back by the band (every one; the
   * first of each quarantine is also a reject); `confirmedJumps`: jumps accepted after confirmation.
   */
  readonly stats = { duplicateTrades: 0, unsubscribedDropped: 0, quarantined: 0, confirmedJumps: 0, timeWentBack: 0, streamTimeResets: 0 };
  /**
   * (receive − venue) time over the recent books (docs/LIVE.md "Time you can trust"). Beyond
   * `CLOCK_SKEW_TOLERANCE_MS` (and up to `maxVenueTimeAheadMs`) the parser reads the venue's clock as receive time − this median:
   * bars close on it, and frames without a venue time (forming bars, asset contexts) are stamped
   * with it, so a host clock ahead of the venue does not make every book look stale.
   */
  readonly clockOffset = new ClockOffset();
  /** Forming bars → closed bars, on the receive clock of every frame. */
  readonly bars: BarCloser;

  constructor(options: HyperliquidParserOptions) {
    this.spot = options.spot;
    this.maxAheadMs = options.maxVenueTimeAheadMs ?? DEFAULT_MAX_VENUE_TIME_AHEAD_MS;
    this.bars = new BarCloser(options.barCloseGraceMs ?? DEFAULT_BAR_CLOSE_GRACE_MS);
    this.maxFrameChars = options.maxFrameChars ?? DEFAULT_MAX_FRAME_CHARS;
    this.band = options.priceBand === false ? undefined : new PriceBand(options.priceBand);
    this.subscribedPerps = options.subscribed === undefined ? undefined : new Set(options.subscribed.perps);
    this.subscribedSpot = options.subscribed === undefined ? undefined : new Set(options.subscribed.spotPairs);
  }

  /**
   * False when `market` is not subscribed (its item is dropped). The first item of each such
   * market throws a `ParseError` so that it is reported once; later ones are only counted.
   */
  private admit(market: Market, field: string): boolean {
    const set = market.kind === "spot" ? this.subscribedSpot : this.subscribedPerps;
    if (set === undefined || set.has(market.symbol)) {
      return true;
    }
    if (!this.unsubscribedSeen.has(market)) {
      this.unsubscribedSeen.add(market);
      throw new ParseError(field, market.symbol, "not a subscribed market: its frames are dropped (reported once per market)");
    }
    this.stats.unsubscribedDropped += 1;
    return false;
  }

  /**
   * True when `px` may be emitted; false when the band holds it back. The first price of each
   * quarantine throws a `ParseError` (`field`, the price) so that it is reported; the rest are
   * counted in `stats.quarantined`.
   */
  private inBand(market: Market, px: number, tsInit: number, field: string): boolean {
    if (this.band === undefined) {
      return true;
    }
    const verdict = this.band.observe(market, px, tsInit);
    if (verdict.kind === "accept") {
      if (verdict.confirmedJumpFrom !== undefined) this.stats.confirmedJumps += 1;
      return true;
    }
    this.stats.quarantined += 1;
    if (verdict.first) {
      const movePct = ((px / verdict.reference - 1) * 100).toFixed(1);
      throw new ParseError(
        field,
        px,
        `${movePct}% from the latest accepted price ${verdict.reference} (band ±${this.band.bandFraction * 100}%): quarantined, not emitted, until ${this.band.confirmFrames} prices over ${this.band.confirmMs} ms confirm the new level`,
      );
    }
    return false;
  }

  /**
   * Forget the last venue time of every stream: a new connection starts afresh (called by the
   * live source on every connect and by the capture reader at every `connected` status line, so a
   * replay resets at the same place). A venue that restarted with its clock stepped back would
   * otherwise have every book and trade refused until its clock caught up. Trade ids are kept:
   * the resubscription snapshot's repeats are still dropped.
   */
  resetStreamTimes(): void {
    if (this.lastBookTime.size + this.lastTopTime.size + this.lastTradeTime.size > 0) this.stats.streamTimeResets += 1;
    this.lastBookTime.clear();
    this.lastTopTime.clear();
    this.lastTradeTime.clear();
  }

  /** Replace the spot resolver (after spotMeta is fetched). Stream times are kept. */
  setSpotResolver(spot: SpotResolver): void {
    this.spot = spot;
  }

  /**
   * Parses one raw frame received at `tsInit` (ms). Never throws on bad input: malformed JSON,
   * values and stale times come back in `rejects`.
   */
  parseFrame(raw: string, tsInit: number): ParseOutcome {
    // Any frame moves the receive clock: bars past their close + grace are final now, and come
    // out before this frame's own events.
    const events: MarketEvent[] = [];
    this.bars.advance(tsInit, events, tsInit - this.clockOffset.correctionMs(CLOCK_SKEW_TOLERANCE_MS, this.maxAheadMs));
    if (raw.length > this.maxFrameChars) {
      return { events, rejects: [new ParseError("frame", raw.slice(0, FRAME_PREVIEW_CHARS), `is ${raw.length} characters, over the ${this.maxFrameChars} limit; refused unread`)], channel: undefined };
    }
    let message: unknown;
    try {
      message = JSON.parse(raw);
    } catch {
      if (raw === CONNECTION_GREETING) {
        return { events, rejects: [], channel: undefined };
      }
      return { events, rejects: [new ParseError("frame", raw.slice(0, FRAME_PREVIEW_CHARS), "invalid JSON")], channel: undefined };
    }
    if (!isFields(message) || typeof message.channel !== "string") {
      return { events, rejects: [new ParseError("frame", raw.slice(0, FRAME_PREVIEW_CHARS), 'must be a JSON object with a string "channel"')], channel: undefined };
    }
    const channel = message.channel;
    const rejects: ParseError[] = [];
    try {
      switch (channel) {
        case "l2Book":
          this.onBook(message.data, tsInit, events);
          break;
        case "bbo":
          this.onTopOfBook(message.data, tsInit, events);
          break;
        case "trades":
          this.onTrades(message.data, tsInit, events, rejects);
          break;
        case "candle":
          this.onCandle(message.data, tsInit, events);
          break;
        case "activeAssetCtx":
        case "activeSpotAssetCtx":
          this.onAssetCtx(channel, message.data, tsInit, events);
          break;
        default:
          // pong, subscriptionResponse, error, post and channels we do not use: no events.
          break;
      }
    } catch (error) {
      rejects.push(asParseError(error));
    }
    return { events, rejects, channel };
  }

  private onBook(data: unknown, tsInit: number, events: MarketEvent[]): void {
    const book = parseBook(data, "l2Book", undefined, this.spot, tsInit, this.maxAheadMs);
    if (!this.admit(book.market, "l2Book.coin")) return;
    const last = this.lastBookTime.get(book.market);
    if (last !== undefined && book.tsEvent < last) {
      this.stats.timeWentBack += 1;
      throw backwards("l2Book.time", book.tsEvent, last);
    }
    const px = bookPrice(book.bids[0], book.asks[0]);
    if (px !== undefined && !this.inBand(book.market, px, tsInit, "l2Book.levels")) return;
    this.lastBookTime.set(book.market, book.tsEvent);
    this.clockOffset.add(book.tsEvent, tsInit);
    events.push(book);
  }

  private onTopOfBook(data: unknown, tsInit: number, events: MarketEvent[]): void {
    const top = parseTopOfBook(data, this.spot, tsInit, this.maxAheadMs);
    if (!this.admit(top.market, "bbo.coin")) return;
    const last = this.lastTopTime.get(top.market);
    if (last !== undefined && top.tsEvent < last) {
      this.stats.timeWentBack += 1;
      throw backwards("bbo.time", top.tsEvent, last);
    }
    const px = bookPrice(top.bid, top.ask);
    if (px !== undefined && !this.inBand(top.market, px, tsInit, "bbo.bbo")) return;
    this.lastTopTime.set(top.market, top.tsEvent);
    events.push(top);
  }

  private onTrades(data: unknown, tsInit: number, events: MarketEvent[], rejects: ParseError[]): void {
    const trades = requiredArray(data, "trades");
    const firstReject = rejects.length;
    let unlisted = 0;
    const reject = (error: ParseError): void => {
      // A frame of thousands of bad trades must not become thousands of log lines.
      if (rejects.length - firstReject < ITEM_REJECTS_PER_FRAME) rejects.push(error);
      else unlisted += 1;
    };
    for (let i = 0; i < trades.length; i++) {
      let trade: TradeEvent;
      try {
        trade = parseTrade(trades[i], i, this.spot, tsInit, this.maxAheadMs);
        if (!this.admit(trade.market, `trades[${i}].coin`)) continue;
      } catch (error) {
        reject(asParseError(error));
        continue;
      }
      if (this.recentTradeIds.seen(trade.market, trade.tradeId)) {
        // The snapshot the venue sends on every (re)subscription repeats trades we already
        // have: not an error and not a new trade.
        this.stats.duplicateTrades += 1;
        continue;
      }
      const last = this.lastTradeTime.get(trade.market);
      if (last !== undefined && trade.tsEvent < last) {
        this.stats.timeWentBack += 1;
        reject(backwards(`trades[${i}].time`, trade.tsEvent, last));
        continue;
      }
      try {
        if (!this.inBand(trade.market, trade.px, tsInit, `trades[${i}].px`)) continue;
      } catch (error) {
        reject(asParseError(error));
        continue;
      }
      this.lastTradeTime.set(trade.market, trade.tsEvent);
      this.recentTradeIds.add(trade.market, trade.tradeId);
      events.push(trade);
    }
    if (unlisted > 0) {
      rejects.push(new ParseError("trades", unlisted, `more bad trades in this frame after the first ${ITEM_REJECTS_PER_FRAME} (not listed one by one)`));
    }
  }

  private onCandle(data: unknown, tsInit: number, events: MarketEvent[]): void {
    const candle = parseCandle(data, "candle", undefined, this.spot, false, tsInit, this.maxAheadMs);
    if (!this.admit(candle.market, "candle.s")) return;
    // A forming bar has no observation time of its own: the venue's clock as we read it.
    const venueNow = tsInit - this.clockOffset.correctionMs(CLOCK_SKEW_TOLERANCE_MS, this.maxAheadMs);
    this.bars.onForming(venueNow === tsInit ? candle : { ...candle, tsEvent: venueNow }, tsInit, events);
  }

  private onAssetCtx(channel: string, data: unknown, tsInit: number, events: MarketEvent[]): void {
    const body = requiredFields(data, channel);
    const market = marketOfCoin(body.coin, `${channel}.coin`, this.spot);
    if (!this.admit(market, `${channel}.coin`)) return;
    events.push(parseAssetCtx(body.ctx, `${channel}.ctx`, market, tsInit - this.clockOffset.correctionMs(CLOCK_SKEW_TOLERANCE_MS, this.maxAheadMs), tsInit));
  }
}

/**
 * One candle row (REST `candleSnapshot` or a history file) → a candle event.
 * `tsEvent` is the close time `T` for a closed bar, `tsInit` for a forming one.
 * Prices must be > 0, volume ≥ 0; `n` → `trades` (`undefined` if absent or empty).
 * The row's `s` is not checked against `market`: history files name spot pairs (`UBTC/USDC`)
 * where the API says `@142`, so the caller decides the market.
 * @throws ParseError naming the field (`candle.o`) and value.
 */
export function parseCandleRow(row: RawCandleRow, market: Market, options: { closed: boolean; tsInit: number; maxVenueTimeAheadMs?: number }): CandleEvent {
  return parseCandle(row, "candle", market, NO_SPOT, options.closed, options.tsInit, options.maxVenueTimeAheadMs ?? DEFAULT_MAX_VENUE_TIME_AHEAD_MS);
}

/**
 * One `fundingHistory` row → a funding settlement at the row's `time`.
 * `periodMs` is 8 h before `HOURLY_FUNDING_SINCE_MS`, 1 h from then on; `premium` is
 * `undefined` when missing, `null` or empty.
 * @param tsInit receive time, ms; defaults to the settlement time (history files).
 * @param maxVenueTimeAheadMs how far `time` may be ahead of `tsInit`, ms (default a minute).
 * @throws ParseError naming the field (`fundingHistory.fundingRate`) and value; a `time` before
 * 2023-01-01 or more than `maxVenueTimeAheadMs` after `tsInit` is refused as impossible.
 */
export function parseFundingRow(row: RawFundingRow, market: Market, tsInit?: number, maxVenueTimeAheadMs: number = DEFAULT_MAX_VENUE_TIME_AHEAD_MS): FundingSettlementEvent {
  const field = "fundingHistory";
  const fields = requiredFields(row, field);
  const tsEvent = requiredTimeMs(fields.time, `${field}.time`);
  const rate = requiredFinite(fields.fundingRate, `${field}.fundingRate`);
  checkVenueTime(tsEvent, `${field}.time`, tsInit, maxVenueTimeAheadMs);
  return {
    kind: "funding",
    tsEvent,
    tsInit: tsInit ?? tsEvent,
    market,
    rate,
    periodMs: tsEvent < HOURLY_FUNDING_SINCE_MS ? EIGHT_HOURS_MS : HOUR_MS,
    premium: optionalFinite(fields.premium, `${field}.premium`),
  };
}

/**
 * REST `l2Book` response `{coin, time, levels: [bids, asks]}` → a book snapshot for `market`.
 * Level `n` is optional (→ `orders: undefined`).
 * @throws ParseError naming the field (`l2Book.levels[0][3].sz`) and value; a bad level rejects the whole book.
 */
export function parseL2BookResponse(body: unknown, market: Market, tsInit: number): BookSnapshotEvent {
  return parseBook(body, "l2Book", market, NO_SPOT, tsInit, DEFAULT_MAX_VENUE_TIME_AHEAD_MS);
}

const PerpMetaSchema = v.object({
  universe: v.array(
    v.object({
      name: v.pipe(v.string(), v.minLength(1)),
      szDecimals: v.pipe(v.number(), v.integer(), v.minValue(0)),
      maxLeverage: v.pipe(v.number(), v.minValue(1)),
    }),
  ),
});

/** `[meta, ctxs]` or a `ParseError` naming `root`. */
function metaAndContexts(body: unknown, root: string): [unknown, unknown[]] {
  const pair = requiredArray(body, root);
  if (pair.length !== 2) {
    throw new ParseError(root, body, "must be [meta, assetCtxs]");
  }
  return [pair[0], requiredArray(pair[1], `${root}[1]`)];
}

/**
 * REST `metaAndAssetCtxs` → the perp universe and one context per perp (stamped `tsInit`:
 * the response has no venue time). Contexts are positional: `ctxs[i]` belongs to `universe[i]`.
 * @returns bad contexts as `rejects`; the good ones still come out.
 * @throws ParseError when the body or the universe is malformed (nothing can be attributed then).
 */
export function parseMetaAndAssetCtxs(
  body: unknown,
  tsInit: number,
): { readonly universe: readonly PerpMeta[]; readonly contexts: readonly AssetContextEvent[]; readonly rejects: readonly ParseError[] } {
  const root = "metaAndAssetCtxs";
  const [meta, ctxs] = metaAndContexts(body, root);
  const result = v.safeParse(PerpMetaSchema, meta);
  if (!result.success) {
    const issue = result.issues[0];
    throw new ParseError(fieldOfIssue(`${root}[0]`, issue), issue.input, issue.message);
  }
  const universe: PerpMeta[] = result.output.universe.map((p, index) => ({
    name: p.name,
    szDecimals: p.szDecimals,
    maxLeverage: p.maxLeverage,
    index,
  }));
  const contexts: AssetContextEvent[] = [];
  const rejects: ParseError[] = [];
  for (let i = 0; i < ctxs.length; i++) {
    const field = `${root}[1][${i}]`;
    const perpMeta = universe[i];
    if (perpMeta === undefined) {
      rejects.push(new ParseError(field, ctxs[i], `no perp at this position (universe has ${universe.length})`));
      continue;
    }
    try {
      contexts.push(parseAssetCtx(ctxs[i], field, perp(perpMeta.name), tsInit, tsInit));
    } catch (error) {
      rejects.push(asParseError(error));
    }
  }
  return { universe, contexts, rejects };
}

/**
 * REST `spotMetaAndAssetCtxs` → a spot resolver and one context per listed pair (stamped
 * `tsInit`). Contexts are matched by their `coin`. Contexts of pairs absent from the universe
 * are skipped, not rejected: the venue keeps positional placeholders for delisted pairs (16 of
 * 249 in the recorded 2025-11-09 response, with `markPx: "1.0"`, `midPx: null`), which are
 * expected, not malformed.
 * @param aliases token → base asset; defaults to `DEFAULT_SPOT_BASE_ALIASES`.
 * @throws ParseError when the body or the spotMeta is malformed.
 */
export function parseSpotMetaAndAssetCtxs(
  body: unknown,
  tsInit: number,
  aliases?: Readonly<Record<string, string>>,
): { readonly resolver: SpotResolver; readonly contexts: readonly AssetContextEvent[]; readonly rejects: readonly ParseError[] } {
  const root = "spotMetaAndAssetCtxs";
  const [meta, ctxs] = metaAndContexts(body, root);
  const resolver = aliases === undefined ? SpotResolver.fromSpotMeta(meta) : SpotResolver.fromSpotMeta(meta, aliases);
  const contexts: AssetContextEvent[] = [];
  const rejects: ParseError[] = [];
  for (let i = 0; i < ctxs.length; i++) {
    const field = `${root}[1][${i}]`;
    try {
      const ctx = requiredFields(ctxs[i], field);
      const coin = requiredString(ctx.coin, `${field}.coin`);
      const pair = resolver.byWireName(coin);
      if (pair === undefined) {
        continue;
      }
      contexts.push(parseAssetCtx(ctx, field, pair.market, tsInit, tsInit));
    } catch (error) {
      rejects.push(asParseError(error));
    }
  }
  return { resolver, contexts, rejects };
}
