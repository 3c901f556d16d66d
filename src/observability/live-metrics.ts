/**
 * The live session's Prometheus metrics (docs/LIVE.md, "Metrics"). `run` (src/cli/run.ts) hands
 * this observer what happens — every event, the kernel's records, parser rejects, each batch's
 * journal write time — and, for the figures that are state rather than counts (open positions
 * and equity per book, reconnects, gaps), a `collect` function read at each scrape.
 *
 * | metric | type | labels | what |
 * | --- | --- | --- | --- |
 * | `sm_events_total` | counter | `kind` | events the live source delivered (status included) |
 * | `sm_rejects_total` | counter | | parser rejects |
 * | `sm_gaps_total`, `sm_reconnects_total` | counter | | from the live source's stats |
 * | `sm_frame_age_seconds` | gauge | `kind`, `market` | seconds since the last data frame of that channel (receive time) |
 * | `sm_signals_total` | counter | `strategy` | signals fired (taken or not) |
 * | `sm_decisions_total` | counter | `book`, `code` | decisions (`ok` = taken) |
 * | `sm_outcomes_total` | counter | `book`, `strategy` | positions closed |
 * | `sm_open_positions` | gauge | `book` | open positions |
 * | `sm_equity_usd` | gauge | `book` | the book's last equity snapshot, USD |
 * | `sm_journal_write_seconds` | summary | | `journal.writeBatch` per batch (p50, p90, p99 of the last 1024) |
 * | `sm_journal_batches_total` | counter | | batches committed |
 * | `sm_alerts_total` | counter | `destination`, `result` | alert deliveries: `sent`, `failed`, `dropped` |
 * | `sm_alert_attempts_total` | counter | `destination`, `result` | HTTP attempts: `ok`, `retry`, `error` |
 */
import type { MarketEvent, MarketEventKind } from "../core/index.ts";
import { MetricsRegistry } from "./metrics.ts";
import type { Counter, Gauge, Summary } from "./metrics.ts";

/** What the session knows as state, read at each scrape. */
export interface LiveMetricsSnapshot {
  /** Open positions by book (`combined` and one per strategy). */
  readonly openPositionsByBook: Readonly<Record<string, number>>;
  /** Last equity snapshot by book, USD (books without one left out). */
  readonly equityUsdByBook: Readonly<Record<string, number>>;
  readonly reconnects: number;
  readonly gaps: number;
}

/** The parts of a kernel record this observer reads (structurally the kernel's `KernelRecord`). */
export type ObservedRecord =
  | { readonly kind: "signal"; readonly signal: { readonly strategy: string } }
  | { readonly kind: "decision"; readonly book?: string; readonly decision: { readonly code: string } }
  | { readonly kind: "outcome"; readonly book?: string; readonly outcome: { readonly strategy: string } }
  | { readonly kind: Exclude<string, "signal" | "decision" | "outcome"> };

/** Options of {@link LiveMetrics}. */
export interface LiveMetricsOptions {
  /** Wall clock, ms (frame ages). Default `Date.now`. */
  readonly nowMs?: () => number;
}

const COMBINED = "combined";

/** The observer `run` feeds; {@link LiveMetrics.render} is what `/metrics` serves. */
export class LiveMetrics {
  readonly registry = new MetricsRegistry();
  readonly #nowMs: () => number;
  readonly #events: Counter;
  readonly #rejects: Counter;
  readonly #gaps: Counter;
  readonly #reconnects: Counter;
  readonly #frameAge: Gauge;
  readonly #signals: Counter;
  readonly #decisions: Counter;
  readonly #outcomes: Counter;
  readonly #openPositions: Gauge;
  readonly #equity: Gauge;
  readonly #journalWrite: Summary;
  readonly #batches: Counter;
  readonly #alerts: Counter;
  readonly #alertAttempts: Counter;
  /** Receive time of the latest data event by `kind\u0000market`. */
  readonly #lastFrameMs = new Map<string, { readonly kind: string; readonly market: string; tsInit: number }>();
  #collect: (() => LiveMetricsSnapshot) | undefined;
  #seenGaps = 0;
  #seenReconnects = 0;

  constructor(options: LiveMetricsOptions = {}) {
    this.#nowMs = options.nowMs ?? Date.now;
    const r = this.registry;
    this.#events = r.counter("sm_events_total", "Market events delivered by the live source, by kind (status events included).", ["kind"]);
    this.#rejects = r.counter("sm_rejects_total", "Frames or rows the parser refused.");
    this.#gaps = r.counter("sm_gaps_total", "Gaps marked by the live source (connection and channel).");
    this.#reconnects = r.counter("sm_reconnects_total", "WebSocket connections opened after the first.");
    this.#frameAge = r.gauge("sm_frame_age_seconds", "Seconds since the last data frame of a channel (event kind and market), by receive time.", ["kind", "market"]);
    this.#signals = r.counter("sm_signals_total", "Signals fired, taken or not, by strategy.", ["strategy"]);
    this.#decisions = r.counter("sm_decisions_total", "Decisions on signals by book and code (ok = taken).", ["book", "code"]);
    this.#outcomes = r.counter("sm_outcomes_total", "Positions closed, by book and strategy.", ["book", "strategy"]);
    this.#openPositions = r.gauge("sm_open_positions", "Open paper positions by book.", ["book"]);
    this.#equity = r.gauge("sm_equity_usd", "The book's latest equity snapshot, USD.", ["book"]);
    this.#journalWrite = r.summary("sm_journal_write_seconds", "Time of one journal batch commit (writeBatch: one transaction, fsynced), seconds; quantiles over the last 1024 batches.", [], [0.5, 0.9, 0.99]);
    this.#batches = r.counter("sm_journal_batches_total", "Journal batches committed.");
    this.#alerts = r.counter("sm_alerts_total", "Alerts by destination and result (sent, failed after every attempt, dropped by a full queue).", ["destination", "result"]);
    this.#alertAttempts = r.counter("sm_alert_attempts_total", "Alert HTTP attempts by destination and result (ok, retry, error).", ["destination", "result"]);
  }

