import { COMBINED_BOOK, EventClock, intervalMs } from "../core/index.ts";
import type { BookId, Market, MarketEvent } from "../core/index.ts";
import { InMemoryOpenInterestSeries } from "../metrics/index.ts";
import type { OpenInterestSeriesPort } from "../metrics/index.ts";
import type { Outcome } from "../paper/index.ts";
import { riskConfig } from "../risk/index.ts";
import type { RiskConfig, RiskInputs, SzDecimals } from "../risk/index.ts";
import { BasisArbitrageStrategy, createStrategies } from "../strategies/index.ts";
import type { AnyStrategy, LifecycleState, Signal, SignalBookOptions, StrategyConfigs } from "../strategies/index.ts";
import type { KernelBroker } from "./broker-port.ts";
import type { KernelRecord } from "./kernel-record.ts";
import { CoinCorrelations } from "./coin-correlations.ts";
import { KernelComponentPerformance } from "./component-performance.ts";
import { LegPairing } from "./leg-pairing.ts";
import type { LegChange } from "./leg-pairing.ts";
import { PaperBook } from "./paper-book.ts";
import type { BookCarryState, BookSummary } from "./paper-book.ts";
import { DEFAULT_SPOT_LEG_FILTER, spotLegRejection } from "./spot-leg-filter.ts";
import type { SpotLegFilterConfig } from "./spot-leg-filter.ts";
import { szDecimalsFrom } from "./sz-decimals.ts";

/** Default starting equity of the paper account, USD. */
export const DEFAULT_STARTING_EQUITY_USD = 10_000;

/** What the kernel passes a broker factory (called once per book). */
export interface BrokerSetup {
  /** The book the broker keeps: `combined` or a strategy id. */
  readonly book: BookId;
  /** Starting equity, USD. */
  readonly startingEquityUsd: number;
  /** The risk configuration in force (its fee rates are the broker's). */
  readonly risk: RiskConfig;
}

/** Options of {@link TradingKernel}. */
export interface TradingKernelOptions {
  /** Makes a book's paper broker: the combined book's in the constructor, a strategy's own when its first instance is created. */
  readonly broker: (setup: BrokerSetup) => KernelBroker;
  /** Per-strategy configuration sections; `undefined` = each strategy's own defaults. */
  readonly strategies?: StrategyConfigs;
  /**
   * Run only these strategy ids (`replay --strategies`); default every strategy. A strategy's
   * signals never depend on the others', so a subset fires exactly what it fires among them.
   */
  readonly only?: readonly string[];
  /** Risk settings replacing the defaults (fees default to Hyperliquid tier 0). */
  readonly risk?: Partial<RiskConfig>;
  /** Starting equity, USD. Default 10 000. */
  readonly startingEquityUsd?: number;
  /** Lifecycle state by strategy id; a strategy not listed is a `candidate`. */
  readonly lifecycle?: Readonly<Record<string, LifecycleState>>;
  /** Strategy ids that keep paper trading while killed (default: none; killed = shadow mode). */
  readonly paperTradeWhenKilled?: readonly string[];
  /** The signal book's cooldown. Default 10 min. */
  readonly signalBook?: SignalBookOptions;
  /** Size decimals per market. Default {@link szDecimalsFrom}() (the 2025 venue table). */
  readonly szDecimals?: SzDecimals;
  /** Which Hyperliquid spot candles may price a basis leg. Default {@link DEFAULT_SPOT_LEG_FILTER}. */
  readonly spotLegFilter?: SpotLegFilterConfig;
  /** Open-interest history (so 7 days survive a restart). Default: in memory. */
  readonly oiSeries?: OpenInterestSeriesPort;
  /**
   * What a previous kernel carried at its checkpoint ({@link TradingKernel.carryState}): a live
   * warm restart passes it with the broker's snapshot. Default: nothing carried.
   */
  readonly carry?: KernelCarryState;
}

/**
 * Records the kernel holds back between events, as JSON-safe data: the part of its state a live
 * checkpoint must keep beside the brokers' snapshots so that a restart loses nothing. The top
 * level is the combined book's (checkpoints from before books existed hold only that); `books`
 * holds each strategy's own.
 */
