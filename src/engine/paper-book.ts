import { COMBINED_BOOK, market } from "../core/index.ts";
import type { BookId, Market, MarketEvent } from "../core/index.ts";
import type { BrokerRecord, EquitySnapshot, Outcome, PaperFill, PaperOrder, RiskDecision } from "../paper/index.ts";
import { assessSignal } from "../risk/index.ts";
import type { RiskInputs } from "../risk/index.ts";
import { SignalBook, takesPaperPositions } from "../strategies/index.ts";
import type { LifecycleState, Signal, SignalBookOptions } from "../strategies/index.ts";
import type { KernelBroker } from "./broker-port.ts";
import type { KernelRecord } from "./kernel-record.ts";

/** What a live checkpoint keeps of one book beside its broker's snapshot (JSON-safe). */
export interface BookCarryState {
  /**
   * Entry orders (and fills of a two-leg entry's first leg) waiting for their position to open,
   * by position id, in the order they were placed. Without them a restored entry's fill would
   * reach the journal without its order row.
   */
  readonly heldEntries: readonly { readonly positionId: string; readonly orders: readonly PaperOrder[]; readonly fills: readonly PaperFill[] }[];
  /** The equity snapshot of the latest instant, not yet released (`null`: none). */
  readonly pendingEquity: EquitySnapshot | null;
  /** A strategy book's last released snapshot (absent: none, or the combined book, which keeps every one). */
  readonly lastReleased?: EquitySnapshot | null;
}

/** One book's counts and money so far. */
export interface BookSummary {
  /** Decisions by code (`ok`, `open_signal`, `cooldown`, `shadow`, risk codes). */
  readonly decisionsByCode: Readonly<Record<string, number>>;
  /** Refusals (decisions other than `ok`) by strategy id, then by code: which limits refused what. */
  readonly refusalsByStrategy: Readonly<Record<string, Readonly<Record<string, number>>>>;
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
}

/** What a book needs from the kernel that owns it. */
export interface PaperBookSetup {
  readonly id: BookId;
  readonly broker: KernelBroker;
  readonly signalBook?: SignalBookOptions | undefined;
  /** The risk inputs (the book's own broker's cost model is added here). */
  readonly riskInputs: Omit<RiskInputs, "costPerSide">;
  readonly lifecycle?: Readonly<Record<string, LifecycleState>> | undefined;
  readonly paperTradeWhenKilled?: readonly string[] | undefined;
  /** Called with every outcome this book emits. */
  readonly onOutcome?: (outcome: Outcome) => void;
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
 * One paper account: a broker, its signal book (open signals and cooldowns), the risk layer over
 * its own portfolio, and the records it holds back. The kernel runs one per strategy (its own
 * book: its own starting equity, sizing and limits, so its verdict is its own) and one combined
 * book, where every strategy shares the account and its correlation and exposure limits. Every
 * record a book emits carries its id (`book`).
 *
 * Entry orders and fills are held back until their position opens, because the journal's orders
 * and fills reference a position row; an entry that gives up unfilled ends its signal in the book,
 * so the strategy may signal again, and its orders become `unfilledOrder` records. Equity
 * snapshots are released once event time moves past them, so two at one instant (the journal
 * keys them by book and time) become the last one.
 */
export class PaperBook {
  readonly id: BookId;
  private readonly broker: KernelBroker;
  private readonly signalBook: SignalBook;
  private readonly riskInputs: RiskInputs;
  private readonly lifecycle: Readonly<Record<string, LifecycleState>> | undefined;
  private readonly paperTradeWhenKilled: readonly string[];
  private readonly onOutcome: ((outcome: Outcome) => void) | undefined;
  private readonly signalRefs = new Map<string, SignalRef>();
  /** Entry orders and fills waiting for their position to open, by position id. */
  private readonly heldEntries = new Map<string, KernelRecord[]>();
  private pendingEquity: EquitySnapshot | undefined;
  private lastEquityUsd: number | undefined;
  /** A strategy book's last released snapshot: one that says the same again is not journaled. */
  private lastReleased: EquitySnapshot | undefined;
  private readonly decisionsByCode: Record<string, number> = {};
  private readonly refusalsByStrategy: Record<string, Record<string, number>> = {};
  private readonly positionsByStrategy: Record<string, number> = {};
  private readonly outcomesByStrategy: Record<string, { count: number; pnlUsd: number }> = {};
  private unfilledEntries = 0;
  private readonly unfilledByCode: Record<string, number> = {};

  /** @throws ConfigError for an invalid signal-book configuration. */
  constructor(setup: PaperBookSetup) {
    this.id = setup.id;
    this.broker = setup.broker;
    this.signalBook = new SignalBook(setup.signalBook);
    this.lifecycle = setup.lifecycle;
    this.paperTradeWhenKilled = setup.paperTradeWhenKilled ?? [];
    this.onOutcome = setup.onOutcome;
    const broker = this.broker;
    this.riskInputs = {
      ...setup.riskInputs,
      // One cost model: sizing prices a round trip as the broker will charge it.
      ...(broker.costPerSide === undefined ? {} : { costPerSide: (m: Market) => broker.costPerSide?.(m) ?? setup.riskInputs.config.slippagePerSide }),
    };
  }

