import { ConfigError, DAY_MS, HOUR_MS, intervalMs, market as internMarket, topOfBookMid } from "../core/index.ts";
import type { BookSnapshotEvent, CandleEvent, FundingSettlementEvent, Market, MarketEvent } from "../core/index.ts";
import type { ExposureLeg, PortfolioView } from "../risk/index.ts";
import { takerFeeRate } from "../risk/index.ts";
import type { Signal } from "../strategies/index.ts";
import { barFillPrice } from "./bar-fill.ts";
import { bookMid, walkBook } from "./book-walk.ts";
import { DEFAULT_BROKER_CONFIG } from "./broker-config.ts";
import type { BrokerConfig } from "./broker-config.ts";
import type { BrokerState, HeldSettlement, OpenPosition, PendingEntry, PendingEntryLeg } from "./broker-state.ts";
import { barExit, basisExit, pointExit } from "./exits.ts";
import type { PriceExit } from "./exits.ts";
import { fundingAmountUsd } from "./funding.ts";
import type { BrokerRecord } from "./records.ts";
import type { EquitySnapshot, ExitReason, FillModel, OrderSide, PaperFill, PaperOrder, PaperPosition, PositionSide, RiskDecision } from "./types.ts";

const orderSide = (side: PositionSide, purpose: "entry" | "exit"): OrderSide => ((side === "long") === (purpose === "entry") ? "buy" : "sell");
const direction = (side: PositionSide): number => (side === "long" ? 1 : -1);

/** One fill's price, size and costs before it becomes a {@link PaperFill}. */
interface Execution {
  readonly px: number;
  readonly sz: number;
  readonly partial: boolean;
  readonly slippageUsd: number;
  readonly tsMs: number;
  readonly model: FillModel;
}

/** Options of a {@link PaperBroker} beside its configuration. */
export interface PaperBrokerOptions {
  /** Put before every position id (and so every order and fill id): one book's ids never collide with another's. Default "". */
  readonly idPrefix?: string;
}

/**
 * The paper broker: a deterministic state machine over market events and risk-checked signals.
 * `onEvent` and `onSignal` return what happened as {@link BrokerRecord} values, in order; the
 * broker does no I/O and reads no clock (time is the events' `tsEvent`). `snapshot()` gives its
 * full state as JSON-serialisable data and {@link PaperBroker.restore} resumes from it exactly.
 *
 * Fill models (see docs/PAPER-TRADING.md): "book" walks the first book of the leg's market at or
 * after the order time + latency; "bar" fills an entry at the open of the first bar opening at or
 * after signal + latency − `barOpenToleranceMs`, ± half the assumed spread ± slippage, timed at the
 * later of that open and signal + latency. Market orders pay the taker fee. Funding settles on open
 * perp legs. Exits: stop, target, maximum hold, basis convergence (two legs), reversal, end of data.
 *
 * An entry that can no longer fill (its signal expired, its wait ran out, or the bars that could
 * have filled it never came) is released at once — `orderUnfilled`, its slot freed — so a dead
 * entry never counts against the position limits.
 */
export class PaperBroker {
  readonly config: BrokerConfig;
  private readonly state: BrokerState;
  /** Put before every position id (`pos:<signal id>`), so the ids of several books never collide; "" by default. */
  private readonly idPrefix: string;

  /**
   * A fresh account with `config.startingEquityUsd` in cash.
   * @throws ConfigError when `barOpenToleranceMs` is negative, not finite, or not below the bar interval.
   */
  constructor(config: BrokerConfig = DEFAULT_BROKER_CONFIG, state?: BrokerState, options: PaperBrokerOptions = {}) {
    const tolerance = config.barOpenToleranceMs;
    if (!(Number.isFinite(tolerance) && tolerance >= 0 && tolerance < intervalMs(config.barInterval))) {
      throw new ConfigError("paper.barOpenToleranceMs", tolerance, `a number of ms ≥ 0 and below the bar interval ${config.barInterval} (${intervalMs(config.barInterval)} ms)`);
    }
    this.config = config;
    this.idPrefix = options.idPrefix ?? "";
    this.state = state ?? {
      version: 1,
      nowMs: null,
      cashUsd: config.startingEquityUsd,
      dayStartMs: null,
      dayStartEquityUsd: config.startingEquityUsd,
      marks: {},
      oracles: {},
      books: {},
      lastFundingMs: {},
      pendingEntries: [],
      positions: [],
    };
  }

  /** Resumes from a {@link snapshot} (possibly after a JSON round trip). The state is copied. */
  static restore(config: BrokerConfig, state: BrokerState, options: PaperBrokerOptions = {}): PaperBroker {
    const copy = JSON.parse(JSON.stringify(state)) as BrokerState;
    if (copy.version !== 1) throw new Error(`paper broker state version ${String(copy.version)} is not supported (expected 1)`);
    const intern = (m: Market): Market => internMarket(m.venue, m.kind, m.symbol, m.base);
    for (const e of copy.pendingEntries) {
      // Snapshots from before `placedMs` existed: the order was placed at the signal's time.
      e.placedMs ??= e.createdMs;
      for (const l of e.legs) {
        l.market = intern(l.market);
        if (l.fill !== null) l.fill = { ...l.fill, market: intern(l.fill.market) };
      }
    }
    for (const p of copy.positions) for (const l of p.legs) l.market = intern(l.market);
    return new PaperBroker(config, copy, options);
  }

