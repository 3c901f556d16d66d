import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DataFileError, HOUR_MS, market, perp, spot } from "../core/index.ts";
import type { MarketEvent } from "../core/index.ts";
import { ReplayDiagnostics } from "./diagnostics.ts";
import { readHistoryFile } from "./history-reader.ts";
import type { HistoryReadOptions } from "./history-reader.ts";

// Rows copied from the real data set's first lines (see its PROVENANCE.md).
const CANDLES_CSV = [
  "t,T,s,i,o,c,h,l,v",
  "1725447600000,1725451199999,BTC,1h,56461.0,56584.0,56680.0,56456.0,75.67353",
  "1725451200000,1725454799999,BTC,1h,56581.0,56620.0,56777.0,56500.0,91.58561",
].join("\n");
const CANDLES_JSON = JSON.stringify([
  { t: 1725447600000, T: 1725451199999, s: "BTC", i: "1h", o: "56461.0", c: "56584.0", h: "56680.0", l: "56456.0", v: "75.67353" },
  { t: 1725451200000, T: 1725454799999, s: "BTC", i: "1h", o: "56581.0", c: "56620.0", h: "56777.0", l: "56500.0", v: "91.58561" },
]);

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "sm-history-"));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function file(relative: string, text: string): string {
  const path = join(dir, relative);
  mkdirSync(join(path, ".."), { recursive: true });
  writeFileSync(path, relative.endsWith(".gz") ? gzipSync(text) : text);
  return path;
}

async function read(path: string, options: HistoryReadOptions = {}): Promise<MarketEvent[]> {
  const out: MarketEvent[] = [];
  for await (const batch of readHistoryFile(path, options)) out.push(...batch);
  return out;
}

describe("readHistoryFile: candles", () => {
  it("emits each closed bar at its close time T, never earlier", async () => {
    const events = await read(file("candles/perp/hl_perp_BTC_1h.csv", CANDLES_CSV));
    expect(events).toEqual([
      { kind: "candle", tsEvent: 1725451199999, tsInit: 1725451199999, market: perp("BTC"), interval: "1h", openTime: 1725447600000, closeTime: 1725451199999, open: 56461, high: 56680, low: 56456, close: 56584, volume: 75.67353, trades: undefined, closed: true },
      { kind: "candle", tsEvent: 1725454799999, tsInit: 1725454799999, market: perp("BTC"), interval: "1h", openTime: 1725451200000, closeTime: 1725454799999, open: 56581, high: 56777, low: 56500, close: 56620, volume: 91.58561, trades: undefined, closed: true },
    ]);
  });

  it("gives the same events from CSV, CSV.gz, JSON and JSON.gz", async () => {
    const csv = await read(file("a/hl_perp_BTC_1h.csv", CANDLES_CSV));
    expect(await read(file("b/hl_perp_BTC_1h.csv.gz", CANDLES_CSV))).toEqual(csv);
    expect(await read(file("c/btc_1h.json", CANDLES_JSON))).toEqual(csv);
    expect(await read(file("d/btc_1h.json.gz", CANDLES_JSON))).toEqual(csv);
    expect(csv).toHaveLength(2);
  });

  it("keeps the trade count n when the file has it", async () => {
    const events = await read(file("k.csv", "t,T,s,i,o,c,h,l,v,n\n1681923600000,1681927199999,kPEPE,1h,0.000103,0.000104,0.000105,0.000102,1000.5,42\n"));
    expect(events[0]).toMatchObject({ kind: "candle", trades: 42, market: perp("kPEPE") });
  });

  it("maps symbols to markets: HL spot pair, Binance spot and Binance USD-M perp", async () => {
    const row = (s: string): string => `t,T,s,i,o,c,h,l,v\n1738548000000,1738551599999,${s},1h,1.0,1.0,1.0,1.0,0.0\n`;
    const [hlSpot] = await read(file("candles/spot/hl_spot_UBTC_USDC_1h.csv", row("UBTC/USDC")));
    const [binanceSpot] = await read(file("cex/binance_spot/binance_spot_BTCUSDT_1h.csv", row("BTC/USDT")));
    const [binancePerp] = await read(file("cex/binance_usdm/binance_usdm_BTCUSDT_1h.csv", row("BTC/USDT:USDT")));
    expect(hlSpot).toMatchObject({ market: spot("UBTC/USDC", "BTC") });
    expect(binanceSpot).toMatchObject({ market: market("binance", "spot", "BTC/USDT", "BTC") });
    expect(binancePerp).toMatchObject({ market: market("binance", "perp", "BTC/USDT:USDT", "BTC") });
  });

  it("counts a bad row as a reject with file and line and keeps the rest", async () => {
    const diagnostics = new ReplayDiagnostics();
    const path = file("bad.csv", `${CANDLES_CSV}\n1725454800000,1725458399999,BTC,1h,NaN,1,1,1,1\n1725458400000,1725461999999,BTC,1h,1,1,1,1\n`);
    const events = await read(path, { diagnostics });
    expect(events).toHaveLength(2);
    expect(diagnostics.rejects).toEqual([
      { file: path, line: 4, message: 'candle.o: must be a positive finite number (got "NaN")' },
      { file: path, line: 5, message: "expected 9 fields, got 8" },
    ]);
  });

  it("reads a last row that has no final newline", async () => {
    expect(await read(file("nonl.csv", CANDLES_CSV))).toHaveLength(2);
  });
});

