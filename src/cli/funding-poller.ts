/**
 * Funding settlements for a live session. Hyperliquid's WebSocket has no settlement channel (asset
 * contexts carry the *current* rate, not what was paid), so the paper broker, which pays funding
 * only on `funding` settlement events, would charge nothing live. This edge polls REST
 * `fundingHistory` for every watched perp shortly after each UTC hour (settlements are stamped
 * ~hh:00:00.05) and hands the new settlements on, per coin in time order.
 *
 * Wall-clock timers are fine here: this is an edge. Failures are logged and retried at the next
 * poll; the loop never throws.
 */
import { HOUR_MS } from "../core/index.ts";
import type { FundingSettlementEvent } from "../core/index.ts";
import type { Logger } from "../config/index.ts";
import type { HyperliquidRest } from "../venues/hyperliquid/rest.ts";
import type { RawFundingRow } from "../venues/hyperliquid/parse.ts";

/** Default delay after each UTC hour before polling, ms: the venue publishes the settlement row within seconds. */
export const DEFAULT_FUNDING_POLL_DELAY_MS = 15_000;
/** Hyperliquid returns at most this many `fundingHistory` rows per response; a full page asks again. */
export const FUNDING_ROWS_PER_RESPONSE = 500;
/** Pages per coin and poll at most (500 rows each: ~20 days of hourly settlements). */
const MAX_PAGES = 20;

/** Options of {@link FundingPoller}. */
export interface FundingPollerOptions {
  /** The REST client (`HyperliquidRest` fits). */
  readonly rest: Pick<HyperliquidRest, "fundingHistory">;
  /** Perp coins to poll (`BTC`, …), in the order their settlements are delivered within a poll. */
  readonly coins: readonly string[];
  /**
   * The latest settlement already delivered, per coin, ms (a restart passes the broker's
   * `lastFundingMs`); the next request starts 1 ms after it. A coin not listed starts at `startMs`.
   */
  readonly lastSettlementMs?: Readonly<Record<string, number>>;
  /** Where a coin without a known settlement starts, ms (a fresh session: its start, so no older settlement is paid). */
  readonly startMs: number;
  /** Receives each coin's new settlements, in time order. Called synchronously after the coin's response is recorded. */
  readonly deliver: (events: readonly FundingSettlementEvent[]) => void;
  /** Sees every response's rows (for the capture's `info:fundingHistory` lines), before its settlements are delivered. */
  readonly onResponse?: (coin: string, rows: readonly RawFundingRow[]) => void;
  readonly logger: Logger;
  /** Poll this long after each period boundary, ms. Default {@link DEFAULT_FUNDING_POLL_DELAY_MS}. */
  readonly delayMs?: number;
  /** Period of the polls, ms: Hyperliquid settles hourly. Default one hour (tests use less). */
  readonly periodMs?: number;
  /** Wall clock, ms. Default `Date.now`. */
  readonly now?: () => number;
  /** The venue's page size: a response this long is followed by another request. Default {@link FUNDING_ROWS_PER_RESPONSE}. */
  readonly rowsPerResponse?: number;
}

/**
 * Polls `fundingHistory` once at {@link FundingPoller.start} (a restart catches up on the
 * settlements it missed while down) and then at every period boundary + `delayMs`. Settlements at
 * or before the last one delivered for a coin are dropped, so overlapping polls and restarts never
 * deliver one twice (the paper broker also ignores a settlement time it already applied).
 */
export class FundingPoller {
  private readonly options: FundingPollerOptions;
  private readonly last = new Map<string, number>();
  private readonly delayMs: number;
  private readonly periodMs: number;
  private readonly now: () => number;
  private readonly log: Logger;
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> | undefined;
  private readonly abort = new AbortController();
  private stopped = false;
  /** Polls completed (successful or not), for tests and the status line. */
  polls = 0;
  /** Settlements delivered so far. */
  delivered = 0;
  /** Requests that failed (after the client's own retries). */
  failures = 0;

  constructor(options: FundingPollerOptions) {
    this.options = options;
    this.delayMs = options.delayMs ?? DEFAULT_FUNDING_POLL_DELAY_MS;
    this.periodMs = options.periodMs ?? HOUR_MS;
    this.now = options.now ?? Date.now;
    this.log = options.logger;
    for (const coin of options.coins) this.last.set(coin, options.lastSettlementMs?.[coin] ?? options.startMs - 1);
  }

  /** Polls now, then on every boundary + delay until {@link stop}. */
  start(): void {
    this.run();
  }

  /** Stops the timer, aborts a request in flight and waits for it; nothing is delivered afterwards. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.abort.abort();
    await this.inFlight;
  }

  /** One poll of every coin. Never rejects. */
  async pollOnce(): Promise<void> {
    for (const coin of this.options.coins) {
      if (this.stopped) return;
      await this.pollCoin(coin);
    }
    this.polls += 1;
  }

  private run(): void {
    if (this.stopped) return;
    this.inFlight = this.pollOnce().finally(() => {
      this.inFlight = undefined;
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.stopped) return;
    const nowMs = this.now();
    // The next boundary whose poll time is still ahead.
    let next = Math.floor(nowMs / this.periodMs) * this.periodMs + this.delayMs;
    if (next <= nowMs) next += this.periodMs;
    this.timer = setTimeout(() => this.run(), next - nowMs);
    this.timer.unref();
  }

  private async pollCoin(coin: string): Promise<void> {
    for (let page = 0; page < MAX_PAGES; page += 1) {
      const fromMs = (this.last.get(coin) ?? this.options.startMs - 1) + 1;
      let result;
      try {
        result = await this.options.rest.fundingHistory(coin, fromMs, undefined, { signal: this.abort.signal });
      } catch (error) {
        if (this.stopped) return;
        this.failures += 1;
        // The next poll asks again from the same settlement: nothing is lost, only late.
        this.log.warn({ err: error, coin, fromMs }, "fundingHistory failed; retrying at the next poll");
        return;
      }
      if (this.stopped) return;
      this.options.onResponse?.(coin, result.rows);
      for (const reject of result.rejects) this.log.warn({ coin, field: reject.field }, `fundingHistory row rejected: ${reject.message}`);
      const lastMs = this.last.get(coin) ?? -Infinity;
      const fresh = result.events.filter((e) => e.tsEvent > lastMs).sort((a, b) => a.tsEvent - b.tsEvent);
      const newest = fresh.at(-1);
      if (newest !== undefined) {
        this.last.set(coin, newest.tsEvent);
        this.delivered += fresh.length;
        this.options.deliver(fresh);
      }
      if (result.rows.length + result.rejects.length < (this.options.rowsPerResponse ?? FUNDING_ROWS_PER_RESPONSE) || newest === undefined) return;
    }
  }
}