  /** The full state, JSON-serialisable, as a deep copy. */
  snapshot(): BrokerState {
    return JSON.parse(JSON.stringify(this.state)) as BrokerState;
  }

  /** Latest event time seen, ms, or undefined before the first event. */
  get nowMs(): number | undefined {
    return this.state.nowMs ?? undefined;
  }

  /** Cash + unrealised P&L at the latest marks, USD. */
  equityUsd(): number {
    return this.state.cashUsd + this.unrealizedUsd();
  }

  /** Open positions as records (legs at their entry sizes). */
  openPositions(): PaperPosition[] {
    return this.state.positions.map((p) => positionView(p));
  }

  /** The account as the risk layer sees it: equity, the UTC day's start, open and pending legs at their marks. */
  portfolio(): PortfolioView {
    const legs: ExposureLeg[] = [];
    for (const p of this.state.positions) {
      for (const l of p.legs) if (l.remainingSz > 0) legs.push({ positionId: p.id, market: l.market, side: l.side, notionalUsd: l.remainingSz * this.markPx(l.market, l.entryPx) });
    }
    for (const e of this.state.pendingEntries) for (const l of e.legs) legs.push({ positionId: e.positionId, market: l.market, side: l.side, notionalUsd: l.sz * l.refPx });
    return {
      tsMs: this.state.nowMs ?? 0,
      equityUsd: this.equityUsd(),
      dayStartEquityUsd: this.state.dayStartEquityUsd,
      openPositions: this.state.positions.length + this.state.pendingEntries.length,
      legs,
    };
  }

  /** Processes one market event; returns the records it produced, in order. */
  onEvent(event: MarketEvent): BrokerRecord[] {
    const out: BrokerRecord[] = [];
    this.advance(event.tsEvent, out);
    const now = this.state.nowMs ?? event.tsEvent;
    // Before fills and funding: an entry past its last chance is released even if this very event
    // is a price for it, and an overdue exit closes before a settlement it should not pay.
    this.giveUpEntries(now, out);
    this.closeOverdueExits(now, out);
    let markMoved: Market | undefined;
    switch (event.kind) {
      case "book": {
        this.state.books[event.market.key] = { tsMs: event.tsEvent, bids: [...event.bids], asks: [...event.asks] };
        if (this.config.fillModel === "book") this.fillFromBook(event, out);
        const mid = bookMid(event);
        if (mid !== undefined) {
          this.state.marks[event.market.key] = { px: mid, tsMs: event.tsEvent };
          markMoved = event.market;
        }
        break;
      }
      case "bbo": {
        // Marks and stop/target triggers from the top of book, which changes several times per
        // snapshot; fills still walk the next L2 book. An older quote never replaces a newer mark.
        const mid = topOfBookMid(event);
        const mark = this.state.marks[event.market.key];
        if (mid !== undefined && (mark === undefined || event.tsEvent >= mark.tsMs)) {
          this.state.marks[event.market.key] = { px: mid, tsMs: event.tsEvent };
          markMoved = event.market;
        }
        break;
      }
      case "candle": {
        if (!event.closed || event.interval !== this.config.barInterval) break;
        if (this.config.fillModel === "bar") this.fillFromBar(event, out);
        this.state.marks[event.market.key] = { px: event.close, tsMs: event.tsEvent };
        markMoved = event.market;
        break;
      }
      case "assetCtx":
        if (event.market.kind === "perp" && event.oraclePx !== undefined && event.oraclePx > 0) this.state.oracles[event.market.key] = event.oraclePx;
        break;
      case "funding":
        this.settleFunding(event, out);
        break;
      default:
        break;
    }
    this.checkExits(event, markMoved, now, out);
    return out;
  }

