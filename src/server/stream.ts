/**
 * The dashboard's live feed: one poller per journal reads what other connections committed
 * (checked cheaply with `PRAGMA data_version`, then read after a rowid watermark) and hands it to
 * every open server-sent-events stream: `signal`, `fill`, `outcome` and `equity` events.
 */
import { streamSSE } from "hono/streaming";
import type { DashboardFill, DashboardWatermark, Journal, LedgerSignal } from "../journal/index.ts";
import type { EquitySnapshot, Outcome } from "../paper/index.ts";

/** One poll's news. */
export interface JournalChanges {
  readonly signals: readonly LedgerSignal[];
  readonly fills: readonly DashboardFill[];
  readonly outcomes: readonly (Outcome & { readonly book: string })[];
  /** Books whose latest equity snapshot changed, with it. */
  readonly equity: readonly (EquitySnapshot & { readonly book: string })[];
}

type Listener = (changes: JournalChanges) => void;

/** Polls a journal every `pollMs` while anyone listens, starting from the rows present at the first subscription. */
export class JournalPoller {
  private readonly journal: Journal;
  private readonly pollMs: number;
  private readonly listeners = new Set<Listener>();
  private timer: NodeJS.Timeout | undefined;
  private version = -1;
  private watermark: DashboardWatermark | undefined;
  private readonly lastEquityMs = new Map<string, number>();

  constructor(journal: Journal, pollMs: number) {
    this.journal = journal;
    this.pollMs = pollMs;
  }

  /** Adds a listener; returns the function that removes it. */
  subscribe(listener: Listener): () => void {
    if (this.listeners.size === 0) this.start();
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.stop();
    };
  }

  /** Stops polling (the server closes). */
  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }

  private start(): void {
    this.version = this.journal.dataVersion();
    this.watermark = this.journal.watermark();
    for (const book of this.journal.books()) this.lastEquityMs.set(book, this.journal.latestEquity({ book })?.tsMs ?? Number.NEGATIVE_INFINITY);
    this.timer = setInterval(() => this.poll(), this.pollMs);
  }

  /** Reads and broadcasts what changed since the last poll (nothing when no other connection committed). */
  poll(): void {
    const version = this.journal.dataVersion();
    if (version === this.version || this.watermark === undefined) return;
    this.version = version;
    const { signals, fills, outcomes, watermark } = this.journal.changesSince(this.watermark);
    this.watermark = watermark;
    const equity: (EquitySnapshot & { book: string })[] = [];
    for (const book of this.journal.books()) {
      const latest = this.journal.latestEquity({ book });
      if (latest !== undefined && latest.tsMs > (this.lastEquityMs.get(book) ?? Number.NEGATIVE_INFINITY)) {
        this.lastEquityMs.set(book, latest.tsMs);
        equity.push({ book, ...latest });
      }
    }
    if (signals.length + fills.length + outcomes.length + equity.length === 0) return;
    const changes = { signals, fills, outcomes, equity };
    for (const listener of this.listeners) listener(changes);
  }
}

/** Answers `/api/stream`: a `hello` event, then each change as its own event, and a comment every 15 s to keep proxies open. */
export function streamChanges(c: Parameters<typeof streamSSE>[0], poller: JournalPoller): Response {
  return streamSSE(c, async (stream) => {
    const queue: { event: string; data: unknown }[] = [];
    let wake: (() => void) | undefined;
    const unsubscribe = poller.subscribe((changes) => {
      for (const s of changes.signals) queue.push({ event: "signal", data: s });
      for (const f of changes.fills) queue.push({ event: "fill", data: f });
      for (const o of changes.outcomes) queue.push({ event: "outcome", data: o });
      for (const e of changes.equity) queue.push({ event: "equity", data: e });
      wake?.();
    });
    let closed = false;
    stream.onAbort(() => {
      closed = true;
      unsubscribe();
      wake?.();
    });
    try {
      await stream.writeSSE({ event: "hello", data: "{}" });
      while (!closed) {
        while (queue.length > 0 && !closed) {
          const item = queue.shift()!;
          await stream.writeSSE({ event: item.event, data: JSON.stringify(item.data) });
        }
        if (closed) break;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, 15_000);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        wake = undefined;
        if (queue.length === 0 && !closed) await stream.write(": keep-alive\n\n");
      }
    } finally {
      unsubscribe();
    }
  });
}
