import { describe, expect, it } from "vitest";
import { perp, spot } from "../core/index.ts";
import type { AssetContextEvent, BookSnapshotEvent, FundingSettlementEvent, Market } from "../core/index.ts";
import { DEFAULT_FEE_RATES } from "../risk/index.ts";
import { formatScanCsv, formatScanJson, formatScanTerminal, TERMINAL_WIDTH } from "./format.ts";
import { scanVenue, selectPerps } from "./scan.ts";
import type { ScanInput, ScanPerp, ScanSettings, ScanSpotPair, VenueFunding } from "./types.ts";

const NOW = Date.UTC(2025, 6, 26, 12, 30);
const HOUR = 3_600_000;

const SETTINGS: ScanSettings = {
  sizeUsd: 10_000,
  holdHours: 24,
  fees: DEFAULT_FEE_RATES,
  feeTier: "tier 0",
  otherVenueTakerFee: 0.0005,
  coins: [],
  minDayVolumeUsd: 0,
  minOpenInterestUsd: 0,
  extremeFundingApr: 0.5,
  extremeBasisBps: 50,
  extremeAccelerationPerHour: 1e-6,
  maxSpotOracleDeviation: 0.05,
};

function ctx(market: Market, fields: Partial<AssetContextEvent>, tsInit = NOW - 1_000): AssetContextEvent {
  return {
    kind: "assetCtx",
    tsEvent: tsInit,
    tsInit,
    market,
    fundingRatePerHour: undefined,
    openInterest: 1_000,
    markPx: undefined,
    oraclePx: undefined,
    midPx: undefined,
    premium: undefined,
    dayNotionalVolumeUsd: 1e9,
    impactBidPx: undefined,
    impactAskPx: undefined,
    prevDayPx: undefined,
    ...fields,
  };
}

function perpOf(coin: string, fundingRatePerHour: number, oraclePx: number, extra: Partial<AssetContextEvent> = {}): ScanPerp {
  return { coin, delisted: false, ctx: ctx(perp(coin), { fundingRatePerHour, oraclePx, midPx: oraclePx, ...extra }) };
}

function book(market: Market, bid: number, ask: number, sz: number, tsEvent = NOW - 2_000): BookSnapshotEvent {
  return { kind: "book", tsEvent, tsInit: tsEvent, market, bids: [{ px: bid, sz, orders: 1 }], asks: [{ px: ask, sz, orders: 1 }] };
}

function input(overrides: Partial<ScanInput> = {}): ScanInput {
  return {
    perps: [],
    spotPairs: new Map(),
    perpBooks: new Map(),
    spotBooks: new Map(),
    predicted: new Map(),
    predictedAtMs: NOW - 3_000,
    fundingHistory: new Map(),
    ...overrides,
  };
}

const UBTC = spot("UBTC/USDC", "BTC");
const btcPair: ScanSpotPair = { wireName: "@142", pairName: "UBTC/USDC", ctx: ctx(UBTC, { midPx: 100_000, markPx: 100_000 }) };

describe("selectPerps", () => {
  it("says why each perp is left out: delisted, refused context, no funding, volume, open interest", () => {
    const perps: ScanPerp[] = [
      { coin: "OLD", delisted: true, ctx: undefined },
      { coin: "BAD", delisted: false, ctx: undefined, rejectReason: "metaAndAssetCtxs[1][1].funding = \"x\": must be a finite number" },
      { coin: "NOF", delisted: false, ctx: ctx(perp("NOF"), { oraclePx: 1 }) },
      perpOf("THIN", 1e-5, 2, { dayNotionalVolumeUsd: 999 }),
      perpOf("SMALL", 1e-5, 2, { openInterest: 100 }), // 100 × 2 = 200 USD
      perpOf("OK", 1e-5, 2),
    ];
    const { selected, skipped } = selectPerps(perps, { ...SETTINGS, minDayVolumeUsd: 1_000, minOpenInterestUsd: 1_000 });
    expect(selected.map((p) => p.coin)).toEqual(["OK"]);
    expect(skipped).toEqual([
      { coin: "OLD", reason: "delisted" },
      { coin: "BAD", reason: "context refused: metaAndAssetCtxs[1][1].funding = \"x\": must be a finite number" },
      { coin: "NOF", reason: "context has no funding rate or oracle price" },
      { coin: "THIN", reason: "day volume 999 USD < 1000" },
      { coin: "SMALL", reason: "open interest 200 USD < 1000" },
    ]);
  });

  it("keeps exactly the configured coins and reports the ones the venue does not list", () => {
    const { selected, skipped } = selectPerps([perpOf("BTC", 1e-5, 1), perpOf("ETH", 1e-5, 1)], { ...SETTINGS, coins: ["ETH", "XYZ"] });
    expect(selected.map((p) => p.coin)).toEqual(["ETH"]);
    expect(skipped).toEqual([{ coin: "XYZ", reason: "not listed by the venue" }]);
  });
});

