import { createHash } from "node:crypto";
import { rmSync } from "node:fs";
import { DatabaseSync } from "node:sqlite";
import type { SQLInputValue, SQLOutputValue, StatementSync } from "node:sqlite";
import { COMBINED_BOOK, market as internMarket } from "../core/index.ts";
import type { BookId, Market, MarketKind, VenueName } from "../core/index.ts";
import type { OpenInterestSeriesPort } from "../metrics/oi-series-port.ts";
import type { EquitySnapshot, ExitReason, FundingPayment, OrderSide, Outcome, PaperPosition, PositionLeg, PositionSide, RiskDecision, UnfilledOrder } from "../paper/index.ts";
import { transition } from "../strategies/lifecycle.ts";
import type { LifecycleState, TransitionResult } from "../strategies/lifecycle.ts";
import type { Confidence, Signal, SignalLeg, SpreadPlan } from "../strategies/signal.ts";
import { JournalError } from "./errors.ts";
import { canonicalJson, toJson } from "./json.ts";
import { migrate, requireVersion, schemaVersion } from "./migrate.ts";
import { MIGRATIONS } from "./migrations/index.ts";
import { JournalOpenInterestSeries } from "./oi-series.ts";
import { acquireWriterLock, releaseWriterLock } from "./writer-lock.ts";
import { OWN_BOOK } from "./records.ts";
import type {
  BookFilter,
  Checkpoint,
  FundingFilter,
  JournalRecord,
  JournalSignal,
  LifecycleEntry,
  RunInfo,
  StrategyTimeRange,
  StrategyVariant,
  TimeRange,
} from "./records.ts";

/** How hard a commit waits for the disk. */
export type JournalSynchronous = "full" | "normal";

/** Options of {@link Journal.open}. */
export interface JournalOpenOptions {
  /** Open without writing: no migration, no WAL switch; writes throw. Default false. */
  readonly readonly?: boolean;
  /**
   * `full` (default): every commit is fsynced, so a committed batch survives a power cut as well
   * as a kill -9. `normal`: survives kill -9 (WAL is in the OS cache) but a power cut may drop the
   * last commits — the file stays consistent and a replay resumes from an earlier checkpoint.
   */
  readonly synchronous?: JournalSynchronous;
  /** How long a writer waits for another connection's lock before failing, ms. Default 5 000. */
  readonly busyTimeoutMs?: number;
  /**
   * Pages (4 KiB) the write-ahead log may hold before a commit copies them into the database file
   * (SQLite's `wal_autocheckpoint`). Default 1 000 (SQLite's, about 4 MB): a long live session keeps
   * a small -wal. A bulk replay passes more: fewer checkpoints, each of which is fsynced.
   */
  readonly walAutocheckpointPages?: number;
}

/**
 * SQLite's page cache per connection, KiB (`cache_size`; SQLite's default is 2 000 KiB). The
 * writes touch the tail of every table and index and the text-keyed indices all over: with the
 * default cache, most of a batch's page lookups go back to the -wal or the file. Allocated only as
 * pages are used.
 */
const CACHE_KIB = 65_536;

/**
 * The rows of one table in the current batch, in the order they came, written when the batch's
 * tables are written in order (parents first, see {@link Journal.writeBatch}). `values` holds the
 * rows' parameters, `width` per row. One prepared single-row INSERT per row: multi-row INSERTs
 * (4 or 32 rows a statement) measured slower here (bench/journal-cost.ts: 6.4–7.4 s of CPU for the
 * README's first session against 3.7 s), so the buffer only orders the writes.
 */
class RowBuffer {
  readonly values: SQLInputValue[] = [];
  private readonly statement: StatementSync;
  private readonly width: number;
  /** Rows of `values` already written. */
  private written = 0;

  /** `head`: `INSERT INTO t (a, b) VALUES `; `tail`: what follows the row (an ON CONFLICT clause), or "". */
  constructor(db: DatabaseSync, head: string, width: number, tail = "") {
    this.width = width;
    this.statement = db.prepare(`${head}(${new Array<string>(width).fill("?").join(", ")})${tail}`);
  }

  /** Rows in the buffer, written or not. */
  get rows(): number {
    return this.values.length / this.width;
  }

  /** Rows of the buffer already written. */
  get writtenRows(): number {
    return this.written;
  }

  /** Writes the rows not yet written, up to row `end` (default: all). @returns SQLite's count of rows inserted or updated. */
  flush(end = this.rows): number {
    let changes = 0;
    const width = this.width;
    for (; this.written < end; this.written += 1) {
      changes += Number(this.statement.run(...this.values.slice(this.written * width, (this.written + 1) * width)).changes);
    }
    return changes;
  }

  /** Empties the buffer (for the next batch, or after a rollback). */
  clear(): void {
    this.values.length = 0;
    this.written = 0;
  }
}

/** Columns of a `positions` row as the batch writer inserts it (its `id` first). */
const POSITION_COLUMNS = 13;

/** An outcome's closing of its position, after the position rows before it in the batch. */
interface PositionClose {
  /** Position rows of the batch that came before the outcome. */
  readonly positionRowsBefore: number;
  readonly params: readonly SQLInputValue[];
}

/** The batch writer's buffers, one per table it inserts into (see {@link Journal.writeBatch}). */
interface BatchBuffers {
  readonly signals: RowBuffer;
  readonly decisions: RowBuffer;
  readonly orders: RowBuffer;
  readonly fills: RowBuffer;
  readonly positions: RowBuffer;
  readonly outcomes: RowBuffer;
  readonly funding: RowBuffer;
  readonly unfilled: RowBuffer;
  readonly equity: RowBuffer;
  readonly oi: RowBuffer;
  readonly closes: PositionClose[];
}

type Row = Record<string, SQLOutputValue>;

const SAFE_MIN = Number.MIN_SAFE_INTEGER;
const SAFE_MAX = Number.MAX_SAFE_INTEGER;

/**
 * The SQLite journal: one file, WAL mode, numbered migrations, one transaction per batch of
 * events. Synchronous (node:sqlite), so the pure engine can call the open-interest port directly.
 * Times are ms since epoch (UTC), money USD, sizes coins. See docs/JOURNAL.md.
 */
export class Journal {
  /** The journal file. */
  readonly path: string;
  readonly readonly: boolean;
  private readonly db: DatabaseSync;
  private readonly statements = new Map<string, StatementSync>();
  /** Market keys known to be in `markets` (cleared on rollback, when that may no longer hold). */
  private readonly knownMarkets = new Set<string>();
  private readonly marketCache = new Map<string, Market>();
  private readonly oi: JournalOpenInterestSeries;
  /** The batch writer's per-table buffers, made at the first batch. */
  private batchBuffers: BatchBuffers | undefined;

  private constructor(path: string, db: DatabaseSync, readonly: boolean) {
    this.path = path;
    this.db = db;
    this.readonly = readonly;
    this.oi = new JournalOpenInterestSeries((coin, fromMs) =>
      this.all("SELECT ts_ms, open_interest FROM oi_history WHERE coin = ? AND ts_ms >= ? ORDER BY ts_ms", coin, fromMs).map((r) => ({
        tsMs: num(r, "ts_ms"),
        openInterest: num(r, "open_interest"),
      })),
    );
  }

