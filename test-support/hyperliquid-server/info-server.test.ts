import { afterEach, describe, expect, it } from "vitest";
import { fixtureCandle, hourlyFundingRows } from "./info-fixtures.ts";
import { startInfoServer } from "./info-server.ts";
import type { InfoServer, InfoServerOptions } from "./info-server.ts";

const NOW = Date.UTC(2025, 6, 26, 12, 30, 15); // 2025-07-26 12:30:15 UTC
const MIN = 60_000;

let server: InfoServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(options: Partial<InfoServerOptions> = {}): Promise<InfoServer> {
  server = await startInfoServer({ now: NOW, ...options });
  return server;
}

async function post(s: InfoServer, body: unknown): Promise<Response> {
  return fetch(`${s.url}/info`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
}

describe("fixture data", () => {
  it("builds a candle from the documented formula", () => {
    // k = 29 225 610 (even, mod 50 = 10, mod 7 = 1, mod 13 = 11): close = open + 0.3.
    const openTime = 29_225_610 * MIN;
    const row = fixtureCandle("BTC", "1m", MIN, openTime);
    const open = Number(row.o);
    expect(row.t).toBe(openTime);
    expect(row.T).toBe(openTime + MIN - 1);
    expect(Number(row.c)).toBeCloseTo(open + 0.3, 9);
    expect(Number(row.h)).toBeCloseTo(open + 0.8, 9);
    expect(Number(row.l)).toBeCloseTo(open - 0.4, 9);
    expect(row.v).toBe("2.0");
    expect(row.n).toBe(21);
    expect(fixtureCandle("BTC", "1m", MIN, openTime)).toEqual(row);
    // The odd bar after it falls: close = open - 0.2, low = close - 0.4.
    const next = fixtureCandle("BTC", "1m", MIN, openTime + MIN);
    expect(Number(next.c)).toBeCloseTo(Number(next.o) - 0.2, 9);
    expect(Number(next.l)).toBeCloseTo(Number(next.o) - 0.6, 9);
  });

  it("builds hourly funding rows with ms jitter after each hour", () => {
    const rows = hourlyFundingRows("ETH", Date.UTC(2025, 0, 1), 3);
    // Hour index 482 136: mod 97 = 46 ms of jitter; mod 11 = 6 -> rate 11e-6, premium 11e-6 - 12.5e-6.
    expect(rows.map((r) => r.time - Date.UTC(2025, 0, 1))).toEqual([46, 3_600_047, 7_200_048]);
    expect(rows[0]).toMatchObject({ coin: "ETH", fundingRate: "0.0000110", premium: "-0.0000015" });
  });
});

describe("info server", () => {
  it("serves only the latest 5000 candles, the forming one included", async () => {
    const s = await start();
    const response = await post(s, { type: "candleSnapshot", req: { coin: "BTC", interval: "1m", startTime: 0, endTime: NOW } });
    expect(response.headers.get("content-type")).toBe("application/json");
    const rows = (await response.json()) as { t: number }[];
    const latestOpen = Math.floor(NOW / MIN) * MIN;
    expect(rows).toHaveLength(5000);
    expect(rows[0]!.t).toBe(latestOpen - 4999 * MIN);
    expect(rows.at(-1)!.t).toBe(latestOpen);
  });

  it("serves candles with an inclusive start and end, from the listing time", async () => {
    const s = await start({ candlesListedFrom: { HYPE: NOW - 10 * MIN } });
    const rows = (await (await post(s, { type: "candleSnapshot", req: { coin: "HYPE", interval: "1m", startTime: 0, endTime: NOW - 5 * MIN } })).json()) as { t: number }[];
    const firstOpen = Math.ceil((NOW - 10 * MIN) / MIN) * MIN;
    expect(rows.map((r) => r.t)).toEqual([0, 1, 2, 3, 4].map((i) => firstOpen + i * MIN));
  });

  it("caps fundingHistory at 500 rows from an inclusive startTime", async () => {
    const rows = hourlyFundingRows("BTC", Date.UTC(2025, 0, 1), 700);
    const s = await start({ funding: { BTC: rows } });
    const page = (await (await post(s, { type: "fundingHistory", coin: "BTC", startTime: rows[100]!.time })).json()) as { time: number }[];
    expect(page).toHaveLength(500);
    expect(page[0]).toEqual(rows[100]);
    expect(page.at(-1)).toEqual(rows[599]);
    const tail = (await (await post(s, { type: "fundingHistory", coin: "BTC", startTime: rows[600]!.time, endTime: rows[649]!.time })).json()) as unknown[];
    expect(tail).toHaveLength(50);
  });

  it("answers fixtures as given and 422 for an unknown type", async () => {
    const s = await start({ l2Book: { BTC: { coin: "BTC", time: 1, levels: [[], []] } } });
    expect(await (await post(s, { type: "l2Book", coin: "BTC" })).json()).toEqual({ coin: "BTC", time: 1, levels: [[], []] });
    expect(await (await post(s, { type: "l2Book", coin: "NOPE" })).json()).toBeNull();
    expect((await post(s, { type: "bogus" })).status).toBe(422);
    expect(s.requests.map((r) => r.type)).toEqual(["l2Book", "l2Book", "bogus"]);
  });

  it("injects 429 with Retry-After, 500, then answers normally", async () => {
    const s = await start({ l2Book: { BTC: {} } });
    s.faults.rateLimit(1, 2);
    s.faults.serverError(1);
    const first = await post(s, { type: "l2Book", coin: "BTC" });
    expect(first.status).toBe(429);
    expect(first.headers.get("retry-after")).toBe("2");
    expect((await post(s, { type: "l2Book", coin: "BTC" })).status).toBe(500);
    expect((await post(s, { type: "l2Book", coin: "BTC" })).status).toBe(200);
    expect(s.requests.map((r) => r.fault)).toEqual(["rateLimit", "serverError", undefined]);
  });

  it("closes the socket mid-response", async () => {
    const s = await start({ l2Book: { BTC: { coin: "BTC", levels: [[], []] } } });
    s.faults.dropConnection(1);
    await expect(post(s, { type: "l2Book", coin: "BTC" }).then((r) => r.text())).rejects.toThrow();
    expect((await post(s, { type: "l2Book", coin: "BTC" })).status).toBe(200);
  });

  it("delays an answer", async () => {
    const s = await start({ l2Book: { BTC: {} } });
    s.faults.delay(1, 50);
    const started = performance.now();
    await post(s, { type: "l2Book", coin: "BTC" });
    expect(performance.now() - started).toBeGreaterThanOrEqual(45);
  });
});