describe("scanVenue", () => {
  it("charges a negative funding as a negative carry with no break-even (short spot is not possible)", () => {
    const report = scanVenue(
      input({
        perps: [perpOf("BTC", -2e-5, 100_000)],
        spotPairs: new Map([["BTC", btcPair]]),
        perpBooks: new Map([["BTC", book(perp("BTC"), 99_995, 100_005, 1)]]),
        spotBooks: new Map([["BTC", book(UBTC, 99_990, 100_010, 1)]]),
      }),
      SETTINGS,
      NOW,
    );
    const row = report.carry[0]!;
    // sz 0.1; funding 0.1 × 100000 × −2e-5 = −0.2 USD/h → −4.8 over 24 h
    // costs: perp 0.1 × 10 = 1 + 0.00045 × 0.1 × 200000 = 9; spot 0.1 × 20 = 2 + 0.0007 × 0.1 × 200000 = 14 → 26
    expect(row.roundTripCostUsd).toBeCloseTo(26, 9);
    expect(row.netCarryUsd).toBeCloseTo(-30.8, 9);
    expect(row.breakEvenHours).toBeUndefined();
    expect(row.note).toBe("funding <= 0: the short perp pays (short spot is not possible)");
    // The age is the oldest input's: books 2 s before now.
    expect(row.dataAgeS).toBe(2);
  });

  it("gives no carry where the spot mid is far from the oracle (the mapping is doubtful), and marks the basis row", () => {
    const farPair: ScanSpotPair = { ...btcPair, ctx: ctx(UBTC, { midPx: 1_000_000 }) };
    const report = scanVenue(
      input({
        perps: [perpOf("BTC", 1e-4, 100_000)],
        spotPairs: new Map([["BTC", farPair]]),
        perpBooks: new Map([["BTC", book(perp("BTC"), 99_995, 100_005, 1)]]),
        spotBooks: new Map([["BTC", book(UBTC, 999_990, 1_000_010, 1)]]),
      }),
      SETTINGS,
      NOW,
    );
    expect(report.carry[0]?.netCarryUsd).toBeUndefined();
    expect(report.carry[0]?.note).toBe("spot mid is over 5 % from the oracle: not the same asset?");
    expect(report.basis[0]?.mappingOk).toBe(false);
    expect(report.basis[0]?.flags).toEqual(["basis", "mapping?"]);
  });

  it("says when a book is too thin for the size, and ranks such rows after the ones with a net figure", () => {
    const eth = spot("UETH/USDC", "ETH");
    const report = scanVenue(
      input({
        perps: [perpOf("BTC", 1e-4, 100_000), perpOf("ETH", 1e-5, 1_000)],
        spotPairs: new Map([
          ["BTC", btcPair],
          ["ETH", { wireName: "@151", pairName: "UETH/USDC", ctx: ctx(eth, { midPx: 1_000 }) }],
        ]),
        perpBooks: new Map([
          ["BTC", book(perp("BTC"), 99_995, 100_005, 0.05)],
          ["ETH", book(perp("ETH"), 999.5, 1_000.5, 100)],
        ]),
        spotBooks: new Map([
          ["BTC", book(UBTC, 99_990, 100_010, 1)],
          ["ETH", book(eth, 999, 1_001, 100)],
        ]),
      }),
      SETTINGS,
      NOW,
    );
    expect(report.carry.map((r) => [r.coin, r.note])).toEqual([
      ["ETH", ""],
      ["BTC", "BTC book holds 0.05 of 0.1 a side"],
    ]);
  });

  it("takes Hyperliquid's rate from the context when predictedFundings has no HlPerp entry, and says so", () => {
    const predicted: VenueFunding[] = [{ venue: "BinPerp", ratePerHour: 5e-5, intervalHours: 8, intervalAssumed: false }];
    const report = scanVenue(
      input({ perps: [perpOf("SOL", 1e-5, 100)], predicted: new Map([["SOL", predicted]]), perpBooks: new Map([["SOL", book(perp("SOL"), 99.99, 100.01, 1_000)]]) }),
      SETTINGS,
      NOW,
    );
    const row = report.crossVenue[0]!;
    // diff 5e-5 − 1e-5 = 4e-5/h: long HL. gross 4e-5 × 10000 × 24 = 9.6
    // HL leg: sz 100; book 100 × 0.02 = 2; fees 0.00045 × 100 × 200 = 9 → 11; other 10 → net 9.6 − 21 = −11.4
    expect(row.direction).toBe("long HL / short BinPerp");
    expect(row.grossUsd).toBeCloseTo(9.6, 9);
    expect(row.netUsd).toBeCloseTo(-11.4, 9);
    expect(row.breakEvenHours).toBeCloseTo(21 / 0.4, 9);
    expect(row.note).toBe("HL rate from the context");
    expect(row.dataAgeS).toBe(3); // the predictions, 3 s old
  });

  it("leaves velocity and acceleration undefined until 8 h of settlements, and flags extreme funding", () => {
    const settlements = (rates: number[]): FundingSettlementEvent[] =>
      rates.map((rate, i) => ({ kind: "funding", tsEvent: NOW - 30 * 60_000 - (rates.length - 1 - i) * HOUR, tsInit: 0, market: perp("ETH"), rate, periodMs: HOUR, premium: undefined }));
    const report = scanVenue(
      input({
        perps: [perpOf("ETH", -6e-5, 2_000), perpOf("SOL", 1e-5, 100)],
        fundingHistory: new Map([
          ["ETH", settlements([1e-5, 1e-5, 1e-5, 1e-5, 1e-5, 0, -2e-5, -4e-5, -6e-5])],
          ["SOL", settlements([1e-5, 1e-5, 1e-5])],
        ]),
      }),
      SETTINGS,
      NOW,
    );
    const eth = report.funding.find((r) => r.coin === "ETH")!;
    // r0 = −6e-5, r−4 = 1e-5, r−8 = 1e-5: velocity4h = −7e-5 / 4 = −1.75e-5; acceleration (−6e-5 − 2e-5 + 1e-5) / 8 = −8.75e-6
    expect(eth.velocity4hPerHour).toBeCloseTo(-1.75e-5, 15);
    expect(eth.accelerationPerHour).toBeCloseTo(-8.75e-6, 15);
    expect(eth.flags).toEqual(["apr", "accel"]); // |−6e-5 × 8760| = 52.6 % ≥ 50 %
    const sol = report.funding.find((r) => r.coin === "SOL")!;
    expect([sol.velocity4hPerHour, sol.accelerationPerHour, sol.flags]).toEqual([undefined, undefined, []]);
    expect(report.noSpotPair).toEqual(["ETH", "SOL"]);
  });
});

