import { mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DataFileError } from "../core/index.ts";
import type { MarketEvent } from "../core/index.ts";
import { FIXTURE_T0, freqtradeFeather, writeFreqtradeDir } from "../../test-support/freqtrade-fixture.ts";
import { ReplayDiagnostics } from "./diagnostics.ts";
import { replayDry } from "./dry-run.ts";
import { freqtradeFileOf, readFreqtradeFile } from "./freqtrade.ts";

const H = 3_600_000;
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "freqtrade-"));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

async function readAll(path: string, diagnostics = new ReplayDiagnostics()): Promise<MarketEvent[]> {
  const events: MarketEvent[] = [];
  for await (const batch of readFreqtradeFile(path, { diagnostics })) events.push(...batch);
  return events;
}

describe("freqtradeFileOf", () => {
  it("rebuilds pair, timeframe and candle type from freqtrade's file names", () => {
    expect(freqtradeFileOf("data/hyperliquid/futures/BTC_USDC_USDC-1h-futures.feather")).toEqual({ pair: "BTC/USDC:USDC", base: "BTC", interval: "1h", candleType: "futures" });
    expect(freqtradeFileOf("futures/kPEPE_USDC_USDC-5m-funding_rate.feather")).toEqual({ pair: "kPEPE/USDC:USDC", base: "kPEPE", interval: "5m", candleType: "funding_rate" });
    expect(freqtradeFileOf("HYPE_USDC-1h.feather")).toEqual({ pair: "HYPE/USDC", base: "HYPE", interval: "1h", candleType: "spot" });
    expect(freqtradeFileOf("UBTC_USDC-1Mo.feather")?.interval).toBe("1M");
    expect(freqtradeFileOf("ETH_USDC_USDC-1h-mark.feather")?.candleType).toBe("mark");
    expect(freqtradeFileOf("ETH_USDC_USDC-1h-premiumIndex.feather")?.candleType).toBe("premiumindex");
    expect(freqtradeFileOf("ETH_USDC_USDC-trades.feather")).toEqual({ pair: "ETH/USDC:USDC", base: "ETH", interval: undefined, candleType: "trades" });
    expect(freqtradeFileOf("hl_perp_BTC_1h.csv.gz")).toBeUndefined();
  });
});

describe.each([false, true])("readFreqtradeFile (LZ4-compressed: %s)", (lz4) => {
  it("reads perp candles as closed BTC perp bars stamped at Hyperliquid's close time T = open + 1 h − 1 ms", async () => {
    const root = writeFreqtradeDir(dir, { lz4 });
    const events = await readAll(join(root, "futures", "BTC_USDC_USDC-1h-futures.feather"));
    expect(events).toHaveLength(3);
    const [first, , last] = events;
    expect(first).toMatchObject({
      kind: "candle",
      market: { key: "hyperliquid:perp:BTC" },
      interval: "1h",
      openTime: FIXTURE_T0,
      closeTime: FIXTURE_T0 + H - 1,
      tsEvent: FIXTURE_T0 + H - 1,
      tsInit: FIXTURE_T0 + H - 1,
      open: 107_000,
      high: 107_500.5,
      low: 106_800,
      close: 107_200,
      volume: 12.5,
    });
    expect(last).toMatchObject({ openTime: FIXTURE_T0 + 2 * H, close: 107_700, volume: 3 });
  });

  it("reads funding_rate rows as hourly settlements at `date` with the rate from `open`", async () => {
    const root = writeFreqtradeDir(dir, { lz4 });
    const events = await readAll(join(root, "futures", "BTC_USDC_USDC-1h-funding_rate.feather"));
    expect(events.map((e) => (e.kind === "funding" ? [e.market.key, e.tsEvent, e.rate, e.periodMs] : e.kind))).toEqual([
      ["hyperliquid:perp:BTC", FIXTURE_T0 + H, 0.0000125, H],
      ["hyperliquid:perp:BTC", FIXTURE_T0 + 2 * H, -0.00001, H],
    ]);
  });

  it("reads a spot file (date in ms) as the HYPE/USDC spot pair", async () => {
    const root = writeFreqtradeDir(dir, { lz4 });
    const events = await readAll(join(root, "HYPE_USDC-1h.feather"));
    expect(events.map((e) => (e.kind === "candle" ? [e.market.key, e.market.base, e.openTime, e.close, e.volume] : e.kind))).toEqual([
      ["hyperliquid:spot:HYPE/USDC", "HYPE", FIXTURE_T0, 39, 1_000],
      ["hyperliquid:spot:HYPE/USDC", "HYPE", FIXTURE_T0 + H, 38.9, 250.5],
    ]);
  });
});