export interface KernelCarryState extends BookCarryState {
  /** Each strategy book's carried records, by book (absent in checkpoints written before books). */
  readonly books?: Readonly<Record<BookId, BookCarryState>>;
}

/** Counts and money so far; what a checkpoint records and a resumed run must reproduce. */
export interface KernelSummary {
  /** Events given to `onEvents` (warm-up events included). */
  readonly events: number;
  /** Warm-up events (`warmUp: true`) fed to the strategies only. */
  readonly warmUpEvents: number;
  /** Signals the strategies fired on warm-up events, discarded (history, not a decision now). */
  readonly warmUpSignalsDiscarded: number;
  /** Live closed bars dropped because warm-up already delivered the same bar. */
  readonly warmUpDuplicateBars: number;
  /** Hyperliquid spot candles dropped by the spot-leg filter, by reason. */
  readonly spotBarsDropped: Readonly<Record<string, number>>;
  /** Market keys in first-seen order. */
  readonly markets: readonly string[];
  /** Strategy instances created (including retired research-only basis legs). */
  readonly strategiesCreated: number;
  /** Signals by strategy id (every signal, taken or not). */
  readonly signalsByStrategy: Readonly<Record<string, number>>;
  /** Each book's figures (`combined` and one per strategy); the fields below repeat the combined book's. */
  readonly books: Readonly<Record<BookId, BookSummary>>;
  /** The combined book's decisions by code (`ok`, `open_signal`, `cooldown`, `shadow`, risk codes). */
  readonly decisionsByCode: Readonly<Record<string, number>>;
  /** Positions opened, by strategy id. */
  readonly positionsByStrategy: Readonly<Record<string, number>>;
  /** Closed positions by strategy id: count and net P&L, USD. */
  readonly outcomesByStrategy: Readonly<Record<string, { readonly count: number; readonly pnlUsd: number }>>;
  /** Entries (of one or two legs) that gave up unfilled; their orders are `unfilledOrder` records. */
  readonly unfilledEntries: number;
  /** Unfilled entries by the broker's code (`expired`, `no_book`, `no_bar`, `end_of_data`, ...). */
  readonly unfilledByCode: Readonly<Record<string, number>>;
  /** The combined book's last equity snapshot, USD (`undefined` before the first). */
  readonly equityUsd: number | undefined;
  /** Event clock, ms. */
  readonly nowMs: number;
}

interface Slot {
  readonly strategy: AnyStrategy;
  /** Markets whose events it is given. */
  readonly markets: readonly Market[];
  retired: boolean;
}

const inc = (counts: Record<string, number>, key: string, by = 1): void => {
  counts[key] = (counts[key] ?? 0) + by;
};

/**
 * The one trading kernel: market events → strategies → paper books (signal book and lifecycle →
 * risk → paper broker), for replay and live alike. Pure and synchronous: time comes only from the
 * events (an {@link EventClock}), nothing is read or written; `onEvents` returns the records to
 * persist. Same events in the same batches or not → the same records (see docs/ENGINE.md).
 *
 * **Books.** Every strategy trades its own {@link PaperBook} (its own starting equity, sizing and
 * limits), so its figures never depend on another strategy; the combined book, where all
 * strategies share one account and its correlation and exposure limits, runs beside them. A
 * signal is recorded once and decided in two books, its strategy's and the combined one; every
 * other record names its book. A strategy's book opens when its first instance is created.
 *
 * Per instant (the events of one venue time, gathered and put in a canonical order):
 * 1. the clock advances to the instant; equity snapshots of an earlier time are released;
 * 2. per event: a Hyperliquid spot candle the spot-leg filter rejects is dropped (counted) — the
 *    kernel never sees it; discovery: a Hyperliquid perp's first event creates its strategies
 *    (`createStrategies`, without the spot leg); {@link LegPairing} decides when a perp gets a
 *    spot leg, and the basis strategy is created then (a research-only Binance leg is retired
 *    when the venue's pair appears); every book's broker sees the event (fills, exits, funding,
 *    marks); every strategy of the event's market (status events: every strategy), in creation
 *    order, gets it, and its signals wait;
 * 3. every book's time exits;
 * 4. each signal, in the order they fired, is recorded and taken by the combined book and its
 *    strategy's own: offered to the book's signal book (refusal → a decision
 *    `open_signal`/`cooldown`), checked against the lifecycle (killed → `shadow`), assessed by
 *    the risk layer on that book's portfolio, and, when accepted, submitted to its broker;
 * 5. each book's snapshot of the instant is marked again with every market's latest price.
 *
 * Every outcome of a strategy's own book also feeds the {@link KernelComponentPerformance}, which
 * the adaptive convergence strategy reads for its daily weights (only days already ended; only
 * `validated` strategies weigh). It lives in memory: a replay recomputes it, a live warm restart
 * starts it afresh.
 *
 * A live session stopping releases the last snapshots with {@link TradingKernel.flushPending},
 * and a live checkpoint keeps what the books hold back ({@link TradingKernel.carryState},
 * restored through {@link TradingKernelOptions.carry}).
 *
 * An event older than the clock (a funding settlement polled after later live events) is
 * processed at the clock's time; it keeps its own `tsEvent`, which the broker uses to pay it.
 *
 * A warm-up event (`warmUp: true`: candles and settlements a live session fetches at its start)
 * only warms the strategies: see `onWarmUp`. A live closed bar that warm-up already delivered is
 * dropped (counted), so no bar reaches a strategy twice.
 */
