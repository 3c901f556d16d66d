/**
 * Turns what the live session sees into alerts (docs/ALERTS.md):
 *
 * | alert | when |
 * | --- | --- |
 * | `signal_taken` | a signal accepted by at least one book (one alert per signal, naming the books) |
 * | `position_closed` | an `outcome` record (one per book's position) |
 * | `daily_loss_halt` | a decision refused with `daily_loss_halt`, once per book and UTC day |
 * | `lifecycle_change` | a strategy's lifecycle state in the journal differs from the last poll (`report --apply-lifecycle` writes it; the session has no verdict of its own) |
 * | `data_stale` | no data event for `staleAfterMs`, or disconnected that long (once per episode, and once when it ends); a `gap` status of at least `staleAfterMs` on one channel |
 *
 * Pure apart from the timer {@link LiveAlerts.start} sets; the wall clock is injectable.
 */
import type { AlertsConfig } from "../config/index.ts";
import type { MarketEvent } from "../core/index.ts";
import type { Alert } from "./alert.ts";

/** A strategy's lifecycle as the journal holds it. */
export interface LifecycleRow {
  readonly strategy: string;
  readonly state: string;
  readonly reason?: string;
}

/** The parts of the kernel's records the alerts read (structurally the kernel's `KernelRecord`). */
export interface AlertSignal {
  readonly id: string;
  readonly strategy: string;
  readonly market: { readonly symbol: string };
  readonly side: string;
  readonly entryPx: number;
  readonly stopPx: number;
  readonly targetPx: number;
  readonly reason: string;
}
export interface AlertDecision {
  readonly signalId: string;
  readonly tsMs: number;
  readonly accepted: boolean;
  readonly code: string;
  readonly reason: string;
  readonly notionalUsd: number | undefined;
}
export interface AlertOutcome {
  readonly positionId: string;
  readonly strategy: string;
  readonly market: { readonly symbol: string };
  readonly side: string;
  readonly closedMs: number;
  readonly holdMs: number;
  readonly pnlUsd: number;
  readonly pnlPct: number;
  readonly exitReason: string;
}
export type AlertRecord =
  | { readonly kind: "signal"; readonly signal: AlertSignal }
  | { readonly kind: "decision"; readonly book?: string; readonly decision: AlertDecision }
  | { readonly kind: "outcome"; readonly book?: string; readonly outcome: AlertOutcome }
  | { readonly kind: "order" | "fill" | "position" | "funding" | "equity" | "unfilledOrder" };

/** Options of {@link LiveAlerts}. */
export interface LiveAlertsOptions {
  readonly config: Pick<AlertsConfig, "signalTaken" | "positionClosed" | "lifecycleChange" | "dailyLossHalt" | "staleAfterMs" | "lifecyclePollMs">;
  /** Where alerts go (the dispatcher's `send`: must return at once). */
  readonly send: (alert: Alert) => void;
  /** The journal's current lifecycle rows; read at start (the baseline) and every `lifecyclePollMs`. */
  readonly readLifecycle?: () => readonly LifecycleRow[];
  /** Wall clock, ms. Default `Date.now`. */
  readonly nowMs?: () => number;
}

const COMBINED = "combined";
const DAY_MS = 86_400_000;
/** Signals remembered until their decisions arrive (they come in the same batch of records). */
const MAX_REMEMBERED_SIGNALS = 1_000;

function usd(x: number): string {
  return `${x >= 0 ? "+" : "−"}${Math.abs(x).toFixed(2)} USD`;
}

function price(x: number): string {
  return Number(x.toPrecision(6)).toString();
}

function duration(ms: number): string {
  if (ms < 120_000) return `${Math.round(ms / 1_000)} s`;
  if (ms < 2 * 3_600_000) return `${Math.round(ms / 60_000)} min`;
  return `${(ms / 3_600_000).toFixed(1)} h`;
}

