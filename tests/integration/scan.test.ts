/**
 * `strategy-monitor scan` against the local Hyperliquid /info server on 127.0.0.1: the real SDK
 * transport, our weight limiter and retries, the scan venue of info-fixtures.ts. In-process
 * passes run on a fake clock (sleeps advance it at once); the last tests run the real command
 * in a child process and read its stdout.
 */
import { execFile, spawn } from "node:child_process";
import { resolve } from "node:path";
import { promisify } from "node:util";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { gatherScanInput, scanSettingsFrom } from "../../src/cli/scan.ts";
import { loadConfig } from "../../src/config/index.ts";
import { scanVenue } from "../../src/scan/index.ts";
import type { ScanReport, ScanSettings } from "../../src/scan/index.ts";
import { HyperliquidRest } from "../../src/venues/hyperliquid/rest.ts";
import {
  SCAN_META_AND_ASSET_CTXS,
  SCAN_PREDICTED_FUNDINGS,
  SCAN_SPOT_META_AND_ASSET_CTXS,
  scanL2Books,
} from "../../test-support/hyperliquid-server/info-fixtures.ts";
import { startInfoServer } from "../../test-support/hyperliquid-server/info-server.ts";
import type { InfoServer } from "../../test-support/hyperliquid-server/info-server.ts";

const HOUR = 3_600_000;
const NOW = Date.UTC(2025, 6, 26, 12, 30, 15);
const BOOK_TIME = NOW - 2_000;
const H12 = Date.UTC(2025, 6, 26, 12);

/**
 * BTC settlements 03:00–12:00 (the scan asks for the last 10 h): 1.25e-5 an hour up to 08:00,
 * then 2.5e-5, 3.5e-5, 4.5e-5 and 5e-5 at 12:00. Few ms late, as the venue stamps them.
 */
const BTC_FUNDING = Array.from({ length: 10 }, (_, i) => {
  const time = H12 - (9 - i) * HOUR + 50;
  const rate = ["0.0000125", "0.0000125", "0.0000125", "0.0000125", "0.0000125", "0.0000125", "0.000025", "0.000035", "0.000045", "0.00005"][i] ?? "0";
  return { coin: "BTC", fundingRate: rate, premium: "0.0", time };
});

let server: InfoServer;
const clock = { now: NOW, sleeps: [] as number[] };

beforeEach(async () => {
  clock.now = NOW;
  clock.sleeps = [];
  server = await startInfoServer({
    now: NOW,
    clock: () => clock.now,
    metaAndAssetCtxs: SCAN_META_AND_ASSET_CTXS,
    spotMetaAndAssetCtxs: SCAN_SPOT_META_AND_ASSET_CTXS,
    predictedFundings: SCAN_PREDICTED_FUNDINGS,
    l2Book: scanL2Books(BOOK_TIME),
    funding: { BTC: BTC_FUNDING },
  });
});

afterEach(async () => {
  await server.close();
});

function rest(): HyperliquidRest {
  return new HyperliquidRest({
    restUrl: server.url,
    timeoutMs: 2_000,
    maxRetries: 4,
    baseBackoffMs: 200,
    maxBackoffMs: 5_000,
    weightPerMinute: 1200,
    random: () => 0.5,
    sleep: (ms) => {
      clock.sleeps.push(ms);
      clock.now += ms;
      return Promise.resolve();
    },
    now: () => clock.now,
  });
}

/** The defaults (tier 0, 10,000 USD a leg, 24 h hold, 1 M USD volume and OI filters). */
function defaults(): ScanSettings {
  return scanSettingsFrom(loadConfig({ env: {}, cwd: "/nowhere", overrides: {} }));
}

async function scan(settings: ScanSettings = defaults()): Promise<ScanReport> {
  const { input } = await gatherScanInput({ rest: rest(), settings, aliases: { UBTC: "BTC", HYPE: "HYPE" }, now: () => clock.now });
  return scanVenue(input, settings, clock.now);
}

