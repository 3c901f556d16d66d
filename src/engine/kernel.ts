import { EventClock, intervalMs, market } from "../core/index.ts";
import type { Market, MarketEvent } from "../core/index.ts";
import { InMemoryOpenInterestSeries } from "../metrics/index.ts";
import type { OpenInterestSeriesPort } from "../metrics/index.ts";
import type { BrokerRecord, EquitySnapshot, PaperFill, PaperOrder, RiskDecision } from "../paper/index.ts";
import { assessSignal, riskConfig } from "../risk/index.ts";
import type { RiskConfig, RiskInputs, SzDecimals } from "../risk/index.ts";
import { BasisArbitrageStrategy, createStrategies, SignalBook, takesPaperPositions } from "../strategies/index.ts";
import type { AnyStrategy, LifecycleState, Signal, SignalBookOptions, StrategyConfigs } from "../strategies/index.ts";
import type { KernelBroker } from "./broker-port.ts";
import type { KernelRecord } from "./kernel-record.ts";
import { CoinCorrelations } from "./coin-correlations.ts";
import { KernelComponentPerformance } from "./component-performance.ts";
import { LegPairing } from "./leg-pairing.ts";
import type { LegChange } from "./leg-pairing.ts";
import { DEFAULT_SPOT_LEG_FILTER, spotLegRejection } from "./spot-leg-filter.ts";
import type { SpotLegFilterConfig } from "./spot-leg-filter.ts";
import { szDecimalsFrom } from "./sz-decimals.ts";

/** Default starting equity of the paper account, USD. */
export const DEFAULT_STARTING_EQUITY_USD = 10_000;

/** What the kernel passes a broker factory. */
export interface BrokerSetup {
  /** Starting equity, USD. */
  readonly startingEquityUsd: number;
  /** The risk configuration in force (its fee rates are the broker's). */
  readonly risk: RiskConfig;
}