  /**
   * Opens (creating if needed) the journal at `path` and migrates it to the code's schema.
   * Reads the wall clock once, for `schema_migrations.applied_ms` (the journal is an edge).
   * @throws JournalError when the file cannot be opened, is not a journal, is newer than this
   *   code, or (read-only) is older than this code; or (writable) when another live process has
   *   it open for writing ("in use by pid N", see writer-lock.ts).
   */
  /**
   * Opens a journal to read it (`report`, `serve`). One written by an older version is first
   * migrated: opened once read-write, which takes the writer lock, so a journal another process
   * is writing is refused ("in use by pid N") rather than changed under it; `onMigrated` is told.
   * @throws JournalError as {@link open}.
   */
  static openForReading(path: string, onMigrated?: (path: string) => void): Journal {
    const db = new DatabaseSync(path, { readOnly: true });
    let older: boolean;
    try {
      older = schemaVersion(db, path) < (MIGRATIONS.at(-1)?.version ?? 0);
    } catch (error) {
      if (error instanceof JournalError) throw error;
      throw new JournalError(path, `cannot be opened read-only: ${(error as Error).message}`, { cause: error });
    } finally {
      db.close();
    }
    if (older) {
      Journal.open(path).close();
      onMigrated?.(path);
    }
    return Journal.open(path, { readonly: true });
  }

  static open(path: string, options: JournalOpenOptions = {}): Journal {
    const readonly = options.readonly ?? false;
    // Before SQLite creates the file: a journal in use by another process is not touched.
    if (!readonly) acquireWriterLock(path);
    let db: DatabaseSync;
    try {
      db = new DatabaseSync(path, { readOnly: readonly });
    } catch (error) {
      if (!readonly) releaseWriterLock(path);
      throw new JournalError(path, `cannot be opened${readonly ? " read-only" : ""}: ${(error as Error).message}`, { cause: error });
    }
    try {
      db.exec(`PRAGMA busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs ?? 5_000))}`);
      db.exec(`PRAGMA cache_size = -${CACHE_KIB}`);
      if (readonly) {
        requireVersion(db, path, MIGRATIONS);
      } else {
        const mode = db.prepare("PRAGMA journal_mode = WAL").get();
        if (mode?.["journal_mode"] !== "wal") throw new JournalError(path, `cannot switch to WAL mode (got ${String(mode?.["journal_mode"])})`);
        db.exec(`PRAGMA synchronous = ${(options.synchronous ?? "full") === "full" ? "FULL" : "NORMAL"}`);
        db.exec(`PRAGMA wal_autocheckpoint = ${Math.max(1, Math.floor(options.walAutocheckpointPages ?? 1_000))}`);
        db.exec("PRAGMA foreign_keys = ON");
        migrate(db, path, MIGRATIONS, Date.now());
      }
    } catch (error) {
      db.close();
      if (!readonly) releaseWriterLock(path);
      if (error instanceof JournalError) throw error;
      throw new JournalError(path, `cannot be opened: ${(error as Error).message}`, { cause: error });
    }
    return new Journal(path, db, readonly);
  }

  /** Closes the file. Open-interest samples appended since the last batch are dropped (see {@link openInterestSeries}). */
  close(): void {
    if (!this.db.isOpen) return;
    this.db.close();
    if (!this.readonly) releaseWriterLock(this.path);
  }

  /**
   * Deletes the journal at `path` (with its -wal, -shm and lock files) when it holds no run: for
   * a command that created it and then failed before its run began (offline at start, an unknown
   * coin), so that no empty journal is left behind. A journal with a run, or one that is not ours
   * or in use, is kept.
   * @returns whether it was deleted
   */
  static removeIfNeverRun(path: string): boolean {
    let journal: Journal;
    try {
      journal = Journal.open(path);
    } catch {
      return false;
    }
    let runs: number;
    try {
      runs = journal.runCount();
    } finally {
      journal.close();
    }
    if (runs > 0) return false;
    for (const suffix of ["", "-wal", "-shm"]) rmSync(`${path}${suffix}`, { force: true });
    return true;
  }

  /** Runs recorded (`startRun`): 0 for a journal that never got as far as a run. */
  runCount(): number {
    return num(this.get("SELECT count(*) AS n FROM runs")!, "n");
  }

  // ─── writes ──────────────────────────────────────────────────────────────────────────────

  /**
   * Writes the records of one batch of events, the open-interest samples appended since the
   * last batch, and `checkpoint`, in ONE transaction: after a crash the journal holds all of it
   * or none of it.
   *
   * The records are gathered per table and written table by table, parents first (signals,
   * decisions, positions, orders, fills, outcomes, ...), each table's rows in the order they came
   * (positions and the outcomes that close them in their own order), so that no deferred foreign
   * key ever waits for a row later in the batch. Should that fail, the transaction is rolled back
   * and the batch written again one record at a time in the order given, which names the record
   * at fault (or commits, if the failure was passing): the fast path never decides what is
   * accepted, only how fast.
   * @throws JournalError when a record breaks an invariant (duplicate key, reference to a row
   *   never written, non-finite number); the whole batch is rolled back. That is a producer bug.
   */
  writeBatch(records: readonly JournalRecord[], checkpoint?: Checkpoint): void {
    this.requireWritable();
    const pending = this.oi.pendingSamples();
    const pendingCount = pending.length;
    try {
      this.batchTransaction(() => this.writeBuffered(records, pending, pendingCount, checkpoint));
    } catch {
      this.batchTransaction(() => this.writeOneByOne(records, pending, pendingCount, checkpoint));
    }
    this.oi.committed(pendingCount);
  }

  /** One batch's transaction: `work`, then COMMIT (where the deferred foreign keys are checked); rolled back on any error. */
  private batchTransaction(work: () => void): void {
    this.db.exec("BEGIN IMMEDIATE");
    try {
      work();
      try {
        this.db.exec("COMMIT");
      } catch (error) {
        // Deferred foreign keys are checked here: a batch that references a row never written.
        throw new JournalError(this.path, `batch cannot be committed: ${(error as Error).message}`, { cause: error });
      }
    } catch (error) {
      if (this.db.isTransaction) this.db.exec("ROLLBACK");
      this.knownMarkets.clear();
      throw error;
    }
  }

  /** The fast path of {@link writeBatch}: table by table, parents first; reports no record (the caller writes the batch again one by one when it throws). */
  private writeBuffered(records: readonly JournalRecord[], pending: ReturnType<JournalOpenInterestSeries["pendingSamples"]>, pendingCount: number, checkpoint: Checkpoint | undefined): void {
    const b = (this.batchBuffers ??= this.createBuffers());
    this.clearBuffers(b);
    for (let i = 0; i < records.length; i += 1) this.bufferRecord(records[i]!, b);
    for (let i = 0; i < pendingCount; i += 1) {
      const p = pending[i]!;
      b.oi.values.push(p.coin, p.sample.tsMs, p.sample.openInterest);
    }
    this.flushBuffers(b);
    if (checkpoint !== undefined) this.writeCheckpoint(checkpoint);
    this.clearBuffers(b);
  }