  /**
   * Takes a signal and the risk layer's decision on it. An opposite signal from the same strategy
   * on the same primary market closes that strategy's open position there ("reversal"), whether or
   * not the new one was accepted (the strategy changed its mind either way). An accepted decision
   * places one market order per leg, sized `decision.sz` coins each.
   * @throws Error when the decision is for another signal (a wiring bug).
   */
  onSignal(signal: Signal, decision: RiskDecision): BrokerRecord[] {
    if (decision.signalId !== signal.id) throw new Error(`bug: decision for ${decision.signalId} passed with signal ${signal.id}`);
    const out: BrokerRecord[] = [];
    const t = Math.max(this.state.nowMs ?? signal.createdMs, signal.createdMs);
    for (const p of [...this.state.positions]) {
      const primary = p.legs[0];
      if (p.exit === null && primary !== undefined && p.strategy === signal.strategy && primary.market.key === signal.market.key && primary.side !== signal.side) {
        this.startExit(p, "reversal", t, undefined, out);
      }
    }
    const positionId = `${this.idPrefix}pos:${signal.id}`;
    const known = this.state.positions.some((p) => p.id === positionId) || this.state.pendingEntries.some((e) => e.positionId === positionId);
    if (!decision.accepted || decision.sz === undefined || !(decision.sz > 0) || known) return out;
    const bar = this.config.fillModel === "bar";
    // Both models: the order reaches the venue at signal + latency (the bar model may price it at an
    // open up to barOpenToleranceMs before that).
    const dueMs = signal.createdMs + this.config.latencyMs;
    const entry: PendingEntry = {
      positionId,
      signalId: signal.id,
      strategy: signal.strategy,
      createdMs: signal.createdMs,
      placedMs: t,
      dueMs,
      deadlineMs: bar ? signal.createdMs + this.config.maxBarWaitMs : dueMs + this.config.maxFillWaitMs,
      expiresMs: signal.createdMs + signal.expiryMs,
      stopPx: signal.stopPx,
      targetPx: signal.targetPx,
      maxHoldMs: signal.maxHoldMs,
      spread: signal.spread === undefined ? null : { targetBasis: signal.spread.targetBasis, stopBasis: signal.spread.stopBasis },
      legs: signal.legs.map((l, legIndex) => ({ legIndex, market: l.market, side: l.side, orderId: `${positionId}:entry:${legIndex}`, sz: decision.sz ?? 0, refPx: l.entryPx, fill: null })),
    };
    this.state.pendingEntries.push(entry);
    for (const l of entry.legs) {
      out.push({
        kind: "order",
        order: { id: l.orderId, signalId: signal.id, positionId, legIndex: l.legIndex, market: l.market, side: orderSide(l.side, "entry"), sz: l.sz, tsMs: t, purpose: "entry" },
      });
    }
    if (!bar) {
      // With zero latency the book the signal was computed on is already the first book at or after it.
      for (const l of entry.legs) {
        const book = this.state.books[l.market.key];
        if (book !== undefined && book.tsMs >= dueMs) this.fillEntryLegFromBook(entry, l, { bids: book.bids, asks: book.asks }, book.tsMs, out);
      }
    }
    return out;
  }

  /**
   * End of data: pending entries are not filled; open positions close at the latest mark ± half
   * the assumed spread ± slippage (flagged "bar": no book is walked), reason "endOfData" unless an
   * exit was already under way.
   */
  finish(): BrokerRecord[] {
    const out: BrokerRecord[] = [];
    const now = this.state.nowMs ?? 0;
    for (const e of [...this.state.pendingEntries]) this.dropEntry(e, now, "end_of_data", "the data ended before the entry filled", out);
    for (const p of [...this.state.positions]) {
      if (p.exit === null) this.startExit(p, "endOfData", now, undefined, out);
      this.exitAtMark(p, now, out);
    }
    return out;
  }

  /** Fills every leg still held by `p`'s exit at its latest mark ± half spread ± slippage, timed `tsMs` (flagged "bar"). */
  private exitAtMark(p: OpenPosition, tsMs: number, out: BrokerRecord[]): void {
    const exit = p.exit;
    if (exit === null) return;
    for (const o of exit.orders) {
      const leg = p.legs[o.legIndex];
      if (leg === undefined || !(leg.remainingSz > 0)) continue;
      const ref = this.markPx(leg.market, leg.entryPx);
      const px = barFillPrice(ref, o.side, this.spreadFor(leg.market), this.config.barSlippage);
      this.applyExitFill(p, o.legIndex, { px, sz: leg.remainingSz, partial: false, slippageUsd: Math.abs(px - ref) * leg.remainingSz, tsMs, model: "bar" }, out);
    }
  }

  /**
   * Bar model: an exit whose next bar never comes (the market's candles ended, or a gap) closes at
   * the latest mark once `maxBarWaitMs` + one bar interval have passed since it was triggered —
   * the same approximation as the end of data. Without this a position whose bars stopped while
   * other inputs (funding) went on would stay open, paying funding on a months-old price.
   */
  private closeOverdueExits(now: number, out: BrokerRecord[]): void {
    if (this.config.fillModel !== "bar") return;
    const waitMs = this.config.maxBarWaitMs + intervalMs(this.config.barInterval);
    for (const p of [...this.state.positions]) {
      if (p.exit !== null && now > p.exit.triggeredMs + waitMs) this.exitAtMark(p, p.exit.triggeredMs + waitMs, out);
    }
  }

  // --- time -----------------------------------------------------------------------------------

  /** Moves time forward; emits an equity snapshot on every UTC hour boundary passed and resets the day's start. */
  private advance(tsMs: number, out: BrokerRecord[]): void {
    const s = this.state;
    if (s.nowMs === null) {
      s.nowMs = tsMs;
      s.dayStartMs = Math.floor(tsMs / DAY_MS) * DAY_MS;
      s.dayStartEquityUsd = this.equityUsd();
      return;
    }
    if (tsMs <= s.nowMs) return;
    for (let b = Math.floor(s.nowMs / HOUR_MS) * HOUR_MS + HOUR_MS; b <= tsMs; b += HOUR_MS) {
      out.push({ kind: "equity", snapshot: this.equitySnapshot(b) });
      if (b % DAY_MS === 0) {
        s.dayStartMs = b;
        s.dayStartEquityUsd = this.equityUsd();
      }
    }
    s.nowMs = tsMs;
  }

  // --- entries --------------------------------------------------------------------------------

