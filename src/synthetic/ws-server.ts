/**
 * A local Hyperliquid WebSocket server (the synthetic venue's, and the tests'). It speaks the venue's
 * protocol — subscribe / unsubscribe acknowledged on `subscriptionResponse`, `{"method":"ping"}`
 * answered with `{"channel":"pong"}`, `post` requests answered by an optional handler — and
 * injects the faults a live source must survive: dropped connections, unanswered pings, a
 * silent server, a half-open socket, malformed frames and latency.
 *
 * Binds 127.0.0.1 on an ephemeral port; nothing here touches the internet.
 */
import { WebSocketServer } from "ws";
import type { WebSocket } from "ws";

/** One recorded frame to replay: wait `delayMs` after the previous frame, then send `text`. */
export interface ReplayFrame {
  readonly delayMs: number;
  readonly text: string;
}

export interface WsServerOptions {
  /** Port to listen on; default 0 (ephemeral). */
  readonly port?: number;
  /**
   * Answers a `{"method":"post","id":…,"request":…}` request with the response payload
   * (`{"type":"info","payload":{…}}`). Without it every post is answered with an error response.
   */
  readonly onPost?: (request: unknown) => unknown;
  /**
   * Plain-text frame sent on every new connection, as Hyperliquid does; `false` for none.
   * Default `"Websocket connection established."`.
   */
  readonly greeting?: string | false;
  /** Subscriptions to refuse with Hyperliquid's `Invalid subscription …` error frame. */
  readonly refuse?: (subscription: object) => boolean;
}

export interface WsServerFaults {
  /** Drops every open connection: abruptly (code 1006 at the client) or with a close frame. */
  dropConnections(close?: { readonly code: number; readonly reason: string }): void;
  /** While on, pings are read but never answered; data still flows. */
  stopAnsweringPings(on: boolean): void;
  /** While on, the server sends nothing at all: no pongs, no acknowledgements, no data. */
  goSilent(on: boolean): void;
  /**
   * Makes every open connection half-open: the server stops reading its socket and sends
   * nothing, so even a close handshake never completes (a dead peer behind a live TCP path).
   */
  halfOpen(): void;
  /** Sends a malformed frame to every client (default: a trade whose `px` is not a number). */
  sendMalformed(text?: string): void;
  /** Delays every frame the server sends by `ms` (0 = no delay). */
  delayMs(ms: number): void;
  /** While on, data frames (`send`, `replay`) are dropped; pongs and acknowledgements still answer: a data stall on a live socket. */
  stallData(on: boolean): void;
  /**
   * One channel stops: data for subscription `key` (`l2Book:SOL`, `candle:BTC:1m`) is dropped
   * until the client subscribes to it again (an unsubscribe + subscribe, as a resubscription does).
   */
  silenceChannel(key: string): void;
  /** The next `count` subscribe requests are read and neither applied nor acknowledged. */
  ignoreSubscribes(count: number): void;
}

export interface HyperliquidWsServer {
  /** `ws://127.0.0.1:<port>/ws` */
  readonly url: string;
  readonly port: number;
  /** Connections open now. */
  readonly connections: number;
  /** Connections accepted since start. */
  readonly connectionsAccepted: number;
  /** Pings received since start. */
  readonly pingsReceived: number;
  /** The subscriptions active now, over all connections, in the order they were made. */
  subscriptions(): object[];
  /** Every subscribe request received since start (repeats after a reconnect included). */
  subscribeRequests(): object[];
  /**
   * Sends `{"channel":channel,"data":data}` to every client subscribed to the subscription the
   * data belongs to (`l2Book`/`activeAssetCtx`/`activeSpotAssetCtx` by `coin`, `trades` by the
   * first trade's `coin`, `candle` by `s` and `i`); data of other channels is broadcast.
   */
  send(channel: string, data: unknown): void;
  /** Sends `text` as is to every client. */
  sendRaw(text: string): void;
  /** Replays recorded frames to their subscribers, in order, with their delays. */
  replay(frames: readonly ReplayFrame[]): Promise<void>;
  readonly faults: WsServerFaults;
  /** Terminates every connection and stops listening. */
  close(): Promise<void>;
}

/** What Hyperliquid sends, as plain text, on every new connection. */
export const HYPERLIQUID_GREETING = "Websocket connection established.";

