import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { replayIntoJournal } from "../../src/cli/replay-pipeline.ts";
import type { ReplayTradingSettings } from "../../src/cli/replay-pipeline.ts";
import type { MarketEvent } from "../../src/core/index.ts";
import { readCapture, readHistoryFile, ReplayDiagnostics } from "../../src/replay/index.ts";
import { eventKey, writeLiveStyleBooksCapture } from "../../test-support/live-style-books.ts";
import { dumpJournal } from "../integration/fixtures/journal-dump.ts";

/*
 * Live = replay for books and trades on real data: the 9-minute l2_trades recording of
 * 2025-09-03 (BTC, ETH, SOL, WLFI; ../shared, read at run time, nothing copied) read once as the
 * recorder's CSV files and once as the capture a live session would have written (`l2Book`
 * frames with the venue `time`, `trades` frames with tid/side/time, received at the recorder's
 * local time). Measured with this code: 5 220 events from each route (1 784 books, 3 436 trades
 * after 53 re-sent trades dropped on both sides), identical in kind, market, tsEvent, tsInit and
 * values; the pipeline gives 38 signals from each, all from `liquidity` (the only strategy that
 * can fire on 9 minutes of books and trades: the others need hours of candles or funding).
 * Asset contexts: the data holds no recorded `activeAssetCtx` stream and the history reader has
 * no asset-context layout (asset_ctx/ is an unknown layout), so there is no history route to
 * compare with. Data dir: $SM_SHARED_DATA, else ../shared/data/hyperliquid.
 */
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const dataDir = process.env["SM_SHARED_DATA"] ?? resolve(repoRoot, "../shared/data/hyperliquid");
const available = existsSync(join(dataDir, "MANIFEST.csv"));
const describeData = available || process.env["CI"] === "true" ? describe : describe.skip;

const dir = mkdtempSync(join(tmpdir(), "real-live-parity-books-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const COINS = ["BTC", "ETH", "SOL", "WLFI"];
const TRADING: ReplayTradingSettings = { fillInterval: "1m", fillModel: "book" };

type Row = Record<string, unknown>;
const signalKey = (r: Row): string => `${String(r["strategy"])}|${String(r["market"])}|${String(r["side"])}|${String(r["created_ms"])}`;

describeData("live = replay on real data: books and trades (9 minutes, BTC ETH SOL WLFI)", () => {
  it("the live-style capture gives the recording's events and signals", { timeout: 120_000 }, async () => {
    const orderbookFiles = COINS.map((c) => join(dataDir, "l2_trades", `orderbooks_${c}.csv.gz`));
    const tradeFiles = COINS.map((c) => join(dataDir, "l2_trades", `trades_${c}.csv.gz`));
    const capture = writeLiveStyleBooksCapture({ orderbookFiles, tradeFiles }, join(dir, "live-style.cap.gz"));
    // 446 book rows per coin; trades: 1 497 + 782 + 1 027 + 183 rows (MANIFEST).
    expect(capture.bookFrames).toBe(4 * 446);
    expect(capture.trades).toBe(1_497 + 782 + 1_027 + 183);

    const historyDiagnostics = new ReplayDiagnostics();
    const fromHistory: MarketEvent[] = [];
    for (const file of [...orderbookFiles, ...tradeFiles]) for await (const batch of readHistoryFile(file, { diagnostics: historyDiagnostics })) fromHistory.push(...batch);
    const captureDiagnostics = new ReplayDiagnostics();
    const fromCapture: MarketEvent[] = [];
    for await (const batch of readCapture(capture.path, { diagnostics: captureDiagnostics })) fromCapture.push(...batch.filter((e) => e.kind !== "status"));
    expect(historyDiagnostics.rejects).toEqual([]);
    expect(captureDiagnostics.rejects).toEqual([]);
    const count = (events: MarketEvent[], kind: string): number => events.filter((e) => e.kind === kind).length;
    expect(count(fromHistory, "book")).toBe(1_784);
    // 3 489 rows − 53 re-sent = 3 436, on both routes.
    expect(count(fromHistory, "trade")).toBe(3_436);
    expect(fromCapture.map(eventKey).sort()).toEqual(fromHistory.map(eventKey).sort());

    // The history route reads the recorder's files where they are (no copy).
    const h = await replayIntoJournal([...orderbookFiles, ...tradeFiles], join(dir, "history.db"), { trading: TRADING });
    const c = await replayIntoJournal([capture.path], join(dir, "capture.db"), { trading: TRADING });
    const hs = (dumpJournal(join(dir, "history.db"))["signals"] as Row[]).map(signalKey).sort();
    const cs = (dumpJournal(join(dir, "capture.db"))["signals"] as Row[]).map(signalKey).sort();
    console.log(`real books/trades parity: ${hs.length} history signals, ${cs.length} live-style; by strategy ${JSON.stringify(h.kernel.signalsByStrategy)}`);
    expect(h.kernel.signalsByStrategy).toEqual({ liquidity: 38 });
    expect(c.kernel.signalsByStrategy).toEqual(h.kernel.signalsByStrategy);
    expect(cs).toEqual(hs);
  });
});