describe("output", () => {
  const long = "x".repeat(32);
  const report = scanVenue(
    input({
      perps: [perpOf(long, 0.04, 0.000123, { openInterest: 1e15, dayNotionalVolumeUsd: 1e12 }), perpOf("BTC", 1e-4, 100_000)],
      spotPairs: new Map([
        [long, { wireName: "@99999", pairName: `${long}/USDC`, ctx: ctx(spot(`${long}/USDC`, long), { midPx: 0.000124 }) }],
        ["BTC", btcPair],
      ]),
      perpBooks: new Map([["BTC", book(perp("BTC"), 99_995, 100_005, 1)]]),
      spotBooks: new Map([["BTC", book(UBTC, 99_990, 100_010, 1)]]),
      predicted: new Map([[long, [{ venue: "SomeVeryLongVenueNamePerp", ratePerHour: -0.04, intervalHours: 8, intervalAssumed: true }]]]),
    }),
    SETTINGS,
    NOW,
  );

  it("fits every terminal line in 100 columns, even with 32-character coin names and extreme values", () => {
    const text = formatScanTerminal(report, { rows: 0 });
    for (const line of text.split("\n")) expect([...line].length).toBeLessThanOrEqual(TERMINAL_WIDTH);
    expect(text).toContain("PERP-SPOT CARRY");
    expect(text).not.toContain("no spot pair"); // both scanned perps have one
  });

  it("shows at most `rows` rows per table and says how many more there are", () => {
    const text = formatScanTerminal(report, { rows: 1 });
    expect(text).toContain("… 1 more (--json or --csv for every row)");
  });

  it("writes JSON with every key, missing figures as null", () => {
    const parsed = JSON.parse(formatScanJson(report, { pretty: false })) as { carry: Record<string, unknown>[] };
    const row = parsed.carry.find((r) => r["coin"] === long)!;
    expect(row["netCarryUsd"]).toBeNull();
    expect(row["note"]).toBe("no perp book");
  });

  it("writes one table as CSV with units in the column names", () => {
    const lines = formatScanCsv(report, "carry").trim().split("\n");
    expect(lines[0]?.split(",")).toContain("net_carry_usd");
    expect(lines).toHaveLength(3);
    // Empty cells for undefined figures: the row without books has no cost, no net, no break-even.
    expect(lines.find((l) => l.startsWith(long))).toMatch(/,,,,,,,\d+(\.\d+)?,no perp book$/);
  });
});