  /**
   * Writes the buffered rows, parents before children, so that the deferred foreign keys never
   * wait on a row: SQLite then never looks for a new parent's children (some, such as orders by
   * signal, have no index). An outcome's closing of its position runs after the position rows
   * that came before it. `outcomesFirst`: the outcome rows before the positions (one record on its
   * own, where a duplicate outcome must fail as one).
   */
  private flushBuffers(b: BatchBuffers, outcomesFirst = false): void {
    b.signals.flush();
    b.decisions.flush();
    if (outcomesFirst) b.outcomes.flush();
    const close = this.stmt("UPDATE positions SET closed_ms = ?, exit_reason = ? WHERE id = ? AND closed_ms IS NULL AND book = ?");
    for (const c of b.closes) {
      this.flushPositions(b, c.positionRowsBefore);
      if (close.run(...c.params).changes !== 1) throw new Error(`outcome for position ${c.params[2] as string}, which is not an open position of book ${c.params[3] as string} in the journal`);
    }
    this.flushPositions(b, b.positions.rows);
    b.orders.flush();
    b.fills.flush();
    b.outcomes.flush();
    b.funding.flush();
    b.unfilled.flush();
    b.equity.flush();
    b.oi.flush();
  }

  private clearBuffers(b: BatchBuffers): void {
    for (const buffer of [b.signals, b.decisions, b.orders, b.fills, b.positions, b.outcomes, b.funding, b.unfilled, b.equity, b.oi]) buffer.clear();
    b.closes.length = 0;
  }

  /** The reference path of {@link writeBatch}: one record at a time, in order, naming the record that fails. */
  private writeOneByOne(records: readonly JournalRecord[], pending: ReturnType<JournalOpenInterestSeries["pendingSamples"]>, pendingCount: number, checkpoint: Checkpoint | undefined): void {
    records.forEach((record, i) => {
      try {
        this.writeRecord(record);
      } catch (error) {
        throw new JournalError(this.path, `batch record ${i} (${describeRecord(record)}): ${(error as Error).message}`, { cause: error });
      }
    });
    const insertOi = this.stmt("INSERT INTO oi_history (coin, ts_ms, open_interest) VALUES (?, ?, ?)");
    for (let i = 0; i < pendingCount; i += 1) {
      const p = pending[i]!;
      try {
        insertOi.run(p.coin, p.sample.tsMs, p.sample.openInterest);
      } catch (error) {
        throw new JournalError(this.path, `open interest ${p.coin} at ${p.sample.tsMs}: ${(error as Error).message}`, { cause: error });
      }
    }
    if (checkpoint !== undefined) this.writeCheckpoint(checkpoint);
  }

  /**
   * Sets a strategy's lifecycle state from `tsMs`, in its own transaction (a lifecycle change is
   * a decision about the strategy, not a product of a batch of events). The first state of a
   * strategy may be any; later ones must follow the lifecycle's transitions.
   * @returns the new state, or why the move is not allowed (nothing is written then).
   */
  setLifecycle(strategy: string, state: LifecycleState, tsMs: number, reason: string): TransitionResult {
    this.requireWritable();
    return this.inTransaction(() => {
      const current = this.currentLifecycle(strategy);
      if (current !== undefined) {
        const result = transition(current.state, state);
        if (!result.ok) return result;
        if (tsMs <= current.sinceMs) {
          return { ok: false, reason: `${strategy} is ${current.state} since ${current.sinceMs}; a change at ${tsMs} would go back in time` };
        }
      }
      this.stmt("INSERT INTO strategy_lifecycle (strategy, since_ms, state, reason) VALUES (?, ?, ?, ?)").run(strategy, tsMs, state, reason);
      return { ok: true, state };
    });
  }

  /**
   * Records that `strategy` ran with `config` (a new variant if this configuration was never seen
   * for it). Seeing a known variant again changes nothing: every run records its variants.
   * @param seenMs when it was seen, ms (kept only for the first sighting).
   */
  recordVariant(strategy: string, config: unknown, seenMs: number): StrategyVariant & { readonly isNew: boolean } {
    this.requireWritable();
    const configJson = canonicalJson(config);
    const configHash = createHash("sha256").update(configJson).digest("hex");
    const result = this.stmt(
      "INSERT INTO strategy_variants (strategy, config_hash, config_json, first_seen_ms) VALUES (?, ?, ?, ?) ON CONFLICT (strategy, config_hash) DO NOTHING",
    ).run(strategy, configHash, configJson, seenMs);
    const row = this.get("SELECT first_seen_ms FROM strategy_variants WHERE strategy = ? AND config_hash = ?", strategy, configHash);
    return { strategy, configHash, config: JSON.parse(configJson) as unknown, firstSeenMs: num(row!, "first_seen_ms"), isNew: result.changes === 1 };
  }

  /** Records the start of a run (its own transaction). @throws JournalError when `runId` exists. */
  startRun(run: RunInfo): void {
    this.requireWritable();
    try {
      this.stmt("INSERT INTO runs (run_id, command, input_paths_json, config_json, started_ms) VALUES (?, ?, ?, ?, ?)").run(
        run.runId,
        run.command,
        toJson(run.inputPaths),
        toJson(run.config),
        run.startedMs,
      );
    } catch (error) {
      throw new JournalError(this.path, `run ${run.runId}: ${(error as Error).message}`, { cause: error });
    }
  }

  /** Records the end of a run, wall-clock ms. */
  finishRun(runId: string, finishedMs: number): void {
    this.requireWritable();
    this.stmt("UPDATE runs SET finished_ms = ? WHERE run_id = ?").run(finishedMs, runId);
  }

  // ─── reads ───────────────────────────────────────────────────────────────────────────────

  /** The open-interest series port on this journal (one instance per journal). */
  openInterestSeries(): OpenInterestSeriesPort {
    return this.oi;
  }

  /** The latest checkpoint of consumer `name`, or `undefined` when it never committed one (start from the beginning). */
  latestCheckpoint(name: string): Checkpoint | undefined {
    const row = this.get("SELECT name, ts_ms, events_consumed, last_event_ms, state_json FROM checkpoints WHERE name = ?", name);
    if (row === undefined) return undefined;
    return {
      name: str(row, "name"),
      tsMs: num(row, "ts_ms"),
      eventsConsumed: num(row, "events_consumed"),
      lastEventMs: num(row, "last_event_ms"),
      state: JSON.parse(str(row, "state_json")) as unknown,
    };
  }

  /**
   * The books that hold rows, `combined` first, then strategy books by name. A journal written
   * before books existed has only `combined`.
   */
  books(): BookId[] {
    const rows = this.all("SELECT DISTINCT book FROM equity_snapshots UNION SELECT DISTINCT book FROM risk_decisions");
    const names = rows.map((r) => str(r, "book")).filter((b) => b !== COMBINED_BOOK).sort();
    return [COMBINED_BOOK, ...names];
  }

  /** A book's positions not closed by an outcome, oldest first (default the combined book). */
  openPositions(filter: BookFilter = {}): PaperPosition[] {
    return this.all("SELECT * FROM positions WHERE closed_ms IS NULL AND book = ? ORDER BY opened_ms, id", filter.book ?? COMBINED_BOOK).map((r) => this.positionFrom(r));
  }

