import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { perp } from "../../src/core/index.ts";
import type { AssetContextEvent } from "../../src/core/index.ts";
import { DEFAULT_FEE_RATES } from "../../src/risk/index.ts";
import { formatScanTerminal, HOURS_PER_YEAR_SIMPLE, legRoundTrip, scanVenue, selectPerps, TERMINAL_WIDTH } from "../../src/scan/index.ts";
import type { ScanInput, ScanPerp, ScanSettings } from "../../src/scan/index.ts";
import { parseL2BookResponse } from "../../src/venues/hyperliquid/parse.ts";

/*
 * The scanner on real recorded venue data in ../shared, read in place (never copied): the
 * 228-perp funding cross-sections (asset_ctx/), the all-perps asset-context message and a real
 * BTC l2Book (fixtures/nautilus/). Data dir: $SM_SHARED_DATA, else ../shared/data/hyperliquid;
 * missing data fails under CI=true and is skipped otherwise.
 */
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const dataDir = process.env["SM_SHARED_DATA"] ?? resolve(repoRoot, "../shared/data/hyperliquid");
const available = existsSync(join(dataDir, "MANIFEST.csv"));

const SETTINGS: ScanSettings = {
  sizeUsd: 10_000,
  holdHours: 24,
  fees: DEFAULT_FEE_RATES,
  feeTier: "tier 0",
  otherVenueTakerFee: 0.0005,
  coins: [],
  minDayVolumeUsd: 1_000_000,
  minOpenInterestUsd: 1_000_000,
  extremeFundingApr: 0.5,
  extremeBasisBps: 50,
  extremeAccelerationPerHour: 1e-6,
  maxSpotOracleDeviation: 0.05,
};

function ctx(coin: string, tsMs: number, fields: Partial<AssetContextEvent>): AssetContextEvent {
  return {
    kind: "assetCtx",
    tsEvent: tsMs,
    tsInit: tsMs,
    market: perp(coin),
    fundingRatePerHour: undefined,
    openInterest: undefined,
    markPx: undefined,
    oraclePx: undefined,
    midPx: undefined,
    premium: undefined,
    dayNotionalVolumeUsd: undefined,
    impactBidPx: undefined,
    impactAskPx: undefined,
    prevDayPx: undefined,
    ...fields,
  };
}

function emptyInput(perps: ScanPerp[]): ScanInput {
  return { perps, spotPairs: new Map(), perpBooks: new Map(), spotBooks: new Map(), predicted: new Map(), predictedAtMs: undefined, fundingHistory: new Map() };
}

describe.skipIf(!available && process.env["CI"] !== "true")("the scanner on real recorded venue data", () => {
  it("ranks every perp of the latest 228-perp funding cross-section, every figure finite", () => {
    expect(available, `real data missing at ${dataDir}`).toBe(true);
    const lines = readFileSync(join(dataDir, "asset_ctx/mikealparsons7_funding_rates_snapshots.csv"), "utf8").trim().split("\n").slice(1);
    const rows = lines.map((line) => {
      const [timestamp, symbol, rate, markPx] = line.split(",");
      return { tsMs: Date.parse(timestamp ?? ""), coin: symbol ?? "", rate: Number(rate), markPx: Number(markPx) };
    });
    const latestMs = Math.max(...rows.map((r) => r.tsMs));
    const latest = rows.filter((r) => r.tsMs === latestMs);
    expect(latest).toHaveLength(228);
    // The cross-section has no open interest or volume: scan it without those filters.
    const perps: ScanPerp[] = latest.map((r) => ({ coin: r.coin, delisted: false, ctx: ctx(r.coin, latestMs, { fundingRatePerHour: r.rate, oraclePx: r.markPx, markPx: r.markPx, openInterest: 0, dayNotionalVolumeUsd: 0 }) }));
    const report = scanVenue(emptyInput(perps), { ...SETTINGS, minDayVolumeUsd: 0, minOpenInterestUsd: 0 }, latestMs + 60_000);
    expect(report.funding).toHaveLength(228);
    expect(new Set(report.funding.map((r) => r.coin)).size).toBe(228);
    for (const row of report.funding) {
      expect(Number.isFinite(row.fundingRatePerHour)).toBe(true);
      expect(row.fundingApr).toBe(row.fundingRatePerHour * HOURS_PER_YEAR_SIMPLE);
      expect(Math.abs(row.fundingRatePerHour)).toBeLessThanOrEqual(0.04); // the venue's cap: 4 % an hour
      expect(row.dataAgeS).toBe(60);
    }
    for (let i = 1; i < report.funding.length; i += 1) {
      expect(Math.abs(report.funding[i - 1]!.fundingRatePerHour)).toBeGreaterThanOrEqual(Math.abs(report.funding[i]!.fundingRatePerHour));
    }
    expect(report.noSpotPair).toHaveLength(228); // no spot data given
    for (const line of formatScanTerminal(report, { rows: 0 }).split("\n")) expect([...line].length).toBeLessThanOrEqual(TERMINAL_WIDTH);
  });

  it("passes 62 of the 230 main-dex perps of the recorded all-perps context message through the default filters (docs/SCANNER.md)", () => {
    const message = JSON.parse(readFileSync(join(dataDir, "fixtures/nautilus/ws_all_dexs_asset_ctxs.json"), "utf8")) as { data: { ctxs: [string, Record<string, string>[]][] } };
    const main = message.data.ctxs.find(([dex]) => dex === "")?.[1] ?? [];
    expect(main).toHaveLength(230);
    // The message carries no perp names: positions stand in for them.
    const perps: ScanPerp[] = main.map((c, i) => ({
      coin: `#${i}`,
      delisted: false,
      ctx: ctx(`#${i}`, 0, { fundingRatePerHour: Number(c["funding"]), oraclePx: Number(c["oraclePx"]), openInterest: Number(c["openInterest"]), dayNotionalVolumeUsd: Number(c["dayNtlVlm"]) }),
    }));
    const { selected, skipped } = selectPerps(perps, SETTINGS);
    expect(selected).toHaveLength(62);
    expect(skipped).toHaveLength(168);
  });

  it("costs a 10,000 USD round trip through the real recorded BTC book: under 1 bp of spread and depth, 9 bp of fees", () => {
    const body: unknown = JSON.parse(readFileSync(join(dataDir, "fixtures/nautilus/http_l2_book_btc.json"), "utf8"));
    const book = parseL2BookResponse(body, perp("BTC"), (body as { time: number }).time);
    const mid = ((book.bids[0]?.px ?? 0) + (book.asks[0]?.px ?? 0)) / 2;
    const result = legRoundTrip(book, 10_000 / mid, DEFAULT_FEE_RATES.perpTaker);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    // Fees: 0.00045 × (buy + sell notional ≈ 20,000) ≈ 9 USD; the book (1 USD spread on ~110,427) costs under 1 bp.
    expect(result.leg.feesUsd).toBeCloseTo(9, 1);
    expect(result.leg.bookCostUsd).toBeGreaterThan(0);
    expect((result.leg.bookCostUsd / 10_000) * 1e4).toBeLessThan(1);
  });
});
