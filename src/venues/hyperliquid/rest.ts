/**
 * The Hyperliquid REST `/info` client: the SDK's `HttpTransport` + `InfoClient` for the wire,
 * our weight limiter before every attempt, our retry policy around it, and our parser as the
 * one place that turns venue bodies into events. The SDK validates only request parameters
 * and returns response bodies untouched, so raw bodies are kept beside the events where a
 * caller needs the venue's own strings (backfill writes them to files).
 *
 * Retry policy:
 * | failure                                   | action                                         |
 * | ----------------------------------------- | ---------------------------------------------- |
 * | HTTP 429, 5xx                             | retry; wait `Retry-After` if sent, else backoff |
 * | timeout, network error, torn/invalid body | retry with backoff                              |
 * | other 4xx                                 | `VenueError` at once, naming request and status |
 * | caller's AbortSignal fired                | rethrow the abort reason, no retry              |
 * Backoff is exponential with full jitter: `min(maxBackoffMs, baseBackoffMs × 2^attempt) × random()`
 * for attempt 0, 1, … After `maxRetries` retries the last failure becomes a `VenueError`.
 */
import { HttpRequestError, HttpTransport, InfoClient } from "@nktkas/hyperliquid";
import { ParseError, VenueError, perp } from "../../core/index.ts";
import type { AssetContextEvent, BookSnapshotEvent, CandleEvent, CandleInterval, FundingSettlementEvent, Market } from "../../core/index.ts";
import { parseCandleRow, parseFundingRow, parseL2BookResponse, parseMetaAndAssetCtxs, parseSpotMetaAndAssetCtxs } from "./parse.ts";
import type { PerpMeta, RawCandleRow, RawFundingRow } from "./parse.ts";
import { WeightLimiter, baseWeight, itemWeight } from "./rate-limiter.ts";
import { redactSecrets } from "./redact.ts";
import type { InfoRequestType } from "./rate-limiter.ts";
import type { SpotResolver } from "./spot.ts";
import { parsePredictedFundings } from "./scan-inputs.ts";
import type { PredictedFundingsParsed } from "./scan-inputs.ts";