/** Options of {@link TradingKernel}. */
export interface TradingKernelOptions {
  /** Makes the paper broker (called once, in the constructor). */
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
 * checkpoint must keep beside the broker's snapshot so that a restart loses nothing.
 */
export interface KernelCarryState {
  /**
   * Entry orders (and fills of a two-leg entry's first leg) waiting for their position to open,
   * by position id, in the order they were placed. Without them a restored entry's fill would
   * reach the journal without its order row.
   */
  readonly heldEntries: readonly { readonly positionId: string; readonly orders: readonly PaperOrder[]; readonly fills: readonly PaperFill[] }[];
  /** The equity snapshot of the latest instant, not yet released (`null`: none). */
  readonly pendingEquity: EquitySnapshot | null;
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
  /** Decisions by code (`ok`, `open_signal`, `cooldown`, `shadow`, risk codes). */
  readonly decisionsByCode: Readonly<Record<string, number>>;
  /** Positions opened, by strategy id. */
  readonly positionsByStrategy: Readonly<Record<string, number>>;
  /** Closed positions by strategy id: count and net P&L, USD. */
  readonly outcomesByStrategy: Readonly<Record<string, { readonly count: number; readonly pnlUsd: number }>>;
  /** Entries (of one or two legs) that gave up unfilled; their orders are `unfilledOrder` records. */
  readonly unfilledEntries: number;
  /** Unfilled entries by the broker's code (`expired`, `no_book`, `no_bar`, `end_of_data`, ...). */
  readonly unfilledByCode: Readonly<Record<string, number>>;
  /** Last equity snapshot, USD (`undefined` before the first). */
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

interface SignalRef {
  readonly strategy: string;
  readonly market: Market;
}

const inc = (counts: Record<string, number>, key: string, by = 1): void => {
  counts[key] = (counts[key] ?? 0) + by;
};

const iso = (ms: number): string => new Date(ms).toISOString();

/**
 * The one trading kernel: market events → strategies → signal book and lifecycle → risk →
 * paper broker, for replay and live alike. Pure and synchronous: time comes only from the
 * events (an {@link EventClock}), nothing is read or written; `onEvents` returns the records to
 * persist. Same events in the same batches or not → the same records (see docs/ENGINE.md).
 *
 * Per event, in this order:
 * 1. the clock advances to the event's time; an equity snapshot of an earlier time is released;
 * 2. a Hyperliquid spot candle the spot-leg filter rejects is dropped (counted) — the kernel
 *    never sees it;
 * 3. discovery: a Hyperliquid perp's first event creates its strategies (`createStrategies`,
 *    without the spot leg); {@link LegPairing} decides when a perp gets a spot leg, and the
 *    basis strategy is created then (a research-only Binance leg is retired when the venue's
 *    pair appears);
 * 4. the broker sees the event (fills, exits, funding, marks) — exits close their signals in the
 *    {@link SignalBook};
 * 5. every strategy of the event's market (status events: every strategy), in creation order,
 *    gets it; each signal is recorded, offered to the signal book (refusal → a decision
 *    `open_signal`/`cooldown`), checked against the lifecycle (killed → `shadow`), assessed by
 *    the risk layer, and, when accepted, submitted to the broker.
 *
 * Every signal gets exactly one decision record. Entry orders and fills are held back until
 * their position opens, because the journal's orders and fills reference a position row; an
 * entry that gives up unfilled (the broker releases it the moment it can no longer fill) ends its
 * signal in the book, so the strategy may signal again, and its orders become `unfilledOrder`
 * records (the journal's `unfilled_orders`). Equity
 * snapshots are released once event time moves past them, so two at one instant (the journal
 * keys them by time) become the last one; a live session stopping releases the last with
 * {@link TradingKernel.flushPending}, and a live checkpoint keeps what is held back
 * ({@link TradingKernel.carryState}, restored through {@link TradingKernelOptions.carry}).
 *
 * Every outcome the kernel emits also feeds its {@link KernelComponentPerformance}, which the
 * adaptive convergence strategy reads for its daily weights (only days already ended; only
 * `validated` strategies weigh). It lives in memory: a replay recomputes it, a live warm restart
 * starts it afresh.
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
  private readonly broker: KernelBroker;
  private readonly book: SignalBook;
  private readonly riskInputs: RiskInputs;
  private readonly filter: SpotLegFilterConfig;
  private readonly oiSeries: OpenInterestSeriesPort;
  private readonly pairing = new LegPairing();
  private readonly correlations = new CoinCorrelations();
  /** The adaptive convergence weights' performance: the outcomes this kernel emitted, by component. */
  private readonly componentPerformance: KernelComponentPerformance;
  private readonly slots: Slot[] = [];
  private readonly routes = new Map<string, Slot[]>();
  private readonly basisByPerp = new Map<string, Slot>();
  private readonly knownMarkets = new Set<string>();
  private readonly signalRefs = new Map<string, SignalRef>();
  /** Entry orders and fills waiting for their position to open, by position id. */
  private readonly heldEntries = new Map<string, KernelRecord[]>();
  private pendingEquity: EquitySnapshot | undefined;
  private lastEquityUsd: number | undefined;
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
  private readonly decisionsByCode: Record<string, number> = {};
  private readonly positionsByStrategy: Record<string, number> = {};
  private readonly outcomesByStrategy: Record<string, { count: number; pnlUsd: number }> = {};
  private unfilledEntries = 0;
  private readonly unfilledByCode: Record<string, number> = {};
  private strategiesCreated = 0;

  /** @throws ConfigError for an invalid strategy or signal-book configuration. */
  constructor(options: TradingKernelOptions) {
    this.options = options;
    this.startingEquityUsd = options.startingEquityUsd ?? DEFAULT_STARTING_EQUITY_USD;
    this.risk = riskConfig(options.risk);
    this.broker = options.broker({ startingEquityUsd: this.startingEquityUsd, risk: this.risk });
    this.book = new SignalBook(options.signalBook);
    this.filter = options.spotLegFilter ?? DEFAULT_SPOT_LEG_FILTER;
    this.oiSeries = options.oiSeries ?? new InMemoryOpenInterestSeries();
    this.componentPerformance = new KernelComponentPerformance({ startingEquityUsd: this.startingEquityUsd, lifecycle: options.lifecycle });
    this.riskInputs = {
      config: this.risk,
      szDecimals: options.szDecimals ?? szDecimalsFrom(),
      correlation: (a, b) => this.correlations.correlation(a, b, this.nowMs),
      // One cost model: sizing prices a round trip as the broker will charge it.
      ...(this.broker.costPerSide === undefined ? {} : { costPerSide: (m: Market) => this.broker.costPerSide?.(m) ?? this.risk.slippagePerSide }),
    };
    if (options.carry !== undefined) this.restoreCarry(options.carry);
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
   * End of the input: the broker's end-of-data records (the paper broker drops pending entries and
   * closes open positions at the last mark, `endOfData`), then the held equity snapshot. Call once.
   */
  finish(): KernelRecord[] {
    const out: KernelRecord[] = [];
    this.processInstant(out);
    this.brokerRecords(this.broker.finish(this.nowMs), this.nowMs, out);
    this.releaseEquity(Infinity, out);
    return out;
  }

