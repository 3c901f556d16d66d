import { afterEach, describe, expect, it } from "vitest";
import { VenueError, perp, spot } from "../../core/index.ts";
import { META_AND_ASSET_CTXS, SPOT_META_AND_ASSET_CTXS, hourlyFundingRows } from "../../../test-support/hyperliquid-server/info-fixtures.ts";
import { startInfoServer } from "../../../test-support/hyperliquid-server/info-server.ts";
import type { InfoServer, InfoServerOptions } from "../../../test-support/hyperliquid-server/info-server.ts";
import { HyperliquidRest, backoffDelayMs, parseRetryAfterMs } from "./rest.ts";
import type { HyperliquidRestOptions } from "./rest.ts";

const NOW = Date.UTC(2025, 6, 26, 12, 30, 15);
const MIN = 60_000;

/** Fake time shared by client and server: `sleep` advances it at once and records the wait. */
function fakeTime() {
  const state = { now: NOW, sleeps: [] as number[] };
  return {
    state,
    now: () => state.now,
    sleep: (ms: number) => {
      state.sleeps.push(ms);
      state.now += ms;
      return Promise.resolve();
    },
  };
}

let server: InfoServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function setup(serverOptions: Partial<InfoServerOptions> = {}, restOptions: Partial<HyperliquidRestOptions> = {}) {
  const time = fakeTime();
  const warnings: object[] = [];
  server = await startInfoServer({ now: NOW, clock: time.now, ...serverOptions });
  const rest = new HyperliquidRest({
    restUrl: server.url,
    timeoutMs: 2_000,
    maxRetries: 3,
    baseBackoffMs: 100,
    maxBackoffMs: 1_000,
    weightPerMinute: 1200,
    random: () => 0.5,
    sleep: time.sleep,
    now: time.now,
    logger: { warn: (obj) => warnings.push(obj), info: () => undefined },
    ...restOptions,
  });
  return { server, rest, time, warnings };
}

describe("backoff", () => {
  it("doubles per attempt up to the ceiling, scaled by the jitter draw", () => {
    expect([0, 1, 2, 3, 4].map((attempt) => backoffDelayMs(attempt, 100, 500, 0.5))).toEqual([50, 100, 200, 250, 250]);
    expect(backoffDelayMs(2, 100, 500, 0)).toBe(0);
  });

  it("reads Retry-After as seconds or as an HTTP date", () => {
    expect(parseRetryAfterMs("2", 0)).toBe(2_000);
    expect(parseRetryAfterMs("0.5", 0)).toBe(500);
    const now = Date.UTC(2015, 9, 21, 7, 28, 0);
    expect(parseRetryAfterMs("Wed, 21 Oct 2015 07:28:05 GMT", now)).toBe(5_000);
    expect(parseRetryAfterMs("Wed, 21 Oct 2015 07:27:00 GMT", now)).toBe(0);
    expect(parseRetryAfterMs("soon", now)).toBeUndefined();
    expect(parseRetryAfterMs(null, now)).toBeUndefined();
  });
});