/** The logging surface the client needs; a pino logger fits. */
export interface RestLogger {
  warn(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
}

export interface HyperliquidRestOptions {
  /** Base URL, e.g. `https://api.hyperliquid.xyz`, or `http://127.0.0.1:PORT` in tests. */
  readonly restUrl: string;
  /** Per-attempt timeout, ms. */
  readonly timeoutMs: number;
  /** Retries after the first attempt (0 = no retry). */
  readonly maxRetries: number;
  /** Backoff before the first retry at most this, ms; doubles per attempt. */
  readonly baseBackoffMs: number;
  /** Ceiling of one backoff, ms. */
  readonly maxBackoffMs: number;
  /** Request weight budget per minute (Hyperliquid: 1200 per IP). */
  readonly weightPerMinute: number;
  /** Uniform in [0, 1); default `Math.random`. */
  readonly random?: () => number;
  /** Waits `ms`; default a timer. */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Wall-clock time, ms; default `Date.now` (this is an edge). */
  readonly now?: () => number;
  readonly logger?: RestLogger;
  /** A row's venue time more than this ahead of the response's receive time is refused, ms. Default 60 000 (the parser's). */
  readonly maxVenueTimeAheadMs?: number;
}

/** Per-call options. */
export interface RequestOptions {
  /** Aborts the request and any wait for a retry. */
  readonly signal?: AbortSignal;
}

/** Candles of one `candleSnapshot` response: `rows[i]` is the venue row `candles[i]` came from. */
export interface CandleSnapshotResult {
  readonly rows: readonly RawCandleRow[];
  readonly candles: readonly CandleEvent[];
  /** Rows the parser refused (dropped from `rows` and `candles`). */
  readonly rejects: readonly ParseError[];
}

/** Rows of one `fundingHistory` response: `rows[i]` is the venue row `events[i]` came from. */
export interface FundingHistoryResult {
  readonly rows: readonly RawFundingRow[];
  readonly events: readonly FundingSettlementEvent[];
  readonly rejects: readonly ParseError[];
}

export interface MetaAndAssetCtxsResult {
  readonly body: unknown;
  readonly universe: readonly PerpMeta[];
  readonly contexts: readonly AssetContextEvent[];
  readonly rejects: readonly ParseError[];
}

export interface SpotMetaAndAssetCtxsResult {
  readonly body: unknown;
  readonly resolver: SpotResolver;
  readonly contexts: readonly AssetContextEvent[];
  readonly rejects: readonly ParseError[];
}

/** A `predictedFundings` answer: each coin's next funding on Hyperliquid and the other venues it publishes. */
export interface PredictedFundingsResult extends PredictedFundingsParsed {
  readonly body: unknown;
  /** Local time the answer arrived, ms (the answer has no venue time). */
  readonly receivedAtMs: number;
}

/** An `l2Book` answer: the snapshot, or the parser's reason for refusing the body. */
export type L2BookResult =
  | { readonly ok: true; readonly body: unknown; readonly book: BookSnapshotEvent }
  | { readonly ok: false; readonly body: unknown; readonly reject: ParseError };

/**
 * The backoff before retry number `attempt + 1`, ms: full jitter,
 * `min(maxMs, baseMs × 2^attempt) × random`.
 */
export function backoffDelayMs(attempt: number, baseMs: number, maxMs: number, random: number): number {
  return Math.min(maxMs, baseMs * 2 ** attempt) * random;
}

/**
 * A `Retry-After` header as a wait in ms: delay-seconds (`"2"`) or an HTTP date (relative to
 * `nowMs`, never negative); `undefined` when absent or unreadable.
 */
export function parseRetryAfterMs(value: string | null | undefined, nowMs: number): number | undefined {
  if (value === null || value === undefined || value.trim() === "") {
    return undefined;
  }
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) {
    return Number(text) * 1000;
  }
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

interface Failure {
  readonly retryable: boolean;
  readonly status: number | undefined;
  readonly retryAfterMs: number | undefined;
  readonly message: string;
}

function classify(error: HttpRequestError, nowMs: number): Failure {
  const response = error.response;
  if (response === undefined) {
    // Timeout, refused or reset connection, body cut off mid-read.
    return { retryable: true, status: undefined, retryAfterMs: undefined, message: describeCause(error) };
  }
  const status = response.status;
  const retryAfterMs = parseRetryAfterMs(response.headers.get("Retry-After"), nowMs);
  if (status === 429 || status >= 500) {
    return { retryable: true, status, retryAfterMs, message: error.message };
  }
  if (status >= 400) {
    return { retryable: false, status, retryAfterMs: undefined, message: error.message };
  }
  // 2xx with a body that is not JSON: a proxy or a torn answer; worth another try.
  return { retryable: true, status, retryAfterMs: undefined, message: error.message };
}

/** The error's message with its chain of causes (`fetch failed` alone hides `ENOTFOUND host`). */
function describeCause(error: HttpRequestError): string {
  let text = error.message;
  let cause: unknown = error.cause;
  for (let depth = 0; cause instanceof Error && depth < 4; depth += 1) {
    if (!text.includes(cause.message)) {
      text += ` (${cause.message})`;
    }
    cause = cause.cause;
  }
  return text;
}

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Sleeps, but wakes with the abort reason when `signal` fires. */
function sleepUnlessAborted(sleep: (ms: number) => Promise<void>, ms: number, signal: AbortSignal | undefined): Promise<void> {
  if (signal === undefined) {
    return sleep(ms);
  }
  signal.throwIfAborted();
  return new Promise<void>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason as Error);
    signal.addEventListener("abort", onAbort, { once: true });
    sleep(ms).then(
      () => {
        signal.removeEventListener("abort", onAbort);
        resolve();
      },
      (error: Error) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}

/**
 * Hyperliquid `/info` requests, each through the weight limiter and the retry policy.
 *
 * Methods throw `VenueError` when the venue fails after retries or refuses a request (4xx),
 * the abort reason when the caller aborts, and `VenueError` when a body does not have the
 * shape of the answer at all (not an array where rows are expected, a meta that cannot be
 * read). Individual malformed rows are values: `rejects`.
 */
export class HyperliquidRest {
  private readonly info: InfoClient;
  private readonly limiter: WeightLimiter;
  private readonly options: HyperliquidRestOptions;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;