  /**
   * Event time has reached `nowMs` without an event (a live session stopping): the clock moves
   * there and the equity snapshot held for an earlier instant is released, so the last one is
   * journaled. Afterwards no snapshot can be produced at or before the released instant (the
   * clock does not go back), so the journal's one-snapshot-per-ms key holds. The instant still
   * being gathered is processed first, and the clock then moves to `nowMs` or 1 ms past that
   * instant, whichever is later.
   */
  flushPending(nowMs: number): KernelRecord[] {
    const out: KernelRecord[] = [];
    // The instant still gathered is processed first; the time given must then pass it too.
    this.processInstant(out);
    this.clock.advance(Math.max(nowMs, this.clock.now() + 1));
    this.nowMs = this.clock.now();
    this.componentPerformance.advanceTo(this.nowMs);
    this.releaseEquity(this.nowMs, out);
    return out;
  }

  /**
   * The records held back (entry orders and fills waiting for their position, the latest
   * instant's equity snapshot) as JSON-safe data, for a live checkpoint; pass it back as
   * {@link TradingKernelOptions.carry} on restart. Replay does not need it: it recomputes.
   */
  carryState(): KernelCarryState {
    const heldEntries = [...this.heldEntries].map(([positionId, records]) => ({
      positionId,
      orders: records.flatMap((r) => (r.kind === "order" ? [r.order] : [])),
      fills: records.flatMap((r) => (r.kind === "fill" ? [r.fill] : [])),
    }));
    return structuredClone({ heldEntries, pendingEquity: this.pendingEquity ?? null });
  }

  /** The kernel's counters so far. */
  summary(): KernelSummary {
    return {
      events: this.events,
      warmUpEvents: this.warmUpEvents,
      warmUpSignalsDiscarded: this.warmUpSignalsDiscarded,
      warmUpDuplicateBars: this.warmUpDuplicateBars,
      spotBarsDropped: { ...this.spotBarsDropped },
      markets: [...this.knownMarkets],
      strategiesCreated: this.strategiesCreated,
      signalsByStrategy: { ...this.signalsByStrategy },
      decisionsByCode: { ...this.decisionsByCode },
      positionsByStrategy: { ...this.positionsByStrategy },
      outcomesByStrategy: Object.fromEntries(Object.entries(this.outcomesByStrategy).map(([k, v]) => [k, { ...v }])),
      unfilledEntries: this.unfilledEntries,
      unfilledByCode: { ...this.unfilledByCode },
      equityUsd: this.lastEquityUsd,
      nowMs: this.nowMs,
    };
  }