describe("scan against the local server", () => {
  it("lists every perp of the fixture: four scanned, the delisted one skipped", async () => {
    const report = await scan();
    expect(report.funding.map((r) => r.coin)).toEqual(["HYPE", "BTC", "PURR", "ETH"]); // by |funding|: 5e-4, 1e-4, 2e-5, 1e-5
    expect(report.skipped).toEqual([{ coin: "OLD", reason: "delisted" }]);
  });

  it("nets the carry of BTC and HYPE against fees, spread and depth at 10,000 USD, tier 0, 24 h", async () => {
    const report = await scan();
    const btc = report.carry.find((r) => r.coin === "BTC")!;
    const hype = report.carry.find((r) => r.coin === "HYPE")!;
    /*
     * BTC: perp mid (99995 + 100005) / 2 = 100000 → sz = 10000 / 100000 = 0.1 BTC a leg.
     *   perp buy 0.1: 0.05 @ 100005 + 0.05 @ 100010 → 100007.5; sell: 0.05 @ 99995 + 0.05 @ 99990 → 99992.5
     *   perp book cost 0.1 × (100007.5 − 99992.5) = 1.5; fees 0.00045 × 0.1 × (100007.5 + 99992.5) = 9.0
     *   spot @142 buy 0.1 @ 99960, sell @ 99940: book cost 0.1 × 20 = 2.0; fees 0.0007 × 0.1 × 199900 = 13.993
     *   round trip 9.0 + 1.5 + 13.993 + 2.0 = 26.493 USD = 26.493 bps of 10,000
     *   funding 0.1 × oracle 100000 × 0.0001 = 1.0 USD/h → 24 h = 24.0; net 24 − 26.493 = −2.493; break-even 26.493 h
     */
    expect(btc.sz).toBeCloseTo(0.1, 12);
    expect(btc.feesUsd).toBeCloseTo(22.993, 9);
    expect(btc.bookCostUsd).toBeCloseTo(3.5, 9);
    expect(btc.roundTripCostUsd).toBeCloseTo(26.493, 9);
    expect(btc.roundTripCostBps).toBeCloseTo(26.493, 9);
    expect(btc.fundingUsdPerHour).toBeCloseTo(1.0, 12);
    expect(btc.netCarryUsd).toBeCloseTo(-2.493, 9);
    expect(btc.breakEvenHours).toBeCloseTo(26.493, 9);
    /*
     * HYPE: perp mid (39.99 + 40.01) / 2 = 40 → sz = 10000 / 40 = 250 HYPE a leg.
     *   perp buy @ 40.01, sell @ 39.99: book cost 250 × 0.02 = 5.0; fees 0.00045 × 250 × 80 = 9.0
     *   spot @107 buy 250: 100 @ 40.05 + 150 @ 40.10 = 10020 → 40.08; sell: 100 @ 39.95 + 150 @ 39.90 = 9980 → 39.92
     *   spot book cost 10020 − 9980 = 40.0; fees 0.0007 × 250 × (40.08 + 39.92) = 14.0
     *   round trip 9 + 5 + 14 + 40 = 68.0 USD; funding 250 × 40 × 0.0005 = 5.0 USD/h → 120 in 24 h
     *   net 120 − 68 = 52.0 USD; break-even 68 / 5 = 13.6 h
     */
    expect(hype.roundTripCostUsd).toBeCloseTo(68.0, 9);
    expect(hype.netCarryUsd).toBeCloseTo(52.0, 9);
    expect(hype.breakEvenHours).toBeCloseTo(13.6, 9);
    // Ranked by net carry; every row states its assumptions and its data age (books 2 s old).
    expect(report.carry.map((r) => r.coin)).toEqual(["HYPE", "BTC", "PURR"]);
    for (const row of [btc, hype]) {
      expect({ sizeUsd: row.sizeUsd, holdHours: row.holdHours, feeTier: row.feeTier, note: row.note }).toEqual({ sizeUsd: 10_000, holdHours: 24, feeTier: "tier 0", note: "" });
      expect(row.dataAgeS).toBe(2);
    }
  });

  it("says which perps have no spot pair, and why a pair without a book has no carry", async () => {
    const report = await scan();
    expect(report.noSpotPair).toEqual(["ETH"]);
    expect(report.funding.find((r) => r.coin === "ETH")?.spot).toBe("none");
    expect(report.funding.find((r) => r.coin === "BTC")?.spot).toBe("@142 UBTC/USDC");
    const purr = report.carry.find((r) => r.coin === "PURR")!;
    expect({ net: purr.netCarryUsd, note: purr.note }).toEqual({ net: undefined, note: "no spot book" });
    // Basis from the contexts where a book is missing: (0.2001 / 0.2002 − 1) × 1e4 = −4.995 bps.
    const purrBasis = report.basis.find((r) => r.coin === "PURR")!;
    expect(purrBasis.source).toBe("ctx");
    expect(purrBasis.basisBps).toBeCloseTo(-4.995004995, 6);
    // BTC from the books: (100000 / 99950 − 1) × 1e4 = 5.0025 bps, spot mapping shown.
    const btcBasis = report.basis.find((r) => r.coin === "BTC")!;
    expect({ wire: btcBasis.spotWireName, pair: btcBasis.spotPairName, source: btcBasis.source }).toEqual({ wire: "@142", pair: "UBTC/USDC", source: "book" });
    expect(btcBasis.basisBps).toBeCloseTo(5.00250125, 6);
  });

  it("ranks cross-venue funding from predictedFundings, net of both legs' fees", async () => {
    const report = await scan();
    const bin = report.crossVenue.find((r) => r.coin === "BTC" && r.venue === "BinPerp")!;
    /*
     * BTC: HL 1e-4 an hour; Binance 1e-4 per 8 h = 1.25e-5 an hour → diff −8.75e-5/h: short HL, long Binance.
     *   gross 8.75e-5 × 10000 × 24 = 21.0; HL leg 9.0 fees + 1.5 book = 10.5; Binance 2 × 0.0005 × 10000 = 10.0
     *   net 21 − 20.5 = 0.5 USD; break-even 20.5 / 0.875 = 23.4286 h
     */
    expect(bin.direction).toBe("short HL / long BinPerp");
    expect(bin.diffPerHour).toBeCloseTo(-8.75e-5, 15);
    expect(bin.netUsd).toBeCloseTo(0.5, 9);
    expect(bin.breakEvenHours).toBeCloseTo(20.5 / 0.875, 9);
    const bybit = report.crossVenue.find((r) => r.coin === "BTC" && r.venue === "BybitPerp")!;
    expect({ interval: bybit.otherIntervalHours, assumed: bybit.otherIntervalAssumed, note: bybit.note }).toEqual({ interval: 8, assumed: true, note: "" });
    expect(report.crossVenue.some((r) => r.venue === "BybitPerp" && r.coin === "ETH")).toBe(false); // the venue said null
  });

  it("computes funding velocity and acceleration from the settlements (src/metrics FundingVelocity)", async () => {
    const report = await scan();
    const btc = report.funding.find((r) => r.coin === "BTC")!;
    // r0 = 5e-5 (12:00), r−4 = 1.25e-5 (08:00), r−8 = 1.25e-5 (04:00):
    // velocity4h = (5e-5 − 1.25e-5) / 4 = 9.375e-6; acceleration = (5e-5 − 2.5e-5 + 1.25e-5) / 8 = 4.6875e-6.
    expect(btc.velocity4hPerHour).toBeCloseTo(9.375e-6, 15);
    expect(btc.accelerationPerHour).toBeCloseTo(4.6875e-6, 15);
    expect(btc.flags).toEqual(["apr", "accel"]); // 1e-4 × 8760 = 87.6 % ≥ 50 %; 4.69e-6 ≥ 1e-6
    expect(report.funding.find((r) => r.coin === "ETH")?.accelerationPerHour).toBeUndefined(); // no history served
  });

  it("retries a 429 and still lists every perp", async () => {
    server.faults.rateLimit(2, 1);
    const report = await scan();
    expect(report.funding).toHaveLength(4);
    expect(server.requests.slice(0, 3).map((r) => [r.type, r.fault])).toEqual([
      ["metaAndAssetCtxs", "rateLimit"],
      ["metaAndAssetCtxs", "rateLimit"],
      ["metaAndAssetCtxs", undefined],
    ]);
    expect(clock.sleeps.slice(0, 2)).toEqual([1_000, 1_000]); // Retry-After: 1
  });

  it("reads in one pass within the weight budget: 3 metas, 7 books, 4 histories", async () => {
    const settings = defaults();
    const { requests, weight } = await gatherScanInput({ rest: rest(), settings, aliases: { UBTC: "BTC", HYPE: "HYPE" }, now: () => clock.now });
    // Books: 4 perps + 3 spot pairs (PURR/USDC is asked and answered null).
    // 3 × 20 + 7 × 2 + 4 × (20 + 1 per started 20 rows: BTC 10 rows → 1, others 0 rows → 0) = 60 + 14 + 81
    expect({ requests, weight }).toEqual({ requests: 14, weight: 155 });
    expect(clock.sleeps).toEqual([]); // far below 1200 a minute: no wait
  });

  it("applies the volume, open-interest and coin filters of the configuration", async () => {
    const settings = { ...defaults(), minDayVolumeUsd: 10_000_000, minOpenInterestUsd: 50_000_000, coins: ["BTC", "PURR", "HYPE", "DOGE"] };
    const report = await scan(settings);
    expect(report.funding.map((r) => r.coin)).toEqual(["BTC"]);
    expect(report.skipped).toEqual([
      { coin: "HYPE", reason: "open interest 20000000 USD < 50000000" },
      { coin: "PURR", reason: "day volume 5000000 USD < 10000000" },
      { coin: "DOGE", reason: "not listed by the venue" },
    ]);
  });
});

