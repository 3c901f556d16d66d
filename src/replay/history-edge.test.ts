import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DataFileError, perp, spot } from "../core/index.ts";
import type { MarketEvent } from "../core/index.ts";
import { ReplayDiagnostics } from "./diagnostics.ts";
import { spotPairOfFileName } from "./history-layout.ts";
import { readHistoryFile } from "./history-reader.ts";

/*
 * History files at the edge: spot candle files are spot, a truncated .csv.gz is an error that
 * names the file and the last good row (the rows before it are kept), and columns nothing reads
 * are optional. Book and trade rows are the 2025-09-03 BTC recording's first lines; the spot
 * candle prices and funding rows are hand-written in the real files' layout.
 */
const SPOT_ROWS = ["1738548000000,1738551599999,UBTC/USDC,1h,101800.0,101700.0,101900.0,101500.0,0.5", "1738551600000,1738555199999,UBTC/USDC,1h,101700.0,101650.0,101800.0,101600.0,0.25"];

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "sm-history-edge-"));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function put(name: string, content: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

async function read(path: string, diagnostics = new ReplayDiagnostics()): Promise<MarketEvent[]> {
  const out: MarketEvent[] = [];
  for await (const batch of readHistoryFile(path, { diagnostics })) out.push(...batch);
  return out;
}

describe("spot candle history files", () => {
  it("names the spot pair of a file: hl_spot_UBTC_USDC_1h, UBTC_USDC-1h, @142_1h; perp and futures files are not spot", () => {
    expect(spotPairOfFileName("/data/candles/spot/hl_spot_UBTC_USDC_1h.csv.gz")).toBe("UBTC/USDC");
    expect(spotPairOfFileName("UETH_USDC-1h.csv")).toBe("UETH/USDC");
    expect(spotPairOfFileName("@142_1h.csv.gz")).toBe("@142");
    expect(spotPairOfFileName("hl_perp_BTC_1h.csv.gz")).toBeUndefined();
    expect(spotPairOfFileName("BTC_USDC_USDC-1h-futures.csv")).toBeUndefined();
    expect(spotPairOfFileName("candles_BTC_1h.csv")).toBeUndefined();
  });

  it("reads `@N` in `s` as spot, never as a perp named @1: the file's pair name when it has one", async () => {
    const rows = SPOT_ROWS.map((r) => r.replace("UBTC/USDC", "@142"));
    const named = await read(put("hl_spot_UBTC_USDC_1h.csv", ["t,T,s,i,o,c,h,l,v", ...rows].join("\n")));
    expect(named.map((e) => e.kind !== "status" && e.market)).toEqual([spot("UBTC/USDC", "BTC"), spot("UBTC/USDC", "BTC")]);
    const bare = await read(put("candles_1h.csv", ["t,T,s,i,o,c,h,l,v", ...rows.map((r) => r.replace("@142", "@1"))].join("\n")));
    expect(bare.map((e) => e.kind !== "status" && e.market.key)).toEqual(["hyperliquid:spot:@1", "hyperliquid:spot:@1"]);
    expect(bare.some((e) => e.kind !== "status" && e.market.kind === "perp")).toBe(false);
  });

  it("reads a spot-named file whose `s` is the bare token as that spot pair", async () => {
    const events = await read(put("UBTC_USDC-1h.csv", ["t,T,s,i,o,c,h,l,v", ...SPOT_ROWS.map((r) => r.replace("UBTC/USDC", "UBTC"))].join("\n")));
    expect(events[0]).toMatchObject({ kind: "candle", market: spot("UBTC/USDC", "BTC"), close: 101_700, tsEvent: 1_738_551_599_999 });
  });

  it("still reads a pair name in `s` as spot and a plain coin in a perp file as the perp", async () => {
    expect((await read(put("x_1h.csv", ["t,T,s,i,o,c,h,l,v", SPOT_ROWS[0] ?? ""].join("\n"))))[0]).toMatchObject({ market: spot("UBTC/USDC", "BTC") });
    const perpRow = "1725447600000,1725451199999,BTC,1h,56461.0,56584.0,56680.0,56456.0,75.67353";
    expect((await read(put("hl_perp_BTC_1h.csv", ["t,T,s,i,o,c,h,l,v", perpRow].join("\n"))))[0]).toMatchObject({ market: perp("BTC") });
  });
});

describe("a truncated .csv.gz history file", () => {
  // 400 BTC funding rows, hourly from 2025-07-01 00:00:00.048 UTC (1 751 328 000 048).
  const rows = Array.from({ length: 400 }, (_, i) => `BTC,0.0000125,0.0000011,${1_751_328_000_048 + i * 3_600_000}`);
  const whole = gzipSync(["coin,fundingRate,premium,time", ...rows].join("\n") + "\n");

  it("reads a whole file without complaint", async () => {
    expect(await read(put("hl_funding_BTC.csv.gz", whole))).toHaveLength(400);
  });

  it("keeps the rows before the cut, then fails naming the file and the last good row", async () => {
    // Cut inside the deflate data: drop the 8-byte trailer and a few hundred bytes more.
    const path = put("hl_funding_BTC.csv.gz", whole.subarray(0, whole.length - 300));
    const events: MarketEvent[] = [];
    let error: unknown;
    try {
      for await (const batch of readHistoryFile(path)) events.push(...batch);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DataFileError);
    const message = (error as DataFileError).message;
    expect(message).toContain(path);
    const good = events.length;
    expect(good).toBeGreaterThan(0);
    expect(good).toBeLessThan(400);
    // Line 1 is the header: the last good row is line good + 1, the good-th settlement.
    expect(message).toContain(`gzip data ends early (file truncated): the last good row is line ${good + 1} "${rows[good - 1] ?? ""}"`);
    expect(events.at(-1)?.tsEvent).toBe(1_751_328_000_048 + (good - 1) * 3_600_000);
  });

  it("fails even when the cut falls just before the trailer (every row inflated, no CRC or length)", async () => {
    const path = put("hl_funding_BTC.csv.gz", whole.subarray(0, whole.length - 8));
    const events: MarketEvent[] = [];
    await expect(
      (async () => {
        for await (const batch of readHistoryFile(path)) events.push(...batch);
      })(),
    ).rejects.toThrow(`the last good row is line 401 "${rows[399] ?? ""}"`);
    expect(events).toHaveLength(400);
  });
});

describe("columns nothing reads are optional", () => {
  it("reads candles without `n` and funding without `premium`", async () => {
    const candles = await read(put("hl_perp_BTC_1h.csv", "t,T,s,i,o,c,h,l,v\n1725447600000,1725451199999,BTC,1h,56461.0,56584.0,56680.0,56456.0,75.67353\n"));
    expect(candles[0]).toMatchObject({ kind: "candle", trades: undefined, volume: 75.67353 });
    const funding = await read(put("hl_funding_BTC.csv", "coin,fundingRate,time\nBTC,0.0000125,1751328000048\n"));
    expect(funding[0]).toMatchObject({ kind: "funding", rate: 0.0000125, premium: undefined, tsEvent: 1_751_328_000_048 });
  });

  it("reads an orderbooks file without the recorder's unused `sequence` column, to the same book", async () => {
    const withSeq = "timestamp,sequence,exchange_timestamp,bid_price_0,bid_size_0,ask_price_0,ask_size_0\n1756904112.5465927,1756904112212,1756904112212,111038.0,8.84885,111039.0,0.0036\n";
    const without = "timestamp,exchange_timestamp,bid_price_0,bid_size_0,ask_price_0,ask_size_0\n1756904112.5465927,1756904112212,111038.0,8.84885,111039.0,0.0036\n";
    const a = await read(put("orderbooks_BTC.csv", withSeq));
    const b = await read(put("orderbooks_ETH.csv", without.replace("ETH", "BTC")));
    expect(a[0]).toEqual({ kind: "book", market: perp("BTC"), tsEvent: 1_756_904_112_212, tsInit: 1_756_904_112_547, bids: [{ px: 111_038, sz: 8.84885, orders: undefined }], asks: [{ px: 111_039, sz: 0.0036, orders: undefined }] });
    expect(b[0]).toEqual({ ...a[0], market: perp("ETH") });
  });

  it("refuses an l2_trades row stamped more than 60 s after it was received", async () => {
    const diagnostics = new ReplayDiagnostics();
    const events = await read(put("trades_BTC.csv", "timestamp,price,size,side,trade_id,exchange_timestamp\n1756904112.5455544,111039.0,0.00091,buy,1062032029372010,1756904172546\n1756904112.5455544,111039.0,0.00091,buy,1062032029372011,1756904172547\n"), diagnostics);
    // Received 1 756 904 112 546 ms: +60 000 passes, +60 001 does not.
    expect(events).toHaveLength(1);
    expect(diagnostics.rejects[0]?.message).toBe("exchange_timestamp: venue time is 60001 ms ahead of the receive time 1756904112546 (tolerance 60000 ms) (got 1756904172547)");
  });
});