  /** A book's outcomes by close time (`fromMs` inclusive, `toMs` exclusive), oldest first (default the combined book). */
  outcomes(filter: StrategyTimeRange = {}): Outcome[] {
    const { where, params } = whereClause("closed_ms", filter, [["book", filter.book ?? COMBINED_BOOK], ...(filter.strategy === undefined ? [] : [["strategy", filter.strategy] as const])]);
    return this.all(`SELECT * FROM outcomes${where} ORDER BY closed_ms, position_id`, ...params).map((r) => this.outcomeFrom(r));
  }

  /** A book's equity snapshots by time (`fromMs` inclusive, `toMs` exclusive), oldest first (default the combined book). */
  equitySnapshots(range: TimeRange & BookFilter = {}): EquitySnapshot[] {
    const { where, params } = whereClause("ts_ms", range, [["book", range.book ?? COMBINED_BOOK]]);
    return this.all(`SELECT * FROM equity_snapshots${where} ORDER BY ts_ms`, ...params).map((r) => this.equityFrom(r));
  }

  /**
   * Signals (taken or not) with a book's risk decision, by creation time, oldest first (default
   * the combined book's decision; `book: "own"` each signal's strategy's own book's).
   */
  signals(filter: StrategyTimeRange = {}): JournalSignal[] {
    const { where, params } = whereClause("s.created_ms", filter, filter.strategy === undefined ? [] : [["s.strategy", filter.strategy]]);
    const own = filter.book === OWN_BOOK;
    const sql =
      "SELECT s.*, d.ts_ms AS d_ts_ms, d.accepted AS d_accepted, d.code AS d_code, d.reason AS d_reason, d.sz AS d_sz, d.notional_usd AS d_notional_usd " +
      `FROM signals s LEFT JOIN risk_decisions d ON d.signal_id = s.id AND d.book = ${own ? "s.strategy" : "?"}${where} ORDER BY s.created_ms, s.id`;
    return this.all(sql, ...(own ? [] : [filter.book ?? COMBINED_BOOK]), ...params).map((r) => ({ signal: this.signalFrom(r), decision: decisionFrom(r) }));
  }

  /** A book's entry orders that never filled, by the time they gave up (`fromMs` inclusive, `toMs` exclusive), oldest first (default the combined book). */
  unfilledOrders(range: TimeRange & BookFilter = {}): UnfilledOrder[] {
    const { where, params } = whereClause("ts_ms", range, [["book", range.book ?? COMBINED_BOOK]]);
    return this.all(`SELECT * FROM unfilled_orders${where} ORDER BY ts_ms, order_id`, ...params).map((r) => ({
      order: {
        id: str(r, "order_id"),
        signalId: str(r, "signal_id"),
        positionId: str(r, "position_id"),
        legIndex: num(r, "leg_index"),
        market: this.marketOf(str(r, "market")),
        side: str(r, "side") as OrderSide,
        sz: num(r, "sz"),
        tsMs: num(r, "placed_ms"),
        purpose: "entry",
      },
      tsMs: num(r, "ts_ms"),
      code: str(r, "code"),
      reason: str(r, "reason"),
    }));
  }

  /** A book's funding payments by settlement time, oldest first (default the combined book). */
  fundingPayments(filter: FundingFilter = {}): FundingPayment[] {
    const { where, params } = whereClause("ts_ms", filter, [["book", filter.book ?? COMBINED_BOOK], ...(filter.positionId === undefined ? [] : [["position_id", filter.positionId] as const])]);
    return this.all(`SELECT * FROM funding_payments${where} ORDER BY ts_ms, position_id`, ...params).map((r) => ({
      positionId: str(r, "position_id"),
      market: this.marketOf(str(r, "market")),
      tsMs: num(r, "ts_ms"),
      rate: num(r, "rate"),
      oraclePx: num(r, "oracle_px"),
      sz: num(r, "sz"),
      amountUsd: num(r, "amount_usd"),
    }));
  }

  /** The current lifecycle state of every strategy that has one, by strategy name. */
  lifecycle(): LifecycleEntry[] {
    return this.all(
      "SELECT l.* FROM strategy_lifecycle l WHERE l.since_ms = (SELECT max(since_ms) FROM strategy_lifecycle WHERE strategy = l.strategy) ORDER BY l.strategy",
    ).map(lifecycleFrom);
  }

  /** Every lifecycle change of `strategy` (or of all strategies), oldest first. */
  lifecycleHistory(strategy?: string): LifecycleEntry[] {
    return strategy === undefined
      ? this.all("SELECT * FROM strategy_lifecycle ORDER BY since_ms, strategy").map(lifecycleFrom)
      : this.all("SELECT * FROM strategy_lifecycle WHERE strategy = ? ORDER BY since_ms", strategy).map(lifecycleFrom);
  }

  /** The configurations tried (one row per strategy and configuration), by strategy then first sighting. */
  variants(strategy?: string): StrategyVariant[] {
    const rows =
      strategy === undefined
        ? this.all("SELECT * FROM strategy_variants ORDER BY strategy, first_seen_ms, config_hash")
        : this.all("SELECT * FROM strategy_variants WHERE strategy = ? ORDER BY first_seen_ms, config_hash", strategy);
    return rows.map((r) => ({ strategy: str(r, "strategy"), configHash: str(r, "config_hash"), config: JSON.parse(str(r, "config_json")) as unknown, firstSeenMs: num(r, "first_seen_ms") }));
  }

  /** How many distinct configurations were tried, for one strategy or all (the deflated Sharpe ratio's trial count). */
  variantCount(strategy?: string): number {
    const row =
      strategy === undefined
        ? this.get("SELECT count(*) AS n FROM strategy_variants")
        : this.get("SELECT count(*) AS n FROM strategy_variants WHERE strategy = ?", strategy);
    return num(row!, "n");
  }

  // ─── internals ───────────────────────────────────────────────────────────────────────────

  private createBuffers(): BatchBuffers {
    const db = this.db;
    return {
      signals: new RowBuffer(
        db,
        "INSERT INTO signals (id, strategy, market, side, confidence, entry_px, stop_px, target_px, max_hold_ms, created_ms, expiry_ms, reason, inputs_json, legs_json, spread_json, executable) VALUES ",
        16,
      ),
      decisions: new RowBuffer(db, "INSERT INTO risk_decisions (signal_id, book, ts_ms, accepted, code, reason, sz, notional_usd) VALUES ", 8),
      orders: new RowBuffer(db, "INSERT INTO orders (id, book, signal_id, position_id, leg_index, market, side, sz, ts_ms, purpose) VALUES ", 10),
      fills: new RowBuffer(
        db,
        "INSERT INTO fills (id, book, order_id, position_id, leg_index, market, side, px, sz, fee_usd, liquidity, slippage_usd, ts_ms, model, partial) VALUES ",
        15,
      ),
      positions: new RowBuffer(
        db,
        "INSERT INTO positions (id, book, signal_id, strategy, legs_json, opened_ms, stop_px, target_px, max_hold_ms, entry_notional_usd, fees_usd, funding_usd, slippage_usd) VALUES ",
        POSITION_COLUMNS,
        " ON CONFLICT (id) DO UPDATE SET " +
          "legs_json = excluded.legs_json, stop_px = excluded.stop_px, target_px = excluded.target_px, max_hold_ms = excluded.max_hold_ms, " +
          "entry_notional_usd = excluded.entry_notional_usd, fees_usd = excluded.fees_usd, funding_usd = excluded.funding_usd, slippage_usd = excluded.slippage_usd " +
          "WHERE positions.signal_id = excluded.signal_id AND positions.strategy = excluded.strategy AND positions.opened_ms = excluded.opened_ms AND positions.book = excluded.book",
      ),
      outcomes: new RowBuffer(
        db,
        "INSERT INTO outcomes (position_id, book, signal_id, strategy, market, side, opened_ms, closed_ms, hold_ms, entry_notional_usd, pnl_usd, pnl_pct, gross_pnl_usd, fees_usd, funding_usd, slippage_usd, exit_reason) VALUES ",
        17,
      ),
      funding: new RowBuffer(db, "INSERT INTO funding_payments (position_id, book, ts_ms, market, rate, oracle_px, sz, amount_usd) VALUES ", 8),
      unfilled: new RowBuffer(db, "INSERT INTO unfilled_orders (order_id, book, signal_id, position_id, leg_index, market, side, sz, placed_ms, ts_ms, code, reason) VALUES ", 12),
      equity: new RowBuffer(db, "INSERT INTO equity_snapshots (book, ts_ms, equity_usd, cash_usd, unrealized_usd, open_positions, gross_exposure_usd) VALUES ", 7),
      oi: new RowBuffer(db, "INSERT INTO oi_history (coin, ts_ms, open_interest) VALUES ", 3),
      closes: [],
    };
  }