describe("a freqtrade download-data directory through replay", () => {
  it("is read as it is: candles and funding through the same readers and merge as every history file; mark candles noted", async () => {
    const root = writeFreqtradeDir(dir, { lz4: true });
    const report = await replayDry([root]);
    // 3 perp bars + 2 settlements + 2 spot bars; the mark file yields nothing
    expect(report.events).toBe(7);
    expect(report.countsByKind).toEqual({ candle: 5, funding: 2 });
    expect(report.files.map((f) => [f.path.slice(root.length + 1), f.layout, f.events])).toEqual([
      ["HYPE_USDC-1h.feather", "freqtrade-candles", 2],
      ["futures/BTC_USDC_USDC-1h-funding_rate.feather", "freqtrade-funding", 2],
      ["futures/BTC_USDC_USDC-1h-futures.feather", "freqtrade-candles", 3],
      ["futures/BTC_USDC_USDC-1h-mark.feather", "freqtrade-mark", 0],
    ]);
    expect(report.notes.map((n) => n.message)).toEqual(["freqtrade mark file: not used (only spot/futures candles and funding_rate are read)"]);
    expect(report.rejects.count).toBe(0);
    expect(report.outOfOrder).toBe(0);
  });

  it("skips a candle that closes after the file was written (still forming) and says so", async () => {
    const path = join(dir, "ETH_USDC_USDC-1h-futures.feather");
    writeFileSync(path, freqtradeFeather([
      { openMs: FIXTURE_T0, open: 2_500, high: 2_510, low: 2_490, close: 2_505, volume: 10 },
      { openMs: FIXTURE_T0 + H, open: 2_505, high: 2_506, low: 2_500, close: 2_501, volume: 1 },
    ]));
    // written at T0 + 1 h 30 min: the second bar (closing at T0 + 2 h − 1 ms) was still forming
    const writtenAt = new Date(FIXTURE_T0 + H + H / 2);
    utimesSync(path, writtenAt, writtenAt);
    const diagnostics = new ReplayDiagnostics();
    const events = await readAll(path, diagnostics);
    expect(events.map((e) => (e.kind === "candle" ? e.openTime : -1))).toEqual([FIXTURE_T0]);
    expect(diagnostics.notes[0]?.message).toBe("1 candle(s) closing after the file was written (still forming then) skipped");
  });

  it("rejects a row with an impossible value, naming the field, and reads the others", async () => {
    const path = join(dir, "SOL_USDC_USDC-1h-futures.feather");
    writeFileSync(path, freqtradeFeather([
      { openMs: FIXTURE_T0, open: 150, high: 151, low: 149, close: 150.5, volume: -1 },
      { openMs: FIXTURE_T0 + H, open: 150.5, high: 152, low: 150, close: 151, volume: 7 },
    ]));
    const diagnostics = new ReplayDiagnostics();
    const events = await readAll(path, diagnostics);
    expect(events).toHaveLength(1);
    expect(diagnostics.rejectCount).toBe(1);
    expect(diagnostics.rejects[0]).toMatchObject({ file: path, line: 1 });
    expect(diagnostics.rejects[0]?.message).toMatch(/\.v/);
  });

  it("fails a file that is not Arrow IPC with a DataFileError naming it", async () => {
    const path = join(dir, "BTC_USDC_USDC-1h-futures.feather");
    writeFileSync(path, "date,open\n");
    await expect(readAll(path)).rejects.toThrow(DataFileError);
    await expect(readAll(path)).rejects.toThrow(/unreadable Feather/);
  });
});
