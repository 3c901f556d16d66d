/**
 * Alert delivery (docs/ALERTS.md): {@link AlertDispatcher.send} only queues — it never waits, never
 * throws — and one worker per destination posts the queue in order:
 * - rate-limited by a token bucket per destination (`ratePerMinute`, `burst`; one token per attempt);
 * - each attempt bounded by `timeoutMs`; a timeout, a network error, 429 or 5xx is retried after
 *   `baseBackoffMs` × 2^(attempt − 1), at most `maxBackoffMs` (a 429's `Retry-After`, when longer,
 *   within that bound), up to `maxAttempts` attempts; another 4xx is final;
 * - a full queue (`maxQueue`) drops the new alert;
 * - every result is logged (by destination name: the URL is a secret and never logged) and counted.
 * A slow or hanging destination delays only its own queue.
 */
import type { AlertDestinationConfig, Logger } from "../config/index.ts";
import { alertBody } from "./alert.ts";
import type { Alert } from "./alert.ts";
import { TokenBucket } from "./token-bucket.ts";

/** What one HTTP attempt returned. */
export interface TransportResponse {
  readonly status: number;
  /** The `Retry-After` header, ms, when the destination sent one. */
  readonly retryAfterMs?: number | undefined;
}

/** Posts `body` (JSON) to `url`; rejects on a network error or when `signal` aborts. */
export type AlertTransport = (url: string, body: string, signal: AbortSignal) => Promise<TransportResponse>;

/** The default transport: `fetch`, POST, `Content-Type: application/json`. */
export const fetchTransport: AlertTransport = async (url, body, signal) => {
  const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body, signal });
  // The body is not needed; reading it frees the connection.
  await response.arrayBuffer().catch(() => undefined);
  const retryAfter = Number(response.headers.get("retry-after"));
  return { status: response.status, retryAfterMs: Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1_000 : undefined };
};

/** Counters the dispatcher reports to (the live metrics). */
export interface AlertCounters {
  onAlert(destination: string, result: "sent" | "failed" | "dropped"): void;
  onAlertAttempt(destination: string, result: "ok" | "retry" | "error"): void;
}

/** Options of {@link AlertDispatcher}. */
export interface AlertDispatcherOptions {
  readonly destinations: readonly AlertDestinationConfig[];
  readonly logger: Logger;
  readonly counters?: AlertCounters;
  /** Default {@link fetchTransport}. */
  readonly transport?: AlertTransport;
  /** Wall clock, ms (the token buckets). Default `Date.now`. */
  readonly nowMs?: () => number;
}

/** Totals of one destination. */
export interface DestinationStats {
  sent: number;
  failed: number;
  dropped: number;
  attempts: number;
}

/** The delay before attempt `attempt + 1` after attempt `attempt` failed (1-based), ms. */
export function backoffMs(attempt: number, baseMs: number, maxMs: number): number {
  return Math.min(baseMs * 2 ** (attempt - 1), maxMs);
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });
}

/** `promise`, or a rejection with the signal's reason once it aborts (a transport that ignores its signal cannot hang a worker). */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason instanceof Error ? signal.reason : new Error("aborted"));
    if (signal.aborted) return onAbort();
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

class Destination {
  readonly config: AlertDestinationConfig;
  readonly queue: Alert[] = [];
  readonly bucket: TokenBucket;
  readonly stats: DestinationStats = { sent: 0, failed: 0, dropped: 0, attempts: 0 };
  worker: Promise<void> | undefined;

  constructor(config: AlertDestinationConfig, nowMs: number) {
    this.config = config;
    this.bucket = new TokenBucket(config.ratePerMinute, config.burst, nowMs);
  }
}

/** Queues alerts per destination and delivers them in the background. */
export class AlertDispatcher {
  readonly #destinations: Destination[];
  readonly #log: Logger;
  readonly #counters: AlertCounters | undefined;
  readonly #transport: AlertTransport;
  readonly #nowMs: () => number;
  readonly #closing = new AbortController();

  constructor(options: AlertDispatcherOptions) {
    this.#nowMs = options.nowMs ?? Date.now;
    this.#destinations = options.destinations.map((d) => new Destination(d, this.#nowMs()));
    this.#log = options.logger.child({ component: "alerts" });
    this.#counters = options.counters;
    this.#transport = options.transport ?? fetchTransport;
  }

