/**
 * The live Hyperliquid WebSocket source: one connection, every subscription of a plan, raw
 * frames handed byte-for-byte (with their receive time) to the recorder and to our parser,
 * connection status as events.
 *
 * Why this uses `ws` directly and not `@nktkas/hyperliquid`'s `WebSocketTransport`:
 * the SDK's keep-alive detects a missing pong correctly, but its cure is
 * `ReconnectingWebSocket.reconnect()`, which closes the native (undici) socket with a close
 * handshake. On a half-open connection — the very case a keep-alive exists for — the peer
 * never answers that handshake, the native `close` event never fires (measured: still open
 * after 20 s on Node 24), and the SDK never reconnects; the native WebSocket offers no way
 * to destroy the socket. A watchdog on top could only abandon the whole transport, leaking
 * its keep-alive interval (cleared only on a `close` event that never comes). `ws` has
 * `terminate()`, which destroys the socket at once. The SDK's typed subscription callbacks
 * also read frame fields before any validation (`e.detail.coin` on a malformed frame throws
 * inside an EventTarget listener, which Node reports as an uncaught exception); here every
 * frame goes only to our parser, inside a guard. The test
 * "declares a half-open socket dead and reconnects" in tests/integration/live.test.ts pins
 * the case down.
 *
 * Liveness, as the venue defines it: send `{"method":"ping"}` every `pingIntervalMs`; a ping
 * unanswered for `pongTimeoutMs` means dead (so death is declared within
 * pingIntervalMs + pongTimeoutMs). A server that answers pings but sends no data is alive.
 * As a backstop, no frame at all for `silenceTimeoutMs` also means dead.
 *
 * Liveness per channel: every subscription has an expected cadence by channel type
 * (`bookSilenceMs`, `topOfBookSilenceMs`, `tradesSilenceMs`, `assetCtxSilenceMs`,
 * `candleSilenceMs`; 0 = none, for channels that only speak when something happens). A channel
 * silent beyond it is logged, unsubscribed and subscribed again, and marked as a `gap` (detail
 * `channel l2Book:SOL …`) from its last data frame to its next one. No data frame on any channel
 * for `dataStallMs` while pongs still answer is a gap of the whole connection, from the last data
 * frame. A subscription not acknowledged within `subscribeAckTimeoutMs` is logged and sent again.
 */
import WebSocket from "ws";
import { ConfigError, VenueError } from "../../core/index.ts";
import type { ConnectionState, MarketEvent, ParseError } from "../../core/index.ts";
import type { HyperliquidParser } from "./parse.ts";
import { redactSecrets } from "./redact.ts";
import { buildSubscriptions, echoedSubscriptionKey, subscriptionKey, subscriptionMessage } from "./subscriptions.ts";
import type { LiveSubscriptionPlan, WsSubscription } from "./subscriptions.ts";

export type { LiveSubscriptionPlan } from "./subscriptions.ts";

/** `source` of every status event this source emits. */
export const LIVE_SOURCE_NAME = "hyperliquid-ws";