describe("readHistoryFile: layouts", () => {
  it("refuses an unknown header with a DataFileError naming the file and the header", async () => {
    const path = file("asset_ctx.csv", "time,coin,funding,markPx\n1,BTC,0.1,100\n");
    const failure = read(path);
    await expect(failure).rejects.toBeInstanceOf(DataFileError);
    await expect(read(path)).rejects.toThrow(`${path}: unknown file layout, header "time,coin,funding,markPx"`);
  });

  it("refuses a JSON array of rows with unknown keys the same way", async () => {
    await expect(read(file("x.json", '[{"a":1}]'))).rejects.toThrow(/unknown file layout, header "a"/);
  });
});

describe("readHistoryFile: funding", () => {
  it("reads Hyperliquid funding with and without premium, 8-hourly before 2023-06-08 01:00", async () => {
    const events = await read(
      file(
        "funding/hl_funding_BTC.csv.gz",
        ["coin,fundingRate,premium,time", "BTC,-0.0006133368,-0.0009133368,1683849600048", "BTC,1.25e-05,0.0002346732,1686186000054", "BTC,1.25e-05,,1686189600123"].join("\n"),
      ),
    );
    expect(events).toEqual([
      { kind: "funding", tsEvent: 1683849600048, tsInit: 1683849600048, market: perp("BTC"), rate: -0.0006133368, periodMs: 8 * HOUR_MS, premium: -0.0009133368 },
      { kind: "funding", tsEvent: 1686186000054, tsInit: 1686186000054, market: perp("BTC"), rate: 1.25e-5, periodMs: HOUR_MS, premium: 0.0002346732 },
      { kind: "funding", tsEvent: 1686189600123, tsInit: 1686189600123, market: perp("BTC"), rate: 1.25e-5, periodMs: HOUR_MS, premium: undefined },
    ]);
  });

  it("maps Binance 8h funding to the Binance perp with an 8 h period", async () => {
    const events = await read(file("cex/binance_usdm/binance_usdm_BTCUSDT_funding_8h.csv", "symbol,fundingRate,time\nBTCUSDT,8.946e-05,1714550400000\n"));
    expect(events).toEqual([
      { kind: "funding", tsEvent: 1714550400000, tsInit: 1714550400000, market: market("binance", "perp", "BTC/USDT:USDT", "BTC"), rate: 8.946e-5, periodMs: 8 * HOUR_MS, premium: undefined },
    ]);
  });
});

