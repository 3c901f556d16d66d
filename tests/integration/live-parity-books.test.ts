/**
 * Live = replay for the book and trade channels on a hand-written excerpt in the l2_trades
 * recording's layout: the recorder's CSV rows and the `l2Book` / `trades` frames a live session
 * would have captured for them must give the same events (kind, market, tsEvent, tsInit, values).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import { perp } from "../../src/core/index.ts";
import type { MarketEvent } from "../../src/core/index.ts";
import { readCapture, readHistoryFile, ReplayDiagnostics } from "../../src/replay/index.ts";
import { eventKey, writeLiveStyleBooksCapture } from "../../test-support/live-style-books.ts";

const dir = mkdtempSync(join(tmpdir(), "live-parity-books-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Two levels a side; the second book has no second ask (a thin book: both cells empty).
const ORDERBOOKS = [
  "timestamp,sequence,exchange_timestamp,bid_price_0,bid_size_0,ask_price_0,ask_size_0,bid_price_1,bid_size_1,ask_price_1,ask_size_1",
  "1756904112.5465927,1756904112212,1756904112212,111038.0,8.84885,111039.0,0.0036,111037.0,0.38041,111040.0,1.5",
  "1756904113.1000004,1756904112569,1756904112569,111038.0,5.60646,111039.0,0.0036,111037.0,0.38041,,",
].join("\r\n");
// Two trades in the first frame, one later, then the venue's re-sent snapshot repeats the first.
const TRADES = [
  "timestamp,price,size,side,trade_id,exchange_timestamp",
  "1756904112.5455544,111039.0,0.00091,buy,1062032029372010,1756904102005",
  "1756904112.5455544,111038.0,1.0,sell,840625993692607,1756904103412",
  "1756904113.2500001,111038.0,0.25,sell,308028780509500,1756904112800",
  "1756904140.0000000,111039.0,0.00091,buy,1062032029372010,1756904102005",
].join("\r\n");

async function historyEvents(files: string[]): Promise<MarketEvent[]> {
  const out: MarketEvent[] = [];
  for (const f of files) for await (const b of readHistoryFile(f, { diagnostics: new ReplayDiagnostics() })) out.push(...b);
  return out;
}

describe("live = replay parity: books and trades", () => {
  it("the l2Book and trades frames of a recording give the recording's events, re-sent trades dropped on both routes", async () => {
    const orderbooks = join(dir, "orderbooks_BTC.csv.gz");
    const trades = join(dir, "trades_BTC.csv.gz");
    writeFileSync(orderbooks, gzipSync(ORDERBOOKS));
    writeFileSync(trades, gzipSync(TRADES));
    const capture = writeLiveStyleBooksCapture({ orderbookFiles: [orderbooks], tradeFiles: [trades] }, join(dir, "live.cap.gz"));
    expect(capture).toMatchObject({ bookFrames: 2, tradeFrames: 3, trades: 4 });

    const fromHistory = await historyEvents([orderbooks, trades]);
    const diagnostics = new ReplayDiagnostics();
    const fromCapture: MarketEvent[] = [];
    for await (const b of readCapture(capture.path, { diagnostics })) fromCapture.push(...b.filter((e) => e.kind !== "status"));
    expect(diagnostics.rejects).toEqual([]);

    // Hand-checked: receive times are the recorder's seconds × 1000, rounded.
    const BTC = perp("BTC");
    expect(fromHistory.filter((e) => e.kind === "book")).toEqual([
      { kind: "book", market: BTC, tsEvent: 1_756_904_112_212, tsInit: 1_756_904_112_547, bids: [{ px: 111_038, sz: 8.84885, orders: undefined }, { px: 111_037, sz: 0.38041, orders: undefined }], asks: [{ px: 111_039, sz: 0.0036, orders: undefined }, { px: 111_040, sz: 1.5, orders: undefined }] },
      { kind: "book", market: BTC, tsEvent: 1_756_904_112_569, tsInit: 1_756_904_113_100, bids: [{ px: 111_038, sz: 5.60646, orders: undefined }, { px: 111_037, sz: 0.38041, orders: undefined }], asks: [{ px: 111_039, sz: 0.0036, orders: undefined }] },
    ]);
    expect(fromHistory.filter((e) => e.kind === "trade").map((e) => e.kind === "trade" && [e.tradeId, e.side, e.px, e.sz, e.tsEvent, e.tsInit])).toEqual([
      ["1062032029372010", "buy", 111_039, 0.00091, 1_756_904_102_005, 1_756_904_112_546],
      ["840625993692607", "sell", 111_038, 1, 1_756_904_103_412, 1_756_904_112_546],
      ["308028780509500", "sell", 111_038, 0.25, 1_756_904_112_800, 1_756_904_113_250],
    ]);
    expect(fromCapture.map(eventKey).sort()).toEqual(fromHistory.map(eventKey).sort());
  });
});
