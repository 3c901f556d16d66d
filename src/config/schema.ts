/**
 * The typed configuration: every setting, its unit, its default and what values are allowed.
 *
 * One valibot schema is the single source of truth. Each leaf carries a description that is
 * also the "what is allowed" half of its error message, so a wrong value always reads
 * `config live.pingIntervalMs = -5 is invalid: an integer number of ms between 1000 and 55000`.
 * Cross-field rules (custom network needs URLs, base ≤ max backoff, …) live in `load.ts`.
 *
 * The trading sections (`strategies`, `risk`, `broker`, `analytics`) are typed here only as JSON
 * objects: their content belongs to the layers that use them (strategies, risk, paper,
 * analytics), which this generic loader may not import. The composition root
 * (src/cli/trading-config.ts) validates their content with the owning layer's schema, so an
 * error still names the full key path (`strategies.flow-toxicity.threshold`). They are
 * file-only: an object is one value, and env text cannot express it readably.
 *
 * Later sections: `metrics` (window lengths, warm-up).
 */
import * as v from "valibot";
import { CANDLE_INTERVALS } from "../core/index.ts";
import type { CandleInterval } from "../core/index.ts";

/** Log levels, least to most severe. */
export const LOG_LEVELS = ["trace", "debug", "info", "warn", "error", "fatal"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** `auto` = pretty on a TTY, JSON otherwise. */
export const LOG_FORMATS = ["auto", "json", "pretty"] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

export const NETWORKS = ["mainnet", "testnet", "custom"] as const;
export type Network = (typeof NETWORKS)[number];

/** REST base URL and WebSocket URL of each public Hyperliquid network. */
export const NETWORK_URLS = {
  mainnet: { restUrl: "https://api.hyperliquid.xyz", wsUrl: "wss://api.hyperliquid.xyz/ws" },
  testnet: { restUrl: "https://api.hyperliquid-testnet.xyz", wsUrl: "wss://api.hyperliquid-testnet.xyz/ws" },
} as const satisfies Record<Exclude<Network, "custom">, { restUrl: string; wsUrl: string }>;

const MIB = 1024 * 1024;

// ---------------------------------------------------------------------------------------------
// Leaf builders: every leaf states what is allowed once, used as message for every failed check.

function integerIn(min: number, max: number, unit: string, note = "") {
  return integerWhere(min, max, `an integer number of ${unit} between ${min} and ${max}${note}`);
}

function integerWhere(min: number, max: number, allowed: string) {
  return v.pipe(v.number(allowed), v.integer(allowed), v.minValue(min, allowed), v.maxValue(max, allowed), v.description(allowed));
}

function nonEmptyString(what: string) {
  const allowed = `a non-empty string (${what})`;
  return v.pipe(v.string(allowed), v.minLength(1, allowed), v.description(allowed));
}

function urlWithProtocols(protocols: readonly string[], allowed: string) {
  const ok = (text: string): boolean => {
    const url = URL.parse(text);
    return url !== null && protocols.includes(url.protocol) && url.hostname !== "";
  };
  return v.pipe(v.string(allowed), v.check(ok, allowed), v.description(allowed));
}

function oneOf<const T extends readonly [string, ...string[]]>(options: T) {
  const allowed = `one of ${options.map((o) => JSON.stringify(o)).join(", ")}`;
  return v.pipe(v.picklist(options, allowed), v.description(allowed));
}

function bool() {
  const allowed = "true or false";
  return v.pipe(v.boolean(allowed), v.description(allowed));
}

function uniqueList<T extends string>(item: v.GenericSchema<unknown, T>, allowed: string, maxItems: number) {
  const unique = (list: T[]): boolean => new Set(list).size === list.length;
  return v.pipe(
    v.array(item, allowed),
    v.minLength(1, allowed),
    v.maxLength(maxItems, allowed),
    v.check(unique, `${allowed}, without duplicates`),
    v.description(allowed),
  );
}

function isPlainObject(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Marks a leaf whose value is a JSON object section (file only), for keys.ts. Needed because the
 * leaf is a `custom` schema: valibot's object schemas accept arrays, so a plain-object check comes first.
 */
export const OBJECT_SETTING = { settingKind: "object" } as const;

/** A JSON object whose keys the owning layer checks (file only; see the file comment). */
function jsonObject(allowed: string) {
  return v.pipe(v.custom<Readonly<Record<string, unknown>>>(isPlainObject, allowed), v.metadata(OBJECT_SETTING), v.description(allowed));
}

/** A JSON object of JSON objects (`strategies`: strategy id → its settings). */
function objectOfObjects(allowed: string, inner: string) {
  return v.pipe(
    v.custom<Readonly<Record<string, unknown>>>(isPlainObject, allowed),
    v.objectWithRest({}, v.custom<Readonly<Record<string, unknown>>>(isPlainObject, inner), allowed),
    v.metadata(OBJECT_SETTING),
    v.description(allowed),
  );
}

/** A possibly empty list of distinct strings. */
function stringList(item: v.GenericSchema<unknown, string>, allowed: string, maxItems: number) {
  const unique = (list: string[]): boolean => new Set(list).size === list.length;
  return v.pipe(v.array(item, allowed), v.maxLength(maxItems, allowed), v.check(unique, `${allowed}, without duplicates`), v.description(allowed));
}

// Hyperliquid names perps `BTC`, `kPEPE`, builder-deployed ones `xyz:TSLA`.
const COIN_PATTERN = /^[A-Za-z0-9][A-Za-z0-9:._-]{0,31}$/;
const COINS_ALLOWED = "a non-empty list of Hyperliquid perp coin names such as [\"BTC\",\"ETH\"] (letters, digits, ':', '.', '_', '-'; at most 100)";
const coinName = v.pipe(v.string(COINS_ALLOWED), v.regex(COIN_PATTERN, COINS_ALLOWED));

const INTERVALS_ALLOWED = `a non-empty list of Hyperliquid candle intervals, each one of ${CANDLE_INTERVALS.join(" ")}`;
const candleInterval = v.picklist(CANDLE_INTERVALS as readonly [CandleInterval, ...CandleInterval[]], INTERVALS_ALLOWED);

const ALIASES_ALLOWED = "an object mapping a spot token name to a perp coin name, such as {\"UBTC\":\"BTC\"}";
const aliasName = v.pipe(v.string(ALIASES_ALLOWED), v.regex(COIN_PATTERN, ALIASES_ALLOWED));

const STRATEGIES_ALLOWED = "an object mapping a strategy id to an object of its settings, such as {\"flow-toxicity\":{\"threshold\":2.5}}";
const PAPER_WHEN_KILLED_ALLOWED = "a list of strategy ids, such as [\"basis-arbitrage\"] (empty: killed strategies only record signals)";
const strategyId = v.pipe(v.string(PAPER_WHEN_KILLED_ALLOWED), v.regex(/^[a-z0-9-]{1,64}$/, PAPER_WHEN_KILLED_ALLOWED));

/** A finite number in [min, max] (fractions, per-hour rates). */
function numberIn(min: number, max: number, allowed: string) {
  return v.pipe(v.number(allowed), v.finite(allowed), v.minValue(min, allowed), v.maxValue(max, allowed), v.description(allowed));
}

const SCAN_COINS_ALLOWED = "a list of Hyperliquid perp coin names such as [\"BTC\",\"ETH\"] (empty: every listed perp; at most 500)";
const scanCoinName = v.pipe(v.string(SCAN_COINS_ALLOWED), v.regex(COIN_PATTERN, SCAN_COINS_ALLOWED));


// ---------------------------------------------------------------------------------------------
// Alerts (docs/ALERTS.md). A webhook URL is a secret (Telegram's bot token and Discord's webhook
// token sit in its path): it is kept in a SecretUrl, whose text, JSON and inspection show only
// the scheme and host, so neither a log line, `strategy-monitor config` nor a ConfigError prints it.

/** A URL that must never be logged: `String()`, `JSON.stringify` and `util.inspect` show `https://host/***`. */
export class SecretUrl {
  readonly #url: string;
  constructor(url: string) {
    this.#url = url;
  }
  /** The URL itself, for the request only. */
  reveal(): string {
    return this.#url;
  }
  /** Scheme and host; `/***` in place of user info, path and query. */
  toString(): string {
    return redactUrlToHost(this.#url);
  }
  toJSON(): string {
    return this.toString();
  }
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return `SecretUrl(${this.toString()})`;
  }
}

/**
 * `https://api.telegram.org/bot123:abc/sendMessage` → `https://api.telegram.org/***`: scheme, host
 * and port only (a webhook's path and query are its credentials); `***` for text that is no URL.
 */
export function redactUrlToHost(text: string): string {
  const url = URL.parse(text);
  if (url === null || url.host === "") return "***";
  const hidden = url.username !== "" || url.password !== "" || (url.pathname !== "" && url.pathname !== "/") || url.search !== "" || url.hash !== "";
  return `${url.protocol}//${url.host}${hidden ? "/***" : ""}`;
}

/** Alert formats: the request body each destination gets. */
export const ALERT_FORMATS = ["generic", "telegram", "discord"] as const;
export type AlertFormat = (typeof ALERT_FORMATS)[number];

/** Alert event kinds (a destination's `events` filter). */
export const ALERT_EVENTS = ["signal_taken", "position_closed", "lifecycle_change", "data_stale", "daily_loss_halt"] as const;
export type AlertEventKind = (typeof ALERT_EVENTS)[number];

const ALERT_URL_ALLOWED = "an http or https URL (Telegram: https://api.telegram.org/bot<token>/sendMessage; Discord: the webhook URL)";
const alertUrl = v.pipe(
  v.string(ALERT_URL_ALLOWED),
  v.transform((text: string) => new SecretUrl(text)),
  // Checked after wrapping, so a refused URL is reported as https://host/*** (the issue's input).
  v.check((u: SecretUrl) => {
    const url = URL.parse(u.reveal());
    return url !== null && (url.protocol === "http:" || url.protocol === "https:") && url.hostname !== "";
  }, ALERT_URL_ALLOWED),
);

const DESTINATIONS_ALLOWED =
  'a list of alert destinations, such as [{"name":"ops","format":"discord","url":"https://discord.com/api/webhooks/<id>/<token>"}] (at most 20, distinct names)';
const ALERT_EVENTS_ALLOWED = `a list of alert events, each one of ${ALERT_EVENTS.map((e) => JSON.stringify(e)).join(", ")} (empty or absent: all)`;

const alertDestination = v.pipe(
  v.strictObject(
    {
      name: v.pipe(v.string("a destination name of letters, digits, '_', '-' (1 to 40)"), v.regex(/^[A-Za-z0-9_-]{1,40}$/, "a destination name of letters, digits, '_', '-' (1 to 40)")),
      format: oneOf(ALERT_FORMATS),
      url: alertUrl,
      chatId: v.optional(v.union([v.pipe(v.string("a Telegram chat id"), v.minLength(1, "a Telegram chat id")), v.pipe(v.number("a Telegram chat id"), v.integer("a Telegram chat id"))], "a Telegram chat id: a number such as -1001234567890 or a string such as \"@channel\"")),
      events: v.optional(stringList(v.picklist(ALERT_EVENTS, ALERT_EVENTS_ALLOWED), ALERT_EVENTS_ALLOWED, ALERT_EVENTS.length), []),
      ratePerMinute: v.optional(integerIn(1, 600, "messages per minute"), 20),
      burst: v.optional(integerIn(1, 100, "messages"), 5),
      maxAttempts: v.optional(integerIn(1, 20, "attempts"), 5),
      baseBackoffMs: v.optional(integerIn(10, 600_000, "ms"), 1_000),
      maxBackoffMs: v.optional(integerIn(10, 3_600_000, "ms"), 60_000),
      timeoutMs: v.optional(integerIn(100, 120_000, "ms"), 10_000),
      maxQueue: v.optional(integerIn(1, 10_000, "alerts"), 100),
    },
    DESTINATIONS_ALLOWED,
  ),
  v.check((d) => d.format !== "telegram" || d.chatId !== undefined, "a telegram destination needs chatId (the chat the bot posts to)"),
  v.check((d) => d.maxBackoffMs >= d.baseBackoffMs, "maxBackoffMs at least baseBackoffMs"),
);

/** One alert destination, defaults filled in (docs/ALERTS.md). */
export type AlertDestinationConfig = v.InferOutput<typeof alertDestination>;

const alertDestinations = v.pipe(
  v.custom<unknown[]>((x) => Array.isArray(x), DESTINATIONS_ALLOWED),
  v.array(alertDestination, DESTINATIONS_ALLOWED),
  v.maxLength(20, DESTINATIONS_ALLOWED),
  v.check((list) => new Set(list.map((d) => d.name)).size === list.length, `${DESTINATIONS_ALLOWED}: names must differ`),
  v.metadata(OBJECT_SETTING),
  v.description(DESTINATIONS_ALLOWED),
);
// ---------------------------------------------------------------------------------------------

/**
 * The schema of the merged raw configuration (before `restUrl`/`wsUrl` are resolved from the
 * network). Strict objects: an unknown key is an error, never silently ignored.
 */
export const rawConfigSchema = v.strictObject({
  network: oneOf(NETWORKS),
  restUrl: v.optional(urlWithProtocols(["http:", "https:"], "an http or https URL such as https://api.hyperliquid.xyz")),
  wsUrl: v.optional(urlWithProtocols(["ws:", "wss:"], "a ws or wss URL such as wss://api.hyperliquid.xyz/ws")),
  coins: uniqueList(coinName, COINS_ALLOWED, 100),
  spot: v.strictObject({
    enabled: bool(),
    baseAliases: v.pipe(v.record(aliasName, aliasName, ALIASES_ALLOWED), v.description(ALIASES_ALLOWED)),
  }),
  candleIntervals: uniqueList(candleInterval, INTERVALS_ALLOWED, CANDLE_INTERVALS.length),
  live: v.strictObject({
    // The server drops a connection it has not heard from in 60 s: ping well inside that.
    pingIntervalMs: integerIn(1_000, 55_000, "ms"),
    pongTimeoutMs: integerIn(1_000, 60_000, "ms"),
    silenceTimeoutMs: integerIn(2_000, 600_000, "ms"),
    reconnectBaseMs: integerIn(10, 60_000, "ms"),
    reconnectMaxMs: integerIn(100, 600_000, "ms"),
    // Hyperliquid allows 1000 subscriptions per IP.
    maxSubscriptions: integerIn(1, 1_000, "subscriptions"),
    // Past a bar's close + this, the bar is final without the next bar's frame (before the hh:00:15 funding poll).
    barCloseGraceMs: integerIn(0, 10_000, "ms"),
    // candleSnapshot keeps only the latest 5000 bars; fundingHistory pages at 500 rows.
    warmUpBars: integerIn(0, 5_000, "bars"),
    warmUpFundingHours: integerIn(0, 500, "hours"),
    maxVenueTimeAheadMs: integerIn(1_000, 86_400_000, "ms"),
    clockOffsetWarnMs: integerIn(500, 3_600_000, "ms"),
    // Sanity at the edge (docs/LIVE.md): the price band, its confirmation, the largest frame read.
    priceBandFraction: numberIn(0.01, 10, "a fraction of the latest accepted price between 0.01 and 10 (0.1 = 10 %)"),
    priceConfirmFrames: integerIn(1, 1_000, "prices"),
    priceConfirmMs: integerIn(0, 600_000, "ms"),
    maxFrameChars: integerIn(65_536, 268_435_456, "characters"),
    // Liveness per channel (docs/LIVE.md, "Liveness and shutdown"): expected data within, per channel type; 0 = none.
    bookSilenceMs: integerIn(0, 3_600_000, "ms", " (0 = no deadline)"),
    topOfBookSilenceMs: integerIn(0, 3_600_000, "ms", " (0 = no deadline)"),
    tradesSilenceMs: integerIn(0, 3_600_000, "ms", " (0 = no deadline)"),
    assetCtxSilenceMs: integerIn(0, 3_600_000, "ms", " (0 = no deadline)"),
    candleSilenceMs: integerIn(0, 3_600_000, "ms", " (0 = no deadline)"),
    dataStallMs: integerIn(0, 600_000, "ms", " (0 = off)"),
    subscribeAckTimeoutMs: integerIn(1_000, 120_000, "ms"),
  }),
  rest: v.strictObject({
    timeoutMs: integerIn(100, 120_000, "ms"),
    maxRetries: integerIn(0, 20, "retries"),
    baseBackoffMs: integerIn(10, 60_000, "ms"),
    maxBackoffMs: integerIn(100, 600_000, "ms"),
    // Hyperliquid allows request weight 1200 per minute per IP.
    weightPerMinute: integerIn(1, 1_200, "weight units per minute"),
  }),
  record: v.strictObject({
    dir: nonEmptyString("a directory path"),
    rotateBytes: integerIn(MIB, 16 * 1024 * MIB, "bytes", " (1 MiB to 16 GiB)"),
    // The recorder promises that data is flushed at least every second.
    flushIntervalMs: integerIn(10, 1_000, "ms"),
  }),
  log: v.strictObject({
    level: oneOf(LOG_LEVELS),
    format: oneOf(LOG_FORMATS),
  }),
  server: v.strictObject({
    host: nonEmptyString("an interface address or host name"),
    port: integerWhere(0, 65_535, "a TCP port number between 0 and 65535 (0 picks a free port)"),
  }),
  data: v.strictObject({
    sharedDir: nonEmptyString("a directory path"),
  }),
  journal: v.strictObject({
    trialRegistry: nonEmptyString("a file path; a relative one is taken from the journal's directory"),
  }),
  strategies: objectOfObjects(STRATEGIES_ALLOWED, "an object of this strategy's settings, such as {\"threshold\":2.5}"),
  risk: jsonObject("an object of risk settings, such as {\"riskPerTrade\":0.01}"),
  broker: jsonObject("an object of paper-broker settings, such as {\"latencyMs\":200}"),
  analytics: jsonObject("an object of gate and verdict settings, such as {\"psrConfidence\":0.95}"),
  paperTradeWhenKilled: stringList(strategyId, PAPER_WHEN_KILLED_ALLOWED, 100),
  scan: v.strictObject({
    coins: stringList(scanCoinName, SCAN_COINS_ALLOWED, 500),
    minDayVolumeUsd: integerIn(0, 1e12, "USD"),
    minOpenInterestUsd: integerIn(0, 1e12, "USD"),
    sizeUsd: integerIn(1, 1e9, "USD"),
    holdHours: integerIn(1, 8_760, "hours"),
    otherVenueTakerFee: numberIn(0, 0.01, "a taker fee per side as a fraction of notional between 0 and 0.01 (0.0005 = 0.05 %)"),
    extremeFundingApr: numberIn(0, 100, "a simple annualised funding rate as a fraction between 0 and 100 (0.5 = 50 % a year)"),
    extremeBasisBps: integerIn(0, 10_000, "bps"),
    extremeAccelerationPerHour: numberIn(0, 1, "a change of the hourly funding rate per hour between 0 and 1 (1e-6 is notable)"),
    rows: integerIn(0, 10_000, "rows", " (0: every row)"),
    watchIntervalMs: integerIn(5_000, 86_400_000, "ms"),
  }),
  alerts: v.strictObject({
    enabled: bool(),
    signalTaken: bool(),
    positionClosed: bool(),
    lifecycleChange: bool(),
    dailyLossHalt: bool(),
    staleAfterMs: integerIn(0, 86_400_000, "ms", " (0 = no stale or disconnect alerts)"),
    lifecyclePollMs: integerIn(1_000, 3_600_000, "ms"),
    destinations: alertDestinations,
  }),
});

/** `network`-independent part of the schema output; see {@link Config} for the documented type. */
export type RawConfig = v.InferOutput<typeof rawConfigSchema>;

/** Spot markets beside the perps (for basis). */
export interface SpotConfig {
  /** Subscribe to the spot pairs of the watched coins. Default `true`. */
  readonly enabled: boolean;
  /**
   * Wrapped spot token name → perp coin whose basis it measures. Default
   * the Unit-wrapped tokens (`UBTC` → `BTC`, `UETH` → `ETH`, `USOL` → `SOL`, ...; see `DEFAULT_SPOT_BASE_ALIASES`). A value given in a file, env or
   * flag replaces the whole table (so an alias can be removed).
   */
  readonly baseAliases: Readonly<Record<string, string>>;
}

/** The live WebSocket source. */
export interface LiveConfig {
  /** Interval between `{"method":"ping"}` frames, ms. Default 30000 (server idles out at 60 s). */
  readonly pingIntervalMs: number;
  /** How long to wait for a pong before the socket is declared dead, ms. Default 10000; below `pingIntervalMs`. */
  readonly pongTimeoutMs: number;
  /** An open socket with no frame for this long is dead, ms. Default 60000; above `pingIntervalMs`. */
  readonly silenceTimeoutMs: number;
  /** First reconnect delay (doubles per failure, with jitter), ms. Default 500. */
  readonly reconnectBaseMs: number;
  /** Largest reconnect delay, ms. Default 30000; at least `reconnectBaseMs`. */
  readonly reconnectMaxMs: number;
  /** Most subscriptions on one connection. Default 1000 (Hyperliquid's per-IP limit). */
  readonly maxSubscriptions: number;
  /**
   * A forming bar is closed once the receive clock passes its close time + this, if no frame of
   * the next bar came first, ms. Default 3000; at most 10000, so hourly bars close before the
   * funding poll at hh:00:15. Recorded in the capture header, so a replay closes bars alike.
   */
  readonly barCloseGraceMs: number;
  /**
   * `run` fetches this many closed bars per market and interval over REST before the live feed
   * reaches the kernel, so bar strategies are warm within minutes. Default 1500 (25 h of 1 m bars:
   * the UTC session's VWAP; 62 days of 1 h bars: the 30-day correlations); at most 5000 (all the
   * venue keeps); 0 = no candle warm-up.
   */
  readonly warmUpBars: number;
  /** Hours of funding settlements `run` fetches at start for the funding strategies (168: their percentile rules need 100 settlements). Default 168; at most 500; 0 = none. */
  readonly warmUpFundingHours: number;
  /**
   * A venue time more than this ahead of its frame's receive time is refused as impossible, ms.
   * Default 60000; recorded in the capture header so a replay refuses alike.
   */
  readonly maxVenueTimeAheadMs: number;
  /**
   * `run` warns once when the measured (receive − venue) clock offset exceeds this in magnitude,
   * ms (docs/LIVE.md "Time you can trust"). Default 2000; the offset includes ~0.5 s of latency.
   */
  readonly clockOffsetWarnMs: number;
  /**
   * A book mid, top-of-book mid or trade price further than this fraction from its market's latest
   * accepted price is quarantined (not emitted) until confirmed. Default 0.1 (10 %; docs/LIVE.md
   * "Sanity at the edge"); recorded in the capture header.
   */
  readonly priceBandFraction: number;
  /** Prices at the new level that confirm a quarantined jump. Default 5. */
  readonly priceConfirmFrames: number;
  /** Receive-time span those prices must cover, ms. Default 2000. */
  readonly priceConfirmMs: number;
  /** A WebSocket frame longer than this is refused unread, characters. Default 1048576 (1 MiB). */
  readonly maxFrameChars: number;
  /** An `l2Book` subscription without data this long is silent: logged, resubscribed, marked as a gap, ms. Default 15000 (books come every ~0.5 s); 0 = no deadline. */
  readonly bookSilenceMs: number;
  /** The same for `bbo`, ms. Default 0 (sent only when the top of book changes). */
  readonly topOfBookSilenceMs: number;
  /** The same for `trades`, ms. Default 0 (irregular: a quiet market trades rarely). */
  readonly tradesSilenceMs: number;
  /** The same for `activeAssetCtx`, ms. Default 60000. */
  readonly assetCtxSilenceMs: number;
  /** The same for `candle`, ms. Default 0 (updated only by trades). */
  readonly candleSilenceMs: number;
  /** No data on any channel this long while pongs answer is a gap of the connection, ms. Default 15000; 0 = off. */
  readonly dataStallMs: number;
  /** A subscription not acknowledged within this long is logged and sent again, ms. Default 10000. */
  readonly subscribeAckTimeoutMs: number;
}

/** The REST client. */
export interface RestConfig {
  /** Per-request timeout, ms. Default 10000. */
  readonly timeoutMs: number;
  /** Retries after the first attempt for retryable failures (timeouts, 429, 5xx). Default 5. */
  readonly maxRetries: number;
  /** First retry delay (doubles per retry, with jitter), ms. Default 500. */
  readonly baseBackoffMs: number;
  /** Largest retry delay, ms. Default 30000; at least `baseBackoffMs`. */
  readonly maxBackoffMs: number;
  /** Request weight budget per minute. Default 1200 (Hyperliquid's per-IP limit). */
  readonly weightPerMinute: number;
}

/** The capture recorder. */
export interface RecordConfig {
  /** Directory for capture files, relative to the working directory. Default `captures`. */
  readonly dir: string;
  /** Start a new capture file after this many bytes (also daily), bytes. Default 268435456 (256 MiB). */
  readonly rotateBytes: number;
  /** Flush buffered frames at least this often, ms. Default 1000, at most 1000. */
  readonly flushIntervalMs: number;
}

/** Logging. */
export interface LogConfig {
  /** Least severe level written. Default `info`. */
  readonly level: LogLevel;
  /** `auto` (pretty on a TTY, JSON otherwise), `json` or `pretty`. Default `auto`. */
  readonly format: LogFormat;
}

/** The local dashboard and JSON API. */
export interface ServerConfig {
  /** Interface to bind. Default `127.0.0.1`; anything wider must be set explicitly. */
  readonly host: string;
  /** TCP port; 0 picks a free port. Default 8787. */
  readonly port: number;
}

/** Where shared data lives. */
export interface DataConfig {
  /** Directory of recorded Hyperliquid data, relative to the working directory. Default `../shared/data/hyperliquid`. */
  readonly sharedDir: string;
}

/** What lives beside the journals. */
export interface JournalConfig {
  /**
   * The trial registry: every strategy variant ever run, across journals, for the deflated Sharpe
   * ratio's N (docs/JOURNAL.md). A path; a relative one is taken from the journal's directory (not
   * the working directory), so the default `trials.db` keeps one registry beside the journals of a
   * directory. An absolute path shares one registry across directories.
   */
  readonly trialRegistry: string;
}

/** The effective, validated, frozen configuration. */
export interface Config {
  /** Which Hyperliquid network. Default `mainnet`. */
  readonly network: Network;
  /** REST base URL: fixed for mainnet/testnet, required for `custom`. */
  readonly restUrl: string;
  /** WebSocket URL: fixed for mainnet/testnet, required for `custom`. */
  readonly wsUrl: string;
  /** Perp coins to watch. Default `["BTC","ETH","SOL"]`. */
  readonly coins: readonly string[];
  readonly spot: SpotConfig;
  /** Candle intervals to subscribe to. Default `["1m","1h"]`. */
  readonly candleIntervals: readonly CandleInterval[];
  readonly live: LiveConfig;
  readonly rest: RestConfig;
  readonly record: RecordConfig;
  readonly log: LogConfig;
  readonly server: ServerConfig;
  readonly data: DataConfig;
  readonly journal: JournalConfig;
  /**
   * Strategy id → that strategy's settings (only those changed; the rest keep the strategy's
   * defaults). Default `{}`. Content validated by the composition root (src/cli/trading-config.ts).
   */
  readonly strategies: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  /** Risk settings replacing the defaults (sizing, limits, fees). Default `{}`. Content validated by the composition root. */
  readonly risk: Readonly<Record<string, unknown>>;
  /** Paper-broker settings replacing the defaults (latency, bar fills, equity). Default `{}`. Content validated by the composition root. */
  readonly broker: Readonly<Record<string, unknown>>;
  /** Gates and verdict settings (the analytics layer's `parseGateConfig`). Default `{}`. Content validated by the composition root. */
  readonly analytics: Readonly<Record<string, unknown>>;
  /** Strategy ids that keep paper trading while killed. Default `[]` (killed = shadow mode: signals recorded, no positions). */
  readonly paperTradeWhenKilled: readonly string[];
  readonly scan: ScanConfig;
  readonly alerts: AlertsConfig;
}

/** Alerts over webhooks: generic JSON, Telegram, Discord (docs/ALERTS.md). Only `run` sends them. */
export interface AlertsConfig {
  /** Send alerts at all. Default `false`. */
  readonly enabled: boolean;
  /** Alert when a signal is taken (accepted by a book). Default `true`. */
  readonly signalTaken: boolean;
  /** Alert when a paper position closes. Default `true`. */
  readonly positionClosed: boolean;
  /** Alert when a strategy's lifecycle state in the journal changes (`report --apply-lifecycle`). Default `true`. */
  readonly lifecycleChange: boolean;
  /** Alert when a book refuses a signal with `daily_loss_halt` (once per book and UTC day). Default `true`. */
  readonly dailyLossHalt: boolean;
  /** Alert when no data has arrived, or the socket has been disconnected, this long, ms. Default 120000; 0 = off. */
  readonly staleAfterMs: number;
  /** How often the journal's lifecycle is read for changes, ms. Default 60000. */
  readonly lifecyclePollMs: number;
  /** Where alerts go. Default `[]`. File only (URLs are secrets: never logged). */
  readonly destinations: readonly AlertDestinationConfig[];
}

/** `strategy-monitor scan`: the funding and basis scanner (docs/SCANNER.md). Fees are `risk.feeTier` / `risk.fees`. */
export interface ScanConfig {
  /** Perp coins to scan. Default `[]`: every listed perp. */
  readonly coins: readonly string[];
  /** Skip perps whose 24 h notional volume is below this, USD. Default 1000000. */
  readonly minDayVolumeUsd: number;
  /** Skip perps whose open interest (coins × oracle price) is below this, USD. Default 1000000. */
  readonly minOpenInterestUsd: number;
  /** Notional of each leg the costs are computed for (book walk, fees), USD. Default 10000. */
  readonly sizeUsd: number;
  /** Hold the net carry and cross-venue figures assume, hours. Default 24. */
  readonly holdHours: number;
  /** Taker fee per side assumed on the other venue of a cross-venue row, fraction. Default 0.0005. */
  readonly otherVenueTakerFee: number;
  /** |simple annualised funding| at or above which a funding row is flagged, fraction. Default 0.5. */
  readonly extremeFundingApr: number;
  /** |perp − spot basis| at or above which a basis row is flagged, bps. Default 50. */
  readonly extremeBasisBps: number;
  /** |funding acceleration| at or above which a funding row is flagged, fraction per hour per hour. Default 1e-6. */
  readonly extremeAccelerationPerHour: number;
  /** Rows per table in the terminal output (JSON and CSV hold every row); 0 = all. Default 10. */
  readonly rows: number;
  /** `--watch` without a value refreshes this often, ms. Default 60000. */
  readonly watchIntervalMs: number;
}

// The schema and the documented interface must agree (compile-time check).
const _schemaMatchesConfig = (raw: RawConfig): Omit<Config, "restUrl" | "wsUrl"> => raw;
void _schemaMatchesConfig;

/**
 * Built-in defaults. `spot.baseAliases` must agree with `DEFAULT_SPOT_BASE_ALIASES` in
 * src/venues/hyperliquid/spot.ts; config may not import venues, so the table is repeated here.
 */
export const DEFAULT_CONFIG: Omit<RawConfig, "restUrl" | "wsUrl"> = {
  network: "mainnet",
  coins: ["BTC", "ETH", "SOL"],
  spot: {
    enabled: true,
    baseAliases: { UBTC: "BTC", UETH: "ETH", USOL: "SOL", UFART: "FARTCOIN", UPUMP: "PUMP", HYPE: "HYPE", UENA: "ENA", UXPL: "XPL", UWLD: "WLD", UDOGE: "DOGE", UMON: "MON", UUUSPX: "SPX" },
  },
  candleIntervals: ["1m", "1h"],
  live: {
    pingIntervalMs: 30_000,
    pongTimeoutMs: 10_000,
    silenceTimeoutMs: 60_000,
    reconnectBaseMs: 500,
    reconnectMaxMs: 30_000,
    maxSubscriptions: 1_000,
    barCloseGraceMs: 3_000,
    warmUpBars: 1_500,
    warmUpFundingHours: 168,
    maxVenueTimeAheadMs: 60_000,
    clockOffsetWarnMs: 2_000,
    priceBandFraction: 0.1,
    priceConfirmFrames: 5,
    priceConfirmMs: 2_000,
    maxFrameChars: 1_048_576,
    bookSilenceMs: 15_000,
    topOfBookSilenceMs: 0,
    tradesSilenceMs: 0,
    assetCtxSilenceMs: 60_000,
    candleSilenceMs: 0,
    dataStallMs: 15_000,
    subscribeAckTimeoutMs: 10_000,
  },
  rest: {
    timeoutMs: 10_000,
    maxRetries: 5,
    baseBackoffMs: 500,
    maxBackoffMs: 30_000,
    weightPerMinute: 1_200,
  },
  record: {
    dir: "captures",
    rotateBytes: 256 * MIB,
    flushIntervalMs: 1_000,
  },
  log: { level: "info", format: "auto" },
  server: { host: "127.0.0.1", port: 8787 },
  data: { sharedDir: "../shared/data/hyperliquid" },
  journal: { trialRegistry: "trials.db" },
  strategies: {},
  risk: {},
  broker: {},
  analytics: {},
  paperTradeWhenKilled: [],
  scan: {
    coins: [],
    minDayVolumeUsd: 1_000_000,
    minOpenInterestUsd: 1_000_000,
    sizeUsd: 10_000,
    holdHours: 24,
    otherVenueTakerFee: 0.0005,
    extremeFundingApr: 0.5,
    extremeBasisBps: 50,
    extremeAccelerationPerHour: 1e-6,
    rows: 10,
    watchIntervalMs: 60_000,
  },
  alerts: {
    enabled: false,
    signalTaken: true,
    positionClosed: true,
    lifecycleChange: true,
    dailyLossHalt: true,
    staleAfterMs: 120_000,
    lifecyclePollMs: 60_000,
    destinations: [],
  },
};
