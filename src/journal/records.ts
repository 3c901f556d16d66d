import type { BookId } from "../core/index.ts";
import type { RiskDecision } from "../paper/index.ts";
import type { LifecycleState } from "../strategies/lifecycle.ts";
import type { Signal } from "../strategies/signal.ts";
import type { KernelRecord } from "../engine/kernel-record.ts";

/**
 * What one batch of events produced, as journal records. Each has a deterministic key; writing a
 * key twice is a bug (an error), except `position`, which is the position's latest state and is
 * rewritten as fees and funding accrue (see docs/JOURNAL.md).
 *
 * | kind       | key                       | table            |
 * | ---------- | ------------------------- | ---------------- |
 * | `signal`   | `signal.id`               | signals          |
 * | `decision` | (`decision.signalId`, book) | risk_decisions |
 * | `order`    | `order.id`                | orders           |
 * | `fill`     | `fill.id`                 | fills            |
 * | `position` | `position.id` (upsert)    | positions        |
 * | `outcome`  | `outcome.positionId`      | outcomes (and closes the position row) |
 * | `funding`  | (`positionId`, `tsMs`)    | funding_payments |
 * | `equity`   | (book, `snapshot.tsMs`)   | equity_snapshots |
 * | `unfilledOrder` | `unfilled.order.id`  | unfilled_orders (an entry that never filled: no position row) |
 */
// One union for what the kernel produces and what the journal stores (defined beside the kernel,
// which may not import the journal).
export type JournalRecord = KernelRecord;

export type JournalRecordKind = JournalRecord["kind"];

/**
 * Where a consumer of the event stream stands, written in the same transaction as the records
 * the events up to here produced. Resume: skip `eventsConsumed` events (or all events at or before
 * `lastEventMs`, when the input is time-keyed), restore `state`, continue.
 */
export interface Checkpoint {
  /** Which consumer (`replay`, `live`); one latest checkpoint is kept per name. */
  readonly name: string;
  /** Event time of the checkpoint, ms. */
  readonly tsMs: number;
  /** Events consumed from the input so far (all batches, all runs of this journal). */
  readonly eventsConsumed: number;
  /** Venue time of the last event consumed, ms. */
  readonly lastEventMs: number;
  /** Broker / engine state to restore, any JSON value (no NaN, Infinity or undefined). */
  readonly state: unknown;
}

/** Which paper book to read: a strategy id or `combined` (the default). */
export interface BookFilter {
  readonly book?: BookId;
}

/** In {@link Journal.signals}: each signal's decision in its strategy's own book. */
export const OWN_BOOK = "own";

/** A time range on a record's time column, ms: `fromMs` inclusive, `toMs` exclusive. Both optional. */
export interface TimeRange {
  readonly fromMs?: number;
  readonly toMs?: number;
}

/** Filter for {@link Journal.outcomes} (on `closedMs`) and {@link Journal.signals} (on `createdMs`). */
export interface StrategyTimeRange extends TimeRange {
  readonly strategy?: string;
  /** Default the combined book; for signals, `own` = each strategy's own book's decision. */
  readonly book?: BookId;
}

/** Filter for {@link Journal.fundingPayments} (on `tsMs`). */
export interface FundingFilter extends TimeRange, BookFilter {
  readonly positionId?: string;
}

/** A recorded signal and the risk layer's decision on it (`undefined`: none recorded). */
export interface JournalSignal {
  readonly signal: Signal;
  readonly decision: RiskDecision | undefined;
}

/** A strategy's lifecycle state since `sinceMs` (event or wall time of the decision, ms). */
export interface LifecycleEntry {
  readonly strategy: string;
  readonly state: LifecycleState;
  readonly sinceMs: number;
  readonly reason: string;
}

/** A strategy configuration seen by the journal. */
export interface StrategyVariant {
  readonly strategy: string;
  /** SHA-256 of the canonical JSON of the configuration (keys sorted), hex. */
  readonly configHash: string;
  readonly config: unknown;
  readonly firstSeenMs: number;
}

/** One run of a command that wrote to the journal. Times are wall-clock ms (the CLI's). */
export interface RunInfo {
  readonly runId: string;
  readonly command: string;
  readonly inputPaths: readonly string[];
  readonly config: unknown;
  readonly startedMs: number;
}