  /** Queues `alert` for every destination that takes its kind; returns at once. Ignored after {@link close}. */
  send(alert: Alert): void {
    if (this.#closing.signal.aborted) return;
    for (const d of this.#destinations) {
      if (d.config.events.length > 0 && !d.config.events.includes(alert.kind)) continue;
      if (d.queue.length >= d.config.maxQueue) {
        d.stats.dropped += 1;
        this.#counters?.onAlert(d.config.name, "dropped");
        this.#log.warn({ destination: d.config.name, kind: alert.kind, queued: d.queue.length }, "alert dropped: the destination's queue is full");
        continue;
      }
      d.queue.push(alert);
      this.#ensureWorker(d);
    }
  }

  #ensureWorker(d: Destination): void {
    if (d.worker !== undefined) return;
    d.worker = this.#drain(d)
      .catch((error: unknown) => this.#log.error({ destination: d.config.name, err: this.#redact(d, error) }, "alert worker failed"))
      .finally(() => {
        d.worker = undefined;
        // An alert queued while the worker was finishing gets a new one.
        if (d.queue.length > 0 && !this.#closing.signal.aborted) this.#ensureWorker(d);
      });
  }

  /** Totals by destination name. */
  stats(): Readonly<Record<string, Readonly<DestinationStats>>> {
    return Object.fromEntries(this.#destinations.map((d) => [d.config.name, { ...d.stats }]));
  }

  /** Alerts waiting, over every destination (the one in flight not included). */
  queued(): number {
    return this.#destinations.reduce((n, d) => n + d.queue.length, 0);
  }

  /**
   * Waits up to `graceMs` for the queues to empty, then aborts what is in flight; alerts still
   * queued are dropped (counted). Never rejects.
   */
  async close(graceMs = 5_000): Promise<void> {
    const workers = (): Promise<unknown> => Promise.allSettled(this.#destinations.map((d) => d.worker ?? Promise.resolve()));
    const grace = new AbortController();
    await Promise.race([workers(), sleep(graceMs, grace.signal)]);
    grace.abort();
    this.#closing.abort();
    await workers();
    for (const d of this.#destinations) {
      if (d.queue.length === 0) continue;
      d.stats.dropped += d.queue.length;
      for (let i = 0; i < d.queue.length; i++) this.#counters?.onAlert(d.config.name, "dropped");
      this.#log.warn({ destination: d.config.name, dropped: d.queue.length }, "alerts still queued at shutdown were dropped");
      d.queue.length = 0;
    }
  }

  async #drain(d: Destination): Promise<void> {
    for (let alert = d.queue.shift(); alert !== undefined; alert = d.queue.shift()) {
      await this.#deliver(d, alert);
      if (this.#closing.signal.aborted) return;
    }
  }

  async #deliver(d: Destination, alert: Alert): Promise<void> {
    const { config } = d;
    const body = alertBody(config.format, alert, config.chatId);
    const closing = this.#closing.signal;
    for (let attempt = 1; attempt <= config.maxAttempts; attempt++) {
      for (let wait = d.bucket.take(this.#nowMs()); wait > 0; wait = d.bucket.take(this.#nowMs())) {
        await sleep(wait, closing);
        if (closing.aborted) return;
      }
      d.stats.attempts += 1;
      let failure: string;
      let retryAfterMs: number | undefined;
      try {
        const signal = AbortSignal.any([AbortSignal.timeout(config.timeoutMs), closing]);
        const response = await untilAborted(this.#transport(config.url.reveal(), body, signal), signal);
        if (response.status >= 200 && response.status < 300) {
          d.stats.sent += 1;
          this.#counters?.onAlertAttempt(config.name, "ok");
          this.#counters?.onAlert(config.name, "sent");
          this.#log.info({ destination: config.name, kind: alert.kind, attempt }, `alert sent: ${alert.title}`);
          return;
        }
        failure = `HTTP ${response.status}`;
        retryAfterMs = response.retryAfterMs;
        if (response.status !== 429 && response.status < 500) {
          // The destination refuses the request itself (bad token, unknown chat): retrying cannot help.
          this.#counters?.onAlertAttempt(config.name, "error");
          this.#fail(d, alert, attempt, `${failure}; not retried`);
          return;
        }
      } catch (error) {
        if (closing.aborted) return;
        failure = this.#redact(d, error);
      }
      if (attempt === config.maxAttempts) {
        this.#counters?.onAlertAttempt(config.name, "error");
        this.#fail(d, alert, attempt, failure);
        return;
      }
      this.#counters?.onAlertAttempt(config.name, "retry");
      const delayMs = Math.min(config.maxBackoffMs, Math.max(backoffMs(attempt, config.baseBackoffMs, config.maxBackoffMs), retryAfterMs ?? 0));
      this.#log.warn({ destination: config.name, kind: alert.kind, attempt, of: config.maxAttempts, retryInMs: delayMs, failure }, "alert delivery failed; retrying");
      await sleep(delayMs, closing);
      if (closing.aborted) return;
    }
  }

  #fail(d: Destination, alert: Alert, attempts: number, failure: string): void {
    d.stats.failed += 1;
    this.#counters?.onAlert(d.config.name, "failed");
    this.#log.error({ destination: d.config.name, kind: alert.kind, attempts, failure }, `alert not delivered: ${alert.title}`);
  }

  /** An error's message with the destination's URL replaced by its redacted form. */
  #redact(d: Destination, error: unknown): string {
    const e = error instanceof Error ? error : new Error(String(error));
    const cause = e.cause instanceof Error ? `: ${e.cause.message}` : "";
    const text = e.name === "TimeoutError" ? `timed out after ${d.config.timeoutMs} ms` : `${e.message}${cause}`;
    return text.split(d.config.url.reveal()).join(String(d.config.url));
  }
}