  private fillFromBook(book: BookSnapshotEvent, out: BrokerRecord[]): void {
    for (const e of [...this.state.pendingEntries]) {
      for (const l of e.legs) {
        if (l.fill === null && l.market.key === book.market.key && book.tsEvent >= e.dueMs) this.fillEntryLegFromBook(e, l, book, book.tsEvent, out);
      }
    }
    for (const p of [...this.state.positions]) {
      const exit = p.exit;
      if (exit === null || book.tsEvent < exit.dueMs) continue;
      for (const o of exit.orders) {
        const leg = p.legs[o.legIndex];
        if (leg === undefined || leg.market.key !== book.market.key || !(leg.remainingSz > 0)) continue;
        const ex = this.bookExecution(book, o.side, leg.remainingSz, book.tsEvent);
        if (ex !== undefined) this.applyExitFill(p, o.legIndex, ex, out);
      }
    }
  }

  private fillEntryLegFromBook(e: PendingEntry, l: PendingEntryLeg, book: Pick<BookSnapshotEvent, "bids" | "asks">, tsMs: number, out: BrokerRecord[]): void {
    if (this.refuseLate(e, tsMs, out)) return;
    const ex = this.bookExecution(book, orderSide(l.side, "entry"), l.sz, tsMs);
    if (ex === undefined) return; // that side of the book is empty: wait for the next book
    l.fill = this.makeFill(e.positionId, l.orderId, l.legIndex, l.market, orderSide(l.side, "entry"), ex);
    this.openIfFilled(e, out);
  }

  private fillFromBar(bar: CandleEvent, out: BrokerRecord[]): void {
    for (const e of [...this.state.pendingEntries]) {
      for (const l of e.legs) {
        // A bar that opened more than the tolerance before the order arrived is a stale price.
        if (l.fill !== null || l.market.key !== bar.market.key || bar.openTime < e.dueMs - this.config.barOpenToleranceMs) continue;
        // The open may lie (within the tolerance) before the order's arrival; the fill is timed at
        // the later of the two, so the signal's age at the fill is never negative.
        const fillMs = Math.max(bar.openTime, e.dueMs);
        if (this.refuseLate(e, fillMs, out)) break;
        l.fill = this.makeFill(e.positionId, l.orderId, l.legIndex, l.market, orderSide(l.side, "entry"), this.barExecution(bar, l.market, orderSide(l.side, "entry"), l.sz, fillMs));
        this.openIfFilled(e, out);
      }
    }
    for (const p of [...this.state.positions]) {
      const exit = p.exit;
      if (exit === null || bar.closeTime < exit.dueMs) continue;
      // The first price after the exit was decided: the open of a bar that starts after it, or, for an
      // exit decided inside this bar (a funding instant, a signal off the bar grid), this bar's
      // close — unless the bar's range reaches the stop or target first (a one-leg position is
      // watched until its exit fills), which then fills at that level.
      const inside = bar.openTime < exit.dueMs;
      const primary = p.legs[0];
      const level = inside && p.spread === null && primary !== undefined && primary.market.key === bar.market.key ? barExit(primary.side, p.stopPx, p.targetPx, bar) : undefined;
      if (level !== undefined) exit.reason = level.reason;
      for (const o of exit.orders) {
        const leg = p.legs[o.legIndex];
        if (leg === undefined || leg.market.key !== bar.market.key || !(leg.remainingSz > 0)) continue;
        if (!inside) {
          this.applyExitFill(p, o.legIndex, this.barExecution(bar, leg.market, o.side, leg.remainingSz, bar.openTime), out);
          continue;
        }
        const refPx = level?.refPx ?? bar.close;
        const px = barFillPrice(refPx, o.side, this.spreadFor(leg.market), this.config.barSlippage);
        this.applyExitFill(p, o.legIndex, { px, sz: leg.remainingSz, partial: false, slippageUsd: Math.abs(px - refPx) * leg.remainingSz, tsMs: bar.closeTime, model: "bar" }, out);
      }
    }
  }

  /** Refuses a fill at `fillMs` at or after the signal's expiry or past the wait; true when refused. */
  private refuseLate(e: PendingEntry, fillMs: number, out: BrokerRecord[]): boolean {
    if (fillMs >= e.expiresMs) {
      this.dropEntry(e, fillMs, "expired", `first price at ${fillMs} is at or after the signal's expiry ${e.expiresMs} (created ${e.createdMs})`, out);
      return true;
    }
    if (fillMs > e.deadlineMs) {
      this.dropEntry(e, fillMs, this.noPriceCode(), `first price at ${fillMs} is ${fillMs - e.dueMs} ms after the order was due at ${e.dueMs}; the wait is ${e.deadlineMs - e.dueMs} ms`, out);
      return true;
    }
    return false;
  }

  private noPriceCode(): string {
    return this.config.fillModel === "bar" ? "no_bar" : "no_book";
  }