  /** Sets the function read at each scrape for state (positions, equity, source stats). */
  setCollect(collect: () => LiveMetricsSnapshot): void {
    this.#collect = collect;
  }

  /** One event from the live source (before the kernel). */
  onEvent(event: MarketEvent): void {
    this.#events.inc({ kind: event.kind });
    if (event.kind === "status") return;
    const marketName = "market" in event ? event.market.symbol : "";
    const key = `${event.kind}\u0000${marketName}`;
    const last = this.#lastFrameMs.get(key);
    if (last === undefined) this.#lastFrameMs.set(key, { kind: event.kind, market: marketName, tsInit: event.tsInit });
    else last.tsInit = Math.max(last.tsInit, event.tsInit);
  }

  /** The kernel's records of one event (signals, decisions, outcomes are counted). */
  onRecords(records: readonly ObservedRecord[]): void {
    for (const r of records) {
      if (r.kind === "signal" && "signal" in r) this.#signals.inc({ strategy: r.signal.strategy });
      else if (r.kind === "decision" && "decision" in r) this.#decisions.inc({ book: r.book ?? COMBINED, code: r.decision.code });
      else if (r.kind === "outcome" && "outcome" in r) this.#outcomes.inc({ book: r.book ?? COMBINED, strategy: r.outcome.strategy });
    }
  }

  /** One parser reject. */
  onReject(): void {
    this.#rejects.inc();
  }

  /** One committed journal batch and how long `writeBatch` took, ms. */
  onJournalWrite(ms: number): void {
    // Seconds, rounded to the µs (performance.now() differences carry float noise).
    this.#journalWrite.observe({}, Math.round(ms * 1_000) / 1e6);
    this.#batches.inc();
  }

  /** An alert's final result at a destination. */
  onAlert(destination: string, result: "sent" | "failed" | "dropped"): void {
    this.#alerts.inc({ destination, result });
  }

  /** One HTTP attempt of an alert delivery. */
  onAlertAttempt(destination: string, result: "ok" | "retry" | "error"): void {
    this.#alertAttempts.inc({ destination, result });
  }

  /** Journal write latency p50 and p99 over the last 1024 batches, ms (`undefined` before the first). */
  journalWriteMs(): { readonly p50: number; readonly p99: number } | undefined {
    if (this.#journalWrite.count() === 0) return undefined;
    const ms = (q: number): number => Math.round(this.#journalWrite.quantile({}, q) * 1e6) / 1e3;
    return { p50: ms(0.5), p99: ms(0.99) };
  }

  /** Reads the state figures (collect, frame ages) and returns the text exposition. */
  render(): string {
    const snapshot = this.#collect?.();
    if (snapshot !== undefined) {
      this.#openPositions.reset();
      for (const [book, n] of Object.entries(snapshot.openPositionsByBook)) this.#openPositions.set({ book }, n);
      this.#equity.reset();
      for (const [book, usd] of Object.entries(snapshot.equityUsdByBook)) this.#equity.set({ book }, usd);
      // The source's stats are session totals: counters take their increase since the last scrape.
      if (snapshot.gaps > this.#seenGaps) this.#gaps.inc({}, snapshot.gaps - this.#seenGaps);
      if (snapshot.reconnects > this.#seenReconnects) this.#reconnects.inc({}, snapshot.reconnects - this.#seenReconnects);
      this.#seenGaps = Math.max(this.#seenGaps, snapshot.gaps);
      this.#seenReconnects = Math.max(this.#seenReconnects, snapshot.reconnects);
    }
    const now = this.#nowMs();
    for (const { kind, market, tsInit } of this.#lastFrameMs.values()) this.#frameAge.set({ kind, market }, Math.max(0, now - tsInit) / 1_000);
    return this.registry.render();
  }

  /** Events counted so far by kind (tests, status). */
  eventsOf(kind: MarketEventKind): number {
    return this.#events.get({ kind });
  }
}

let active: LiveMetrics | undefined;

/** Makes `metrics` the one {@link renderMetrics} renders (the live session in this process). */
export function setActiveLiveMetrics(metrics: LiveMetrics | undefined): void {
  active = metrics;
}

/**
 * The Prometheus text of the live session running in this process (what `/metrics` serves;
 * content type {@link PROMETHEUS_CONTENT_TYPE}); an empty string when none is running.
 */
export function renderMetrics(): string {
  return active?.render() ?? "";
}