  /**
   * Adds a record's row to its table's buffer: the same values {@link writeRecord} writes. An
   * outcome also closes its position: that UPDATE runs after the position rows that came before it.
   */
  private bufferRecord(record: JournalRecord, b: BatchBuffers): void {
    const book = record.kind === "signal" ? COMBINED_BOOK : (record.book ?? COMBINED_BOOK);
    switch (record.kind) {
      case "signal": {
        const s = record.signal;
        this.ensureMarket(s.market);
        for (const leg of s.legs) this.ensureMarket(leg.market);
        b.signals.values.push(
          s.id,
          s.strategy,
          s.market.key,
          s.side,
          s.confidence,
          s.entryPx,
          s.stopPx,
          s.targetPx,
          s.maxHoldMs,
          s.createdMs,
          s.expiryMs,
          s.reason,
          toJson({ metrics: s.metrics, thresholds: s.thresholds }),
          toJson(s.legs.map((l) => ({ market: l.market.key, side: l.side, entryPx: l.entryPx }))),
          s.spread === undefined ? null : toJson(s.spread),
          s.executable ? 1 : 0,
        );
        return;
      }
      case "decision": {
        const d = record.decision;
        b.decisions.values.push(d.signalId, book, d.tsMs, d.accepted ? 1 : 0, d.code, d.reason, d.sz ?? null, d.notionalUsd ?? null);
        return;
      }
      case "order": {
        const o = record.order;
        this.ensureMarket(o.market);
        b.orders.values.push(o.id, book, o.signalId, o.positionId, o.legIndex, o.market.key, o.side, o.sz, o.tsMs, o.purpose);
        return;
      }
      case "fill": {
        const f = record.fill;
        this.ensureMarket(f.market);
        b.fills.values.push(f.id, book, f.orderId, f.positionId, f.legIndex, f.market.key, f.side, f.px, f.sz, f.feeUsd, f.liquidity, f.slippageUsd, f.tsMs, f.model, f.partial ? 1 : 0);
        return;
      }
      case "position": {
        const p = record.position;
        for (const leg of p.legs) this.ensureMarket(leg.market);
        b.positions.values.push(
          p.id,
          book,
          p.signalId,
          p.strategy,
          toJson(p.legs.map((l) => ({ market: l.market.key, side: l.side, sz: l.sz, entryPx: l.entryPx }))),
          p.openedMs,
          p.stopPx,
          p.targetPx,
          p.maxHoldMs,
          p.entryNotionalUsd,
          p.feesUsd,
          p.fundingUsd,
          p.slippageUsd,
        );
        return;
      }
      case "outcome": {
        const o = record.outcome;
        this.ensureMarket(o.market);
        b.closes.push({ positionRowsBefore: b.positions.rows, params: [o.closedMs, o.exitReason, o.positionId, book] });
        b.outcomes.values.push(
          o.positionId,
          book,
          o.signalId,
          o.strategy,
          o.market.key,
          o.side,
          o.openedMs,
          o.closedMs,
          o.holdMs,
          o.entryNotionalUsd,
          o.pnlUsd,
          o.pnlPct,
          o.grossPnlUsd,
          o.feesUsd,
          o.fundingUsd,
          o.slippageUsd,
          o.exitReason,
        );
        return;
      }
      case "funding": {
        const f = record.payment;
        this.ensureMarket(f.market);
        b.funding.values.push(f.positionId, book, f.tsMs, f.market.key, f.rate, f.oraclePx, f.sz, f.amountUsd);
        return;
      }
      case "unfilledOrder": {
        const { order: o, tsMs, code, reason } = record.unfilled;
        this.ensureMarket(o.market);
        b.unfilled.values.push(o.id, book, o.signalId, o.positionId, o.legIndex, o.market.key, o.side, o.sz, o.tsMs, tsMs, code, reason);
        return;
      }
      case "equity": {
        const e = record.snapshot;
        b.equity.values.push(book, e.tsMs, e.equityUsd, e.cashUsd, e.unrealizedUsd, e.openPositions, e.grossExposureUsd);
        return;
      }
    }
  }

  /** Writes the batch's position rows up to row `end`; each must insert or rewrite one position (a rewrite may not change signal, strategy, opening time or book). */
  private flushPositions(b: BatchBuffers, end: number): void {
    for (let row = b.positions.writtenRows; row < end; row += 1) {
      if (b.positions.flush(row + 1) !== 1) throw new Error(`position ${b.positions.values[row * POSITION_COLUMNS] as string} was rewritten with a different signal, strategy, opening time or book`);
    }
  }

  /** One record on its own, through the same buffers as a batch (so both write the same rows). */
  private writeRecord(record: JournalRecord): void {
    const b = (this.batchBuffers ??= this.createBuffers());
    this.clearBuffers(b);
    try {
      this.bufferRecord(record, b);
      // An outcome's own row first: a second outcome for a position is named as such (UNIQUE), not as a close of a closed position.
      this.flushBuffers(b, true);
    } finally {
      this.clearBuffers(b);
    }
  }

  private writeCheckpoint(c: Checkpoint): void {
    // One row per consumer, replaced in the same transaction as the records it covers.
    this.stmt(
      "INSERT INTO checkpoints (name, ts_ms, events_consumed, last_event_ms, state_json) VALUES (?, ?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET " +
        "ts_ms = excluded.ts_ms, events_consumed = excluded.events_consumed, last_event_ms = excluded.last_event_ms, state_json = excluded.state_json",
    ).run(c.name, c.tsMs, c.eventsConsumed, c.lastEventMs, toJson(c.state));
  }

  private ensureMarket(m: Market): void {
    if (this.knownMarkets.has(m.key)) return;
    this.stmt("INSERT INTO markets (key, venue, kind, symbol, base) VALUES (?, ?, ?, ?, ?) ON CONFLICT (key) DO NOTHING").run(m.key, m.venue, m.kind, m.symbol, m.base);
    this.knownMarkets.add(m.key);
    this.marketCache.set(m.key, m);
  }