  /** The combined book (every strategy, one account) or a strategy's own. */
  get combined(): boolean {
    return this.id === COMBINED_BOOK;
  }

  /** An event of the instant: fills, price exits, funding, marks. */
  onEvent(event: MarketEvent, nowMs: number, out: KernelRecord[]): void {
    this.brokerRecords(this.broker.onEvent(event, nowMs), nowMs, out);
  }

  /** Every event of the instant is in: time exits. */
  onInstantEnd(nowMs: number, out: KernelRecord[]): void {
    if (this.broker.onInstantEnd !== undefined) this.brokerRecords(this.broker.onInstantEnd(nowMs), nowMs, out);
  }

  /**
   * A signal this book trades: offered to the signal book (refusal → `open_signal`/`cooldown`),
   * checked against the lifecycle (killed → `shadow`), assessed by the risk layer on this book's
   * portfolio and, when accepted, submitted to its broker. Exactly one decision record.
   */
  takeSignal(signal: Signal, nowMs: number, out: KernelRecord[]): void {
    const offer = this.signalBook.offer(signal, nowMs);
    if (!offer.accepted) {
      const code = offer.reason === "open-signal" ? "open_signal" : "cooldown";
      const why =
        offer.reason === "open-signal"
          ? `${signal.strategy} already has an open signal on ${signal.market.key} until ${iso(offer.untilMs)}`
          : `${signal.strategy} on ${signal.market.key} is cooling down until ${iso(offer.untilMs)}`;
      this.decide(signal, refusal(signal, nowMs, code, why), nowMs, out);
      return;
    }
    const state = this.lifecycle?.[signal.strategy] ?? "candidate";
    const policy = { paperTradeWhenKilled: this.paperTradeWhenKilled.includes(signal.strategy) };
    if (!takesPaperPositions(state, policy)) {
      // Shadow mode: recorded, no position; the signal stays open in the book until its maximum
      // hold, as a traded one would, so the shadow record flaps no more than the live one.
      this.decide(signal, refusal(signal, nowMs, "shadow", `${signal.strategy} is ${state}: signal recorded in shadow mode, no paper position`), nowMs, out);
      return;
    }
    const decision = assessSignal(signal, nowMs, this.broker.portfolio(nowMs), this.riskInputs);
    if (decision.accepted) this.signalRefs.set(signal.id, { strategy: signal.strategy, market: signal.market });
    else this.signalBook.close(signal.strategy, signal.market, nowMs); // nothing will hold it open: the cooldown decides when the next may come
    this.decide(signal, decision, nowMs, out);
  }

  /** Ends a strategy's open signal on a market (a retired research-only leg). */
  closeSignal(strategy: string, m: Market, nowMs: number): void {
    this.signalBook.close(strategy, m, nowMs);
  }

  /** End of the input: the broker's end-of-data records. */
  finish(nowMs: number, out: KernelRecord[]): void {
    this.brokerRecords(this.broker.finish(nowMs), nowMs, out);
  }

  /** A snapshot taken at an open or close inside the instant `nowMs` is marked again with every market's latest price. */
  remark(nowMs: number): void {
    if (this.pendingEquity !== undefined && this.pendingEquity.tsMs === nowMs && this.broker.equityAt !== undefined) {
      this.pendingEquity = this.broker.equityAt(nowMs);
      this.lastEquityUsd = this.pendingEquity.equityUsd;
    }
  }

  /**
   * Emits the held equity snapshot if it is older than `beforeMs`. A strategy book skips a
   * snapshot that repeats its last one in every figure (a flat account, hour after hour): the
   * daily series carries the last snapshot forward, so no figure changes, and a strategy that
   * rarely trades does not journal a row per hour. The combined book keeps every snapshot (its
   * first and last bound a live journal's period).
   */
  releaseEquity(beforeMs: number, out: KernelRecord[]): void {
    const pending = this.pendingEquity;
    if (pending !== undefined && pending.tsMs < beforeMs) {
      this.pendingEquity = undefined;
      if (!this.combined) {
        if (this.lastReleased !== undefined && sameFigures(this.lastReleased, pending)) return;
        this.lastReleased = pending;
      }
      out.push({ kind: "equity", book: this.id, snapshot: pending });
    }
  }

  /** What a live checkpoint keeps beside the broker's snapshot. */
  carryState(): BookCarryState {
    const heldEntries = [...this.heldEntries].map(([positionId, records]) => ({
      positionId,
      orders: records.flatMap((r) => (r.kind === "order" ? [r.order] : [])),
      fills: records.flatMap((r) => (r.kind === "fill" ? [r.fill] : [])),
    }));
    return structuredClone({ heldEntries, pendingEquity: this.pendingEquity ?? null, ...(this.combined ? {} : { lastReleased: this.lastReleased ?? null }) });
  }

