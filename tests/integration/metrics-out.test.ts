import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { writeMetricsCsv } from "../../src/cli/replay.ts";

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const DAY0 = Date.UTC(2024, 2, 1);
const MIN = 60_000;

const HEADER =
  "time_utc,ts_ms,market,symbol,interval," +
  "bookImbalance,bookHerfindahl.bid,bookHerfindahl.ask,liquidityVelocityPerSecond," +
  "quoteStuffing.churnUsdPerSecond,quoteStuffing.medianChurnUsdPerSecond,quoteStuffing.stuffing," +
  "bookImbalanceP90.value,bookImbalanceP90.samples,tradeFlow,tradeFlowP90.value,tradeFlowP90.samples,vpin," +
  "candleFlowProxy,sessionVwap.vwap,sessionVwap.std,sessionVwap.price,sessionVwap.zScore,sessionVwap.deviation," +
  "sessionVwapZScoreP90.value,sessionVwapZScoreP90.samples,volumeRatio,flowToxicity,flowToxicity.direction," +
  "realizedVolatility.vol1h,realizedVolatility.vol1hAnnualised,realizedVolatility.vol24h,realizedVolatility.vol24hAnnualised,realizedVolatility.regime," +
  "fundingRate.perHour,fundingRate.per8h,fundingRate.annualized," +
  "fundingVelocity.velocity4hPerHour,fundingVelocity.velocity8hPerHour,fundingVelocity.accelerationPerHour," +
  "fundingRatePredicted.perHour,fundingRatePredicted.per8h,fundingRatePredicted.annualized," +
  "openInterest.openInterest,openInterest.change4h,openInterest.change24h,openInterest.change7d," +
  "basisBps.perpSpotBps,basisBps.markOracleBps,basisBps.premiumBps,basisBps.researchOnly," +
  "hourlyReturnCorrelation.BTC,hourlyReturnCorrelation.ETH";

/** One 1m candle row in Hyperliquid's `candleSnapshot` layout (flat bar: o = h = l = c). */
function bar(coin: string, i: number, px: number, volume: number): string {
  const t = DAY0 + i * MIN;
  return `${t},${t + MIN - 1},${coin},1m,${px},${px},${px},${px},${volume}`;
}

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "metrics-out-"));
  // BTC: 20 bars at 100 with volumes 1..20, then one at 110 with volume 42.
  const btc = ["t,T,s,i,o,c,h,l,v", ...Array.from({ length: 20 }, (_, i) => bar("BTC", i, 100, i + 1)), bar("BTC", 20, 110, 42)];
  writeFileSync(join(dir, "hl_perp_BTC_1m.csv"), `${btc.join("\n")}\n`);
  // ETH appears only from bar 19: earlier BTC rows get its correlation column padded in.
  writeFileSync(join(dir, "hl_perp_ETH_1m.csv"), `${["t,T,s,i,o,c,h,l,v", bar("ETH", 19, 3_000, 5), bar("ETH", 20, 3_010, 5)].join("\n")}\n`);
  // One hourly settlement of 0.00125 %/h, 5 minutes into the session; and one bad row.
  writeFileSync(join(dir, "hl_funding_BTC.csv"), `coin,fundingRate,premium,time\nBTC,0.0000125,,${DAY0 + 5 * MIN}\nBTC,oops,,${DAY0 + 6 * MIN}\n`);
  writeFileSync(join(dir, "README.txt"), "not data\n");
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function cells(csv: string, market: string, tsMs: number): Record<string, string> {
  const lines = csv.trimEnd().split("\n");
  const header = (lines[0] ?? "").split(",");
  const line = lines.find((l) => l.split(",")[2] === market && l.split(",")[1] === String(tsMs));
  if (line === undefined) throw new Error(`no row for ${market} at ${tsMs}`);
  const fields = line.split(",");
  return Object.fromEntries(header.map((h, i) => [h, fields[i] ?? "<missing>"]));
}

