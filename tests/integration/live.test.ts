/**
 * The live source against the local Hyperliquid WebSocket server: subscriptions, reconnect and
 * resubscription, dead-socket detection, gaps, malformed frames. Short intervals keep it quick;
 * every wait polls a condition rather than sleeping a fixed time.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { perp } from "../../src/core/index.ts";
import type { ConnectionStatusEvent, MarketEvent, ParseError } from "../../src/core/index.ts";
import { HyperliquidLiveSource } from "../../src/venues/hyperliquid/live.ts";
import type { LiveSourceOptions, LiveSubscriptionPlan } from "../../src/venues/hyperliquid/live.ts";
import { HyperliquidParser } from "../../src/venues/hyperliquid/parse.ts";
import { SpotResolver } from "../../src/venues/hyperliquid/spot.ts";
import { startWsServer } from "../../test-support/hyperliquid-server/ws-server.ts";
import type { HyperliquidWsServer } from "../../test-support/hyperliquid-server/ws-server.ts";

/** A minimal spotMeta: pair index 107 is UBTC (token 197) against USDC (token 0). */
const SPOT_META = {
  tokens: [
    { name: "USDC", index: 0 },
    { name: "UBTC", index: 197 },
  ],
  universe: [{ name: "@107", tokens: [197, 0], index: 107 }],
};
const spotResolver = SpotResolver.fromSpotMeta(SPOT_META);
const ubtc = spotResolver.byWireName("@107")!;

const PLAN: LiveSubscriptionPlan = { perps: ["BTC", "ETH"], spotPairs: [ubtc], candleIntervals: ["1m"] };

/** What the server must hold for PLAN: 2 perps × (book, top of book, trades, context, 1 candle) + 1 pair × (book, top of book, context) = 13. */
const PLAN_SUBSCRIPTIONS = [
  { type: "activeAssetCtx", coin: "@107" },
  { type: "activeAssetCtx", coin: "BTC" },
  { type: "activeAssetCtx", coin: "ETH" },
  { type: "bbo", coin: "@107" },
  { type: "bbo", coin: "BTC" },
  { type: "bbo", coin: "ETH" },
  { type: "candle", coin: "BTC", interval: "1m" },
  { type: "candle", coin: "ETH", interval: "1m" },
  { type: "l2Book", coin: "@107" },
  { type: "l2Book", coin: "BTC" },
  { type: "l2Book", coin: "ETH" },
  { type: "trades", coin: "BTC" },
  { type: "trades", coin: "ETH" },
];

const FAST: Omit<LiveSourceOptions, "wsUrl"> = {
  pingIntervalMs: 200,
  pongTimeoutMs: 200,
  silenceTimeoutMs: 1_000,
  reconnectBaseMs: 20,
  reconnectMaxMs: 100,
};

