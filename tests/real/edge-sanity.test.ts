import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import type { Market } from "../../src/core/index.ts";
import { readCaptureFrames } from "../../src/replay/capture-reader.ts";
import { readHistoryFile, ReplayDiagnostics } from "../../src/replay/index.ts";
import { HyperliquidParser } from "../../src/venues/hyperliquid/parse.ts";
import { PriceBand } from "../../src/venues/hyperliquid/quarantine.ts";
import { SpotResolver } from "../../src/venues/hyperliquid/spot.ts";
import { writeLiveStyleBooksCapture } from "../../test-support/live-style-books.ts";

/*
 * Sanity at the edge must not refuse real data (issue 13; docs/LIVE.md "Sanity at the edge"):
 * - the 9-minute 2025-09-03 l2_trades recording (BTC, ETH, SOL, WLFI) as the frames a live session
 *   would have received (`writeLiveStyleBooksCapture`: 1 784 l2Book, 917 trades frames) through
 *   the parser with the defaults and the four coins subscribed: no reject, nothing quarantined,
 *   nothing dropped; the largest frame and the largest move between consecutive prices measured;
 * - every 1m candle of candles/perp (and candles/spot) as a price sequence open, high, low, close
 *   through the default band: nothing quarantined; every candle file read with 0 rejects, so
 *   low ≤ open, close ≤ high holds on all real bars.
 */
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const dataDir = process.env["SM_SHARED_DATA"] ?? resolve(repoRoot, "../shared/data/hyperliquid");
const available = existsSync(join(dataDir, "MANIFEST.csv"));
const describeData = available || process.env["CI"] === "true" ? describe : describe.skip;

const dir = mkdtempSync(join(tmpdir(), "real-edge-sanity-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const COINS = ["BTC", "ETH", "SOL", "WLFI"];

describeData("sanity at the edge on real data", () => {
  it("passes every frame of the 9-minute recording: 0 rejects, 0 quarantined, 0 dropped; measures the largest frame and move", { timeout: 120_000 }, async () => {
    const capture = writeLiveStyleBooksCapture(
      { orderbookFiles: COINS.map((c) => join(dataDir, "l2_trades", `orderbooks_${c}.csv.gz`)), tradeFiles: COINS.map((c) => join(dataDir, "l2_trades", `trades_${c}.csv.gz`)) },
      join(dir, "live-style.cap.gz"),
    );
    const { frames } = await readCaptureFrames(capture.path);
    const parser = new HyperliquidParser({ spot: SpotResolver.empty(), subscribed: { perps: COINS, spotPairs: [] } });
    let events = 0;
    const rejects: string[] = [];
    const largest = new Map<string, number>();
    const last = new Map<Market, number>();
    let maxMove = 0;
    for (const frame of frames) {
      const channel = (JSON.parse(frame.raw) as { channel: string }).channel;
      largest.set(channel, Math.max(largest.get(channel) ?? 0, frame.raw.length));
      const outcome = parser.parseFrame(frame.raw, frame.tsInit);
      rejects.push(...outcome.rejects.map((r) => r.message));
      for (const e of outcome.events) {
        events += 1;
        if (e.kind !== "book" && e.kind !== "trade") continue;
        const px = e.kind === "book" ? ((e.bids[0]?.px ?? 0) + (e.asks[0]?.px ?? 0)) / 2 : e.px;
        const before = last.get(e.market);
        if (before !== undefined) maxMove = Math.max(maxMove, Math.abs(px / before - 1));
        last.set(e.market, px);
      }
    }
    expect(rejects).toEqual([]);
    expect(parser.stats).toEqual({ duplicateTrades: 53, unsubscribedDropped: 0, quarantined: 0, confirmedJumps: 0, streamTimeResets: 0, timeWentBack: 0 });
    // 1 784 books + 3 436 trades (3 489 rows − 53 re-sent).
    expect(events).toBe(1_784 + 3_436);
    // Measured: the largest frame is a trades frame of 21 227 characters (the largest l2Book 1 404),
    // 1/49 of the 1 MiB limit.
    expect(Object.fromEntries(largest)).toEqual(LARGEST_FRAME);
    // The largest move between consecutive prices of a market (book mid or trade): 0.16 %
    // (0.0016185), 1/60 of the band.
    expect(maxMove).toBeCloseTo(0.0016185, 6);
  });

  it("quarantines no real 1m bar: open, high, low, close of every perp and spot 1m candle through the default band", { timeout: 300_000 }, async () => {
    const files = ["perp", "spot"].flatMap((kind) =>
      readdirSync(join(dataDir, "candles", kind))
        .filter((f) => f.endsWith("_1m.csv.gz"))
        .map((f) => join(dataDir, "candles", kind, f)),
    );
    expect(files.length).toBeGreaterThanOrEqual(4);
    let bars = 0;
    let quarantined = 0;
    let maxStep = 0;
    for (const file of files) {
      const band = new PriceBand();
      let previous: number | undefined;
      const diagnostics = new ReplayDiagnostics();
      for await (const batch of readHistoryFile(file, { diagnostics })) {
        for (const e of batch) {
          if (e.kind !== "candle") continue;
          bars += 1;
          for (const [px, at] of [[e.open, 0], [e.high, 15_000], [e.low, 30_000], [e.close, 59_000]] as const) {
            if (previous !== undefined) maxStep = Math.max(maxStep, Math.abs(px / previous - 1));
            previous = px;
            if (band.observe(e.market, px, e.openTime + at).kind === "quarantine") quarantined += 1;
          }
        }
      }
      expect(diagnostics.rejects).toEqual([]);
    }
    expect(bars).toBe(CANDLES_1M);
    expect(quarantined).toBe(0);
    // The largest step in those sequences: 2.02 % (USOL/USDC spot; perps at most ~1.2 %), 1/5 of the band.
    expect(maxStep).toBeCloseTo(0.0201816, 6);
  });

  it("reads every candle file (perp and spot, every interval) with 0 rejects: low ≤ open, close ≤ high on all real bars", { timeout: 300_000 }, async () => {
    let bars = 0;
    const rejects: string[] = [];
    for (const kind of ["perp", "spot"]) {
      for (const f of readdirSync(join(dataDir, "candles", kind)).filter((name) => name.endsWith(".csv.gz"))) {
        const diagnostics = new ReplayDiagnostics();
        for await (const batch of readHistoryFile(join(dataDir, "candles", kind, f), { diagnostics })) bars += batch.filter((e) => e.kind === "candle").length;
        rejects.push(...diagnostics.rejects.map((r) => `${f}: ${r.message}`));
      }
    }
    expect(rejects).toEqual([]);
    expect(bars).toBe(CANDLES_ALL);
  });
});

// Measured on the shared data (2025 files; MANIFEST).
const LARGEST_FRAME = { trades: 21_227, l2Book: 1_404, pong: 30 };
const CANDLES_1M = 55_424;
const CANDLES_ALL = 471_684;