  /** The broker's state (JSON-safe), for a checkpoint and a live warm restart. */
  brokerSnapshot(): unknown {
    return this.broker.snapshot();
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
   * that tie, which come from one source), each applied to the broker (fills, price exits,
   * funding, marks) and its strategies, whose signals wait; then the broker's time exits; then the
   * signals in the order they fired; then the instant's equity snapshot re-marked at its end, with
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
    this.releaseEquity(nowMs, out);
    const signals: Signal[] = [];
    for (const event of events) {
      const rejection = spotLegRejection(event, this.filter);
      if (rejection !== undefined) {
        inc(this.spotBarsDropped, rejection);
        continue;
      }
      if (event.kind !== "status") this.discover(event.market, nowMs);
      this.correlations.update(event);
      this.brokerRecords(this.broker.onEvent(event, nowMs), nowMs, out);
      const targets = event.kind === "status" ? this.slots.filter((s) => !s.retired) : this.routes.get(event.market.key);
      if (targets === undefined) continue;
      // A copy: a slot retired or created while signals are handled must not change this pass.
      for (const slot of [...targets]) signals.push(...slot.strategy.onEvent(event, { nowMs }));
    }
    if (this.broker.onInstantEnd !== undefined) this.brokerRecords(this.broker.onInstantEnd(nowMs), nowMs, out);
    for (const signal of signals) this.handleSignal(signal, nowMs, out);
    // A snapshot taken at an open or close inside the instant saw only the markets processed before
    // it: mark it again now that every market's price of the instant is in.
    if (this.pendingEquity !== undefined && this.pendingEquity.tsMs === nowMs && this.broker.equityAt !== undefined) {
      this.pendingEquity = this.broker.equityAt(nowMs);
      this.lastEquityUsd = this.pendingEquity.equityUsd;
    }
  }

  /**
   * A warm-up event (history at a live session's start): the strategies of its market see it at
   * its own time and what they signal is discarded; the broker, the signal book, the clock and
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
      this.book.close(old.strategy.id, old.strategy.market, nowMs);
    }
    const basis = new BasisArbitrageStrategy(change.perp, change.spot, this.options.strategies?.basisArbitrage);
    this.basisByPerp.set(change.perp.key, this.addSlot(basis, [change.perp, change.spot]));
  }

  private addSlot(strategy: AnyStrategy, markets: readonly Market[]): Slot {
    const slot: Slot = { strategy, markets, retired: false };
    this.slots.push(slot);
    this.strategiesCreated += 1;
    for (const m of markets) {
      const list = this.routes.get(m.key);
      if (list === undefined) this.routes.set(m.key, [slot]);
      else list.push(slot);
    }
    return slot;
  }

  private handleSignal(signal: Signal, nowMs: number, out: KernelRecord[]): void {
    out.push({ kind: "signal", signal });
    inc(this.signalsByStrategy, signal.strategy);
    const offer = this.book.offer(signal, nowMs);
    if (!offer.accepted) {
      const code = offer.reason === "open-signal" ? "open_signal" : "cooldown";
      const why =
        offer.reason === "open-signal"
          ? `${signal.strategy} already has an open signal on ${signal.market.key} until ${iso(offer.untilMs)}`
          : `${signal.strategy} on ${signal.market.key} is cooling down until ${iso(offer.untilMs)}`;
      this.decide(signal, refusal(signal, nowMs, code, why), nowMs, out);
      return;
    }
    const state = this.options.lifecycle?.[signal.strategy] ?? "candidate";
    const policy = { paperTradeWhenKilled: this.options.paperTradeWhenKilled?.includes(signal.strategy) ?? false };
    if (!takesPaperPositions(state, policy)) {
      // Shadow mode: recorded, no position; the signal stays open in the book until its maximum
      // hold, as a traded one would, so the shadow record flaps no more than the live one.
      this.decide(signal, refusal(signal, nowMs, "shadow", `${signal.strategy} is ${state}: signal recorded in shadow mode, no paper position`), nowMs, out);
      return;
    }
    const decision = assessSignal(signal, nowMs, this.broker.portfolio(nowMs), this.riskInputs);
    if (decision.accepted) this.signalRefs.set(signal.id, { strategy: signal.strategy, market: signal.market });
    else this.book.close(signal.strategy, signal.market, nowMs); // nothing will hold it open: the cooldown decides when the next may come
    this.decide(signal, decision, nowMs, out);
  }

  /** Records the decision and hands the signal to the broker (which may reverse an open position even when it is refused). */
  private decide(signal: Signal, decision: RiskDecision, nowMs: number, out: KernelRecord[]): void {
    out.push({ kind: "decision", decision });
    inc(this.decisionsByCode, decision.code);
    this.brokerRecords(this.broker.onSignal(signal, decision, nowMs), nowMs, out);
  }