const DEFAULT_MALFORMED =
  '{"channel":"trades","data":[{"coin":"BTC","side":"B","px":"not-a-number","sz":"0.1","time":1700000000000,"hash":"0x00","tid":1,"users":["0x01","0x02"]}]}';

interface Client {
  readonly socket: WebSocket;
  /** Subscription key → the subscription object as the client sent it. */
  readonly subscriptions: Map<string, object>;
  halfOpen: boolean;
}

/** Identity of a subscription object; `activeSpotAssetCtx` data belongs to `activeAssetCtx`. */
function keyOf(subscription: unknown): string | undefined {
  if (typeof subscription !== "object" || subscription === null) {
    return undefined;
  }
  const { type, coin, interval, user } = subscription as Record<string, unknown>;
  if (typeof type !== "string") {
    return undefined;
  }
  return [type, coin, interval, user].filter((part) => typeof part === "string").join(":");
}

/** The subscription key a data frame belongs to, or `undefined` to broadcast it. */
function keyOfData(channel: string, data: unknown): string | undefined {
  const record = (typeof data === "object" && data !== null ? data : {}) as Record<string, unknown>;
  switch (channel) {
    case "l2Book":
    case "activeAssetCtx":
    case "bbo":
      return typeof record.coin === "string" ? `${channel}:${record.coin}` : undefined;
    case "activeSpotAssetCtx":
      return typeof record.coin === "string" ? `activeAssetCtx:${record.coin}` : undefined;
    case "trades": {
      const first: unknown = Array.isArray(data) ? data[0] : undefined;
      const coin = typeof first === "object" && first !== null ? (first as Record<string, unknown>).coin : undefined;
      return typeof coin === "string" ? `trades:${coin}` : undefined;
    }
    case "candle":
      return typeof record.s === "string" && typeof record.i === "string" ? `candle:${record.s}:${record.i}` : undefined;
    default:
      return undefined;
  }
}