export class TradingKernel {
  readonly clock = new EventClock();
  readonly startingEquityUsd: number;
  readonly risk: RiskConfig;
  private readonly options: TradingKernelOptions;
  private readonly riskInputs: Omit<RiskInputs, "costPerSide">;
  private readonly filter: SpotLegFilterConfig;
  private readonly oiSeries: OpenInterestSeriesPort;
  private readonly pairing = new LegPairing();
  private readonly correlations = new CoinCorrelations();
  /** The adaptive convergence weights' performance: the outcomes of the strategies' own books, by component. */
  private readonly componentPerformance: KernelComponentPerformance;
  private readonly slots: Slot[] = [];
  private readonly routes = new Map<string, Slot[]>();
  private readonly basisByPerp = new Map<string, Slot>();
  private readonly knownMarkets = new Set<string>();
  /** The combined book, then each strategy's own in the order their first instance was created. */
  private readonly books: PaperBook[] = [];
  private readonly combined: PaperBook;
  private readonly bookByStrategy = new Map<string, PaperBook>();
  /** Carried records of strategy books not opened yet (a warm restart), by book. */
  private readonly carryByBook = new Map<BookId, BookCarryState>();
  private nowMs = 0;
  private events = 0;
  /** Events of the instant being gathered (same effective time), processed once a later one arrives. */
  private instant: MarketEvent[] = [];
  private instantMs: number | undefined;
  private warmUpEvents = 0;
  private warmUpSignalsDiscarded = 0;
  private warmUpDuplicateBars = 0;
  /** Open time of the latest warm-up bar per `market|interval`: a live bar at or before it is a duplicate. */
  private readonly warmUpBarOpen = new Map<string, number>();
  private readonly spotBarsDropped: Record<string, number> = {};
  private readonly signalsByStrategy: Record<string, number> = {};
  private strategiesCreated = 0;

  /** @throws ConfigError for an invalid strategy or signal-book configuration. */
  constructor(options: TradingKernelOptions) {
    this.options = options;
    this.startingEquityUsd = options.startingEquityUsd ?? DEFAULT_STARTING_EQUITY_USD;
    this.risk = riskConfig(options.risk);
    this.filter = options.spotLegFilter ?? DEFAULT_SPOT_LEG_FILTER;
    this.oiSeries = options.oiSeries ?? new InMemoryOpenInterestSeries();
    this.componentPerformance = new KernelComponentPerformance({ startingEquityUsd: this.startingEquityUsd, lifecycle: options.lifecycle });
    this.riskInputs = {
      config: this.risk,
      szDecimals: options.szDecimals ?? szDecimalsFrom(),
      correlation: (a, b) => this.correlations.correlation(a, b, this.nowMs),
    };
    for (const [book, carry] of Object.entries(options.carry?.books ?? {})) this.carryByBook.set(book, carry);
    this.combined = this.openBook(COMBINED_BOOK);
    if (options.carry !== undefined) this.combined.restoreCarry(options.carry);
  }