  /** Restores what {@link carryState} kept (a live warm restart). */
  restoreCarry(carry: BookCarryState): void {
    // Markets come back from JSON as plain objects; the interned ones keep reference equality.
    const m = (x: { venue: Market["venue"]; kind: Market["kind"]; symbol: string; base: string }): Market => market(x.venue, x.kind, x.symbol, x.base);
    for (const h of carry.heldEntries) {
      // An order is placed before any of its fills, so orders first keeps the journal's order.
      const records: KernelRecord[] = [
        ...h.orders.map((o): KernelRecord => ({ kind: "order", book: this.id, order: { ...o, market: m(o.market) } })),
        ...h.fills.map((f): KernelRecord => ({ kind: "fill", book: this.id, fill: { ...f, market: m(f.market) } })),
      ];
      this.heldEntries.set(h.positionId, records);
    }
    if (carry.pendingEquity !== null) {
      this.pendingEquity = { ...carry.pendingEquity };
      this.lastEquityUsd = carry.pendingEquity.equityUsd;
    }
    if (!this.combined && carry.lastReleased !== undefined && carry.lastReleased !== null) this.lastReleased = { ...carry.lastReleased };
  }

  /** The broker's state (JSON-safe), for a checkpoint and a live warm restart. */
  brokerSnapshot(): unknown {
    return this.broker.snapshot();
  }

  summary(): BookSummary {
    return {
      decisionsByCode: { ...this.decisionsByCode },
      refusalsByStrategy: Object.fromEntries(Object.entries(this.refusalsByStrategy).map(([k, v]) => [k, { ...v }])),
      positionsByStrategy: { ...this.positionsByStrategy },
      outcomesByStrategy: Object.fromEntries(Object.entries(this.outcomesByStrategy).map(([k, v]) => [k, { ...v }])),
      unfilledEntries: this.unfilledEntries,
      unfilledByCode: { ...this.unfilledByCode },
      equityUsd: this.lastEquityUsd,
    };
  }

  /** Records the decision and hands the signal to the broker (which may reverse an open position even when it is refused). */
  private decide(signal: Signal, decision: RiskDecision, nowMs: number, out: KernelRecord[]): void {
    out.push({ kind: "decision", book: this.id, decision });
    inc(this.decisionsByCode, decision.code);
    if (decision.code !== "ok") inc((this.refusalsByStrategy[signal.strategy] ??= {}), decision.code);
    this.brokerRecords(this.broker.onSignal(signal, decision, nowMs), nowMs, out);
  }

  private brokerRecords(records: readonly BrokerRecord[], nowMs: number, out: KernelRecord[]): void {
    const book = this.id;
    for (const r of records) {
      switch (r.kind) {
        case "order": {
          const held = this.heldEntries.get(r.order.positionId);
          if (held !== undefined) held.push({ kind: "order", book, order: r.order });
          else if (r.order.purpose === "entry") this.heldEntries.set(r.order.positionId, [{ kind: "order", book, order: r.order }]);
          else out.push({ kind: "order", book, order: r.order });
          break;
        }
        case "fill": {
          const held = this.heldEntries.get(r.fill.positionId);
          if (held !== undefined) held.push({ kind: "fill", book, fill: r.fill });
          else out.push({ kind: "fill", book, fill: r.fill });
          break;
        }
        case "orderUnfilled": {
          // The held entry order (and a leg's fill, if one leg priced) never reaches a position: the
          // order is journaled as unfilled instead, one record per leg; its signal ends in the book.
          this.heldEntries.delete(r.positionId);
          out.push({ kind: "unfilledOrder", book, unfilled: { order: r.order, tsMs: r.tsMs, code: r.code, reason: r.reason } });
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
          out.push(...held, { kind: "position", book, position: r.position });
          inc(this.positionsByStrategy, r.position.strategy);
          break;
        }
        case "positionClosed":
          out.push({ kind: "position", book, position: r.position });
          break;
        case "outcome": {
          out.push({ kind: "outcome", book, outcome: r.outcome });
          const o = (this.outcomesByStrategy[r.outcome.strategy] ??= { count: 0, pnlUsd: 0 });
          o.count += 1;
          o.pnlUsd += r.outcome.pnlUsd;
          this.onOutcome?.(r.outcome);
          this.endSignal(r.outcome.signalId, nowMs);
          break;
        }
        case "funding":
          out.push({ kind: "funding", book, payment: r.payment });
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
    this.signalBook.close(ref.strategy, ref.market, nowMs);
  }
}

/** Two snapshots that differ at most in their time. */
function sameFigures(a: EquitySnapshot, b: EquitySnapshot): boolean {
  return a.equityUsd === b.equityUsd && a.cashUsd === b.cashUsd && a.unrealizedUsd === b.unrealizedUsd && a.openPositions === b.openPositions && a.grossExposureUsd === b.grossExposureUsd;
}

function refusal(signal: Signal, nowMs: number, code: string, reason: string): RiskDecision {
  return { signalId: signal.id, tsMs: nowMs, accepted: false, code, reason, sz: undefined, notionalUsd: undefined };
}
