import { mkdtemp, readFile, rm, writeFile, mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DataFileError } from "../../core/index.ts";
import { SPOT_META_AND_ASSET_CTXS, fixtureCandle, hourlyFundingRows } from "../../../test-support/hyperliquid-server/info-fixtures.ts";
import type { FixtureFundingRow } from "../../../test-support/hyperliquid-server/info-fixtures.ts";
import { backfill, fundingPath, perpCandlePath } from "./backfill.ts";
import type { BackfillOptions, BackfillProgress, BackfillRest } from "./backfill.ts";
import { parseSpotMetaAndAssetCtxs } from "./parse.ts";

const HOUR = 3_600_000;
const MIN = 60_000;
const T0 = Date.UTC(2025, 0, 1);
const NOW = Date.UTC(2025, 6, 26, 12, 30, 15);

/**
 * A fake venue: funding pages of at most 500 rows that, like a careless paging partner,
 * repeat the row just before `startTime`; candles on the grid up to the forming bar.
 */
function fakeRest(funding: readonly FixtureFundingRow[]) {
  const calls: string[] = [];
  const rest: BackfillRest = {
    fundingHistory: (coin, startTime, endTime) => {
      calls.push(`funding ${coin} ${startTime}`);
      const rows = funding.filter((r) => r.coin === coin && r.time >= startTime - HOUR && r.time <= (endTime ?? Infinity)).slice(0, 500);
      return Promise.resolve({ rows, events: [], rejects: [] });
    },
    candleSnapshot: (coin, interval, startTime, endTime) => {
      calls.push(`candles ${coin} ${interval} ${startTime} ${endTime}`);
      const rows = [];
      const latestOpen = Math.floor(NOW / MIN) * MIN;
      for (let t = Math.max(Math.ceil(startTime / MIN) * MIN, latestOpen - 4999 * MIN); t <= Math.min(endTime, latestOpen); t += MIN) {
        rows.push(fixtureCandle(coin, interval, MIN, t));
      }
      return Promise.resolve({ rows, candles: [], rejects: [] });
    },
    spotMetaAndAssetCtxs: () => Promise.resolve({ body: SPOT_META_AND_ASSET_CTXS, ...parseSpotMetaAndAssetCtxs(SPOT_META_AND_ASSET_CTXS, NOW) }),
  };
  return { rest, calls };
}

let dir = "";
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "backfill-test-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function options(rest: BackfillRest, overrides: Partial<BackfillOptions> = {}) {
  const warnings: string[] = [];
  const infos: string[] = [];
  const progress: BackfillProgress[] = [];
  const base: BackfillOptions = {
    rest,
    coins: ["BTC"],
    intervals: [],
    startTime: T0,
    endTime: T0 + 10_000 * HOUR,
    outDir: dir,
    spot: false,
    logger: { warn: (_obj, msg) => warnings.push(msg), info: (_obj, msg) => infos.push(msg) },
    onProgress: (p) => progress.push(p),
    now: () => NOW,
    ...overrides,
  };
  return { options: base, warnings, infos, progress };
}

function dataLines(text: string): string[] {
  return text.split("\n").slice(1, -1);
}