  /**
   * Feeds a batch of events in order; returns the records they produced, in order. Events of one
   * instant are gathered and processed together once a later instant begins (or at `flushPending`
   * / `finish`), so an instant's records come out with the first event after it.
   */
  onEvents(batch: readonly MarketEvent[]): KernelRecord[] {
    const out: KernelRecord[] = [];
    for (const event of batch) this.onEvent(event, out);
    return out;
  }

  /**
   * Nothing more will come at the instant being gathered (its events are processed now, and its
   * records returned); later events start a new instant. Replay never needs it (the next instant
   * or `finish` closes one); a caller that knows the time has moved on without an event may.
   */
  endInstant(): KernelRecord[] {
    const out: KernelRecord[] = [];
    this.processInstant(out);
    return out;
  }

  /**
   * End of the input: each book's end-of-data records (the paper broker drops pending entries and
   * closes open positions at the last mark, `endOfData`), then the held equity snapshots. Call once.
   */
  finish(): KernelRecord[] {
    const out: KernelRecord[] = [];
    this.processInstant(out);
    for (const book of this.books) book.finish(this.nowMs, out);
    for (const book of this.books) book.releaseEquity(Infinity, out);
    return out;
  }

  /**
   * Event time has reached `nowMs` without an event (a live session stopping): the clock moves
   * there and the equity snapshots held for an earlier instant are released, so the last ones are
   * journaled. Afterwards no snapshot can be produced at or before the released instant (the
   * clock does not go back), so the journal's one-snapshot-per-book-and-ms key holds. The instant
   * still being gathered is processed first, and the clock then moves to `nowMs` or 1 ms past
   * that instant, whichever is later.
   */
  flushPending(nowMs: number): KernelRecord[] {
    const out: KernelRecord[] = [];
    // The instant still gathered is processed first; the time given must then pass it too.
    this.processInstant(out);
    this.clock.advance(Math.max(nowMs, this.clock.now() + 1));
    this.nowMs = this.clock.now();
    this.componentPerformance.advanceTo(this.nowMs);
    for (const book of this.books) book.releaseEquity(this.nowMs, out);
    return out;
  }

  /**
   * The records the books hold back (entry orders and fills waiting for their position, the
   * latest instant's equity snapshot) as JSON-safe data, for a live checkpoint; pass it back as
   * {@link TradingKernelOptions.carry} on restart. Replay does not need it: it recomputes.
   */
  carryState(): KernelCarryState {
    const books: Record<BookId, BookCarryState> = {};
    for (const book of this.books) if (!book.combined) books[book.id] = book.carryState();
    return { ...this.combined.carryState(), books };
  }

  /** The kernel's counters so far. */
  summary(): KernelSummary {
    const combined = this.combined.summary();
    return {
      events: this.events,
      warmUpEvents: this.warmUpEvents,
      warmUpSignalsDiscarded: this.warmUpSignalsDiscarded,
      warmUpDuplicateBars: this.warmUpDuplicateBars,
      spotBarsDropped: { ...this.spotBarsDropped },
      markets: [...this.knownMarkets],
      strategiesCreated: this.strategiesCreated,
      signalsByStrategy: { ...this.signalsByStrategy },
      books: Object.fromEntries(this.books.map((b) => [b.id, b.id === COMBINED_BOOK ? combined : b.summary()])),
      decisionsByCode: combined.decisionsByCode,
      positionsByStrategy: combined.positionsByStrategy,
      outcomesByStrategy: combined.outcomesByStrategy,
      unfilledEntries: combined.unfilledEntries,
      unfilledByCode: combined.unfilledByCode,
      equityUsd: combined.equityUsd,
      nowMs: this.nowMs,
    };
  }

  /** The combined book's broker state (JSON-safe), for a checkpoint and a live warm restart. */
  brokerSnapshot(): unknown {
    return this.combined.brokerSnapshot();
  }

  /** Each strategy book's broker state (JSON-safe) by book, for a live checkpoint beside {@link brokerSnapshot}. */
  bookSnapshots(): Record<BookId, unknown> {
    return Object.fromEntries(this.books.filter((b) => !b.combined).map((b) => [b.id, b.brokerSnapshot()]));
  }

  /** The books in the order they opened: `combined`, then each strategy's own. */
  bookIds(): BookId[] {
    return this.books.map((b) => b.id);
  }