/** Starts the server on 127.0.0.1 (port 0 unless told) and resolves once it listens. */
export async function startWsServer(options: WsServerOptions = {}): Promise<HyperliquidWsServer> {
  const wss = new WebSocketServer({ host: "127.0.0.1", port: options.port ?? 0, path: "/ws" });
  await new Promise<void>((resolve, reject) => {
    wss.once("listening", resolve);
    wss.once("error", reject);
  });
  const address = wss.address();
  if (address === null || typeof address === "string") {
    throw new Error(`unexpected server address ${String(address)}`);
  }
  const port = address.port;

  const clients = new Set<Client>();
  const subscribeLog: object[] = [];
  let accepted = 0;
  let pings = 0;
  let answerPings = true;
  let silent = false;
  let delay = 0;
  let dataStalled = false;
  const silencedChannels = new Set<string>();
  let subscribesToIgnore = 0;

  const deliver = (client: Client, text: string): void => {
    if (silent || client.halfOpen) {
      return;
    }
    const write = (): void => {
      if (client.socket.readyState === client.socket.OPEN && !client.halfOpen) {
        client.socket.send(text);
      }
    };
    if (delay > 0) {
      setTimeout(write, delay);
    } else {
      write();
    }
  };

  const route = (channel: string, data: unknown, text: string): void => {
    const key = keyOfData(channel, data);
    if (dataStalled || (key !== undefined && silencedChannels.has(key))) {
      return;
    }
    for (const client of clients) {
      if (key === undefined || client.subscriptions.has(key)) {
        deliver(client, text);
      }
    }
  };

  const handleRequest = (client: Client, raw: string): void => {
    let request: unknown;
    try {
      request = JSON.parse(raw);
    } catch {
      deliver(client, JSON.stringify({ channel: "error", data: "Websocket message was not valid json" }));
      return;
    }
    const { method, subscription, id } = (typeof request === "object" && request !== null ? request : {}) as Record<string, unknown>;
    if (method === "ping") {
      pings += 1;
      if (answerPings) {
        deliver(client, '{"channel":"pong"}');
      }
      return;
    }
    if (method === "subscribe" || method === "unsubscribe") {
      const key = keyOf(subscription);
      if (key === undefined || (method === "subscribe" && options.refuse?.(subscription as object) === true)) {
        deliver(client, JSON.stringify({ channel: "error", data: `Invalid subscription ${JSON.stringify(subscription)}` }));
        return;
      }
      const subscribed = client.subscriptions.has(key);
      if (method === "subscribe" && subscribesToIgnore > 0) {
        subscribesToIgnore -= 1;
        return;
      }
      if (method === "subscribe") {
        // A fresh subscription revives a silenced channel.
        if (!subscribed) silencedChannels.delete(key);
        subscribeLog.push(subscription as object);
        if (subscribed) {
          deliver(client, JSON.stringify({ channel: "error", data: `Already subscribed: ${JSON.stringify(subscription)}` }));
          return;
        }
        client.subscriptions.set(key, subscription as object);
      } else {
        if (!subscribed) {
          deliver(client, JSON.stringify({ channel: "error", data: `Already unsubscribed: ${JSON.stringify(subscription)}` }));
          return;
        }
        client.subscriptions.delete(key);
      }
      deliver(client, JSON.stringify({ channel: "subscriptionResponse", data: { method, subscription } }));
      return;
    }
    if (method === "post" && typeof id === "number") {
      const inner = (request as { request?: unknown }).request;
      const response = options.onPost === undefined ? { type: "error", payload: "post is not served by the test server" } : options.onPost(inner);
      deliver(client, JSON.stringify({ channel: "post", data: { id, response } }));
      return;
    }
    deliver(client, JSON.stringify({ channel: "error", data: `Unknown method: ${raw}` }));
  };

  wss.on("connection", (socket) => {
    accepted += 1;
    const client: Client = { socket, subscriptions: new Map(), halfOpen: false };
    clients.add(client);
    socket.on("message", (data, isBinary) => {
      if (!isBinary && !client.halfOpen) {
        const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
        handleRequest(client, bytes.toString("utf8"));
      }
    });
    socket.on("close", () => clients.delete(client));
    socket.on("error", () => clients.delete(client));
    const greeting = options.greeting ?? HYPERLIQUID_GREETING;
    if (greeting !== false) {
      deliver(client, greeting);
    }
  });

  const server: HyperliquidWsServer = {
    url: `ws://127.0.0.1:${port}/ws`,
    port,
    get connections() {
      return clients.size;
    },
    get connectionsAccepted() {
      return accepted;
    },
    get pingsReceived() {
      return pings;
    },
    subscriptions: () => [...clients].flatMap((client) => [...client.subscriptions.values()]),
    subscribeRequests: () => [...subscribeLog],
    send(channel, data) {
      route(channel, data, JSON.stringify({ channel, data }));
    },
    sendRaw(text) {
      for (const client of clients) {
        deliver(client, text);
      }
    },
    async replay(frames) {
      for (const frame of frames) {
        if (frame.delayMs > 0) {
          await new Promise((resolve) => setTimeout(resolve, frame.delayMs));
        }
        let parsed: { channel?: unknown; data?: unknown } = {};
        try {
          parsed = JSON.parse(frame.text) as { channel?: unknown; data?: unknown };
        } catch {
          // A recorded frame that is not JSON is broadcast as is.
        }
        route(typeof parsed.channel === "string" ? parsed.channel : "", parsed.data, frame.text);
      }
    },
    faults: {
      dropConnections(close) {
        for (const client of clients) {
          if (close === undefined) {
            client.socket.terminate();
          } else {
            client.socket.close(close.code, close.reason);
          }
        }
      },
      stopAnsweringPings(on) {
        answerPings = !on;
      },
      goSilent(on) {
        silent = on;
      },
      halfOpen() {
        for (const client of clients) {
          client.halfOpen = true;
          // Not reading the socket means the client's close frame is never seen or answered.
          (client.socket as unknown as { _socket?: { pause(): void } })._socket?.pause();
        }
      },
      sendMalformed(text = DEFAULT_MALFORMED) {
        for (const client of clients) {
          deliver(client, text);
        }
      },
      delayMs(ms) {
        delay = ms;
      },
      stallData(on) {
        dataStalled = on;
      },
      silenceChannel(key) {
        silencedChannels.add(key);
      },
      ignoreSubscribes(count) {
        subscribesToIgnore = count;
      },
    },
    async close() {
      for (const client of clients) {
        client.socket.terminate();
      }
      clients.clear();
      await new Promise<void>((resolve, reject) => wss.close((error) => (error === undefined ? resolve() : reject(error))));
    },
  };
  return server;
}