describe("replay --metrics-out", () => {
  it("writes the exact header, one row per market per closed bar, and hand-checked cells", async () => {
    const out = join(dir, "metrics.csv");
    const summary = await writeMetricsCsv([dir], out);
    const csv = readFileSync(out, "utf8");
    const lines = csv.trimEnd().split("\n");
    expect(lines[0]).toBe(HEADER);
    // 21 BTC bars + 2 ETH bars.
    expect(lines).toHaveLength(1 + 23);
    expect(summary.rows).toBe(23);
    expect(summary.markets).toEqual(["hyperliquid:perp:BTC", "hyperliquid:perp:ETH"]);
    expect(summary.rejects).toBe(1);
    expect(summary.skipped.map((s) => s.path)).toEqual([join(dir, "README.txt")]);
    expect(summary.firstMs).toBe(DAY0 + MIN - 1);
    expect(summary.lastMs).toBe(DAY0 + 21 * MIN - 1);
    // Every line, including those written before ETH was seen, has every column.
    const width = HEADER.split(",").length;
    for (const line of lines) expect(line.split(",")).toHaveLength(width);
    expect(existsSync(`${out}.rows.tmp`)).toBe(false);

    const last = cells(csv, "hyperliquid:perp:BTC", DAY0 + 21 * MIN - 1);
    expect(last["time_utc"]).toBe("2024-03-01T00:20:59.999Z");
    expect(last["symbol"]).toBe("BTC");
    expect(last["interval"]).toBe("1m");
    // 42 / mean(1..20) = 42 / 10.5 = 4
    expect(last["volumeRatio"]).toBe("4");
    // (100·210 + 110·42) / 252 = 101.666…; z = (25/3) / √(125/9) = √5; deviation 25 / 305
    expect(Number(last["sessionVwap.vwap"])).toBeCloseTo(101 + 2 / 3, 10);
    expect(Number(last["sessionVwap.zScore"])).toBeCloseTo(Math.sqrt(5), 10);
    expect(Number(last["sessionVwap.deviation"])).toBeCloseTo(25 / 305, 12);
    expect(last["sessionVwap.price"]).toBe("110");
    // The settlement is 15 min old: fresh (limit 2 h). 0.0000125 × 8 = 0.0001; × 8760 = 0.1095
    expect(last["fundingRate.perHour"]).toBe("0.0000125");
    expect(Number(last["fundingRate.per8h"])).toBeCloseTo(1e-4, 18);
    expect(Number(last["fundingRate.annualized"])).toBeCloseTo(0.1095, 15);
    // Nothing from books, trades or open interest in candle-only history: empty cells.
    expect(last["bookImbalance"]).toBe("");
    expect(last["vpin"]).toBe("");
    expect(last["openInterest.change24h"]).toBe("");

    // Bar 19 has only 18 bars before it: no volume ratio yet; and its ETH column was padded.
    const early = cells(csv, "hyperliquid:perp:BTC", DAY0 + 19 * MIN - 1);
    expect(early["volumeRatio"]).toBe("");
    expect(early["hourlyReturnCorrelation.ETH"]).toBe("");
    // Before the 00:05 settlement there is no funding rate.
    expect(cells(csv, "hyperliquid:perp:BTC", DAY0 + 5 * MIN - 1)["fundingRate.perHour"]).toBe("");
  });

  it("runs from the command line, prints the summary, and still refuses a replay that is neither dry nor a metrics run", async () => {
    const run = promisify(execFile);
    const out = join(dir, "cli.csv");
    const cli = join(repoRoot, "src/cli/main.ts");
    const { stdout } = await run(process.execPath, [cli, "replay", dir, "--metrics-out", out, "--intervals", "1m"], { cwd: dir });
    expect(stdout).toContain(`wrote ${out}: 23 rows, 2 markets, 48 metric columns (+ 5 key columns)`);
    expect(stdout).toContain("bars closing 2024-03-01T00:00:59.999Z → 2024-03-01T00:20:59.999Z");
    expect(stdout).toContain("rejects: 1");
    expect(readFileSync(out, "utf8").split("\n")[0]).toBe(HEADER);
    await expect(run(process.execPath, [cli, "replay", dir], { cwd: dir })).rejects.toMatchObject({ stderr: expect.stringContaining("--metrics-out") });
  });
});