  /**
   * The last event time at which `e` may still fill, and what it gives up with after that.
   *
   * A fill's time must be before the signal's expiry and within the wait: lastFillMs =
   * min(deadline, expiry − 1). Book model: a book after lastFillMs cannot fill it, so that is the last
   * chance. Bar model: the price is a bar's open in [due − tolerance, lastFillMs], but a closed bar
   * arrives one interval after it opens; bars open on the interval's grid (multiples of the interval
   * since the epoch: Hyperliquid's 1m … 1d candles), so an entry waits for the last bar that opens
   * in that window to arrive, and when no bar opens in it, gives up at lastFillMs (at the expiry).
   */
  private lastChance(e: PendingEntry): { readonly untilMs: number; readonly code: string; readonly reason: string } {
    const lastFillMs = Math.min(e.deadlineMs, e.expiresMs - 1);
    const expiryFirst = e.expiresMs - 1 <= e.deadlineMs;
    const missing = e.legs.filter((l) => l.fill === null).map((l) => l.market.symbol).join(", ");
    const timeout = (code: string, what: string) => ({
      untilMs: lastFillMs,
      code: expiryFirst ? "expired" : code,
      reason: expiryFirst
        ? `no ${what} for ${missing} before the signal's expiry ${e.expiresMs} (created ${e.createdMs})`
        : `no ${what} for ${missing} within ${e.deadlineMs - e.dueMs} ms of ${e.dueMs}`,
    });
    if (this.config.fillModel === "book") return timeout("no_book", "book");
    const every = intervalMs(this.config.barInterval);
    const name = this.config.barInterval;
    const earliestOpen = e.dueMs - this.config.barOpenToleranceMs;
    if (!(every <= DAY_MS && DAY_MS % every === 0)) {
      // Not on a fixed daily grid (3d, 1w, 1M): wait one interval past the last chance, as a bar opening then would arrive by then.
      return { ...timeout("no_bar", `${name} bar`), untilMs: lastFillMs + every };
    }
    const firstOpen = Math.ceil(earliestOpen / every) * every;
    const lastOpen = Math.floor(lastFillMs / every) * every;
    if (e.dueMs > lastFillMs || firstOpen > lastOpen) {
      return timeout("no_bar", `${name} bar opening in [${earliestOpen}, ${lastFillMs}]`);
    }
    return {
      untilMs: Math.max(lastFillMs, lastOpen + every - 1),
      code: "no_bar",
      reason: `the ${name} bar(s) of ${missing} opening in [${firstOpen}, ${lastOpen}] never arrived (by ${lastOpen + every - 1})`,
    };
  }

  /** Releases entries past their last chance: `orderUnfilled` at the instant they could no longer fill, slot freed. */
  private giveUpEntries(now: number, out: BrokerRecord[]): void {
    for (const e of [...this.state.pendingEntries]) {
      const chance = this.lastChance(e);
      if (now > chance.untilMs) this.dropEntry(e, chance.untilMs + 1, chance.code, chance.reason, out);
    }
  }

  /** An entry is all-or-nothing across its legs: a leg already priced is discarded with the rest. */
  private dropEntry(e: PendingEntry, tsMs: number, code: string, reason: string, out: BrokerRecord[]): void {
    this.state.pendingEntries = this.state.pendingEntries.filter((x) => x !== e);
    for (const l of e.legs) {
      const order: PaperOrder = { id: l.orderId, signalId: e.signalId, positionId: e.positionId, legIndex: l.legIndex, market: l.market, side: orderSide(l.side, "entry"), sz: l.sz, tsMs: e.placedMs, purpose: "entry" };
      out.push({ kind: "orderUnfilled", orderId: l.orderId, signalId: e.signalId, positionId: e.positionId, tsMs, code, reason, order });
    }
  }

  private openIfFilled(e: PendingEntry, out: BrokerRecord[]): void {
    const fills: PaperFill[] = [];
    for (const l of e.legs) {
      if (l.fill === null) return;
      fills.push(l.fill);
    }
    this.state.pendingEntries = this.state.pendingEntries.filter((x) => x !== e);
    const openedMs = Math.max(...fills.map((f) => f.tsMs));
    const feesUsd = fills.reduce((s, f) => s + f.feeUsd, 0);
    const p: OpenPosition = {
      id: e.positionId,
      signalId: e.signalId,
      strategy: e.strategy,
      openedMs,
      stopPx: e.stopPx,
      targetPx: e.targetPx,
      maxHoldMs: e.maxHoldMs,
      spread: e.spread,
      legs: e.legs.map((l, i) => ({ market: l.market, side: l.side, sz: fills[i]?.sz ?? 0, entryPx: fills[i]?.px ?? l.refPx, remainingSz: fills[i]?.sz ?? 0, realizedUsd: 0 })),
      entryNotionalUsd: fills.reduce((s, f) => s + f.sz * f.px, 0),
      feesUsd,
      fundingUsd: 0,
      slippageUsd: fills.reduce((s, f) => s + f.slippageUsd, 0),
      exit: null,
    };
    this.state.cashUsd -= feesUsd;
    this.state.positions.push(p);
    for (const f of fills) out.push({ kind: "fill", fill: f });
    out.push({ kind: "positionOpened", position: positionView(p) });
    // Settlements seen while the entry waited for its bar, after the fill's time: the position held them.
    for (const s of e.heldFunding ?? []) if (openedMs < s.tsMs) this.payFunding(p, s, (l) => l.remainingSz, out);
    out.push({ kind: "equity", snapshot: this.equitySnapshot(this.state.nowMs ?? openedMs) });
  }

  // --- exits ----------------------------------------------------------------------------------