  private brokerRecords(records: readonly BrokerRecord[], nowMs: number, out: KernelRecord[]): void {
    for (const r of records) {
      switch (r.kind) {
        case "order": {
          const held = this.heldEntries.get(r.order.positionId);
          if (held !== undefined) held.push({ kind: "order", order: r.order });
          else if (r.order.purpose === "entry") this.heldEntries.set(r.order.positionId, [{ kind: "order", order: r.order }]);
          else out.push({ kind: "order", order: r.order });
          break;
        }
        case "fill": {
          const held = this.heldEntries.get(r.fill.positionId);
          if (held !== undefined) held.push({ kind: "fill", fill: r.fill });
          else out.push({ kind: "fill", fill: r.fill });
          break;
        }
        case "orderUnfilled": {
          // The held entry order (and a leg's fill, if one leg priced) never reaches a position: the
          // order is journaled as unfilled instead, one record per leg; its signal ends in the book.
          this.heldEntries.delete(r.positionId);
          out.push({ kind: "unfilledOrder", unfilled: { order: r.order, tsMs: r.tsMs, code: r.code, reason: r.reason } });
          if (r.order.legIndex === 0) {
            this.unfilledEntries += 1;
            inc(this.unfilledByCode, r.code);
          }
          this.endSignal(r.signalId, nowMs);
          break;
        }
        case "positionOpened": {
          const held = this.heldEntries.get(r.position.id) ?? [];
          this.heldEntries.delete(r.position.id);
          out.push(...held, { kind: "position", position: r.position });
          inc(this.positionsByStrategy, r.position.strategy);
          break;
        }
        case "positionClosed":
          out.push({ kind: "position", position: r.position });
          break;
        case "outcome": {
          out.push({ kind: "outcome", outcome: r.outcome });
          const o = (this.outcomesByStrategy[r.outcome.strategy] ??= { count: 0, pnlUsd: 0 });
          o.count += 1;
          o.pnlUsd += r.outcome.pnlUsd;
          this.componentPerformance.record(r.outcome);
          this.endSignal(r.outcome.signalId, nowMs);
          break;
        }
        case "funding":
          out.push({ kind: "funding", payment: r.payment });
          break;
        case "equity":
          this.releaseEquity(r.snapshot.tsMs, out);
          this.pendingEquity = r.snapshot;
          this.lastEquityUsd = r.snapshot.equityUsd;
          break;
      }
    }
  }

  /** Closing a position (or giving up its entry) ends its signal in the book. */
  private endSignal(signalId: string, nowMs: number): void {
    const ref = this.signalRefs.get(signalId);
    if (ref === undefined) return;
    this.signalRefs.delete(signalId);
    this.book.close(ref.strategy, ref.market, nowMs);
  }

  private restoreCarry(carry: KernelCarryState): void {
    // Markets come back from JSON as plain objects; the interned ones keep reference equality.
    const m = (x: { venue: Market["venue"]; kind: Market["kind"]; symbol: string; base: string }): Market => market(x.venue, x.kind, x.symbol, x.base);
    for (const h of carry.heldEntries) {
      // An order is placed before any of its fills, so orders first keeps the journal's order.
      const records: KernelRecord[] = [
        ...h.orders.map((o): KernelRecord => ({ kind: "order", order: { ...o, market: m(o.market) } })),
        ...h.fills.map((f): KernelRecord => ({ kind: "fill", fill: { ...f, market: m(f.market) } })),
      ];
      this.heldEntries.set(h.positionId, records);
    }
    if (carry.pendingEquity !== null) {
      this.pendingEquity = { ...carry.pendingEquity };
      this.lastEquityUsd = carry.pendingEquity.equityUsd;
    }
  }

  /** Emits the held equity snapshot if it is older than `beforeMs`. */
  private releaseEquity(beforeMs: number, out: KernelRecord[]): void {
    const pending = this.pendingEquity;
    if (pending !== undefined && pending.tsMs < beforeMs) {
      out.push({ kind: "equity", snapshot: pending });
      this.pendingEquity = undefined;
    }
  }
}

function refusal(signal: Signal, nowMs: number, code: string, reason: string): RiskDecision {
  return { signalId: signal.id, tsMs: nowMs, accepted: false, code, reason, sz: undefined, notionalUsd: undefined };
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
