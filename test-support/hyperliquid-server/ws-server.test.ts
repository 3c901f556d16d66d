import { afterEach, beforeEach, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { HYPERLIQUID_GREETING, startWsServer } from "./ws-server.ts";
import type { HyperliquidWsServer } from "./ws-server.ts";

/** A bare `ws` client that keeps every text frame it receives. */
interface TestClient {
  readonly socket: WebSocket;
  readonly frames: string[];
  /** Resolves with the first frame (from index `from`) that satisfies `match`. */
  next(match: (frame: string) => boolean, from?: number): Promise<string>;
  closed: Promise<{ code: number; reason: string }>;
}

async function connect(url: string): Promise<TestClient> {
  const socket = new WebSocket(url);
  const frames: string[] = [];
  const waiters: (() => void)[] = [];
  socket.on("message", (data: Buffer) => {
    frames.push(data.toString("utf8"));
    for (const wake of waiters.splice(0)) wake();
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    socket.on("close", (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  await new Promise((resolve, reject) => {
    socket.once("open", resolve);
    socket.once("error", reject);
  });
  const next = async (match: (frame: string) => boolean, from = 0): Promise<string> => {
    for (;;) {
      const found = frames.slice(from).find(match);
      if (found !== undefined) return found;
      await new Promise<void>((resolve) => waiters.push(resolve));
    }
  };
  return { socket, frames, next, closed };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let server: HyperliquidWsServer;
const clients: TestClient[] = [];

beforeEach(async () => {
  server = await startWsServer();
});

afterEach(async () => {
  for (const client of clients.splice(0)) client.socket.terminate();
  await server.close();
});

async function client(): Promise<TestClient> {
  const created = await connect(server.url);
  clients.push(created);
  return created;
}

const subscribe = (subscription: object) => JSON.stringify({ method: "subscribe", subscription });

describe("local Hyperliquid WebSocket server", () => {
  it("listens on 127.0.0.1 on an ephemeral port", () => {
    expect(server.port).toBeGreaterThan(0);
    expect(server.url).toBe(`ws://127.0.0.1:${server.port}/ws`);
  });

  it("greets a new connection with Hyperliquid's plain-text line", async () => {
    const c = await client();
    expect(await c.next(() => true)).toBe("Websocket connection established.");
  });

  it("acknowledges a subscription by echoing it on subscriptionResponse", async () => {
    const c = await client();
    c.socket.send(subscribe({ type: "l2Book", coin: "BTC", nSigFigs: null, mantissa: null }));
    const ack = await c.next((f) => f.includes("subscriptionResponse"));
    expect(JSON.parse(ack)).toEqual({
      channel: "subscriptionResponse",
      data: { method: "subscribe", subscription: { type: "l2Book", coin: "BTC", nSigFigs: null, mantissa: null } },
    });
    expect(server.subscriptions()).toEqual([{ type: "l2Book", coin: "BTC", nSigFigs: null, mantissa: null }]);
    expect(server.connections).toBe(1);
  });

  it("refuses a duplicate subscription the way Hyperliquid does", async () => {
    const c = await client();
    c.socket.send(subscribe({ type: "trades", coin: "BTC" }));
    c.socket.send(subscribe({ type: "trades", coin: "BTC" }));
    const error = await c.next((f) => f.includes('"error"'));
    expect(JSON.parse(error)).toEqual({ channel: "error", data: 'Already subscribed: {"type":"trades","coin":"BTC"}' });
    expect(server.subscriptions()).toHaveLength(1);
    expect(server.subscribeRequests()).toHaveLength(2);
  });

  it("unsubscribes and acknowledges", async () => {
    const c = await client();
    c.socket.send(subscribe({ type: "trades", coin: "BTC" }));
    await c.next((f) => f.includes("subscriptionResponse"));
    c.socket.send(JSON.stringify({ method: "unsubscribe", subscription: { type: "trades", coin: "BTC" } }));
    const ack = await c.next((f) => f.includes('"unsubscribe"'));
    expect(JSON.parse(ack).data.method).toBe("unsubscribe");
    expect(server.subscriptions()).toEqual([]);
  });

  it("answers a ping with a pong, until told not to", async () => {
    const c = await client();
    c.socket.send('{"method":"ping"}');
    expect(await c.next((f) => f.includes("pong"))).toBe('{"channel":"pong"}');
    server.faults.stopAnsweringPings(true);
    const before = c.frames.length;
    c.socket.send('{"method":"ping"}');
    await sleep(50);
    expect(c.frames.length).toBe(before);
    expect(server.pingsReceived).toBe(2);
  });

  it("sends data only to clients subscribed to its coin, and candles by coin and interval", async () => {
    const btc = await client();
    const eth = await client();
    btc.socket.send(subscribe({ type: "l2Book", coin: "BTC" }));
    btc.socket.send(subscribe({ type: "candle", coin: "BTC", interval: "1m" }));
    eth.socket.send(subscribe({ type: "l2Book", coin: "ETH" }));
    await btc.next((f) => f.includes('"candle"') && f.includes("subscriptionResponse"));
    await eth.next((f) => f.includes("subscriptionResponse"));
    server.send("l2Book", { coin: "BTC", time: 1, levels: [[], []] });
    server.send("candle", { s: "BTC", i: "5m", t: 0 });
    server.send("candle", { s: "BTC", i: "1m", t: 0 });
    const book = await btc.next((f) => f.startsWith('{"channel":"l2Book"'));
    expect(JSON.parse(book).data.coin).toBe("BTC");
    const candle = await btc.next((f) => f.startsWith('{"channel":"candle"'));
    expect(JSON.parse(candle).data.i).toBe("1m");
    server.sendRaw('{"channel":"allMids","data":{"mids":{}}}');
    await eth.next((f) => f.includes("allMids"));
    expect(eth.frames.some((f) => f.startsWith('{"channel":"l2Book"'))).toBe(false);
    expect(btc.frames.filter((f) => f.startsWith('{"channel":"candle"'))).toHaveLength(1);
  });

  it("routes spot context (activeSpotAssetCtx) to the activeAssetCtx subscriber of the pair", async () => {
    const c = await client();
    c.socket.send(subscribe({ type: "activeAssetCtx", coin: "@107" }));
    await c.next((f) => f.includes("subscriptionResponse"));
    server.send("activeSpotAssetCtx", { coin: "@107", ctx: {} });
    expect(JSON.parse(await c.next((f) => f.includes("activeSpotAssetCtx"))).data.coin).toBe("@107");
  });

  it("goes silent: no pongs, no acknowledgements, no data", async () => {
    const c = await client();
    await c.next((f) => f === HYPERLIQUID_GREETING);
    server.faults.goSilent(true);
    c.socket.send('{"method":"ping"}');
    c.socket.send(subscribe({ type: "trades", coin: "BTC" }));
    server.sendRaw('{"channel":"allMids","data":{"mids":{}}}');
    await sleep(50);
    expect(c.frames).toEqual([HYPERLIQUID_GREETING]);
    server.faults.goSilent(false);
    c.socket.send('{"method":"ping"}');
    await c.next((f) => f.includes("pong"));
  });

  it("drops connections abruptly (1006) or with a close code", async () => {
    const a = await client();
    server.faults.dropConnections();
    expect((await a.closed).code).toBe(1006);
    const b = await client();
    server.faults.dropConnections({ code: 4000, reason: "maintenance" });
    expect(await b.closed).toEqual({ code: 4000, reason: "maintenance" });
  });

  it("sends a malformed frame, by default a trade whose px is not a number", async () => {
    const c = await client();
    server.faults.sendMalformed();
    expect(await c.next((f) => f !== HYPERLIQUID_GREETING)).toContain('"px":"not-a-number"');
    server.faults.sendMalformed("{oops");
    expect(await c.next((f) => f === "{oops")).toBe("{oops");
  });

  it("delays its frames when told to", async () => {
    const c = await client();
    server.faults.delayMs(80);
    const sentAt = Date.now();
    c.socket.send('{"method":"ping"}');
    await c.next((f) => f.includes("pong"));
    expect(Date.now() - sentAt).toBeGreaterThanOrEqual(75);
  });

  it("replays recorded frames to their subscribers in order", async () => {
    const c = await client();
    c.socket.send(subscribe({ type: "trades", coin: "BTC" }));
    await c.next((f) => f.includes("subscriptionResponse"));
    const ackCount = c.frames.length;
    await server.replay([
      { delayMs: 0, text: '{"channel":"trades","data":[{"coin":"BTC","tid":1}]}' },
      { delayMs: 10, text: '{"channel":"trades","data":[{"coin":"ETH","tid":2}]}' },
      { delayMs: 10, text: '{"channel":"trades","data":[{"coin":"BTC","tid":3}]}' },
    ]);
    await c.next((f) => f.includes('"tid":3'));
    expect(c.frames.slice(ackCount)).toEqual([
      '{"channel":"trades","data":[{"coin":"BTC","tid":1}]}',
      '{"channel":"trades","data":[{"coin":"BTC","tid":3}]}',
    ]);
  });

  it("answers post requests through its handler, or with an error response", async () => {
    await server.close();
    server = await startWsServer({ onPost: (request) => ({ type: "info", payload: { type: "echo", data: request } }) });
    const c = await client();
    c.socket.send(JSON.stringify({ method: "post", id: 7, request: { type: "info", payload: { type: "allMids" } } }));
    expect(JSON.parse(await c.next((f) => f.includes('"post"')))).toEqual({
      channel: "post",
      data: { id: 7, response: { type: "info", payload: { type: "echo", data: { type: "info", payload: { type: "allMids" } } } } },
    });
  });

  it("makes a connection half-open: the client's close handshake is never answered", async () => {
    const c = await client();
    server.faults.halfOpen();
    c.socket.close(1000, "bye");
    const outcome = await Promise.race([c.closed.then(() => "closed"), sleep(150).then(() => "still open")]);
    expect(outcome).toBe("still open");
  });
});