  private checkExits(event: MarketEvent, markMoved: Market | undefined, now: number, out: BrokerRecord[]): void {
    for (const p of [...this.state.positions]) {
      if (p.exit !== null) continue;
      const primary = p.legs[0];
      if (primary === undefined) continue;
      let reason: ExitReason | undefined;
      let atPrice: PriceExit | undefined;
      if (p.spread === null) {
        if ((event.kind === "book" || event.kind === "bbo") && this.config.fillModel === "book" && event.market.key === primary.market.key) {
          const mid = event.kind === "book" ? bookMid(event) : topOfBookMid(event);
          atPrice = mid === undefined ? undefined : pointExit(primary.side, p.stopPx, p.targetPx, mid);
          reason = atPrice?.reason;
          atPrice = undefined; // book model: the exit order walks a later book, not this price
        } else if (
          event.kind === "candle" &&
          this.config.fillModel === "bar" &&
          markMoved?.key === primary.market.key &&
          // The entry's own bar too: its open priced the entry (at most the tolerance before the fill's time).
          event.openTime + this.config.barOpenToleranceMs >= p.openedMs
        ) {
          atPrice = barExit(primary.side, p.stopPx, p.targetPx, event);
          reason = atPrice?.reason;
        }
      } else if (markMoved !== undefined && p.legs.some((l) => l.market.key === markMoved.key)) {
        const spotLeg = p.legs[1];
        const perpMark = this.state.marks[primary.market.key];
        const spotMark = spotLeg === undefined ? undefined : this.state.marks[spotLeg.market.key];
        if (perpMark !== undefined && spotMark !== undefined && Math.abs(perpMark.tsMs - spotMark.tsMs) <= this.config.maxLegSkewMs) {
          reason = basisExit(primary.side, p.spread.targetBasis, p.spread.stopBasis, (perpMark.px - spotMark.px) / spotMark.px);
        }
      }
      // Time runs out on a position's own event (after its price was checked above) or at the end
      // of the instant (`onInstantEnd`): never on another market's event processed earlier in the
      // same instant, which would exit before this position's own price at that instant is seen.
      const own = event.kind !== "status" && p.legs.some((l) => l.market.key === event.market.key);
      // A bar stamped at its close (open + interval − 1 ms) covers its interval to the end: the
      // hold that ends at that end has run out on this bar, and the position leaves at its close.
      const ownBar = event.kind === "candle" && this.config.fillModel === "bar" && markMoved?.key === primary.market.key && p.spread === null ? event : undefined;
      let fillAt: { readonly refPx: number } | undefined = atPrice;
      if (reason === undefined && ownBar !== undefined && ownBar.closeTime + 1 >= p.openedMs + p.maxHoldMs) {
        reason = "maxHold";
        fillAt = { refPx: ownBar.close };
      } else if (reason === undefined && own && now >= p.openedMs + p.maxHoldMs) reason = "maxHold";
      if (reason !== undefined) this.startExit(p, reason, now, fillAt, out);
    }
  }

  /**
   * Every event of the instant `nowMs` has been processed: positions whose maximum hold has run
   * out and that saw no event of their own at this instant start their exit now. The kernel calls
   * it once per instant, after the events and before the signals.
   */
  onInstantEnd(nowMs: number): BrokerRecord[] {
    const out: BrokerRecord[] = [];
    this.advance(nowMs, out);
    const now = this.state.nowMs ?? nowMs;
    for (const p of [...this.state.positions]) {
      if (p.exit === null && now >= p.openedMs + p.maxHoldMs) this.startExit(p, "maxHold", now, undefined, out);
    }
    return out;
  }

  /**
   * What one fill in `market` is expected to cost beyond the taker fee, fraction of price: the
   * cost model sizing shares with this broker. Bar model: exactly what a bar fill charges (half
   * the assumed spread + `barSlippage`). Book model: half the latest book's spread (the assumed
   * one before any book) + `barSlippage` for the walk beyond the touch — an estimate, since the
   * book a fill will walk is not known yet.
   */
  costPerSide(market: Market): number {
    if (this.config.fillModel === "book") {
      const book = this.state.books[market.key];
      const bid = book?.bids[0]?.px;
      const ask = book?.asks[0]?.px;
      if (bid !== undefined && ask !== undefined && ask > bid && bid > 0) return (ask - bid) / (ask + bid) + this.config.barSlippage;
    }
    return this.spreadFor(market) / 2 + this.config.barSlippage;
  }

  /** The account marked at `tsMs` with every market's latest mark (for the snapshot of a whole instant). */
  equityAt(tsMs: number): EquitySnapshot {
    return this.equitySnapshot(tsMs);
  }