  private marketOf(key: string): Market {
    const cached = this.marketCache.get(key);
    if (cached !== undefined) return cached;
    const row = this.get("SELECT venue, kind, symbol, base FROM markets WHERE key = ?", key);
    if (row === undefined) throw new JournalError(this.path, `market ${key} is referenced but not in the markets table`);
    const m = internMarket(str(row, "venue") as VenueName, str(row, "kind") as MarketKind, str(row, "symbol"), str(row, "base"));
    this.marketCache.set(key, m);
    return m;
  }

  private currentLifecycle(strategy: string): LifecycleEntry | undefined {
    const row = this.get("SELECT * FROM strategy_lifecycle WHERE strategy = ? ORDER BY since_ms DESC LIMIT 1", strategy);
    return row === undefined ? undefined : lifecycleFrom(row);
  }

  private positionFrom(r: Row): PaperPosition {
    const legs = (JSON.parse(str(r, "legs_json")) as { market: string; side: PositionSide; sz: number; entryPx: number }[]).map(
      (l): PositionLeg => ({ market: this.marketOf(l.market), side: l.side, sz: l.sz, entryPx: l.entryPx }),
    );
    return {
      id: str(r, "id"),
      signalId: str(r, "signal_id"),
      strategy: str(r, "strategy"),
      legs,
      openedMs: num(r, "opened_ms"),
      stopPx: num(r, "stop_px"),
      targetPx: num(r, "target_px"),
      maxHoldMs: num(r, "max_hold_ms"),
      entryNotionalUsd: num(r, "entry_notional_usd"),
      feesUsd: num(r, "fees_usd"),
      fundingUsd: num(r, "funding_usd"),
      slippageUsd: num(r, "slippage_usd"),
    };
  }

  private outcomeFrom(r: Row): Outcome {
    return {
      positionId: str(r, "position_id"),
      signalId: str(r, "signal_id"),
      strategy: str(r, "strategy"),
      market: this.marketOf(str(r, "market")),
      side: str(r, "side") as PositionSide,
      openedMs: num(r, "opened_ms"),
      closedMs: num(r, "closed_ms"),
      holdMs: num(r, "hold_ms"),
      entryNotionalUsd: num(r, "entry_notional_usd"),
      pnlUsd: num(r, "pnl_usd"),
      pnlPct: num(r, "pnl_pct"),
      grossPnlUsd: num(r, "gross_pnl_usd"),
      feesUsd: num(r, "fees_usd"),
      fundingUsd: num(r, "funding_usd"),
      slippageUsd: num(r, "slippage_usd"),
      exitReason: str(r, "exit_reason") as ExitReason,
    };
  }

  private signalFrom(r: Row): Signal {
    const inputs = JSON.parse(str(r, "inputs_json")) as { metrics: Record<string, number>; thresholds: Record<string, number> };
    const legs = (JSON.parse(str(r, "legs_json")) as { market: string; side: SignalLeg["side"]; entryPx: number }[]).map(
      (l): SignalLeg => ({ market: this.marketOf(l.market), side: l.side, entryPx: l.entryPx }),
    );
    const spreadJson = r["spread_json"];
    const base: Signal = {
      id: str(r, "id"),
      strategy: str(r, "strategy"),
      market: this.marketOf(str(r, "market")),
      legs,
      side: str(r, "side") as Signal["side"],
      confidence: str(r, "confidence") as Confidence,
      entryPx: num(r, "entry_px"),
      stopPx: num(r, "stop_px"),
      targetPx: num(r, "target_px"),
      maxHoldMs: num(r, "max_hold_ms"),
      createdMs: num(r, "created_ms"),
      expiryMs: num(r, "expiry_ms"),
      reason: str(r, "reason"),
      metrics: inputs.metrics,
      thresholds: inputs.thresholds,
      executable: num(r, "executable") === 1,
    };
    return typeof spreadJson === "string" ? { ...base, spread: JSON.parse(spreadJson) as SpreadPlan } : base;
  }

  private requireWritable(): void {
    if (this.readonly) throw new JournalError(this.path, "was opened read-only; writing to it is a bug");
  }

  private inTransaction<T>(work: () => T): T {
    this.db.exec("BEGIN IMMEDIATE");
    try {
      const result = work();
      this.db.exec("COMMIT");
      return result;
    } catch (error) {
      if (this.db.isTransaction) this.db.exec("ROLLBACK");
      throw error;
    }
  }

  /** The prepared statement for `sql`, prepared once per connection and reused. */
  private stmt(sql: string): StatementSync {
    let s = this.statements.get(sql);
    if (s === undefined) {
      s = this.db.prepare(sql);
      this.statements.set(sql, s);
    }
    return s;
  }

  private all(sql: string, ...params: SQLInputValue[]): Row[] {
    return this.stmt(sql).all(...params);
  }

  private get(sql: string, ...params: SQLInputValue[]): Row | undefined {
    return this.stmt(sql).get(...params);
  }

  // ─── dashboard reads (src/server): read-only, cheap enough to poll ─────────────────────────

  /**
   * SQLite's `PRAGMA data_version`: changes whenever another connection commits to the file, so a
   * reader (the dashboard) can tell that nothing changed without reading any table.
   */
  dataVersion(): number {
    return num(this.get("PRAGMA data_version")!, "data_version");
  }

  /** A book's latest equity snapshot (default the combined book); undefined when it has none. */
  latestEquity(filter: BookFilter = {}): EquitySnapshot | undefined {
    const r = this.get("SELECT * FROM equity_snapshots WHERE book = ? ORDER BY ts_ms DESC LIMIT 1", filter.book ?? COMBINED_BOOK);
    return r === undefined ? undefined : this.equityFrom(r);
  }

  /**
   * The last price the journal knows per market: the later of its last fill (`fill`) and its last
   * funding settlement's oracle price (`funding`). The journal keeps no candles, so this is the
   * only mark it has; `tsMs` says how old it is.
   */
  lastPrices(): DashboardPrice[] {
    const byMarket = new Map<string, DashboardPrice>();
    const rows = [
      ...this.all("SELECT market, px, max(ts_ms) AS ts_ms FROM fills GROUP BY market").map((r) => ({ r, source: "fill" as const, px: num(r, "px") })),
      ...this.all("SELECT market, oracle_px, max(ts_ms) AS ts_ms FROM funding_payments GROUP BY market").map((r) => ({ r, source: "funding" as const, px: num(r, "oracle_px") })),
    ];
    for (const { r, source, px } of rows) {
      const market = str(r, "market");
      const tsMs = num(r, "ts_ms");
      const known = byMarket.get(market);
      if (known === undefined || tsMs > known.tsMs) byMarket.set(market, { market, px, tsMs, source });
    }
    return [...byMarket.values()].sort((a, b) => a.market.localeCompare(b.market));
  }