  /** Strategy instances in creation order (retired ones included, flagged). */
  strategies(): readonly { readonly strategy: AnyStrategy; readonly retired: boolean }[] {
    return this.slots.map((s) => ({ strategy: s.strategy, retired: s.retired }));
  }

  private onEvent(event: MarketEvent, out: KernelRecord[]): void {
    this.events += 1;
    if ((event.kind === "candle" || event.kind === "funding") && event.warmUp === true) {
      this.onWarmUp(event);
      return;
    }
    if (event.kind === "candle" && event.closed) {
      const warmOpen = this.warmUpBarOpen.get(`${event.market.key}|${event.interval}`);
      if (warmOpen !== undefined && event.openTime <= warmOpen) {
        this.warmUpDuplicateBars += 1;
        return;
      }
    }
    // An event older than the instant being gathered (a polled settlement, a late-closed bar)
    // belongs to it: the clock never goes back.
    const t = Math.max(event.tsEvent, this.instantMs ?? this.clock.now());
    if (this.instantMs !== undefined && t > this.instantMs) this.processInstant(out);
    this.instantMs ??= t;
    this.instant.push(event);
  }

  /**
   * One instant, one state: the gathered events (one effective time) in a canonical order that
   * does not depend on the input's (kind, market, interval; the input order only among events
   * that tie, which come from one source), each applied to every book's broker (fills, price
   * exits, funding, marks) and to its strategies, whose signals wait; then every book's time
   * exits; then the signals in the order they fired, each in the combined book and its
   * strategy's own; then each book's equity snapshot of the instant re-marked at its end, with
   * every market's latest price.
   */
  private processInstant(out: KernelRecord[]): void {
    const at = this.instantMs;
    if (at === undefined) return;
    const events = this.instant.sort(canonicalOrder);
    this.instant = [];
    this.instantMs = undefined;
    this.clock.advance(at);
    this.nowMs = this.clock.now();
    const nowMs = this.nowMs;
    this.componentPerformance.advanceTo(nowMs);
    for (const book of this.books) book.releaseEquity(nowMs, out);
    const signals: Signal[] = [];
    for (const event of events) {
      const rejection = spotLegRejection(event, this.filter);
      if (rejection !== undefined) {
        inc(this.spotBarsDropped, rejection);
        continue;
      }
      if (event.kind !== "status") this.discover(event.market, nowMs);
      this.correlations.update(event);
      for (const book of this.books) book.onEvent(event, nowMs, out);
      const targets = event.kind === "status" ? this.slots.filter((s) => !s.retired) : this.routes.get(event.market.key);
      if (targets === undefined) continue;
      // A copy: a slot retired or created while signals are handled must not change this pass.
      for (const slot of [...targets]) signals.push(...slot.strategy.onEvent(event, { nowMs }));
    }
    for (const book of this.books) book.onInstantEnd(nowMs, out);
    for (const signal of signals) {
      out.push({ kind: "signal", signal });
      inc(this.signalsByStrategy, signal.strategy);
      this.combined.takeSignal(signal, nowMs, out);
      this.bookByStrategy.get(signal.strategy)?.takeSignal(signal, nowMs, out);
    }
    // A snapshot taken at an open or close inside the instant saw only the markets processed before
    // it: mark it again now that every market's price of the instant is in.
    for (const book of this.books) book.remark(nowMs);
  }

  /**
   * A warm-up event (history at a live session's start): the strategies of its market see it at
   * its own time and what they signal is discarded; the brokers, the signal books, the clock and
   * the equity snapshots are left alone. The coin correlations learn from it as from any bar.
   */
  private onWarmUp(event: MarketEvent & { readonly kind: "candle" | "funding" }): void {
    this.warmUpEvents += 1;
    if (spotLegRejection(event, this.filter) !== undefined) return;
    if (event.kind === "candle") {
      const key = `${event.market.key}|${event.interval}`;
      this.warmUpBarOpen.set(key, Math.max(this.warmUpBarOpen.get(key) ?? Number.NEGATIVE_INFINITY, event.openTime));
    }
    this.discover(event.market, event.tsEvent);
    this.correlations.update(event);
    for (const slot of [...(this.routes.get(event.market.key) ?? [])]) {
      this.warmUpSignalsDiscarded += slot.strategy.onEvent(event, { nowMs: event.tsEvent }).length;
    }
  }