describe("readHistoryFile: l2_trades recording", () => {
  const BOOK_HEADER = "timestamp,sequence,exchange_timestamp,bid_price_0,bid_size_0,ask_price_0,ask_size_0,bid_price_1,bid_size_1,ask_price_1,ask_size_1";

  it("turns an orderbooks row into the exact book: venue time, receive time in ms, no order counts", async () => {
    const path = file("l2_trades/orderbooks_BTC.csv.gz", `${BOOK_HEADER}\n1756904112.5465927,1756904112212,1756904112212,111038.0,8.84885,111039.0,0.0036,111037.0,0.38041,111040.0,0.00011\n`);
    expect(await read(path)).toEqual([
      {
        kind: "book",
        market: perp("BTC"),
        tsEvent: 1756904112212,
        // 1756904112.5465927 s → 1756904112546.5927 ms → rounded
        tsInit: 1756904112547,
        bids: [
          { px: 111038, sz: 8.84885, orders: undefined },
          { px: 111037, sz: 0.38041, orders: undefined },
        ],
        asks: [
          { px: 111039, sz: 0.0036, orders: undefined },
          { px: 111040, sz: 0.00011, orders: undefined },
        ],
      },
    ]);
  });

  it("rejects a negative size or a crossed level naming the column and value", async () => {
    const diagnostics = new ReplayDiagnostics();
    const path = file(
      "orderbooks_ETH.csv",
      [BOOK_HEADER, "1756904112.5,1,1756904112212,4300.0,-1.5,4300.1,2.0,4299.9,1.0,4300.2,1.0", "1756904113.5,2,1756904113212,4300.0,1.5,4300.1,2.0,4300.5,1.0,4300.2,1.0"].join("\n"),
    );
    expect(await read(path, { diagnostics })).toEqual([]);
    expect(diagnostics.rejects.map((r) => [r.line, r.message])).toEqual([
      [2, 'bid_size_0: must be a positive finite number (got "-1.5")'],
      [3, 'bid_price_1: must be below the previous level\'s 4300 (got "4300.5")'],
    ]);
  });

  it("turns trades rows into taker-side trades and drops a re-sent duplicate", async () => {
    const diagnostics = new ReplayDiagnostics();
    const path = file(
      "l2_trades/trades_BTC.csv",
      [
        "timestamp,price,size,side,trade_id,exchange_timestamp",
        "1756904112.5455544,111039.0,0.00091,buy,1062032029372010,1756904102005",
        "1756904112.5455544,111038.0,1.0,sell,840625993692607,1756904103412",
        // The venue re-sent the first trade after a resubscribe.
        "1756904552.245756,111039.0,0.00091,buy,1062032029372010,1756904102005",
      ].join("\n"),
    );
    expect(await read(path, { diagnostics })).toEqual([
      { kind: "trade", market: perp("BTC"), tsEvent: 1756904102005, tsInit: 1756904112546, px: 111039, sz: 0.00091, side: "buy", tradeId: "1062032029372010" },
      { kind: "trade", market: perp("BTC"), tsEvent: 1756904103412, tsInit: 1756904112546, px: 111038, sz: 1, side: "sell", tradeId: "840625993692607" },
    ]);
    expect(diagnostics.duplicatesIn(path)).toBe(1);
    expect(diagnostics.rejectCount).toBe(0);
  });

  it("rejects a repeated trade id with different values", async () => {
    const diagnostics = new ReplayDiagnostics();
    const path = file("trades_SOL.csv", ["timestamp,price,size,side,trade_id,exchange_timestamp", "1756904112.0,200.0,1.0,buy,7,1756904111000", "1756904113.0,200.0,2.0,buy,7,1756904111000"].join("\n"));
    expect(await read(path, { diagnostics })).toHaveLength(1);
    expect(diagnostics.rejects[0]?.message).toBe('trade_id: repeats an earlier trade with other values (1756904111000,200,1,buy) (got "7")');
  });

  it("reads prices (best bid/ask) files as a known layout without events", async () => {
    const layouts: string[] = [];
    const events = await read(file("prices_BTC.csv", "timestamp,price,size,side,exchange_timestamp\n1756904112.79,111038.0,8.84885,bid,1756904112212\n"), { onLayout: (l) => layouts.push(l) });
    expect(events).toEqual([]);
    expect(layouts).toEqual(["l2-prices"]);
  });
});
