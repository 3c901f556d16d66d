/**
 * Funding settlements for a live session. Hyperliquid's WebSocket has no settlement channel (asset
 * contexts carry the *current* rate, not what was paid), so the paper broker, which pays funding
 * only on `funding` settlement events, would charge nothing live. This edge polls REST
 * `fundingHistory` for every watched perp shortly after each UTC hour (settlements are stamped
 * ~hh:00:00.05) and hands the new settlements on, per coin in time order.
 *
 * Wall-clock timers are fine here: this is an edge. A failed request is logged and asked again
 * with backoff (30 s, 1 min, 2 min, … at most 10 min), never later than the next hourly poll, so a
 * settlement is late by minutes at worst, not by an hour; the loop never throws.
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
/** Default first retry after a failed poll, ms; doubles per consecutive failed poll. */
export const DEFAULT_FUNDING_RETRY_BASE_MS = 30_000;
/** Default longest retry delay, ms. */
export const DEFAULT_FUNDING_RETRY_MAX_MS = 600_000;

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
  /** First retry of a failed coin, ms after the failed poll; doubles per consecutive failure. Default {@link DEFAULT_FUNDING_RETRY_BASE_MS}. */
  readonly retryBaseMs?: number;
  /** Longest retry delay, ms. Default {@link DEFAULT_FUNDING_RETRY_MAX_MS}. */
  readonly retryMaxMs?: number;
}

/** What {@link fundingResumePoints} reads of the paper broker's snapshot (`BrokerState` fits). */
export interface FundingResumeState {
  /** Latest settlement applied per perp market key. */
  readonly lastFundingMs: Readonly<Record<string, number>>;
  readonly positions: readonly { readonly openedMs: number; readonly legs: readonly { readonly market: { readonly key: string }; readonly remainingSz: number }[] }[];
}

/**
 * Where a restart's poller resumes, per coin, as the `lastSettlementMs` of {@link FundingPoller}
 * (the next request asks from this + 1 ms): the later of the last settlement the broker applied
 * and 1 ms before the oldest open position holding that perp. So a restart asks for every
 * settlement since the last one paid, and a position restored from a journal that has not yet
 * paid any settlement still gets the ones it was held through while the monitor was down. A coin
 * with neither is left out (the poller starts it at its `startMs`: nothing is owed).
 */
export function fundingResumePoints(state: FundingResumeState | undefined, coins: readonly string[], perpKey: (coin: string) => string): Record<string, number> {
  const out: Record<string, number> = {};
  if (state === undefined) return out;
  for (const coin of coins) {
    const key = perpKey(coin);
    const paid = state.lastFundingMs[key];
    let oldestOpenMs: number | undefined;
    for (const p of state.positions) {
      if (p.legs.some((l) => l.market.key === key && l.remainingSz > 0)) oldestOpenMs = Math.min(oldestOpenMs ?? Infinity, p.openedMs);
    }
    // A settlement at the open instant is not owed (the broker pays legs opened strictly before it); asking for it is harmless.
    const candidates = [paid, oldestOpenMs === undefined ? undefined : oldestOpenMs - 1].filter((v): v is number => v !== undefined);
    if (candidates.length > 0) out[coin] = Math.max(...candidates);
  }
  return out;
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
  /** Coins whose last request failed: a retry asks only for these. */
  private readonly failed = new Set<string>();
  /** Consecutive polls that left a coin failed (drives the backoff). */
  private failedPolls = 0;
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
    await this.pollCoins(this.options.coins);
  }

  private async pollCoins(coins: readonly string[]): Promise<void> {
    for (const coin of coins) {
      if (this.stopped) return;
      if (await this.pollCoin(coin)) this.failed.delete(coin);
      else if (!this.stopped) this.failed.add(coin);
    }
    this.polls += 1;
  }

  private run(retryOnly = false): void {
    if (this.stopped) return;
    const coins = retryOnly ? this.options.coins.filter((c) => this.failed.has(c)) : this.options.coins;
    this.inFlight = this.pollCoins(coins).finally(() => {
      this.inFlight = undefined;
      this.schedule();
    });
  }

  /**
   * The next poll: the next period boundary + delay, or sooner, a retry of the coins that failed
   * after `retryBaseMs × 2^(failed polls − 1)` (at most `retryMaxMs`). A retry that would fall at or
   * after the boundary's poll is that poll.
   */
  private schedule(): void {
    if (this.stopped) return;
    const nowMs = this.now();
    // The next boundary whose poll time is still ahead.
    let next = Math.floor(nowMs / this.periodMs) * this.periodMs + this.delayMs;
    if (next <= nowMs) next += this.periodMs;
    let retry = false;
    if (this.failed.size > 0) {
      this.failedPolls += 1;
      const base = this.options.retryBaseMs ?? DEFAULT_FUNDING_RETRY_BASE_MS;
      const backoffMs = Math.min(base * 2 ** (this.failedPolls - 1), this.options.retryMaxMs ?? DEFAULT_FUNDING_RETRY_MAX_MS);
      if (nowMs + backoffMs < next) {
        next = nowMs + backoffMs;
        retry = true;
      }
      this.log.warn({ coins: [...this.failed], retryInMs: next - nowMs, failedPolls: this.failedPolls }, retry ? "fundingHistory: retrying the failed coins" : "fundingHistory: retrying at the next hourly poll");
    } else {
      this.failedPolls = 0;
    }
    this.timer = setTimeout(() => this.run(retry), next - nowMs);
    this.timer.unref();
  }

  /** Asks for one coin's new settlements (every page); false when a request failed. */
  private async pollCoin(coin: string): Promise<boolean> {
    for (let page = 0; page < MAX_PAGES; page += 1) {
      const fromMs = (this.last.get(coin) ?? this.options.startMs - 1) + 1;
      let result;
      try {
        result = await this.options.rest.fundingHistory(coin, fromMs, undefined, { signal: this.abort.signal });
      } catch (error) {
        if (this.stopped) return true;
        this.failures += 1;
        // The retry asks again from the same settlement: nothing is lost, only late.
        this.log.warn({ err: error, coin, fromMs }, "fundingHistory failed; retrying with backoff");
        return false;
      }
      if (this.stopped) return true;
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
      if (result.rows.length + result.rejects.length < (this.options.rowsPerResponse ?? FUNDING_ROWS_PER_RESPONSE) || newest === undefined) return true;
    }
    return true;
  }
}