  /**
   * One page of the signal ledger, newest first: each signal with the decision of `book` (default
   * the combined book) and of its strategy's own book, and the code of an accepted entry that never
   * filled in `book`. A strategy book (`book` not `combined`) holds only that strategy's signals.
   * `fromMs` inclusive, `toMs` exclusive on the creation time; `limit` default 100.
   */
  signalLedger(filter: SignalLedgerFilter = {}): { total: number; rows: LedgerSignal[] } {
    const book = filter.book ?? COMBINED_BOOK;
    const strategy = filter.strategy ?? (book === COMBINED_BOOK ? undefined : book);
    const conditions: string[] = [];
    const params: SQLInputValue[] = [];
    if (strategy !== undefined) {
      conditions.push("s.strategy = ?");
      params.push(strategy);
    }
    if (filter.fromMs !== undefined) {
      conditions.push("s.created_ms >= ?");
      params.push(filter.fromMs);
    }
    if (filter.toMs !== undefined) {
      conditions.push("s.created_ms < ?");
      params.push(filter.toMs);
    }
    const where = conditions.length === 0 ? "" : ` WHERE ${conditions.join(" AND ")}`;
    const total = num(this.get(`SELECT count(*) AS n FROM signals s${where}`, ...params)!, "n");
    const rows = this.all(
      "SELECT s.*, s.rowid AS s_rowid, " +
        "d.ts_ms AS d_ts_ms, d.accepted AS d_accepted, d.code AS d_code, d.reason AS d_reason, d.sz AS d_sz, d.notional_usd AS d_notional_usd, " +
        "o.ts_ms AS o_ts_ms, o.accepted AS o_accepted, o.code AS o_code, o.reason AS o_reason, o.sz AS o_sz, o.notional_usd AS o_notional_usd, " +
        "(SELECT u.code FROM unfilled_orders u WHERE u.signal_id = s.id AND u.leg_index = 0 AND u.book = ?) AS u_code " +
        "FROM signals s LEFT JOIN risk_decisions d ON d.signal_id = s.id AND d.book = ? LEFT JOIN risk_decisions o ON o.signal_id = s.id AND o.book = s.strategy" +
        `${where} ORDER BY s.created_ms DESC, s.id DESC LIMIT ? OFFSET ?`,
      book,
      book,
      ...params,
      filter.limit ?? 100,
      filter.offset ?? 0,
    );
    return { total, rows: rows.map((r) => this.dashLedgerFrom(r)) };
  }

  /** Where the journal's rows end now: the watermark {@link Journal.changesSince} reads after. */
  watermark(): DashboardWatermark {
    const max = (table: string) => num(this.get(`SELECT coalesce(max(rowid), 0) AS n FROM ${table}`)!, "n");
    return { signalRowid: max("signals"), fillRowid: max("fills"), outcomeRowid: max("outcomes") };
  }

  /**
   * Signals (with the combined and own-book decisions), fills and outcomes written after
   * `after`, in write order, at most `limit` of each, and the watermark to read after next time.
   */
  changesSince(after: DashboardWatermark, limit = 500): { signals: LedgerSignal[]; fills: DashboardFill[]; outcomes: (Outcome & { readonly book: BookId })[]; watermark: DashboardWatermark } {
    const signals = this.all(
      "SELECT s.*, s.rowid AS s_rowid, " +
        "d.ts_ms AS d_ts_ms, d.accepted AS d_accepted, d.code AS d_code, d.reason AS d_reason, d.sz AS d_sz, d.notional_usd AS d_notional_usd, " +
        "o.ts_ms AS o_ts_ms, o.accepted AS o_accepted, o.code AS o_code, o.reason AS o_reason, o.sz AS o_sz, o.notional_usd AS o_notional_usd, " +
        "(SELECT u.code FROM unfilled_orders u WHERE u.signal_id = s.id AND u.leg_index = 0 AND u.book = 'combined') AS u_code " +
        "FROM signals s LEFT JOIN risk_decisions d ON d.signal_id = s.id AND d.book = 'combined' LEFT JOIN risk_decisions o ON o.signal_id = s.id AND o.book = s.strategy " +
        "WHERE s.rowid > ? ORDER BY s.rowid LIMIT ?",
      after.signalRowid,
      limit,
    ).map((r) => this.dashLedgerFrom(r));
    const fillRows = this.all("SELECT f.rowid AS f_rowid, f.*, o.book AS book, o.signal_id AS signal_id, o.purpose AS purpose FROM fills f JOIN orders o ON o.id = f.order_id WHERE f.rowid > ? ORDER BY f.rowid LIMIT ?", after.fillRowid, limit);
    const outcomeRows = this.all("SELECT rowid AS r_rowid, * FROM outcomes WHERE rowid > ? ORDER BY rowid LIMIT ?", after.outcomeRowid, limit);
    const last = (rows: readonly Row[], column: string, before: number) => (rows.length === 0 ? before : num(rows[rows.length - 1]!, column));
    return {
      signals,
      fills: fillRows.map((r) => this.dashFillFrom(r)),
      outcomes: outcomeRows.map((r) => ({ ...this.outcomeFrom(r), book: str(r, "book") })),
      watermark: {
        signalRowid: signals.length === 0 ? after.signalRowid : signals[signals.length - 1]!.rowid,
        fillRowid: last(fillRows, "f_rowid", after.fillRowid),
        outcomeRowid: last(outcomeRows, "r_rowid", after.outcomeRowid),
      },
    };
  }

  /** The fills of a signal's position in `book` (default combined), entry and exit, by time. */
  signalFills(signalId: string, filter: BookFilter = {}): DashboardFill[] {
    return this.all(
      "SELECT f.rowid AS f_rowid, f.*, o.book AS book, o.signal_id AS signal_id, o.purpose AS purpose FROM orders o JOIN fills f ON f.order_id = o.id WHERE o.signal_id = ? AND o.book = ? ORDER BY f.ts_ms, f.id",
      signalId,
      filter.book ?? COMBINED_BOOK,
    ).map((r) => this.dashFillFrom(r));
  }

  /** One signal with its decisions (as in {@link Journal.signalLedger}); undefined when unknown. */
  signalById(signalId: string, filter: BookFilter = {}): LedgerSignal | undefined {
    const book = filter.book ?? COMBINED_BOOK;
    const r = this.get(
      "SELECT s.*, s.rowid AS s_rowid, " +
        "d.ts_ms AS d_ts_ms, d.accepted AS d_accepted, d.code AS d_code, d.reason AS d_reason, d.sz AS d_sz, d.notional_usd AS d_notional_usd, " +
        "o.ts_ms AS o_ts_ms, o.accepted AS o_accepted, o.code AS o_code, o.reason AS o_reason, o.sz AS o_sz, o.notional_usd AS o_notional_usd, " +
        "(SELECT u.code FROM unfilled_orders u WHERE u.signal_id = s.id AND u.leg_index = 0 AND u.book = ?) AS u_code " +
        "FROM signals s LEFT JOIN risk_decisions d ON d.signal_id = s.id AND d.book = ? LEFT JOIN risk_decisions o ON o.signal_id = s.id AND o.book = s.strategy WHERE s.id = ?",
      book,
      book,
      signalId,
    );
    return r === undefined ? undefined : this.dashLedgerFrom(r);
  }

  /** Every consumer's latest checkpoint without its state (which can be large): when, how far. */
  checkpointTimes(): Omit<Checkpoint, "state">[] {
    return this.all("SELECT name, ts_ms, events_consumed, last_event_ms FROM checkpoints ORDER BY name").map((r) => ({
      name: str(r, "name"),
      tsMs: num(r, "ts_ms"),
      eventsConsumed: num(r, "events_consumed"),
      lastEventMs: num(r, "last_event_ms"),
    }));
  }