  /**
   * Places the exit orders. A bar stop/target (`atPrice`) fills at once at its level; otherwise the
   * orders fill on the first book at or after now + latency (book) or the next bar's open (bar).
   */
  private startExit(p: OpenPosition, reason: ExitReason, now: number, atPrice: { readonly refPx: number } | undefined, out: BrokerRecord[]): void {
    const bar = this.config.fillModel === "bar";
    const dueMs = bar ? now + 1 : now + this.config.latencyMs;
    const orders = p.legs.map((l, legIndex) => ({ legIndex, orderId: `${p.id}:exit:${legIndex}`, side: orderSide(l.side, "exit"), fills: 0 }));
    p.exit = { reason, triggeredMs: now, dueMs, orders };
    for (const o of orders) {
      const leg = p.legs[o.legIndex];
      if (leg === undefined) continue;
      out.push({ kind: "order", order: { id: o.orderId, signalId: p.signalId, positionId: p.id, legIndex: o.legIndex, market: leg.market, side: o.side, sz: leg.remainingSz, tsMs: now, purpose: "exit" } });
    }
    for (const o of orders) {
      const leg = p.legs[o.legIndex];
      if (leg === undefined || !(leg.remainingSz > 0)) continue;
      if (atPrice !== undefined) {
        const px = barFillPrice(atPrice.refPx, o.side, this.spreadFor(leg.market), this.config.barSlippage);
        this.applyExitFill(p, o.legIndex, { px, sz: leg.remainingSz, partial: false, slippageUsd: Math.abs(px - atPrice.refPx) * leg.remainingSz, tsMs: now, model: "bar" }, out);
      } else if (!bar) {
        const book = this.state.books[leg.market.key];
        if (book === undefined || book.tsMs < dueMs) continue;
        const ex = this.bookExecution(book, o.side, leg.remainingSz, book.tsMs);
        if (ex !== undefined) this.applyExitFill(p, o.legIndex, ex, out);
      }
    }
  }

  private applyExitFill(p: OpenPosition, legIndex: number, ex: Execution, out: BrokerRecord[]): void {
    const leg = p.legs[legIndex];
    const order = p.exit?.orders.find((o) => o.legIndex === legIndex);
    if (leg === undefined || order === undefined) throw new Error(`bug: exit fill for leg ${legIndex} of ${p.id} without an exit order`);
    const fill = this.makeFill(p.id, order.orderId, legIndex, leg.market, order.side, ex, order.fills);
    order.fills += 1;
    const pnl = (fill.px - leg.entryPx) * fill.sz * direction(leg.side);
    leg.realizedUsd += pnl;
    // Sizes subtract to binary dust (1e-17 coin); that is a finished leg, not a remainder.
    leg.remainingSz = leg.remainingSz - fill.sz > leg.sz * 1e-9 ? leg.remainingSz - fill.sz : 0;
    p.feesUsd += fill.feeUsd;
    p.slippageUsd += fill.slippageUsd;
    this.state.cashUsd += pnl - fill.feeUsd;
    out.push({ kind: "fill", fill });
    if (p.legs.every((l) => l.remainingSz === 0)) this.close(p, fill.tsMs, out);
  }

  private close(p: OpenPosition, closedMs: number, out: BrokerRecord[]): void {
    // Settlements seen while the exit waited for its bar: paid on the size held iff not after the close.
    for (const s of p.heldFunding ?? []) if (s.tsMs <= closedMs) this.payFunding(p, s, (l) => l.sz, out);
    p.heldFunding = [];
    this.state.positions = this.state.positions.filter((x) => x !== p);
    const primary = p.legs[0];
    if (primary === undefined || p.exit === null) throw new Error(`bug: closing ${p.id} without legs or exit`);
    const grossPnlUsd = p.legs.reduce((s, l) => s + l.realizedUsd, 0);
    const pnlUsd = grossPnlUsd - p.feesUsd + p.fundingUsd;
    out.push({ kind: "positionClosed", position: positionView(p), closedMs });
    out.push({
      kind: "outcome",
      outcome: {
        positionId: p.id,
        signalId: p.signalId,
        strategy: p.strategy,
        market: primary.market,
        side: primary.side,
        openedMs: p.openedMs,
        closedMs,
        holdMs: closedMs - p.openedMs,
        entryNotionalUsd: p.entryNotionalUsd,
        pnlUsd,
        pnlPct: p.entryNotionalUsd > 0 ? pnlUsd / p.entryNotionalUsd : 0,
        grossPnlUsd,
        feesUsd: p.feesUsd,
        fundingUsd: p.fundingUsd,
        slippageUsd: p.slippageUsd,
        exitReason: p.exit.reason,
      },
    });
    out.push({ kind: "equity", snapshot: this.equitySnapshot(this.state.nowMs ?? closedMs) });
  }

  // --- funding --------------------------------------------------------------------------------