/** The logging surface the source needs; a pino logger fits. */
export interface LiveLogger {
  debug(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface LiveSourceOptions {
  /** WebSocket endpoint, e.g. `wss://api.hyperliquid.xyz/ws`. */
  readonly wsUrl: string;
  /** Interval between `{"method":"ping"}` frames, ms (venue advice: 30 000; it drops a connection silent for 60 s). */
  readonly pingIntervalMs: number;
  /** A ping unanswered this long declares the connection dead, ms (10 000). */
  readonly pongTimeoutMs: number;
  /** No frame at all for this long declares the connection dead, ms (60 000). Must exceed `pingIntervalMs`, since pongs count as frames. */
  readonly silenceTimeoutMs: number;
  /** First reconnect delay, ms; doubles per failed attempt. */
  readonly reconnectBaseMs: number;
  /** Largest reconnect delay, ms. */
  readonly reconnectMaxMs: number;
  /** Receive-time clock, ms since epoch; default `Date.now`. Stamps `tsInit` of frames and status events. */
  readonly now?: () => number;
  /** Default: discards everything (failures still show in `stats`). */
  readonly logger?: LiveLogger;
  /** An `l2Book` subscription without data for this long is silent (a gap; resubscribed), ms; 0 = no deadline. Default {@link DEFAULT_CHANNEL_SILENCE_MS}. */
  readonly bookSilenceMs?: number;
  /** The same for `bbo` (sent only when the top changes: default 0, none). */
  readonly topOfBookSilenceMs?: number;
  /** The same for `trades` (irregular: default 0, none). */
  readonly tradesSilenceMs?: number;
  /** The same for `activeAssetCtx` (oracle and mark move every few seconds). */
  readonly assetCtxSilenceMs?: number;
  /** The same for `candle` (updated only by trades: default 0, none). */
  readonly candleSilenceMs?: number;
  /** No data frame on any channel for this long while the socket answers pings is a gap, ms; 0 = off. Default 15 000. */
  readonly dataStallMs?: number;
  /** A subscription not acknowledged within this long is logged and sent again, ms. Default 10 000. */
  readonly subscribeAckTimeoutMs?: number;
}

/** Default expected cadence per channel type, ms (0 = no deadline): see {@link LiveSourceOptions}. */
export const DEFAULT_CHANNEL_SILENCE_MS: Readonly<Record<WsSubscription["type"], number>> = {
  // Books come every 0.54 s at the median, 1.23 s at most (docs/LIVE.md, "Books"): 15 s is ~12× the worst seen.
  l2Book: 15_000,
  bbo: 0,
  trades: 0,
  activeAssetCtx: 60_000,
  candle: 0,
};
/** Default of {@link LiveSourceOptions.dataStallMs}, ms. */
export const DEFAULT_DATA_STALL_MS = 15_000;
/** Default of {@link LiveSourceOptions.subscribeAckTimeoutMs}, ms. */
export const DEFAULT_SUBSCRIBE_ACK_TIMEOUT_MS = 10_000;

export interface LiveSourceHandlers {
  /** Every raw text frame as received, with its receive time (ms): for the recorder. */
  onFrame?(raw: string, tsInit: number): void;
  /** Parsed market events and `ConnectionStatusEvent`s, in receive order. */
  onEvent(event: MarketEvent): void;
  /** A value the parser rejected; the loop carries on. */
  onReject?(error: ParseError, raw: string): void;
}

/** Counters since construction. */
export interface LiveSourceStats {
  /** Text frames received (pongs and acknowledgements included). */
  frames: number;
  /** Parsed market events delivered (status events not counted). */
  events: number;
  /** Parser rejects. */
  rejects: number;
  /** Connections opened after the first. */
  reconnects: number;
  /** Gap events emitted (connection and channel gaps). */
  gaps: number;
  /** Times a channel was found silent beyond its cadence (each one resubscribed). */
  silentChannels: number;
  /** Subscriptions sent again because no acknowledgement came in time. */
  subscribeRetries: number;
  /** Exceptions thrown by handlers or the parser, caught and logged. */
  handlerErrors: number;
}

const SILENT_LOGGER: LiveLogger = { debug() {}, info() {}, warn() {}, error() {} };
const PING_FRAME = '{"method":"ping"}';

/** Reconnect delay after `failedAttempts` consecutive failures, ms: base × 2^n, capped at max. */
export function reconnectDelayMs(failedAttempts: number, baseMs: number, maxMs: number): number {
  return Math.min(baseMs * 2 ** failedAttempts, maxMs);
}

/** Checks the timing options; throws `ConfigError` naming the first bad one. */
export function validateLiveOptions(options: LiveSourceOptions): void {
  const positive = ["pingIntervalMs", "pongTimeoutMs", "silenceTimeoutMs", "reconnectBaseMs", "reconnectMaxMs"] as const;
  for (const key of positive) {
    const value = options[key];
    if (!Number.isFinite(value) || value <= 0) {
      throw new ConfigError(`live.${key}`, value, "a positive number of ms");
    }
  }
  if (options.silenceTimeoutMs <= options.pingIntervalMs) {
    throw new ConfigError(
      "live.silenceTimeoutMs",
      options.silenceTimeoutMs,
      `more than live.pingIntervalMs (${options.pingIntervalMs}), or a server that only answers pings would be declared dead`,
    );
  }
  if (options.reconnectMaxMs < options.reconnectBaseMs) {
    throw new ConfigError("live.reconnectMaxMs", options.reconnectMaxMs, `at least live.reconnectBaseMs (${options.reconnectBaseMs})`);
  }
  if (!/^wss?:\/\//.test(options.wsUrl)) {
    throw new ConfigError("live.wsUrl", redactSecrets(options.wsUrl), "a ws:// or wss:// URL");
  }
}

type Phase = "idle" | "running" | "stopped";

/**
 * Streams a subscription plan from Hyperliquid, reconnecting (exponential backoff) and
 * resubscribing everything after every disconnect.
 *
 * Status events (`source: "hyperliquid-ws"`, tsEvent = tsInit = receive clock): `connected`
 * on open; `disconnected` on close (detail: code, reason, or why it was declared dead);
 * `resubscribed` once every subscription is acknowledged again after a reconnect; `gap` with
 * `gapFrom` = receive time of the last frame before the disconnect and `gapTo` = receive
 * time of the first data frame after it, emitted just before that frame's events.
 *
 * Handlers that throw are caught, logged and counted; they never stop the loop.
 */
export class HyperliquidLiveSource {
  /** Counters since construction; read them, do not write them. */
  readonly stats: LiveSourceStats = { frames: 0, events: 0, rejects: 0, reconnects: 0, gaps: 0, silentChannels: 0, subscribeRetries: 0, handlerErrors: 0 };

  private readonly options: LiveSourceOptions;
  private readonly parser: HyperliquidParser;
  private readonly handlers: LiveSourceHandlers;
  private readonly now: () => number;
  private readonly log: LiveLogger;

  private phase: Phase = "idle";
  private subscriptions: readonly WsSubscription[] = [];
  private readonly expectedKeys = new Set<string>();
  private readonly ackedKeys = new Set<string>();
  private allAcked = false;

  private socket: WebSocket | undefined;
  private hasConnected = false;
  private resubscribing = false;
  private failedAttempts = 0;
  private openedAt: number | undefined;
  /** Receive time of the last data frame (not pongs, acknowledgements or errors), over every connection. */
  private lastDataAt: number | undefined;
  /** Per subscription key: its cadence and liveness. */
  private readonly channels = new Map<string, ChannelState>();
  /** Every subscription acknowledged on this connection at (receive clock). */
  private allAckedAt: number | undefined;
  private livenessTimer: NodeJS.Timeout | undefined;
  /** Start of a gap not yet closed by a data frame. */
  private gapFrom: number | undefined;
  private deathReason: string | undefined;

  private pingTimer: NodeJS.Timeout | undefined;
  private pongTimer: NodeJS.Timeout | undefined;
  private silenceTimer: NodeJS.Timeout | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private startWaiter: { resolve(): void; reject(error: Error): void } | undefined;

  /** @throws {ConfigError} when a timing option or the URL is invalid. */
  constructor(options: LiveSourceOptions, parser: HyperliquidParser, handlers: LiveSourceHandlers) {
    validateLiveOptions(options);
    this.options = options;
    this.parser = parser;
    this.handlers = handlers;
    this.now = options.now ?? Date.now;
    this.log = options.logger ?? SILENT_LOGGER;
  }

  /**
   * Connects and subscribes the plan. Resolves once every subscription has been acknowledged;
   * meanwhile a failed connection is retried with backoff, so bound the wait by the caller if
   * needed. Call once.
   *
   * @throws {ConfigError} when the plan needs more subscriptions than the venue allows.
   * @throws {VenueError} when the venue refuses a subscription (the source then stops), or `stop()` comes first.
   */
  start(plan: LiveSubscriptionPlan): Promise<void> {
    if (this.phase !== "idle") {
      return Promise.reject(new Error(`HyperliquidLiveSource.start called while ${this.phase}`));
    }
    const built = buildSubscriptions(plan);
    if (!built.ok) {
      return Promise.reject(new ConfigError("live.subscriptions", built.count, built.reason));
    }
    this.subscriptions = built.subscriptions;
    for (const subscription of this.subscriptions) {
      const key = subscriptionKey(subscription);
      this.expectedKeys.add(key);
      this.channels.set(key, { key, subscription, silenceMs: this.silenceMsOf(subscription), sentAt: undefined, ackedAt: undefined, lastDataAt: undefined, silentFrom: undefined, sends: 0 });
    }
    this.phase = "running";
    const started = new Promise<void>((resolve, reject) => {
      this.startWaiter = { resolve, reject };
    });
    this.connect();
    return started;
  }

  /** Closes the connection for good and resolves once it is closed. Safe to call twice. */
  async stop(): Promise<void> {
    if (this.phase === "stopped") {
      return;
    }
    this.phase = "stopped";
    // A channel still silent is a gap up to now: marked, so the capture shows it.
    const nowMs = this.now();
    for (const channel of this.channels.values()) {
      if (channel.silentFrom !== undefined) {
        this.emitGap(channel.silentFrom, nowMs, `channel ${channel.key} silent for ${nowMs - channel.silentFrom} ms (still silent at stop)`);
        channel.silentFrom = undefined;
      }
    }
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
    this.clearConnectionTimers();
    this.settleStart(new VenueError("live source stopped before every subscription was acknowledged"));
    const socket = this.socket;
    if (socket === undefined) {
      return;
    }
    await new Promise<void>((resolve) => {
      // A peer that ignores our close frame must not hold up shutdown.
      const force = setTimeout(() => socket.terminate(), this.options.pongTimeoutMs);
      socket.once("close", () => {
        clearTimeout(force);
        resolve();
      });
      if (socket.readyState === WebSocket.OPEN) {
        socket.close(1000, "client stop");
      } else {
        socket.terminate();
      }
    });
  }

  // --- connection lifecycle --------------------------------------------------------------

  private connect(): void {
    this.reconnectTimer = undefined;
    if (this.phase !== "running") {
      return;
    }
    const socket = new WebSocket(this.options.wsUrl, {
      handshakeTimeout: this.options.pingIntervalMs + this.options.pongTimeoutMs,
    });
    this.socket = socket;
    let opened = false;
    let failure: string | undefined;
    socket.on("open", () => {
      opened = true;
      this.guard("open", () => this.onOpen(socket));
    });
    socket.on("message", (data: WebSocket.RawData) => {
      this.guard("message", () => this.onMessage(socket, data));
    });
    socket.on("error", (error: Error) => {
      // `close` always follows and logs it, once per attempt and without a stack: a venue that
      // is down is expected, not a bug.
      failure = redactSecrets(error.message);
    });
    socket.on("close", (code: number, reason: Buffer) => {
      this.guard("close", () => this.onClose(socket, opened, code, reason.toString("utf8"), failure));
    });
  }

  private onOpen(socket: WebSocket): void {
    if (socket !== this.socket) {
      return;
    }
    const now = this.now();
    this.openedAt = now;
    this.ackedKeys.clear();
    this.allAcked = false;
    this.allAckedAt = undefined;
    if (this.hasConnected) {
      this.stats.reconnects += 1;
      this.resubscribing = true;
    }
    this.hasConnected = true;
    // A new connection starts every stream's time afresh (a venue restarted with its clock
    // stepped back); the capture's `connected` line makes a replay reset at the same place.
    this.parser.resetStreamTimes();
    this.emitStatus("connected", now, `connected to ${redactSecrets(this.options.wsUrl)}`);
    // Every subscription, every time: a reconnect without resubscription is the classic live-data bug.
    for (const subscription of this.subscriptions) {
      socket.send(subscriptionMessage(subscription));
    }
    for (const channel of this.channels.values()) {
      channel.sentAt = now;
      channel.ackedAt = undefined;
      channel.sends = 1;
    }
    this.pingTimer = setInterval(() => this.ping(socket), this.options.pingIntervalMs);
    this.livenessTimer = setInterval(() => this.guard("liveness", () => this.checkLiveness(socket)), this.livenessCheckMs());
    this.silenceTimer = setTimeout(
      () => this.declareDead(socket, `no frame for ${this.options.silenceTimeoutMs} ms`),
      this.options.silenceTimeoutMs,
    );
  }

  private ping(socket: WebSocket): void {
    if (socket !== this.socket || socket.readyState !== WebSocket.OPEN) {
      return;
    }
    socket.send(PING_FRAME);
    // Armed once: an earlier unanswered ping keeps its own, earlier deadline.
    this.pongTimer ??= setTimeout(
      () => this.declareDead(socket, `no pong within ${this.options.pongTimeoutMs} ms`),
      this.options.pongTimeoutMs,
    );
  }

  private declareDead(socket: WebSocket, reason: string): void {
    if (socket !== this.socket) {
      return;
    }
    this.log.warn({ reason }, "hyperliquid ws declared dead; reconnecting");
    this.deathReason = reason;
    // terminate(), not close(): a dead peer would never answer a close handshake.
    socket.terminate();
  }

  private onClose(socket: WebSocket, opened: boolean, code: number, reason: string, failure: string | undefined): void {
    if (socket !== this.socket) {
      return;
    }
    this.clearConnectionTimers();
    this.socket = undefined;
    const deathReason = this.deathReason;
    this.deathReason = undefined;
    if (opened) {
      const why = deathReason ?? (this.phase === "stopped" ? "stopped by client" : undefined);
      const detail = `code ${code}${reason === "" ? "" : ` (${reason})`}${why === undefined ? "" : `: ${why}`}${failure === undefined ? "" : `; ${failure}`}`;
      this.emitStatus("disconnected", this.now(), detail);
      if (this.phase === "running") {
        // Keep an older open gap: data has been missing since its start.
        // From the last *data* frame: pongs after a stall prove the socket, not the data (a
        // 43.5 s gap was reported as 29.5 s when measured from the last pong).
        this.gapFrom ??= this.lastDataAt ?? this.openedAt;
      }
    }
    const delayMs = this.phase === "running" ? reconnectDelayMs(this.failedAttempts, this.options.reconnectBaseMs, this.options.reconnectMaxMs) : undefined;
    if (!opened) {
      this.log.warn(
        { attempt: this.failedAttempts + 1, retryInMs: delayMs, error: failure, code, url: redactSecrets(this.options.wsUrl) },
        `hyperliquid ws connection attempt ${this.failedAttempts + 1} failed${failure === undefined ? "" : `: ${failure}`}${delayMs === undefined ? "" : `; retrying in ${delayMs} ms`}`,
      );
    }
    if (delayMs !== undefined) {
      this.failedAttempts += 1;
      this.reconnectTimer = setTimeout(() => this.connect(), delayMs);
    }
  }

  private clearConnectionTimers(): void {
    clearInterval(this.pingTimer);
    clearTimeout(this.pongTimer);
    clearTimeout(this.silenceTimer);
    clearInterval(this.livenessTimer);
    this.livenessTimer = undefined;
    this.pingTimer = undefined;
    this.pongTimer = undefined;
    this.silenceTimer = undefined;
  }

  // --- frames ----------------------------------------------------------------------------

  private onMessage(socket: WebSocket, data: WebSocket.RawData): void {
    if (socket !== this.socket) {
      return;
    }
    const tsInit = this.now();
    const raw = rawText(data);
    this.stats.frames += 1;
    this.silenceTimer?.refresh();
    if (this.handlers.onFrame !== undefined) {
      this.guard("onFrame", () => this.handlers.onFrame?.(raw, tsInit));
    }

    let outcome: ReturnType<HyperliquidParser["parseFrame"]>;
    try {
      outcome = this.parser.parseFrame(raw, tsInit);
    } catch (error) {
      this.handlerFailed("parser", error);
      return;
    }

    switch (outcome.channel) {
      case "pong":
        clearTimeout(this.pongTimer);
        this.pongTimer = undefined;
        break;
      case "subscriptionResponse":
        this.onAck(raw, tsInit);
        break;
      case "error":
        this.onVenueError(raw);
        break;
      case "post":
      case undefined:
        break;
      default:
        this.lastDataAt = tsInit;
        if (this.gapFrom !== undefined) {
          this.emitGap(this.gapFrom, tsInit);
          this.gapFrom = undefined;
        }
        this.onChannelData(outcome.channel, raw, tsInit);
    }

    for (const error of outcome.rejects) {
      this.stats.rejects += 1;
      if (this.handlers.onReject !== undefined) {
        this.guard("onReject", () => this.handlers.onReject?.(error, raw));
      }
    }
    for (const event of outcome.events) {
      this.stats.events += 1;
      this.guard("onEvent", () => this.handlers.onEvent(event));
    }
  }

  private onAck(raw: string, tsInit: number): void {
    const frame = safeJson(raw) as { data?: { method?: unknown; subscription?: unknown } } | undefined;
    if (frame?.data?.method !== "subscribe") {
      return;
    }
    const key = echoedSubscriptionKey(frame.data.subscription);
    if (key === undefined || !this.expectedKeys.has(key)) {
      this.log.warn({ raw: raw.slice(0, 500) }, "hyperliquid ws acknowledged a subscription we did not ask for");
      return;
    }
    this.acknowledged(key, tsInit);
  }

  private acknowledged(key: string, tsInit: number): void {
    const channel = this.channels.get(key);
    if (channel !== undefined) channel.ackedAt = tsInit;
    this.ackedKeys.add(key);
    if (this.allAcked || this.ackedKeys.size < this.expectedKeys.size) {
      return;
    }
    this.allAcked = true;
    this.allAckedAt = tsInit;
    // A connection that served every subscription is healthy: the backoff starts over.
    this.failedAttempts = 0;
    if (this.resubscribing) {
      this.resubscribing = false;
      this.emitStatus("resubscribed", tsInit, `${this.expectedKeys.size} subscriptions acknowledged again`);
    }
    this.settleStart(undefined);
  }

  private onVenueError(raw: string): void {
    const frame = safeJson(raw) as { data?: unknown } | undefined;
    const text = typeof frame?.data === "string" ? frame.data : raw;
    if (text.startsWith(ALREADY_SUBSCRIBED)) {
      // A retried subscription whose first acknowledgement was lost: it is in place.
      const key = echoedSubscriptionKey(safeJson(text.slice(ALREADY_SUBSCRIBED.length).trim()));
      if (key !== undefined && this.expectedKeys.has(key)) {
        this.log.info({ channel: key }, "hyperliquid ws: subscription already in place");
        this.acknowledged(key, this.now());
        return;
      }
    }
    this.log.error({ venueError: text }, "hyperliquid ws error frame");
    if (text.startsWith("Invalid subscription") && this.startWaiter !== undefined) {
      // A plan the venue refuses will not get better by reconnecting: fail the start and close.
      this.settleStart(new VenueError(`Hyperliquid refused a subscription: ${text}`));
      this.stop().catch((error: unknown) => this.handlerFailed("stop", error));
    }
  }

  // --- liveness per channel ---------------------------------------------------------------

  private silenceMsOf(subscription: WsSubscription): number {
    const o = this.options;
    const configured = { l2Book: o.bookSilenceMs, bbo: o.topOfBookSilenceMs, trades: o.tradesSilenceMs, activeAssetCtx: o.assetCtxSilenceMs, candle: o.candleSilenceMs }[subscription.type];
    return configured ?? DEFAULT_CHANNEL_SILENCE_MS[subscription.type];
  }

  /** Checks often enough to see a silence within a fifth of the shortest deadline (at most every second). */
  private livenessCheckMs(): number {
    const deadlines = [...this.channels.values()].map((c) => c.silenceMs);
    deadlines.push(this.options.dataStallMs ?? DEFAULT_DATA_STALL_MS, this.options.subscribeAckTimeoutMs ?? DEFAULT_SUBSCRIBE_ACK_TIMEOUT_MS);
    const shortest = Math.min(...deadlines.filter((d) => d > 0));
    return Math.max(10, Math.min(1_000, Math.floor(shortest / 5)));
  }

  /** Data on a channel: it is alive; a silence it ends is a gap of that channel. */
  private onChannelData(channelName: string, raw: string, tsInit: number): void {
    const key = dataKey(channelName, raw);
    const channel = key === undefined ? undefined : this.channels.get(key);
    if (channel === undefined) return;
    channel.lastDataAt = tsInit;
    if (channel.silentFrom !== undefined) {
      this.emitGap(channel.silentFrom, tsInit, `channel ${channel.key} silent for ${tsInit - channel.silentFrom} ms; data may be missing`);
      channel.silentFrom = undefined;
    }
  }

  private checkLiveness(socket: WebSocket): void {
    if (socket !== this.socket || socket.readyState !== WebSocket.OPEN) return;
    const now = this.now();
    const ackTimeoutMs = this.options.subscribeAckTimeoutMs ?? DEFAULT_SUBSCRIBE_ACK_TIMEOUT_MS;
    for (const channel of this.channels.values()) {
      if (channel.ackedAt === undefined) {
        if (channel.sentAt !== undefined && now - channel.sentAt >= ackTimeoutMs) {
          this.stats.subscribeRetries += 1;
          channel.sends += 1;
          channel.sentAt = now;
          this.log.warn({ channel: channel.key, attempt: channel.sends, ackTimeoutMs }, `subscription ${channel.key} not acknowledged within ${ackTimeoutMs} ms; subscribing again (attempt ${channel.sends})`);
          socket.send(subscriptionMessage(channel.subscription));
        }
        continue;
      }
      if (channel.silenceMs <= 0) continue;
      // Measured from its last data or its (re)subscription, whichever is later.
      const since = Math.max(channel.lastDataAt ?? -Infinity, channel.ackedAt);
      if (now - since < channel.silenceMs) continue;
      channel.silentFrom ??= channel.lastDataAt ?? channel.ackedAt;
      this.stats.silentChannels += 1;
      this.log.warn(
        { channel: channel.key, silentMs: now - channel.silentFrom, expectedWithinMs: channel.silenceMs },
        `channel ${channel.key} silent for ${now - channel.silentFrom} ms (expected data within ${channel.silenceMs} ms); resubscribing`,
      );
      channel.ackedAt = undefined;
      channel.sentAt = now;
      channel.sends = 1;
      socket.send(subscriptionMessage(channel.subscription, "unsubscribe"));
      socket.send(subscriptionMessage(channel.subscription));
    }
    const stallMs = this.options.dataStallMs ?? DEFAULT_DATA_STALL_MS;
    if (stallMs > 0 && this.gapFrom === undefined && this.allAckedAt !== undefined) {
      const dataSince = Math.max(this.lastDataAt ?? -Infinity, this.allAckedAt);
      if (now - dataSince >= stallMs) {
        // Pongs still answer (else the socket would be declared dead): the data stopped, not the connection.
        this.gapFrom = this.lastDataAt ?? this.allAckedAt;
        this.log.warn({ stalledMs: now - this.gapFrom, dataStallMs: stallMs }, `no data on any channel for ${now - this.gapFrom} ms while the connection answers pings; a gap until data resumes`);
      }
    }
  }

  // --- delivery --------------------------------------------------------------------------

  private emitStatus(state: Exclude<ConnectionState, "gap">, ts: number, detail: string): void {
    const event: MarketEvent = {
      kind: "status",
      source: LIVE_SOURCE_NAME,
      state,
      tsEvent: ts,
      tsInit: ts,
      gapFrom: undefined,
      gapTo: undefined,
      detail,
    };
    this.log.info({ state, detail }, "hyperliquid ws status");
    this.guard("onEvent", () => this.handlers.onEvent(event));
  }

  private emitGap(gapFrom: number, gapTo: number, detail = `data may be missing for ${gapTo - gapFrom} ms`): void {
    this.stats.gaps += 1;
    const event: MarketEvent = {
      kind: "status",
      source: LIVE_SOURCE_NAME,
      state: "gap",
      tsEvent: gapTo,
      tsInit: gapTo,
      gapFrom,
      gapTo,
      detail,
    };
    this.log.warn({ gapFrom, gapTo, detail }, "hyperliquid ws gap");
    this.guard("onEvent", () => this.handlers.onEvent(event));
  }

  private settleStart(error: Error | undefined): void {
    const waiter = this.startWaiter;
    this.startWaiter = undefined;
    if (waiter === undefined) {
      return;
    }
    if (error === undefined) {
      waiter.resolve();
    } else {
      waiter.reject(error);
    }
  }

  /** Runs `fn`; an exception is logged and counted, never thrown into the socket's event loop. */
  private guard(what: string, fn: () => void): void {
    try {
      fn();
    } catch (error) {
      this.handlerFailed(what, error);
    }
  }

  private handlerFailed(what: string, error: unknown): void {
    this.stats.handlerErrors += 1;
    this.log.error({ err: error, handler: what }, "hyperliquid ws handler threw; the loop carries on");
  }
}

/** Liveness of one subscription. */
interface ChannelState {
  readonly key: string;
  readonly subscription: WsSubscription;
  /** Expected data within this long, ms; 0 = no deadline. */
  readonly silenceMs: number;
  /** Last subscribe sent on this connection (receive clock). */
  sentAt: number | undefined;
  /** Acknowledged on this connection at; undefined while waiting. */
  ackedAt: number | undefined;
  lastDataAt: number | undefined;
  /** Start of a silence not yet ended by data (the last data frame, or the subscription). */
  silentFrom: number | undefined;
  /** Subscribe requests sent for the current attempt. */
  sends: number;
}

const ALREADY_SUBSCRIBED = "Already subscribed:";
const COIN_FIELD = /"coin":"([^"]*)"/;
const CANDLE_SYMBOL = /"s":"([^"]*)"/;
const CANDLE_INTERVAL = /"i":"([^"]*)"/;

/**
 * The subscription key a data frame belongs to, read from the raw text (the parser has the
 * object, but keeps no channel identity): the first `coin` (`l2Book`, `bbo`, asset contexts, the
 * first trade) or a candle's `s` and `i`.
 */
function dataKey(channel: string, raw: string): string | undefined {
  if (channel === "candle") {
    const s = CANDLE_SYMBOL.exec(raw)?.[1];
    const i = CANDLE_INTERVAL.exec(raw)?.[1];
    return s === undefined || i === undefined ? undefined : `candle:${s}:${i}`;
  }
  const coin = COIN_FIELD.exec(raw)?.[1];
  if (coin === undefined) return undefined;
  return `${channel === "activeSpotAssetCtx" ? "activeAssetCtx" : channel}:${coin}`;
}

/** The frame as text, byte-for-byte (Hyperliquid sends UTF-8 JSON text frames). */
function rawText(data: WebSocket.RawData): string {
  if (Array.isArray(data)) {
    return Buffer.concat(data).toString("utf8");
  }
  return (Buffer.isBuffer(data) ? data : Buffer.from(data)).toString("utf8");
}

function safeJson(raw: string): unknown {
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return undefined;
  }
}