  /** The runs that wrote the journal, oldest first (wall-clock times; `finishedMs` undefined while running or after a crash). */
  runs(): (Omit<RunInfo, "config"> & { readonly finishedMs: number | undefined })[] {
    return this.all("SELECT run_id, command, input_paths_json, started_ms, finished_ms FROM runs ORDER BY started_ms, run_id").map((r) => ({
      runId: str(r, "run_id"),
      command: str(r, "command"),
      inputPaths: JSON.parse(str(r, "input_paths_json")) as string[],
      startedMs: num(r, "started_ms"),
      finishedMs: optNum(r, "finished_ms"),
    }));
  }

  private equityFrom(r: Row): EquitySnapshot {
    return {
      tsMs: num(r, "ts_ms"),
      equityUsd: num(r, "equity_usd"),
      cashUsd: num(r, "cash_usd"),
      unrealizedUsd: num(r, "unrealized_usd"),
      openPositions: num(r, "open_positions"),
      grossExposureUsd: num(r, "gross_exposure_usd"),
    };
  }

  private dashDecisionFrom(r: Row, prefix: "d" | "o"): RiskDecision | undefined {
    if (r[`${prefix}_code`] === null || r[`${prefix}_code`] === undefined) return undefined;
    return {
      signalId: str(r, "id"),
      tsMs: num(r, `${prefix}_ts_ms`),
      accepted: num(r, `${prefix}_accepted`) === 1,
      code: str(r, `${prefix}_code`),
      reason: str(r, `${prefix}_reason`),
      sz: optNum(r, `${prefix}_sz`),
      notionalUsd: optNum(r, `${prefix}_notional_usd`),
    };
  }

  private dashLedgerFrom(r: Row): LedgerSignal {
    const unfilled = r["u_code"];
    return {
      rowid: num(r, "s_rowid"),
      signal: this.signalFrom(r),
      decision: this.dashDecisionFrom(r, "d"),
      ownDecision: this.dashDecisionFrom(r, "o"),
      entryUnfilledCode: typeof unfilled === "string" ? unfilled : undefined,
    };
  }

  private dashFillFrom(r: Row): DashboardFill {
    return {
      rowid: num(r, "f_rowid"),
      id: str(r, "id"),
      book: str(r, "book"),
      signalId: str(r, "signal_id"),
      positionId: str(r, "position_id"),
      purpose: str(r, "purpose") as "entry" | "exit",
      legIndex: num(r, "leg_index"),
      market: str(r, "market"),
      side: str(r, "side") as OrderSide,
      px: num(r, "px"),
      sz: num(r, "sz"),
      feeUsd: num(r, "fee_usd"),
      tsMs: num(r, "ts_ms"),
    };
  }
}

function whereClause(timeColumn: string, range: TimeRange, equals: readonly (readonly [string, string])[]): { where: string; params: SQLInputValue[] } {
  const conditions: string[] = [];
  const params: SQLInputValue[] = [];
  for (const [column, value] of equals) {
    conditions.push(`${column} = ?`);
    params.push(value);
  }
  if (range.fromMs !== undefined || range.toMs !== undefined) {
    conditions.push(`${timeColumn} >= ? AND ${timeColumn} < ?`);
    params.push(range.fromMs ?? SAFE_MIN, range.toMs ?? SAFE_MAX);
  }
  return { where: conditions.length === 0 ? "" : ` WHERE ${conditions.join(" AND ")}`, params };
}

function decisionFrom(r: Row): RiskDecision | undefined {
  if (r["d_code"] === null || r["d_code"] === undefined) return undefined;
  return {
    signalId: str(r, "id"),
    tsMs: num(r, "d_ts_ms"),
    accepted: num(r, "d_accepted") === 1,
    code: str(r, "d_code"),
    reason: str(r, "d_reason"),
    sz: optNum(r, "d_sz"),
    notionalUsd: optNum(r, "d_notional_usd"),
  };
}

function lifecycleFrom(r: Row): LifecycleEntry {
  return { strategy: str(r, "strategy"), state: str(r, "state") as LifecycleState, sinceMs: num(r, "since_ms"), reason: str(r, "reason") };
}

function describeRecord(record: JournalRecord): string {
  switch (record.kind) {
    case "signal":
      return `signal ${record.signal.id}`;
    case "decision":
      return `decision on ${record.decision.signalId}`;
    case "order":
      return `order ${record.order.id}`;
    case "fill":
      return `fill ${record.fill.id}`;
    case "position":
      return `position ${record.position.id}`;
    case "outcome":
      return `outcome of ${record.outcome.positionId}`;
    case "funding":
      return `funding ${record.payment.positionId} at ${record.payment.tsMs}`;
    case "equity":
      return `equity at ${record.snapshot.tsMs}`;
    case "unfilledOrder":
      return `unfilled order ${record.unfilled.order.id}`;
  }
}

function num(r: Row, column: string): number {
  const v = r[column];
  if (typeof v !== "number") throw new Error(`bug: column ${column} is ${typeof v}, expected a number`);
  return v;
}

function optNum(r: Row, column: string): number | undefined {
  const v = r[column];
  return v === null || v === undefined ? undefined : num(r, column);
}

function str(r: Row, column: string): string {
  const v = r[column];
  if (typeof v !== "string") throw new Error(`bug: column ${column} is ${typeof v}, expected a string`);
  return v;
}

/** The last price the journal knows for a market (docs/DASHBOARD.md). */
export interface DashboardPrice {
  /** Market key (`hyperliquid:perp:BTC`). */
  readonly market: string;
  readonly px: number;
  /** When it was seen (event time), ms. */
  readonly tsMs: number;
  /** A fill's price, or a funding settlement's oracle price. */
  readonly source: "fill" | "funding";
}

/** Filter of {@link Journal.signalLedger}: `fromMs` inclusive, `toMs` exclusive on the creation time. */
export interface SignalLedgerFilter extends TimeRange {
  readonly strategy?: string;
  /** Whose decision `decision` is: a strategy book or `combined` (default). */
  readonly book?: BookId;
  /** Rows per page (default 100). */
  readonly limit?: number;
  readonly offset?: number;
}

/** A signal of the ledger with the decision of the book asked for and of its strategy's own book. */
export interface LedgerSignal {
  /** Write order (SQLite rowid): the stream's watermark. */
  readonly rowid: number;
  readonly signal: Signal;
  readonly decision: RiskDecision | undefined;
  readonly ownDecision: RiskDecision | undefined;
  /** The primary leg's `unfilled_orders.code` when the accepted entry never filled. */
  readonly entryUnfilledCode: string | undefined;
}

/** A fill with the book, signal and purpose of its order. */
export interface DashboardFill {
  readonly rowid: number;
  readonly id: string;
  readonly book: BookId;
  readonly signalId: string;
  readonly positionId: string;
  readonly purpose: "entry" | "exit";
  readonly legIndex: number;
  /** Market key. */
  readonly market: string;
  readonly side: OrderSide;
  readonly px: number;
  readonly sz: number;
  readonly feeUsd: number;
  readonly tsMs: number;
}

/** Where the dashboard's stream has read up to, by table (SQLite rowids). */
export interface DashboardWatermark {
  readonly signalRowid: number;
  readonly fillRowid: number;
  readonly outcomeRowid: number;
}
