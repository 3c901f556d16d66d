/**
 * Backfill against the local Hyperliquid /info server on 127.0.0.1: the real SDK transport,
 * our limiter and retries, real files. Time is fake (sleeps advance a shared clock at once),
 * so limiter waits and backoffs are asserted exactly and the file runs in well under a second
 * or two.
 */
import { appendFile, mkdtemp, readFile, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { VenueError } from "../../src/core/index.ts";
import { backfill, fundingPath, perpCandlePath } from "../../src/venues/hyperliquid/backfill.ts";
import type { BackfillOptions, BackfillProgress } from "../../src/venues/hyperliquid/backfill.ts";
import { HyperliquidRest } from "../../src/venues/hyperliquid/rest.ts";
import type { HyperliquidRestOptions } from "../../src/venues/hyperliquid/rest.ts";
import { SPOT_META_AND_ASSET_CTXS, hourlyFundingRows } from "../../test-support/hyperliquid-server/info-fixtures.ts";
import { startInfoServer } from "../../test-support/hyperliquid-server/info-server.ts";
import type { InfoServer } from "../../test-support/hyperliquid-server/info-server.ts";

const HOUR = 3_600_000;
const MIN = 60_000;
const NOW = Date.UTC(2025, 6, 26, 12, 30, 15);
const FUNDING_FROM = Date.UTC(2025, 4, 1); // 1234 hours later is 2025-06-21 10:00, before NOW
const BTC_FUNDING = hourlyFundingRows("BTC", FUNDING_FROM, 1234);
const ETH_FUNDING = hourlyFundingRows("ETH", FUNDING_FROM, 700);

let server: InfoServer;
let dir = "";
const clock = { now: NOW, sleeps: [] as number[] };

beforeEach(async () => {
  clock.now = NOW;
  clock.sleeps = [];
  dir = await mkdtemp(join(tmpdir(), "backfill-it-"));
  server = await startInfoServer({
    now: NOW,
    clock: () => clock.now,
    funding: { BTC: BTC_FUNDING, ETH: ETH_FUNDING },
    spotMetaAndAssetCtxs: SPOT_META_AND_ASSET_CTXS,
  });
});

afterEach(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

function rest(overrides: Partial<HyperliquidRestOptions> = {}): HyperliquidRest {
  return new HyperliquidRest({
    restUrl: server.url,
    timeoutMs: 2_000,
    maxRetries: 4,
    baseBackoffMs: 200,
    maxBackoffMs: 5_000,
    weightPerMinute: 1200,
    random: () => 0.25,
    sleep: (ms) => {
      clock.sleeps.push(ms);
      clock.now += ms;
      return Promise.resolve();
    },
    now: () => clock.now,
    ...overrides,
  });
}

function run(overrides: Partial<BackfillOptions>) {
  const warnings: string[] = [];
  const progress: BackfillProgress[] = [];
  const options: BackfillOptions = {
    rest: rest(),
    coins: ["BTC"],
    intervals: [],
    startTime: FUNDING_FROM,
    endTime: NOW,
    outDir: dir,
    spot: false,
    logger: { warn: (_obj, msg) => warnings.push(msg), info: () => undefined },
    onProgress: (p) => progress.push(p),
    now: () => NOW,
    ...overrides,
  };
  return { promise: backfill(options), warnings, progress };
}

async function dataLines(path: string): Promise<string[]> {
  return (await readFile(path, "utf8")).split("\n").slice(1, -1);
}

/** Every file under `root`, relative path → content. */
async function snapshot(root: string): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  for (const sub of await readdir(root)) {
    for (const name of await readdir(join(root, sub))) {
      files[`${sub}/${name}`] = await readFile(join(root, sub, name), "utf8");
    }
  }
  return files;
}

describe("backfill against the local /info server", () => {
  it("writes 1234 hourly funding rows from three pages with no gap and no duplicate", async () => {
    const { promise } = run({});
    await promise;
    const lines = await dataLines(fundingPath(dir, "BTC"));
    expect(lines).toHaveLength(1234);
    const times = lines.map((l) => Number(l.split(",")[3]));
    expect(times[0]).toBe(BTC_FUNDING[0]!.time);
    expect(times.at(-1)).toBe(BTC_FUNDING[1233]!.time);
    expect(times.every((t, i) => i === 0 || Math.floor(t / HOUR) - Math.floor(times[i - 1]! / HOUR) === 1)).toBe(true);
    const pages = server.requests.filter((r) => r.type === "fundingHistory").map((r) => (r.body as { startTime: number }).startTime);
    expect(pages).toEqual([FUNDING_FROM, BTC_FUNDING[499]!.time + 1, BTC_FUNDING[999]!.time + 1]);
  });

  it("pages more than 5000 one-minute candles in 5000-candle windows and warns about the venue's reach", async () => {
    const { promise, warnings } = run({ intervals: ["1m"], startTime: NOW - 6000 * MIN });
    await promise;
    const latestOpen = Math.floor(NOW / MIN) * MIN;
    const oldest = latestOpen - 4999 * MIN;
    expect(warnings.some((w) => w.includes("only the latest 5000 candles") && w.includes("bars before that are unavailable"))).toBe(true);
    const requests = server.requests.filter((r) => r.type === "candleSnapshot");
    expect(requests).toHaveLength(2);
    const times = (await dataLines(perpCandlePath(dir, "BTC", "1m"))).map((l) => Number(l.split(",")[0]));
    // All 5000 bars the venue keeps, less the forming one; each exactly one minute after the last.
    expect(times).toHaveLength(4999);
    expect(times[0]).toBe(oldest);
    expect(times.at(-1)).toBe(latestOpen - MIN);
    expect(times.every((t, i) => i === 0 || t - times[i - 1]! === MIN)).toBe(true);
  });

  it("resumes an aborted run, after a torn last line, to files identical to an uninterrupted run", async () => {
    // Pages in order: BTC funding 3, BTC 1m 2, BTC 1h 1, UBTC/USDC 1m 2 and 1h 1, ETH funding 2, ...
    const plan: Partial<BackfillOptions> = { coins: ["BTC", "ETH"], intervals: ["1m", "1h"], spot: true };
    // Uninterrupted reference run in its own folder.
    const reference = join(dir, "reference");
    await run({ ...plan, outDir: reference }).promise;
    const expected = await snapshot(reference);

    const resumed = join(dir, "resumed");
    const controller = new AbortController();
    let pages = 0;
    const first = run({
      ...plan,
      outDir: resumed,
      signal: controller.signal,
      onProgress: () => {
        pages += 1;
        // After the second of BTC's three funding pages: 1000 of its 1234 rows are written.
        if (pages === 2) {
          controller.abort(new Error("killed"));
        }
      },
    });
    await expect(first.promise).rejects.toThrow("killed");
    expect(Object.keys(await snapshot(resumed))).toEqual(["funding/hl_funding_BTC.csv"]);
    expect(await dataLines(fundingPath(resumed, "BTC"))).toHaveLength(1000);
    // What a kill in the middle of a write leaves behind.
    await appendFile(fundingPath(resumed, "BTC"), "BTC,0.0000");

    const requestsBefore = server.requests.length;
    await run({ ...plan, outDir: resumed }).promise;
    // The rerun continues after the last complete row, not from the start.
    const rerunFunding = server.requests.slice(requestsBefore).find((r) => r.type === "fundingHistory");
    expect((rerunFunding?.body as { startTime: number }).startTime).toBe(BTC_FUNDING[999]!.time + 1);
    expect(await snapshot(resumed)).toEqual(expected);
    expect(Object.keys(expected).sort()).toEqual([
      "candles/hl_perp_BTC_1h.csv",
      "candles/hl_perp_BTC_1m.csv",
      "candles/hl_perp_ETH_1h.csv",
      "candles/hl_perp_ETH_1m.csv",
      "candles/hl_spot_UBTC_USDC_1h.csv",
      "candles/hl_spot_UBTC_USDC_1m.csv",
      "funding/hl_funding_BTC.csv",
      "funding/hl_funding_ETH.csv",
    ]);
  });

  it("resumes after the server dropped every connection until the retries ran out", async () => {
    const reference = join(dir, "reference");
    await run({ outDir: reference }).promise;
    const resumed = join(dir, "resumed");
    let pages = 0;
    const first = run({
      outDir: resumed,
      rest: rest({ maxRetries: 2 }),
      onProgress: () => {
        pages += 1;
        if (pages === 1) {
          server.faults.dropConnection(Infinity);
        }
      },
    });
    await expect(first.promise).rejects.toBeInstanceOf(VenueError);
    expect((await dataLines(fundingPath(resumed, "BTC"))).length).toBe(500);
    server.faults.clear();
    await run({ outDir: resumed }).promise;
    expect(await readFile(fundingPath(resumed, "BTC"), "utf8")).toBe(await readFile(fundingPath(reference, "BTC"), "utf8"));
  });

  it("retries 429 and 500 and still writes every row", async () => {
    server.faults.rateLimit(1, 3);
    server.faults.serverError(2);
    await run({}).promise;
    expect(await dataLines(fundingPath(dir, "BTC"))).toHaveLength(1234);
    expect(server.requests.map((r) => r.fault)).toEqual(["rateLimit", "serverError", "serverError", undefined, undefined, undefined]);
    // Retry-After 3 s, then full jitter at random() = 0.25: 200 * 2^1 * 0.25, 200 * 2^2 * 0.25.
    expect(clock.sleeps).toEqual([3_000, 100, 200]);
  });

  it("spaces requests by the weight limiter", async () => {
    // 60 weight per minute, 1 per second. Page 1 at 0 s: 20 before, 25 for 500 rows after
    // (15 left). Page 2 waits for 5 more: 5 s; then 25 after (-25). Page 3 waits for 45: 50 s.
    await run({ rest: rest({ weightPerMinute: 60 }) }).promise;
    expect(server.requests.map((r) => r.at - NOW)).toEqual([0, 5_000, 50_000]);
    expect(await dataLines(fundingPath(dir, "BTC"))).toHaveLength(1234);
  });
});