describe("HyperliquidRest", () => {
  it("returns candles parsed from the venue rows, the forming bar marked open", async () => {
    const { rest } = await setup();
    const latestOpen = Math.floor(NOW / MIN) * MIN;
    const result = await rest.candleSnapshot("BTC", "1m", latestOpen - 2 * MIN, NOW);
    expect(result.rejects).toEqual([]);
    expect(result.rows.map((r) => r.t)).toEqual([latestOpen - 2 * MIN, latestOpen - MIN, latestOpen]);
    expect(result.candles.map((c) => c.closed)).toEqual([true, true, false]);
    const first = result.candles[0]!;
    expect(first.market).toBe(perp("BTC"));
    expect(first.openTime).toBe(latestOpen - 2 * MIN);
    expect(first.closeTime).toBe(latestOpen - MIN - 1);
    expect(first.open).toBe(Number(result.rows[0]!.o));
  });

  it("attributes spot candles to the market it is given", async () => {
    const { rest } = await setup();
    const result = await rest.candleSnapshot("@142", "1h", NOW - 3 * 3_600_000, NOW, { market: spot("UBTC/USDC", "BTC") });
    expect(result.candles.length).toBe(3);
    expect(result.candles[0]!.market).toBe(spot("UBTC/USDC", "BTC"));
    expect(result.rows[0]!.s).toBe("@142");
  });

  it("returns funding rows beside their settlement events", async () => {
    const rows = hourlyFundingRows("ETH", Date.UTC(2025, 0, 1), 3);
    const { rest } = await setup({ funding: { ETH: rows } });
    const result = await rest.fundingHistory("ETH", Date.UTC(2025, 0, 1));
    expect(result.rows).toEqual(rows);
    expect(result.events.map((e) => [e.tsEvent, e.rate, e.periodMs])).toEqual([
      [rows[0]!.time, 0.000011, 3_600_000],
      [rows[1]!.time, 0.000012, 3_600_000],
      [rows[2]!.time, 0.000013, 3_600_000],
    ]);
  });

  it("resolves spot pairs and contexts from spotMetaAndAssetCtxs, perps from metaAndAssetCtxs", async () => {
    const { rest } = await setup({ spotMetaAndAssetCtxs: SPOT_META_AND_ASSET_CTXS, metaAndAssetCtxs: META_AND_ASSET_CTXS });
    const spotResult = await rest.spotMetaAndAssetCtxs();
    expect(spotResult.resolver.byBase("BTC")?.pairName).toBe("UBTC/USDC");
    expect(spotResult.resolver.byBase("BTC")?.wireName).toBe("@142");
    expect(spotResult.resolver.byBase("ETH")).toBeUndefined();
    expect(spotResult.contexts.map((c) => c.market.symbol)).toEqual(["PURR/USDC", "HYPE/USDC", "UBTC/USDC"]);
    const perpResult = await rest.metaAndAssetCtxs();
    expect(perpResult.universe.map((p) => p.name)).toEqual(["BTC", "ETH"]);
    expect(perpResult.contexts[0]).toMatchObject({ fundingRatePerHour: 0.0000125, openInterest: 30000.5, oraclePx: 118000 });
  });

  it("returns the parser's reject when l2Book answers null for an unknown coin", async () => {
    const { rest } = await setup();
    const result = await rest.l2Book("NOPE");
    expect(result.ok).toBe(false);
  });

  it("retries HTTP 500 with exponential backoff and full jitter", async () => {
    const { rest, server, time, warnings } = await setup();
    server.faults.serverError(2);
    const result = await rest.candleSnapshot("BTC", "1m", NOW - 5 * MIN, NOW);
    expect(result.rows.length).toBeGreaterThan(0);
    // random() = 0.5: 100 * 2^0 * 0.5, then 100 * 2^1 * 0.5.
    expect(time.state.sleeps).toEqual([50, 100]);
    expect(server.requests.map((r) => r.fault)).toEqual(["serverError", "serverError", undefined]);
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatchObject({ attempt: 1, status: 500, delayMs: 50 });
  });

  it("waits exactly the Retry-After of a 429", async () => {
    const { rest, server, time } = await setup();
    server.faults.rateLimit(1, 2);
    await rest.fundingHistory("BTC", 0);
    expect(time.state.sleeps).toEqual([2_000]);
    expect(server.requests).toHaveLength(2);
  });

  it("backs off on a 429 without Retry-After", async () => {
    const { rest, server, time } = await setup();
    server.faults.rateLimit(1);
    await rest.fundingHistory("BTC", 0);
    expect(time.state.sleeps).toEqual([50]);
  });

  it("retries a timeout and a connection closed mid-response", async () => {
    const { rest, server, time } = await setup({}, { timeoutMs: 100 });
    server.faults.delay(1, 300);
    server.faults.dropConnection(1);
    const result = await rest.candleSnapshot("BTC", "1m", NOW - 5 * MIN, NOW);
    // 12:25:15 .. 12:30:15 holds the bars opening 12:26 .. 12:30.
    expect(result.rows.length).toBe(5);
    expect(time.state.sleeps).toEqual([50, 100]);
    expect(server.requests.map((r) => r.fault)).toEqual(["delay", "dropConnection", undefined]);
  });

  it("gives up after maxRetries with a VenueError carrying the last status", async () => {
    const { rest, server, time } = await setup({}, { maxRetries: 2 });
    server.faults.serverError(10);
    const error = await rest.fundingHistory("BTC", 0).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VenueError);
    expect((error as VenueError).status).toBe(500);
    expect((error as VenueError).message).toMatch(/^fundingHistory BTC 0\.\.now at http:\/\/127\.0\.0\.1:\d+: failed after 3 attempts/);
    expect(server.requests).toHaveLength(3);
    expect(time.state.sleeps).toEqual([50, 100]);
  });

  it("fails at once on a 4xx other than 429, naming the request and status", async () => {
    const { rest, server, time } = await setup();
    const error = await rest.metaAndAssetCtxs().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VenueError);
    expect((error as VenueError).status).toBe(422);
    expect((error as VenueError).message).toMatch(/^metaAndAssetCtxs: refused with HTTP 422/);
    expect(server.requests).toHaveLength(1);
    expect(time.state.sleeps).toEqual([]);
  });

  it("stops retrying when the caller aborts during a backoff", async () => {
    const { server } = await setup();
    const controller = new AbortController();
    const rest = new HyperliquidRest({
      restUrl: server.url,
      timeoutMs: 2_000,
      maxRetries: 5,
      baseBackoffMs: 100,
      maxBackoffMs: 1_000,
      weightPerMinute: 1200,
      random: () => 0.5,
      sleep: () => {
        controller.abort(new Error("stop"));
        return new Promise<void>(() => undefined);
      },
    });
    server.faults.serverError(10);
    await expect(rest.fundingHistory("BTC", 0, undefined, { signal: controller.signal })).rejects.toThrow("stop");
    expect(server.requests).toHaveLength(1);
  });

  it("spaces requests by weight, counting the items of the previous answer", async () => {
    // 40 weight per minute: a candleSnapshot takes 20 before and 1 per 60 candles after.
    const { rest, server, time } = await setup({}, { weightPerMinute: 40 });
    await rest.candleSnapshot("BTC", "1m", NOW - 2 * MIN, NOW); // 20 + 1: 19 left
    await rest.candleSnapshot("BTC", "1m", NOW - 2 * MIN, NOW); // needs 1 more: 1 * 60 000 / 40 = 1500 ms
    expect(time.state.sleeps).toEqual([1_500]);
    expect(server.requests.map((r) => r.at - NOW)).toEqual([0, 1_500]);
  });
});