  /**
   * Pays or receives one settlement on every open perp leg of the market held before it:
   * −(signed size × oracle × rate). Oracle: the latest asset context's, else the perp's latest
   * mark (candle-only replay: its latest close — an approximation; the oracle is an index of
   * spot prices and differs from the perp's price by the premium).
   */
  /**
   * Funding is paid to a position iff it is held through the settlement: opened strictly before it
   * and not closed before it (`openedMs < settlement ≤ closedMs`). A bar-model fill is known only
   * at its bar's close but stamped at its open, so a settlement seen while such a fill is pending
   * (an entry waiting for its bar, or an exit) is held and settled once the fill's time is known.
   */
  private settleFunding(event: FundingSettlementEvent, out: BrokerRecord[]): void {
    const key = event.market.key;
    const last = this.state.lastFundingMs[key];
    if (event.market.kind !== "perp" || (last !== undefined && event.tsEvent <= last)) return;
    this.state.lastFundingMs[key] = event.tsEvent;
    const bar = this.config.fillModel === "bar";
    for (const p of this.state.positions) {
      if (!(p.openedMs < event.tsEvent) || !p.legs.some((l) => l.market.key === key && l.remainingSz > 0)) continue;
      const leg = p.legs.find((l) => l.market.key === key);
      const held: HeldSettlement = { marketKey: key, tsMs: event.tsEvent, rate: event.rate, oraclePx: this.state.oracles[key] ?? this.markPx(event.market, leg?.entryPx ?? 0) };
      if (bar && p.exit !== null) (p.heldFunding ??= []).push(held);
      else this.payFunding(p, held, (l) => l.remainingSz, out);
    }
    if (!bar) return;
    for (const e of this.state.pendingEntries) {
      const leg = e.legs.find((l) => l.market.key === key);
      if (leg === undefined) continue;
      (e.heldFunding ??= []).push({ marketKey: key, tsMs: event.tsEvent, rate: event.rate, oraclePx: this.state.oracles[key] ?? this.markPx(event.market, leg.refPx) });
    }
  }

  /** Pays one settlement to `p`'s legs in its market, on the size `held(leg)` (coins). */
  private payFunding(p: OpenPosition, s: HeldSettlement, held: (leg: OpenPosition["legs"][number]) => number, out: BrokerRecord[]): void {
    for (const leg of p.legs) {
      const coins = held(leg);
      if (leg.market.key !== s.marketKey || !(coins > 0)) continue;
      const sz = coins * direction(leg.side);
      const amountUsd = fundingAmountUsd(sz, s.oraclePx, s.rate);
      p.fundingUsd += amountUsd;
      this.state.cashUsd += amountUsd;
      out.push({ kind: "funding", payment: { positionId: p.id, market: leg.market, tsMs: s.tsMs, rate: s.rate, oraclePx: s.oraclePx, sz, amountUsd } });
    }
  }

  // --- prices ---------------------------------------------------------------------------------

  private bookExecution(book: Pick<BookSnapshotEvent, "bids" | "asks">, side: OrderSide, sz: number, tsMs: number): Execution | undefined {
    const walk = walkBook(book, side, sz);
    if (walk === undefined) return undefined;
    const levels = side === "buy" ? book.asks : book.bids;
    const ref = bookMid(book) ?? levels[0]?.px ?? walk.px;
    const slippageUsd = (side === "buy" ? walk.px - ref : ref - walk.px) * walk.sz;
    return { px: walk.px, sz: walk.sz, partial: walk.partial, slippageUsd, tsMs, model: "book" };
  }

  /** A fill at `bar`'s open ± half spread ± slippage, timed `tsMs`. */
  private barExecution(bar: CandleEvent, market: Market, side: OrderSide, sz: number, tsMs: number): Execution {
    const px = barFillPrice(bar.open, side, this.spreadFor(market), this.config.barSlippage);
    return { px, sz, partial: false, slippageUsd: Math.abs(px - bar.open) * sz, tsMs, model: "bar" };
  }

  private makeFill(positionId: string, orderId: string, legIndex: number, market: Market, side: OrderSide, ex: Execution, n = 0): PaperFill {
    return {
      id: `${orderId}:fill:${n}`,
      orderId,
      positionId,
      legIndex,
      market,
      side,
      px: ex.px,
      sz: ex.sz,
      feeUsd: ex.px * ex.sz * takerFeeRate(this.config.fees, market),
      liquidity: "taker",
      slippageUsd: ex.slippageUsd,
      tsMs: ex.tsMs,
      model: ex.model,
      partial: ex.partial,
    };
  }

  private spreadFor(market: Market): number {
    return market.kind === "perp" ? this.config.barSpread.perp : this.config.barSpread.spot;
  }

  private markPx(market: Market, fallback: number): number {
    return this.state.marks[market.key]?.px ?? fallback;
  }

  private unrealizedUsd(): number {
    let sum = 0;
    for (const p of this.state.positions) for (const l of p.legs) sum += (this.markPx(l.market, l.entryPx) - l.entryPx) * l.remainingSz * direction(l.side);
    return sum;
  }

  private equitySnapshot(tsMs: number): EquitySnapshot {
    const unrealizedUsd = this.unrealizedUsd();
    let grossExposureUsd = 0;
    for (const p of this.state.positions) for (const l of p.legs) grossExposureUsd += l.remainingSz * this.markPx(l.market, l.entryPx);
    return { tsMs, equityUsd: this.state.cashUsd + unrealizedUsd, cashUsd: this.state.cashUsd, unrealizedUsd, openPositions: this.state.positions.length, grossExposureUsd };
  }
}

function positionView(p: OpenPosition): PaperPosition {
  return {
    id: p.id,
    signalId: p.signalId,
    strategy: p.strategy,
    legs: p.legs.map((l) => ({ market: l.market, side: l.side, sz: l.sz, entryPx: l.entryPx })),
    openedMs: p.openedMs,
    stopPx: p.stopPx,
    targetPx: p.targetPx,
    maxHoldMs: p.maxHoldMs,
    entryNotionalUsd: p.entryNotionalUsd,
    feesUsd: p.feesUsd,
    fundingUsd: p.fundingUsd,
    slippageUsd: p.slippageUsd,
  };
}