/** The live session's alert rules; feed it events and records, and start its timer. */
export class LiveAlerts {
  readonly #config: LiveAlertsOptions["config"];
  readonly #send: (alert: Alert) => void;
  readonly #readLifecycle: (() => readonly LifecycleRow[]) | undefined;
  readonly #nowMs: () => number;
  readonly #signals = new Map<string, AlertSignal>();
  readonly #halted = new Set<string>();
  #lifecycle: Map<string, LifecycleRow> | undefined;
  #lastLifecyclePollMs = 0;
  #lastDataMs: number;
  #staleAlerted = false;
  #disconnectedSinceMs: number | undefined;
  #disconnectAlerted = false;
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(options: LiveAlertsOptions) {
    this.#config = options.config;
    this.#send = options.send;
    this.#readLifecycle = options.readLifecycle;
    this.#nowMs = options.nowMs ?? Date.now;
    this.#lastDataMs = this.#nowMs();
    if (this.#config.lifecycleChange) this.pollLifecycle();
  }

  /** Checks staleness and the lifecycle every `everyMs` (default 1 s, unref'd) until {@link stop}. */
  start(everyMs = 1_000): void {
    this.#timer ??= setInterval(() => this.check(), everyMs);
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** One event from the live source. */
  onEvent(event: MarketEvent): void {
    const now = this.#nowMs();
    if (event.kind !== "status") {
      if (this.#staleAlerted) {
        this.#staleAlerted = false;
        this.#emit("data_stale", now, "market data resumed", `after ${duration(now - this.#lastDataMs)} without any`, { state: "resumed", silentMs: now - this.#lastDataMs });
      }
      this.#lastDataMs = now;
      return;
    }
    if (event.state === "disconnected") {
      this.#disconnectedSinceMs ??= now;
    } else if (event.state === "connected" || event.state === "resubscribed") {
      if (this.#disconnectAlerted && this.#disconnectedSinceMs !== undefined) {
        this.#emit("data_stale", now, "venue connection back", `reconnected after ${duration(now - this.#disconnectedSinceMs)}`, { state: "reconnected", disconnectedMs: now - this.#disconnectedSinceMs });
      }
      this.#disconnectedSinceMs = undefined;
      this.#disconnectAlerted = false;
    } else if (event.gapFrom !== undefined && event.gapTo !== undefined) {
      const gapMs = event.gapTo - event.gapFrom;
      if (this.#config.staleAfterMs > 0 && gapMs >= this.#config.staleAfterMs) {
        this.#emit("data_stale", now, `data gap of ${duration(gapMs)}`, event.detail, { state: "gap", gapFrom: event.gapFrom, gapTo: event.gapTo, gapMs, detail: event.detail });
      }
    }
  }

  /** The kernel's records of one event. */
  onRecords(records: readonly AlertRecord[]): void {
    const taken = new Map<string, { books: string[]; decision: AlertDecision }>();
    for (const r of records) {
      if (r.kind === "signal" && "signal" in r) {
        this.#signals.set(r.signal.id, r.signal);
        if (this.#signals.size > MAX_REMEMBERED_SIGNALS) this.#signals.delete(this.#signals.keys().next().value as string);
      } else if (r.kind === "decision" && "decision" in r) {
        const book = r.book ?? COMBINED;
        const d = r.decision;
        if (d.accepted) {
          const entry = taken.get(d.signalId) ?? { books: [], decision: d };
          entry.books.push(book);
          taken.set(d.signalId, entry);
        } else if (d.code === "daily_loss_halt" && this.#config.dailyLossHalt) {
          const key = `${book}\u0000${Math.floor(d.tsMs / DAY_MS)}`;
          if (!this.#halted.has(key)) {
            this.#halted.add(key);
            this.#emit("daily_loss_halt", d.tsMs, `daily-loss halt in book ${book}`, `new entries refused until the next UTC day: ${d.reason}`, { book, signalId: d.signalId, reason: d.reason });
          }
        }
      } else if (r.kind === "outcome" && "outcome" in r && this.#config.positionClosed) {
        const o = r.outcome;
        const book = r.book ?? COMBINED;
        this.#emit(
          "position_closed",
          o.closedMs,
          `position closed: ${o.strategy} ${o.side} ${o.market.symbol} ${usd(o.pnlUsd)}`,
          `${(o.pnlPct * 100).toFixed(2)} % net of fees and funding; exit ${o.exitReason} after ${duration(o.holdMs)}; book ${book}`,
          { book, positionId: o.positionId, strategy: o.strategy, market: o.market.symbol, side: o.side, pnlUsd: o.pnlUsd, pnlPct: o.pnlPct, exitReason: o.exitReason, holdMs: o.holdMs },
        );
      }
    }
    if (!this.#config.signalTaken) return;
    for (const [signalId, { books, decision }] of taken) {
      const s = this.#signals.get(signalId);
      const what = s === undefined ? signalId : `${s.strategy} ${s.side} ${s.market.symbol}`;
      const text =
        s === undefined
          ? `books ${books.join(", ")}`
          : `entry ≈ ${price(s.entryPx)}, stop ${price(s.stopPx)}, target ${price(s.targetPx)}${decision.notionalUsd === undefined ? "" : `, ${decision.notionalUsd.toFixed(0)} USD`}; books ${books.join(", ")}\n${s.reason}`;
      this.#emit("signal_taken", decision.tsMs, `signal taken: ${what}`, text, {
        signalId,
        books,
        ...(s === undefined ? {} : { strategy: s.strategy, market: s.market.symbol, side: s.side, entryPx: s.entryPx, stopPx: s.stopPx, targetPx: s.targetPx, reason: s.reason }),
        notionalUsd: decision.notionalUsd,
      });
    }
  }

  /** Staleness and disconnection against `staleAfterMs`; the lifecycle when its poll is due. */
  check(): void {
    const now = this.#nowMs();
    const limit = this.#config.staleAfterMs;
    if (limit > 0) {
      if (!this.#staleAlerted && now - this.#lastDataMs >= limit) {
        this.#staleAlerted = true;
        this.#emit("data_stale", now, `no market data for ${duration(now - this.#lastDataMs)}`, `no data event from the venue since ${new Date(this.#lastDataMs).toISOString()} (threshold ${duration(limit)})`, { state: "stale", silentMs: now - this.#lastDataMs });
      }
      const since = this.#disconnectedSinceMs;
      if (since !== undefined && !this.#disconnectAlerted && now - since >= limit) {
        this.#disconnectAlerted = true;
        this.#emit("data_stale", now, `venue disconnected for ${duration(now - since)}`, `the WebSocket is down since ${new Date(since).toISOString()}; reconnecting with backoff`, { state: "disconnected", disconnectedMs: now - since });
      }
    }
    if (this.#config.lifecycleChange && now - this.#lastLifecyclePollMs >= this.#config.lifecyclePollMs) this.pollLifecycle();
  }

  /** Reads the journal's lifecycle and alerts on every strategy whose state changed since the last read. */
  pollLifecycle(): void {
    if (this.#readLifecycle === undefined) return;
    const now = this.#nowMs();
    this.#lastLifecyclePollMs = now;
    const rows = this.#readLifecycle();
    const previous = this.#lifecycle;
    this.#lifecycle = new Map(rows.map((r) => [r.strategy, r]));
    if (previous === undefined) return;
    for (const row of rows) {
      const before = previous.get(row.strategy)?.state;
      if (before === row.state) continue;
      this.#emit("lifecycle_change", now, `lifecycle: ${row.strategy} ${before ?? "(none)"} → ${row.state}`, row.reason ?? "", { strategy: row.strategy, from: before ?? null, to: row.state, reason: row.reason ?? null });
    }
  }

  #emit(kind: Alert["kind"], tsMs: number, title: string, text: string, data: Readonly<Record<string, unknown>>): void {
    this.#send({ kind, tsMs, title, text, data });
  }
}