  constructor(options: HyperliquidRestOptions) {
    this.options = options;
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? defaultSleep;
    this.random = options.random ?? Math.random;
    this.info = new InfoClient({ transport: new HttpTransport({ apiUrl: options.restUrl, timeout: options.timeoutMs }) });
    this.limiter = new WeightLimiter({ weightPerMinute: options.weightPerMinute, now: this.now, sleep: this.sleep });
  }

  /**
   * Candles of `coin` (perp coin or spot wire name `@N`) with open time in
   * [startTimeMs, endTimeMs]. The venue keeps only the latest 5000 per interval. A bar whose
   * close time `T` is not before now is the forming one (`closed: false`).
   * @param market the market the events are for; default the perp `coin` (pass the spot pair's market for `@N`).
   */
  async candleSnapshot(
    coin: string,
    interval: CandleInterval,
    startTimeMs: number,
    endTimeMs: number,
    options: RequestOptions & { readonly market?: Market } = {},
  ): Promise<CandleSnapshotResult> {
    const label = `candleSnapshot ${coin} ${interval} ${startTimeMs}..${endTimeMs}`;
    const body: unknown = await this.request(
      "candleSnapshot",
      label,
      (signal) => this.info.candleSnapshot({ coin, interval, startTime: startTimeMs, endTime: endTimeMs }, signal),
      options.signal,
    );
    const list = this.arrayBody(body, label);
    const market = options.market ?? perp(coin);
    const tsInit = this.now();
    const rows: RawCandleRow[] = [];
    const candles: CandleEvent[] = [];
    const rejects: ParseError[] = [];
    for (const item of list) {
      const row = item as RawCandleRow;
      try {
        candles.push(parseCandleRow(row, market, { closed: Number(row.T) < tsInit, tsInit, ...(this.options.maxVenueTimeAheadMs === undefined ? {} : { maxVenueTimeAheadMs: this.options.maxVenueTimeAheadMs }) }));
        rows.push(row);
      } catch (error) {
        rejects.push(asParseError(error));
      }
    }
    return { rows, candles, rejects };
  }

  /** Funding settlements of the perp `coin` with time in [startTimeMs, endTimeMs]; at most 500 per response. */
  async fundingHistory(coin: string, startTimeMs: number, endTimeMs?: number, options: RequestOptions = {}): Promise<FundingHistoryResult> {
    const label = `fundingHistory ${coin} ${startTimeMs}..${endTimeMs ?? "now"}`;
    const body: unknown = await this.request(
      "fundingHistory",
      label,
      (signal) => this.info.fundingHistory({ coin, startTime: startTimeMs, endTime: endTimeMs ?? null }, signal),
      options.signal,
    );
    const list = this.arrayBody(body, label);
    const market = perp(coin);
    const tsInit = this.now();
    const rows: RawFundingRow[] = [];
    const events: FundingSettlementEvent[] = [];
    const rejects: ParseError[] = [];
    for (const item of list) {
      const row = item as RawFundingRow;
      try {
        events.push(parseFundingRow(row, market, tsInit, this.options.maxVenueTimeAheadMs));
        rows.push(row);
      } catch (error) {
        rejects.push(asParseError(error));
      }
    }
    return { rows, events, rejects };
  }

  /** The perp universe and every perp's current context. */
  async metaAndAssetCtxs(options: RequestOptions = {}): Promise<MetaAndAssetCtxsResult> {
    const body: unknown = await this.request("metaAndAssetCtxs", "metaAndAssetCtxs", (signal) => this.info.metaAndAssetCtxs({}, signal), options.signal);
    return { body, ...wholeBody("metaAndAssetCtxs", () => parseMetaAndAssetCtxs(body, this.now())) };
  }

