/**
 * Liveness per channel against the local Hyperliquid WebSocket server (issue 13, "Failed" 4): one
 * channel silently stopping, a data stall while pongs still answer, a gap after a stall measured
 * from the last data frame, subscriptions never acknowledged. Deadlines are scaled down (hundreds
 * of ms for the defaults' seconds); receive times are the real clock, so gap lengths are real.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createMemoryLogger } from "../../src/config/index.ts";
import type { ConnectionStatusEvent, MarketEvent } from "../../src/core/index.ts";
import { HyperliquidLiveSource } from "../../src/venues/hyperliquid/live.ts";
import type { LiveSourceOptions, LiveSubscriptionPlan } from "../../src/venues/hyperliquid/live.ts";
import { HyperliquidParser } from "../../src/venues/hyperliquid/parse.ts";
import { SpotResolver } from "../../src/venues/hyperliquid/spot.ts";
import { startWsServer } from "../../test-support/hyperliquid-server/ws-server.ts";
import type { HyperliquidWsServer } from "../../test-support/hyperliquid-server/ws-server.ts";

const PLAN: LiveSubscriptionPlan = { perps: ["BTC", "SOL"], spotPairs: [], candleIntervals: [], topOfBook: false };

/** Per-channel deadlines off unless a test sets one, so each test sees only the mechanism it is about. */
const BASE: Omit<LiveSourceOptions, "wsUrl"> = {
  pingIntervalMs: 100,
  pongTimeoutMs: 80,
  silenceTimeoutMs: 5_000,
  reconnectBaseMs: 20,
  reconnectMaxMs: 100,
  bookSilenceMs: 0,
  assetCtxSilenceMs: 0,
  dataStallMs: 0,
};

function bookData(coin: string) {
  return { coin, time: Date.now(), levels: [[{ px: "100.5", sz: "2", n: 3 }], [{ px: "101", sz: "1.5", n: 1 }]] };
}

let server: HyperliquidWsServer;
let source: HyperliquidLiveSource | undefined;
let feeder: NodeJS.Timeout | undefined;

beforeEach(async () => {
  server = await startWsServer();
});
afterEach(async () => {
  clearInterval(feeder);
  await source?.stop();
  source = undefined;
  await server.close();
});

interface Harness {
  readonly source: HyperliquidLiveSource;
  readonly log: ReturnType<typeof createMemoryLogger>;
  /** Frames with their receive times, in order. */
  readonly frames: { readonly raw: string; readonly tsInit: number }[];
  readonly events: MarketEvent[];
  gaps(): ConnectionStatusEvent[];
  states(): string[];
}

function harness(overrides: Partial<LiveSourceOptions>): Harness {
  const log = createMemoryLogger();
  const frames: { raw: string; tsInit: number }[] = [];
  const events: MarketEvent[] = [];
  source = new HyperliquidLiveSource({ ...BASE, wsUrl: server.url, logger: log, ...overrides }, new HyperliquidParser({ spot: SpotResolver.empty() }), {
    onFrame: (raw, tsInit) => frames.push({ raw, tsInit }),
    onEvent: (event) => events.push(event),
  });
  const statuses = (): ConnectionStatusEvent[] => events.filter((e): e is ConnectionStatusEvent => e.kind === "status");
  return { source, log, frames, events, gaps: () => statuses().filter((s) => s.state === "gap"), states: () => statuses().map((s) => s.state) };
}

/** Books for every coin every `everyMs`. */
function feedBooks(coins: readonly string[], everyMs: number): void {
  feeder = setInterval(() => {
    for (const coin of coins) server.send("l2Book", bookData(coin));
  }, everyMs);
}