describe("strategy-monitor scan (the command)", () => {
  const run = promisify(execFile);
  const main = resolve(import.meta.dirname, "../../src/cli/main.ts");
  const env = { ...process.env, SM_REST__BASE_BACKOFF_MS: "10", SM_REST__MAX_BACKOFF_MS: "100", SM_LOG__LEVEL: "warn" };
  const args = (...extra: string[]) => [main, "scan", "--network", "custom", "--rest-url", server.url, "--ws-url", "ws://127.0.0.1:1/ws", ...extra];

  it("prints valid JSON and nothing else on stdout with --json", async () => {
    server.faults.rateLimit(1);
    const { stdout } = await run(process.execPath, args("--json"), { env, cwd: resolve(import.meta.dirname, "../..") });
    const parsed = JSON.parse(stdout) as ScanReport;
    expect(parsed.funding.map((r) => r.coin).sort()).toEqual(["BTC", "ETH", "HYPE", "PURR"]);
    expect(parsed.noSpotPair).toEqual(["ETH"]);
    expect(parsed.carry.find((r) => r.coin === "PURR")?.netCarryUsd).toBeNull();
  });

  it("prints terminal tables no wider than 100 columns, and CSV with --csv", async () => {
    const cwd = resolve(import.meta.dirname, "../..");
    const { stdout } = await run(process.execPath, args(), { env, cwd });
    for (const line of stdout.split("\n")) expect([...line].length).toBeLessThanOrEqual(100);
    expect(stdout).toContain("PERP-SPOT CARRY");
    expect(stdout).toContain("no spot pair (1): ETH");
    expect(stdout).toContain("skipped, delisted (1): OLD");
    const csv = await run(process.execPath, args("--csv", "basis"), { env, cwd });
    const lines = csv.stdout.trim().split("\n");
    expect(lines[0]).toBe("coin,spot_wire_name,spot_pair,perp_mid_px,spot_mid_px,basis_bps,source,mapping_ok,flags,data_age_s");
    expect(lines).toHaveLength(4); // BTC, HYPE, PURR
  });

  it("with --watch --json writes one JSON document per line per pass and stops cleanly on SIGTERM", async () => {
    const child = spawn(process.execPath, args("--watch", "5", "--json"), { env, cwd: resolve(import.meta.dirname, "../.."), stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
    const deadline = Date.now() + 10_000;
    while (!stdout.includes("\n") && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    child.kill("SIGTERM");
    const code = await new Promise<number | null>((done) => child.on("exit", done));
    expect(code).toBe(0);
    const lines = stdout.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect((JSON.parse(lines[0]!) as ScanReport).funding).toHaveLength(4);
  });
});