  /** Spot pairs (as a resolver from `@N` to readable names) and every pair's current context. */
  async spotMetaAndAssetCtxs(options: RequestOptions = {}): Promise<SpotMetaAndAssetCtxsResult> {
    const body: unknown = await this.request("spotMetaAndAssetCtxs", "spotMetaAndAssetCtxs", (signal) => this.info.spotMetaAndAssetCtxs(signal), options.signal);
    return { body, ...wholeBody("spotMetaAndAssetCtxs", () => parseSpotMetaAndAssetCtxs(body, this.now())) };
  }

  /** Every coin's predicted next funding on Hyperliquid and on the other venues the venue publishes (weight 20). */
  async predictedFundings(options: RequestOptions = {}): Promise<PredictedFundingsResult> {
    const body: unknown = await this.request("predictedFundings", "predictedFundings", (signal) => this.info.predictedFundings(signal), options.signal);
    return { body, receivedAtMs: this.now(), ...wholeBody("predictedFundings", () => parsePredictedFundings(body)) };
  }

  /**
   * The L2 book of `coin` (perp coin or spot wire name; the venue answers `null` for a coin it
   * does not know, which the parser refuses).
   * @param market the market the event is for; default the perp `coin`.
   */
  async l2Book(coin: string, options: RequestOptions & { readonly market?: Market } = {}): Promise<L2BookResult> {
    const body: unknown = await this.request("l2Book", `l2Book ${coin}`, (signal) => this.info.l2Book({ coin }, signal), options.signal);
    try {
      return { ok: true, body, book: parseL2BookResponse(body, options.market ?? perp(coin), this.now()) };
    } catch (error) {
      return { ok: false, body, reject: asParseError(error) };
    }
  }

  private arrayBody(body: unknown, label: string): readonly unknown[] {
    if (!Array.isArray(body)) {
      throw new VenueError(`${label}: expected an array of rows, got ${typeof body === "object" ? JSON.stringify(body)?.slice(0, 120) : typeof body}`);
    }
    return body as unknown[];
  }

  /** One request: limiter, attempt, classify, back off, repeat. */
  private async request(type: InfoRequestType, label: string, send: (signal: AbortSignal | undefined) => Promise<unknown>, signal: AbortSignal | undefined): Promise<unknown> {
    const { maxRetries, baseBackoffMs, maxBackoffMs } = this.options;
    for (let attempt = 0; ; attempt += 1) {
      signal?.throwIfAborted();
      await this.limiter.acquire(baseWeight(type));
      signal?.throwIfAborted();
      let body: unknown;
      try {
        body = await send(signal);
      } catch (error) {
        if (signal?.aborted === true) {
          throw signal.reason as Error;
        }
        if (!(error instanceof HttpRequestError)) {
          // The SDK's ValidationError (bad parameters) and anything else are bugs, not venue trouble.
          throw error;
        }
        const failure = classify(error, this.now());
        if (!failure.retryable) {
          throw new VenueError(`${label}: refused with HTTP ${failure.status}: ${redactSecrets(failure.message)}`, failure.status, { cause: error });
        }
        if (attempt >= maxRetries) {
          throw new VenueError(`${label} at ${redactSecrets(this.options.restUrl)}: failed after ${attempt + 1} attempts: ${redactSecrets(failure.message)}`, failure.status, { cause: error });
        }
        const delayMs = failure.retryAfterMs ?? backoffDelayMs(attempt, baseBackoffMs, maxBackoffMs, this.random());
        this.options.logger?.warn(
          { request: label, attempt: attempt + 1, status: failure.status, delayMs, error: redactSecrets(failure.message) },
          "hyperliquid REST request failed; retrying",
        );
        await sleepUnlessAborted(this.sleep, delayMs, signal);
        continue;
      }
      this.limiter.charge(itemWeight(type, Array.isArray(body) ? body.length : 0));
      return body;
    }
  }
}

/** Runs a whole-body parse; a body that cannot be read at all is the venue failing, not one bad row. */
function wholeBody<T>(label: string, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof ParseError) {
      throw new VenueError(`${label}: malformed response: ${error.message}`, undefined, { cause: error });
    }
    throw error;
  }
}

function asParseError(error: unknown): ParseError {
  if (error instanceof ParseError) {
    return error;
  }
  throw error;
}