describe("backfill funding", () => {
  it("pages 1001 rows in three requests, dropping the repeated boundary rows", async () => {
    const rows = hourlyFundingRows("BTC", T0, 1001);
    const { rest, calls } = fakeRest(rows);
    const run = options(rest);
    const result = await backfill(run.options);
    const text = await readFile(fundingPath(dir, "BTC"), "utf8");
    const lines = dataLines(text);
    expect(text.startsWith("coin,fundingRate,premium,time\n")).toBe(true);
    expect(lines).toHaveLength(1001);
    expect(lines[0]).toBe(`BTC,${rows[0]!.fundingRate},${rows[0]!.premium},${rows[0]!.time}`);
    expect(lines.at(-1)).toBe(`BTC,${rows[1000]!.fundingRate},${rows[1000]!.premium},${rows[1000]!.time}`);
    // Page 1: rows 0..499; page 2 from row 499's time + 1 repeats row 499, gives 500..998;
    // page 3 repeats row 998 and gives 999..1000 (3 rows < 500: done).
    expect(calls).toEqual([`funding BTC ${T0}`, `funding BTC ${rows[499]!.time + 1}`, `funding BTC ${rows[998]!.time + 1}`]);
    expect(result.series[0]).toMatchObject({ kind: "funding", rowsWritten: 1001, resumedAfter: undefined, lastTime: rows[1000]!.time });
    expect(run.progress.map((p) => p.rowsWritten)).toEqual([500, 999, 1001]);
  });

  it("cuts a torn last line and resumes after the last complete row", async () => {
    const rows = hourlyFundingRows("BTC", T0, 10);
    const path = fundingPath(dir, "BTC");
    await mkdir(join(dir, "funding"), { recursive: true });
    const complete = rows.slice(0, 4).map((r) => `BTC,${r.fundingRate},${r.premium},${r.time}\n`);
    await writeFile(path, `coin,fundingRate,premium,time\n${complete.join("")}BTC,0.00001`);
    const { rest, calls } = fakeRest(rows);
    const result = await backfill(options(rest).options);
    expect(calls).toEqual([`funding BTC ${rows[3]!.time + 1}`]);
    const lines = dataLines(await readFile(path, "utf8"));
    expect(lines).toEqual(rows.map((r) => `BTC,${r.fundingRate},${r.premium},${r.time}`));
    expect(result.series[0]).toMatchObject({ rowsWritten: 6, resumedAfter: rows[3]!.time });
  });

  it("refuses to append to a file with another header", async () => {
    await mkdir(join(dir, "funding"), { recursive: true });
    await writeFile(fundingPath(dir, "BTC"), "time,rate\n1,2\n");
    const { rest } = fakeRest([]);
    await expect(backfill(options(rest).options)).rejects.toBeInstanceOf(DataFileError);
  });
});

describe("backfill candles", () => {
  it("pages 5000-candle windows from the venue's horizon and warns that earlier bars are gone", async () => {
    const { rest, calls } = fakeRest([]);
    const run = options(rest, { intervals: ["1m"], startTime: NOW - 7000 * MIN, endTime: NOW });
    await backfill(run.options);
    const latestOpen = Math.floor(NOW / MIN) * MIN;
    const oldest = latestOpen - 4999 * MIN;
    // One interval of slack before the oldest bar, then whole 5000-minute windows.
    const from = oldest - MIN;
    expect(calls.filter((c) => c.startsWith("candles"))).toEqual([
      `candles BTC 1m ${from} ${from + 5000 * MIN - 1}`,
      `candles BTC 1m ${from + 5000 * MIN} ${NOW}`,
    ]);
    expect(run.warnings.some((w) => w.includes("only the latest 5000 candles") && w.includes(new Date(oldest).toISOString()))).toBe(true);
    const lines = dataLines(await readFile(perpCandlePath(dir, "BTC", "1m"), "utf8"));
    // Every bar from the oldest to the last closed one (the forming bar is left out).
    expect(lines).toHaveLength(4999);
    const times = lines.map((l) => Number(l.split(",")[0]));
    expect(times[0]).toBe(oldest);
    expect(times.at(-1)).toBe(latestOpen - MIN);
    expect(times.every((t, i) => i === 0 || t - times[i - 1]! === MIN)).toBe(true);
    const row = fixtureCandle("BTC", "1m", MIN, oldest);
    expect(lines[0]).toBe(`${row.t},${row.T},BTC,1m,${row.o},${row.c},${row.h},${row.l},${row.v},${row.n}`);
  });

  it("writes the spot pair under its readable name and reports a coin without one", async () => {
    const { rest, calls } = fakeRest([]);
    const run = options(rest, { coins: ["BTC", "ETH"], intervals: ["1m"], startTime: NOW - 10 * MIN, endTime: NOW, spot: true });
    const result = await backfill(run.options);
    expect(result.coinsWithoutSpot).toEqual(["ETH"]);
    expect(calls).toContain(`candles @142 1m ${NOW - 10 * MIN} ${NOW}`);
    const text = await readFile(join(dir, "candles", "hl_spot_UBTC_USDC_1m.csv"), "utf8");
    const lines = dataLines(text);
    // 12:20:15 .. 12:30:15: bars opening 12:21 .. 12:29 are closed.
    expect(lines).toHaveLength(9);
    expect(lines.every((l) => l.split(",")[2] === "UBTC/USDC")).toBe(true);
    expect(result.series.map((s) => `${s.kind} ${s.symbol}`)).toEqual(["funding BTC", "candles BTC", "spotCandles UBTC/USDC", "funding ETH", "candles ETH"]);
  });
});