  private discover(market: Market, nowMs: number): void {
    if (this.knownMarkets.has(market.key)) return;
    this.knownMarkets.add(market.key);
    if (market.venue === "hyperliquid" && market.kind === "perp") {
      this.correlations.add(market);
      for (const strategy of createStrategies(market, this.options.strategies ?? {}, {
        oiSeries: this.oiSeries,
        startMs: nowMs,
        componentPerformance: this.componentPerformance,
      })) {
        if (this.options.only === undefined || this.options.only.includes(strategy.id)) this.addSlot(strategy, [market]);
      }
    }
    for (const change of this.pairing.observe(market)) this.pair(change, nowMs);
  }

  private pair(change: LegChange, nowMs: number): void {
    if (this.options.only !== undefined && !this.options.only.includes("basis-arbitrage")) return;
    const old = this.basisByPerp.get(change.perp.key);
    if (old !== undefined) {
      old.retired = true;
      for (const m of old.markets) {
        const list = this.routes.get(m.key);
        if (list !== undefined) this.routes.set(m.key, list.filter((s) => s !== old));
      }
      // Research-only signals never hold a position; end the open one so the new leg may signal.
      this.combined.closeSignal(old.strategy.id, old.strategy.market, nowMs);
      this.bookByStrategy.get(old.strategy.id)?.closeSignal(old.strategy.id, old.strategy.market, nowMs);
    }
    const basis = new BasisArbitrageStrategy(change.perp, change.spot, this.options.strategies?.basisArbitrage);
    this.basisByPerp.set(change.perp.key, this.addSlot(basis, [change.perp, change.spot]));
  }

  private addSlot(strategy: AnyStrategy, markets: readonly Market[]): Slot {
    const slot: Slot = { strategy, markets, retired: false };
    this.slots.push(slot);
    this.strategiesCreated += 1;
    if (!this.bookByStrategy.has(strategy.id)) this.bookByStrategy.set(strategy.id, this.openBook(strategy.id));
    for (const m of markets) {
      const list = this.routes.get(m.key);
      if (list === undefined) this.routes.set(m.key, [slot]);
      else list.push(slot);
    }
    return slot;
  }

  /** A new book with its own broker (and, on a warm restart, what its checkpoint carried). */
  private openBook(id: BookId): PaperBook {
    const own = id !== COMBINED_BOOK;
    const book = new PaperBook({
      id,
      broker: this.options.broker({ book: id, startingEquityUsd: this.startingEquityUsd, risk: this.risk }),
      signalBook: this.options.signalBook,
      riskInputs: this.riskInputs,
      lifecycle: this.options.lifecycle,
      paperTradeWhenKilled: this.options.paperTradeWhenKilled,
      // A strategy's record is its own book's: the adaptive weights learn from it, not from a shared account.
      ...(own ? { onOutcome: (o: Outcome) => this.componentPerformance.record(o) } : {}),
    });
    const carry = this.carryByBook.get(id);
    if (carry !== undefined) {
      book.restoreCarry(carry);
      this.carryByBook.delete(id);
    }
    this.books.push(book);
    return book;
  }
}

/** Kinds in the order an instant applies them: prices first, then contexts, bars, settlements, connection notes. */
const KIND_RANK: Readonly<Record<MarketEvent["kind"], number>> = { book: 0, bbo: 1, trade: 2, assetCtx: 3, candle: 4, funding: 5, status: 6 };

/** The canonical order inside an instant: kind, market, candle interval; ties keep the input order (Array.prototype.sort is stable). */
function canonicalOrder(a: MarketEvent, b: MarketEvent): number {
  const rank = KIND_RANK[a.kind] - KIND_RANK[b.kind];
  if (rank !== 0) return rank;
  const ka = a.kind === "status" ? a.source : a.market.key;
  const kb = b.kind === "status" ? b.source : b.market.key;
  if (ka !== kb) return ka < kb ? -1 : 1;
  if (a.kind === "candle" && b.kind === "candle" && a.interval !== b.interval) return intervalMs(a.interval) - intervalMs(b.interval);
  return 0;
}