async function until(condition: () => boolean, what: string, timeoutMs = 4_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

function json(raw: string): { channel?: string; data?: { coin?: string } } {
  try {
    return JSON.parse(raw) as { channel?: string; data?: { coin?: string } };
  } catch {
    return {};
  }
}
const channelOf = (raw: string): string | undefined => json(raw).channel;
const coinOf = (raw: string): string | undefined => json(raw).data?.coin;

describe("liveness per channel", () => {
  it("one channel silently stopping (l2Book for SOL) is logged, resubscribed and marked as a gap of that channel, from its last book to its next", async () => {
    const h = harness({ bookSilenceMs: 300 });
    await h.source.start(PLAN);
    feedBooks(["BTC", "SOL"], 50);
    await until(() => h.frames.filter((f) => coinOf(f.raw) === "SOL").length >= 3, "SOL books");
    server.faults.silenceChannel("l2Book:SOL");
    await until(() => h.gaps().length === 1, "the SOL channel gap");
    const warn = h.log.entries.find((e) => e.level === "warn" && (e.msg ?? "").startsWith("channel l2Book:SOL silent for"));
    expect(warn?.msg).toMatch(/^channel l2Book:SOL silent for \d+ ms \(expected data within 300 ms\); resubscribing$/);
    // The resubscription: 6 subscriptions at start (book, trades, context × 2 coins), then SOL's book again.
    expect(server.subscribeRequests()).toHaveLength(7);
    expect(server.subscribeRequests()[6]).toEqual({ type: "l2Book", coin: "SOL" });
    const gap = h.gaps()[0]!;
    const solBooks = h.frames.filter((f) => channelOf(f.raw) === "l2Book" && coinOf(f.raw) === "SOL");
    const firstAfter = solBooks.find((f) => f.tsInit >= gap.gapTo!)!;
    const lastBefore = solBooks.findLast((f) => f.tsInit < gap.gapTo!)!;
    expect(gap.gapFrom).toBe(lastBefore.tsInit);
    expect(gap.gapTo).toBe(firstAfter.tsInit);
    expect(gap.detail).toBe(`channel l2Book:SOL silent for ${gap.gapTo! - gap.gapFrom!} ms; data may be missing`);
    // At least the 300 ms deadline; at most deadline + a check (60 ms) + a resubscription + a 50 ms feed tick, with slack.
    expect(gap.gapTo! - gap.gapFrom!).toBeGreaterThanOrEqual(300);
    expect(gap.gapTo! - gap.gapFrom!).toBeLessThan(1_000);
    // BTC never stopped: no gap, no resubscription; the connection never dropped.
    expect(h.states()).toEqual(["connected", "gap"]);
    expect(h.source.stats).toMatchObject({ silentChannels: 1, gaps: 1, reconnects: 0 });
  });

  it("a data stall while pongs still answer is a gap from the last data frame, without a reconnect", async () => {
    const h = harness({ dataStallMs: 300 });
    await h.source.start(PLAN);
    feedBooks(["BTC"], 50);
    await until(() => h.frames.filter((f) => channelOf(f.raw) === "l2Book").length >= 3, "books");
    server.faults.stallData(true);
    await until(() => h.log.entries.some((e) => (e.msg ?? "").startsWith("no data on any channel for")), "the stall warning");
    // Pongs keep answering through the stall.
    const pongsDuring = h.frames.length;
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(h.frames.slice(pongsDuring).every((f) => channelOf(f.raw) === "pong")).toBe(true);
    expect(h.frames.length).toBeGreaterThan(pongsDuring);
    server.faults.stallData(false);
    await until(() => h.gaps().length === 1, "the gap");
    const gap = h.gaps()[0]!;
    const books = h.frames.filter((f) => channelOf(f.raw) === "l2Book");
    expect(gap.gapFrom).toBe(books.findLast((f) => f.tsInit < gap.gapTo!)!.tsInit);
    expect(gap.gapTo).toBe(books.find((f) => f.tsInit >= gap.gapTo!)!.tsInit);
    // The stall lasted the time to the warning (≥ 300 ms) + 500 ms, at least.
    expect(gap.gapTo! - gap.gapFrom!).toBeGreaterThanOrEqual(800);
    expect(h.states()).toEqual(["connected", "gap"]);
    expect(server.connectionsAccepted).toBe(1);
  });

  it("a gap after a stall and a disconnect runs from the last data frame, not from the last pong", async () => {
    const h = harness({});
    await h.source.start(PLAN);
    feedBooks(["BTC"], 50);
    await until(() => h.frames.filter((f) => channelOf(f.raw) === "l2Book").length >= 3, "books");
    server.faults.stallData(true);
    await new Promise((resolve) => setTimeout(resolve, 600));
    server.faults.dropConnections();
    server.faults.stallData(false);
    await until(() => h.gaps().length === 1, "the gap after the reconnect");
    const gap = h.gaps()[0]!;
    const lastBookBefore = h.frames.filter((f) => channelOf(f.raw) === "l2Book" && f.tsInit < gap.gapTo!).at(-1)!;
    const lastPongBefore = h.frames.filter((f) => channelOf(f.raw) === "pong" && f.tsInit < gap.gapTo!).at(-1)!;
    // Pongs answered through the stall (one every 100 ms), so the last one is ~500 ms after the last book.
    expect(lastPongBefore.tsInit - lastBookBefore.tsInit).toBeGreaterThanOrEqual(300);
    expect(gap.gapFrom).toBe(lastBookBefore.tsInit);
    expect(gap.gapTo! - gap.gapFrom!).toBeGreaterThanOrEqual(600);
    expect(h.states()).toEqual(["connected", "disconnected", "connected", "resubscribed", "gap"]);
  });

  it("retries and logs subscriptions the venue does not acknowledge, then starts", async () => {
    server.faults.ignoreSubscribes(2);
    const h = harness({ subscribeAckTimeoutMs: 200 });
    const startedMs = Date.now();
    await h.source.start(PLAN);
    // The first two subscriptions (BTC's book and trades) went unanswered; each was sent again after 200 ms.
    expect(Date.now() - startedMs).toBeGreaterThanOrEqual(200);
    const warnings = h.log.entries.filter((e) => e.level === "warn").map((e) => e.msg);
    expect(warnings).toEqual([
      "subscription l2Book:BTC not acknowledged within 200 ms; subscribing again (attempt 2)",
      "subscription trades:BTC not acknowledged within 200 ms; subscribing again (attempt 2)",
    ]);
    expect(h.source.stats.subscribeRetries).toBe(2);
    expect(server.subscriptions()).toHaveLength(6);
    // The server logs only the requests it applied: the two it ignored are not among them.
    expect(server.subscribeRequests()).toHaveLength(6);
  });

  it("a channel still silent at stop is marked as a gap up to the stop", async () => {
    const h = harness({ bookSilenceMs: 200 });
    await h.source.start(PLAN);
    feedBooks(["BTC"], 50);
    server.faults.silenceChannel("l2Book:SOL");
    await until(() => h.source.stats.silentChannels >= 1, "SOL silent");
    await h.source.stop();
    const gap = h.gaps().find((g) => g.detail.includes("l2Book:SOL"));
    expect(gap?.detail).toMatch(/^channel l2Book:SOL silent for \d+ ms \(still silent at stop\)$/);
    // Never a book for SOL: silent since its subscription was acknowledged.
    expect(gap!.gapTo! - gap!.gapFrom!).toBeGreaterThanOrEqual(200);
  });
});