/** Subscriptions ordered by type, coin, interval. */
function sorted(subscriptions: object[]): object[] {
  const key = (s: object) => {
    const { type, coin, interval } = s as Record<string, string | undefined>;
    return `${type}:${coin}:${interval ?? ""}`;
  };
  return [...subscriptions].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

let bookTime = 1_700_000_000_000;
/** A valid l2Book snapshot for `coin`, one level a side, venue time advancing per call. */
function bookData(coin: string) {
  bookTime += 1_000;
  return {
    coin,
    time: bookTime,
    levels: [[{ px: "100.5", sz: "2", n: 3 }], [{ px: "101", sz: "1.5", n: 1 }]],
  };
}

/** A timeline of everything the source handed out, stamped by a clock that ticks once per read. */
type Entry =
  | { readonly type: "frame"; readonly raw: string; readonly tsInit: number }
  | { readonly type: "event"; readonly event: MarketEvent }
  | { readonly type: "reject"; readonly error: ParseError; readonly raw: string };

interface Harness {
  readonly source: HyperliquidLiveSource;
  readonly log: Entry[];
  statuses(): ConnectionStatusEvent[];
  events(): MarketEvent[];
}

let server: HyperliquidWsServer;
const sources: HyperliquidLiveSource[] = [];

beforeEach(async () => {
  server = await startWsServer();
});

afterEach(async () => {
  for (const source of sources.splice(0)) await source.stop();
  await server.close();
});

function harness(overrides: Partial<LiveSourceOptions> = {}, onEvent?: (event: MarketEvent) => void): Harness {
  const log: Entry[] = [];
  // Receive times after every venue time the test sends (books from 2023-11-14): the parser refuses
  // a venue time more than 60 s ahead of its receive time.
  let tick = 1_800_000_000_000;
  const source = new HyperliquidLiveSource(
    { ...FAST, wsUrl: server.url, now: () => (tick += 1), ...overrides },
    new HyperliquidParser({ spot: spotResolver }),
    {
      onFrame: (raw, tsInit) => log.push({ type: "frame", raw, tsInit }),
      onEvent: (event) => {
        log.push({ type: "event", event });
        onEvent?.(event);
      },
      onReject: (error, raw) => log.push({ type: "reject", error, raw }),
    },
  );
  sources.push(source);
  const events = () => log.flatMap((entry) => (entry.type === "event" ? [entry.event] : []));
  const statuses = () => events().filter((event): event is ConnectionStatusEvent => event.kind === "status");
  return { source, log, events, statuses };
}

/** Polls `condition` every 5 ms; fails after `timeoutMs`. */
async function until(condition: () => boolean, what: string, timeoutMs = 3_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const states = (h: Harness) => h.statuses().map((status) => status.state);

describe("HyperliquidLiveSource against the local server", () => {
  it("subscribes every subscription in the plan, then delivers parsed events", async () => {
    const h = harness();
    await h.source.start(PLAN);
    expect(sorted(server.subscriptions())).toEqual(PLAN_SUBSCRIPTIONS);
    expect(server.subscribeRequests()).toHaveLength(13);
    expect(states(h)).toEqual(["connected"]);

    server.send("l2Book", bookData("BTC"));
    await until(() => h.events().some((event) => event.kind === "book"), "a book event");
    const book = h.events().find((event) => event.kind === "book");
    expect(book).toMatchObject({ kind: "book", market: perp("BTC"), bids: [{ px: 100.5, sz: 2, orders: 3 }], asks: [{ px: 101, sz: 1.5, orders: 1 }] });
    // The frame reached onFrame byte-for-byte, stamped with the same receive time as its event.
    const frame = h.log.findLast((entry) => entry.type === "frame");
    expect(frame?.type === "frame" && JSON.parse(frame.raw).channel).toBe("l2Book");
    expect(frame?.type === "frame" && frame.tsInit).toBe(book?.tsInit);
    expect(h.source.stats).toMatchObject({ events: 1, rejects: 0, reconnects: 0, gaps: 0 });
  });

  it("survives a dropped connection: reconnects, resubscribes everything and marks the gap", async () => {
    const h = harness();
    await h.source.start(PLAN);
    server.send("l2Book", bookData("BTC"));
    await until(() => h.events().some((event) => event.kind === "book"), "the first book");

    server.faults.dropConnections();
    await until(() => states(h).includes("resubscribed"), "resubscribed");
    expect(sorted(server.subscriptions())).toEqual(PLAN_SUBSCRIPTIONS);
    expect(server.subscribeRequests()).toHaveLength(26);
    expect(server.connectionsAccepted).toBe(2);

    server.send("l2Book", bookData("ETH"));
    await until(() => states(h).includes("gap"), "the gap");
    await until(() => h.events().filter((event) => event.kind === "book").length === 2, "data after the reconnect");

    expect(states(h)).toEqual(["connected", "disconnected", "connected", "resubscribed", "gap"]);
    const disconnected = h.statuses()[1]!;
    expect(disconnected.detail).toBe("code 1006");
    const gap = h.statuses()[4]!;
    const indexOf = (event: MarketEvent) => h.log.findIndex((entry) => entry.type === "event" && entry.event === event);
    // gapFrom: the last data frame received before the disconnect (the BTC book; not a pong or an
    // acknowledgement, which prove the socket, not the data).
    const lastFrameBefore = h.log.slice(0, indexOf(disconnected)).findLast((entry) => entry.type === "frame" && entry.raw.startsWith('{"channel":"l2Book"'));
    expect(gap.gapFrom).toBe(lastFrameBefore?.type === "frame" ? lastFrameBefore.tsInit : NaN);
    // gapTo: the first data frame after the reconnect — the ETH book, whose events follow the gap at once.
    const gapIndex = indexOf(gap);
    const firstDataAfter = h.log[gapIndex - 1];
    expect(firstDataAfter?.type === "frame" && JSON.parse(firstDataAfter.raw).data.coin).toBe("ETH");
    expect(gap.gapTo).toBe(firstDataAfter?.type === "frame" ? firstDataAfter.tsInit : NaN);
    expect(gap.gapFrom! < gap.gapTo!).toBe(true);
    expect(gap.tsEvent).toBe(gap.gapTo);
    expect(gap.tsInit).toBe(gap.gapTo);
    expect(h.log[gapIndex + 1]).toMatchObject({ type: "event", event: { kind: "book", market: perp("ETH") } });
    expect(h.source.stats).toMatchObject({ reconnects: 1, gaps: 1, events: 2 });
  });

  it("reports the venue's close code and reason", async () => {
    const h = harness();
    await h.source.start(PLAN);
    server.faults.dropConnections({ code: 4000, reason: "maintenance" });
    await until(() => states(h).includes("disconnected"), "disconnected");
    expect(h.statuses()[1]?.detail).toBe("code 4000 (maintenance)");
  });

  it("declares the socket dead when pings go unanswered, within ping interval + pong timeout, then reconnects", async () => {
    const h = harness();
    await h.source.start(PLAN);
    server.faults.stopAnsweringPings(true);
    const since = Date.now();
    await until(() => states(h).includes("disconnected"), "disconnected");
    const elapsed = Date.now() - since;
    // Worst case: a ping just missed (200 ms) plus the pong timeout (200 ms); 150 ms for timer and scheduling jitter.
    // Not early either: only a ping already in flight when the fault began (a few ms old) may die sooner.
    expect(elapsed).toBeGreaterThanOrEqual(150);
    expect(elapsed).toBeLessThan(200 + 200 + 150);
    expect(h.statuses()[1]?.detail).toBe("code 1006: no pong within 200 ms");
    server.faults.stopAnsweringPings(false);
    await until(() => states(h).includes("resubscribed"), "resubscribed");
    expect(sorted(server.subscriptions())).toEqual(PLAN_SUBSCRIPTIONS);
  });

  it("declares a silent server dead (no pongs, no data) and resubscribes once it speaks again", async () => {
    const h = harness();
    await h.source.start(PLAN);
    server.faults.goSilent(true);
    const since = Date.now();
    await until(() => states(h).includes("disconnected"), "disconnected");
    expect(Date.now() - since).toBeLessThan(200 + 200 + 150);
    server.faults.goSilent(false);
    await until(() => states(h).includes("resubscribed"), "resubscribed");
    expect(sorted(server.subscriptions())).toEqual(PLAN_SUBSCRIPTIONS);
    expect(h.source.stats.reconnects).toBeGreaterThanOrEqual(1);
  });

  it("declares a half-open socket dead and reconnects, though the dead peer never answers the close", async () => {
    const h = harness();
    await h.source.start(PLAN);
    server.faults.halfOpen();
    const since = Date.now();
    await until(() => states(h).includes("resubscribed"), "resubscribed");
    expect(Date.now() - since).toBeLessThan(200 + 200 + 300);
    expect(states(h)).toEqual(["connected", "disconnected", "connected", "resubscribed"]);
    expect(server.connectionsAccepted).toBe(2);
  });

  it("falls back on the silence timeout when no frame at all arrives before the pong deadline", async () => {
    // Pong deadline 200 + 1000 ms; silence 300 ms comes first.
    const h = harness({ pongTimeoutMs: 1_000, silenceTimeoutMs: 300 });
    await h.source.start(PLAN);
    server.faults.goSilent(true);
    await until(() => states(h).includes("disconnected"), "disconnected");
    expect(h.statuses()[1]?.detail).toBe("code 1006: no frame for 300 ms");
  });

  it("keeps a connection whose server answers pings but sends no data", async () => {
    const h = harness({ silenceTimeoutMs: 500 });
    await h.source.start(PLAN);
    const pingsBefore = server.pingsReceived;
    // Twice the silence timeout with nothing but pongs.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(server.pingsReceived - pingsBefore).toBeGreaterThanOrEqual(4);
    expect(states(h)).toEqual(["connected"]);
    expect(server.connectionsAccepted).toBe(1);
  });

  it("rejects malformed frames naming the field, and keeps delivering good events afterwards", async () => {
    const h = harness();
    await h.source.start(PLAN);
    server.faults.sendMalformed();
    server.faults.sendMalformed("{not json");
    server.send("l2Book", bookData("BTC"));
    await until(() => h.events().some((event) => event.kind === "book"), "the good book");
    const rejects = h.log.flatMap((entry) => (entry.type === "reject" ? [entry] : []));
    expect(rejects).toHaveLength(2);
    expect(rejects[0]!.error.field).toBe("trades[0].px");
    expect(rejects[0]!.error.value).toBe("not-a-number");
    expect(rejects[0]!.raw).toContain('"px":"not-a-number"');
    expect(rejects[1]!.raw).toBe("{not json");
    expect(h.source.stats).toMatchObject({ rejects: 2, events: 1, reconnects: 0 });
    expect(states(h)).toEqual(["connected"]);
  });

  it("keeps the loop running when a handler throws", async () => {
    let thrown = 0;
    const h = harness({}, (event) => {
      if (event.kind === "book" && thrown === 0) {
        thrown += 1;
        throw new Error("handler bug");
      }
    });
    await h.source.start(PLAN);
    server.send("l2Book", bookData("BTC"));
    server.send("l2Book", bookData("BTC"));
    await until(() => h.events().filter((event) => event.kind === "book").length === 2, "both books");
    expect(h.source.stats.handlerErrors).toBe(1);
    expect(states(h)).toEqual(["connected"]);
  });

  it("stops for good: closes the socket and does not reconnect", async () => {
    const h = harness();
    await h.source.start(PLAN);
    await h.source.stop();
    expect(states(h)).toEqual(["connected", "disconnected"]);
    expect(h.statuses()[1]?.detail).toContain("stopped by client");
    await until(() => server.connections === 0, "the server to see the close");
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(server.connectionsAccepted).toBe(1);
  });

  it("fails the start when the venue refuses a subscription, and closes the connection", async () => {
    await server.close();
    server = await startWsServer({ refuse: (subscription) => (subscription as { coin?: string }).coin === "ETH" });
    const h = harness();
    await expect(h.source.start(PLAN)).rejects.toThrow(/^Hyperliquid refused a subscription: Invalid subscription \{"type":"(l2Book|trades|activeAssetCtx|candle)","coin":"ETH"/);
    await until(() => server.connections === 0, "the connection to close");
    expect(states(h)).toEqual(["connected", "disconnected"]);
  });

  it("retries until the server accepts, then subscribes", async () => {
    const port = server.port;
    await server.close();
    const h = harness({ wsUrl: `ws://127.0.0.1:${port}/ws` });
    const started = h.source.start(PLAN);
    await new Promise((resolve) => setTimeout(resolve, 60));
    server = await startWsServer({ port });
    await started;
    expect(sorted(server.subscriptions())).toEqual(PLAN_SUBSCRIPTIONS);
    expect(states(h)).toEqual(["connected"]);
  });
});
