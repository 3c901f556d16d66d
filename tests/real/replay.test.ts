import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { HOUR_MS } from "../../src/core/index.ts";
import type { MarketEvent } from "../../src/core/index.ts";
import { GapDetector, mergeSources, MergeReport, readHistoryFile, replayDry, ReplayDiagnostics, splitCsv } from "../../src/replay/index.ts";

/*
 * The real-data suite: every candle, funding and l2_trades file of the shared data set is
 * replayed and checked against MANIFEST.csv (rows, first and last time). The data is read in
 * place, never copied. Data dir: $SM_SHARED_DATA, else ../shared/data/hyperliquid from the
 * repo root. Missing data fails under CI=true and is skipped (with a message) otherwise.
 */
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const dataDir = process.env["SM_SHARED_DATA"] ?? resolve(repoRoot, "../shared/data/hyperliquid");
const manifestPath = join(dataDir, "MANIFEST.csv");
const available = existsSync(manifestPath);

if (!available) {
  console.warn(`real-data suite: no data at ${dataDir} (set SM_SHARED_DATA); ${process.env["CI"] === "true" ? "FAILING because CI=true" : "skipping"}`);
}

interface ManifestRow {
  readonly file: string;
  readonly rows: number;
  readonly startMs: number;
  readonly endMs: number;
  readonly gaps: string;
}

/** `2025-09-03 12:55:12.212` (UTC) → ms. */
function manifestTime(text: string): number {
  const ms = Date.parse(`${text.replace(" ", "T")}Z`);
  if (Number.isNaN(ms)) throw new Error(`MANIFEST time ${JSON.stringify(text)} unreadable`);
  return ms;
}

function readManifest(): ManifestRow[] {
  const lines = readFileSync(manifestPath, "utf8").split("\n").filter((l) => l.length > 0);
  const header = splitCsv(lines[0] ?? "");
  const col = (name: string): number => header.indexOf(name);
  return lines
    .slice(1)
    .map((line) => splitCsv(line))
    .filter((f) => /^(candles|funding|l2_trades|cex)\//.test(f[col("file")] ?? "") && (f[col("rows")] ?? "") !== "")
    .map((f) => ({
      file: f[col("file")] ?? "",
      rows: Number(f[col("rows")]),
      startMs: manifestTime(f[col("start_utc")] ?? ""),
      endMs: manifestTime(f[col("end_utc")] ?? ""),
      gaps: f[col("gaps")] ?? "",
    }));
}

const manifest = available ? readManifest() : [];
const replayed = manifest.filter((r) => /^(candles|funding)\//.test(r.file) || /^l2_trades\/(orderbooks|trades)_/.test(r.file));
const cex = manifest.filter((r) => r.file.startsWith("cex/"));

/**
 * Trades the recorder logged twice (the venue re-sends recent trades after a resubscribe):
 * counted by hand with `zcat trades_X.csv.gz | cut -d, -f5 | sort | uniq -d | wc -l`, and
 * every repeat checked identical in price, size, side and time.
 */
const DUPLICATE_TRADES: Readonly<Record<string, number>> = {
  "l2_trades/trades_BTC.csv.gz": 30,
  "l2_trades/trades_ETH.csv.gz": 1,
  "l2_trades/trades_SOL.csv.gz": 1,
  "l2_trades/trades_WLFI.csv.gz": 21,
};

/** Hours Hyperliquid did not settle funding in the hourly phase (data PROVENANCE, same for every coin). */
const MISSING_FUNDING_HOURS = [Date.UTC(2023, 6, 2, 20), Date.UTC(2023, 7, 23, 20), Date.UTC(2024, 7, 15, 13)];

interface FileResult {
  readonly events: MarketEvent[];
  readonly diagnostics: ReplayDiagnostics;
  readonly gaps: GapDetector;
  readonly path: string;
}

async function replayFile(relative: string): Promise<FileResult> {
  const path = join(dataDir, relative);
  const diagnostics = new ReplayDiagnostics();
  const gaps = new GapDetector();
  const events: MarketEvent[] = [];
  for await (const batch of readHistoryFile(path, { diagnostics })) {
    for (const event of batch) {
      gaps.observe(event);
      events.push(event);
    }
  }
  return { events, diagnostics, gaps, path };
}

/** What MANIFEST's start/end mean per file kind: bar open times for candles, event times otherwise. */
function manifestTimeOf(event: MarketEvent): number {
  return event.kind === "candle" ? event.openTime : event.tsEvent;
}

function checkAgainstManifest(row: ManifestRow, result: FileResult): void {
  const { events, diagnostics, path } = result;
  expect(diagnostics.rejects, `${row.file} rejects`).toEqual([]);
  const duplicates = DUPLICATE_TRADES[row.file] ?? 0;
  expect(diagnostics.duplicatesIn(path), `${row.file} duplicate trades`).toBe(duplicates);
  expect(events.length + duplicates, `${row.file} rows`).toBe(row.rows);
  expect(manifestTimeOf(events[0]!), `${row.file} first time`).toBe(row.startMs);
  expect(manifestTimeOf(events.at(-1)!), `${row.file} last time`).toBe(row.endMs);
  // Each file replays in time order (the WLFI trades only after their re-sent repeats are dropped).
  let outOfOrder = 0;
  for (let i = 1; i < events.length; i += 1) {
    if (events[i]!.tsEvent < events[i - 1]!.tsEvent) outOfOrder += 1;
  }
  expect(outOfOrder, `${row.file} events out of time order`).toBe(0);
}

describe.skipIf(!available && process.env["CI"] !== "true")("real data: replay matches MANIFEST.csv", () => {
  it("has the data set (CI=true requires it)", () => {
    expect(available, `no MANIFEST.csv at ${manifestPath}`).toBe(true);
    // 12 funding + 44 candle + 8 l2_trades (orderbooks, trades) files.
    expect(replayed).toHaveLength(64);
    // 9 Binance spot + 8 USD-M (4 candle series, 2 mark-price, 2 funding) files.
    expect(cex).toHaveLength(17);
  });

  for (const row of replayed.filter((r) => r.file.startsWith("candles/"))) {
    it(`${row.file}: ${row.rows} bars, first/last open as listed, no rejects, no gaps`, async () => {
      const result = await replayFile(row.file);
      checkAgainstManifest(row, result);
      // MANIFEST: "0 gaps / 0 missing bars" for every candle file.
      expect(row.gaps).toBe("0 gaps / 0 missing bars");
      expect(result.gaps.count).toBe(0);
      // Closed bars are stamped at their close, never before.
      expect(result.events.every((e) => e.kind === "candle" && e.tsEvent === e.closeTime && e.tsInit === e.closeTime && e.closed)).toBe(true);
    });
  }

  for (const row of replayed.filter((r) => r.file.startsWith("funding/"))) {
    it(`${row.file}: ${row.rows} settlements as listed; gaps only at the venue's missing hours`, async () => {
      const result = await replayFile(row.file);
      checkAgainstManifest(row, result);
      const expectedMissing = MISSING_FUNDING_HOURS.filter((h) => h > row.startMs && h < row.endMs);
      expect(result.gaps.gaps.map((g) => Math.floor(g.fromMs / HOUR_MS) * HOUR_MS)).toEqual(expectedMissing);
      expect(result.gaps.missing).toBe(expectedMissing.length);
      // MANIFEST counts gaps on an hourly grid, so the 8-hourly phase (before 2023-06-08)
      // shows there as expected gaps of 7 hours each; the rest are the missing hours above.
      const eightHourly = result.events.filter((e, i) => i > 0 && Math.round((e.tsEvent - result.events[i - 1]!.tsEvent) / HOUR_MS) === 8).length;
      const listed = /^(\d+) gaps \/ (\d+) missing bars$/.exec(row.gaps);
      expect(listed, row.gaps).not.toBeNull();
      expect(eightHourly + result.gaps.count).toBe(Number(listed![1]));
      expect(7 * eightHourly + result.gaps.missing).toBe(Number(listed![2]));
      console.info(`${row.file}: ${result.gaps.count} funding gaps (${expectedMissing.map((h) => new Date(h).toISOString().slice(0, 13)).join(", ") || "none"}), ${eightHourly} 8-hourly spacings`);
    });
  }

  for (const row of replayed.filter((r) => r.file.startsWith("l2_trades/"))) {
    it(`${row.file}: ${row.rows} rows as listed, no rejects`, async () => {
      const result = await replayFile(row.file);
      checkAgainstManifest(row, result);
      if (row.file.includes("orderbooks_")) {
        // 20 levels a side in every snapshot, order counts not recorded.
        expect(result.events.every((e) => e.kind === "book" && e.bids.length === 20 && e.asks.length === 20 && e.bids[0]!.orders === undefined)).toBe(true);
      }
    });
  }

  for (const row of cex) {
    it(`${row.file}: Binance reference parses with no rejects, ${row.rows} rows as listed`, async () => {
      const result = await replayFile(row.file);
      checkAgainstManifest(row, result);
      expect(result.events.every((e) => e.kind !== "status" && e.market.venue === "binance")).toBe(true);
    });
  }

  it("merges the whole l2_trades recording into one time-ordered stream", async () => {
    const files = replayed.filter((r) => r.file.startsWith("l2_trades/")).map((r) => join(dataDir, r.file));
    const report = new MergeReport();
    let events = 0;
    let last = Number.NEGATIVE_INFINITY;
    let backwards = 0;
    const sources = files.map((path) => ({ name: path, batches: readHistoryFile(path) }));
    for await (const batch of mergeSources(sources, { report })) {
      for (const event of batch) {
        if (event.tsEvent < last) backwards += 1;
        last = event.tsEvent;
        events += 1;
      }
    }
    // Rows of the 8 files minus the 53 re-sent trades.
    const rows = replayed.filter((r) => r.file.startsWith("l2_trades/")).reduce((sum, r) => sum + r.rows, 0);
    expect(events).toBe(rows - 53);
    expect(backwards).toBe(0);
    expect(report.outOfOrder).toBe(0);
  });

  it("dry-runs the whole data set: zero rejects, gaps reported, fixtures skipped", async () => {
    const started = performance.now();
    const report = await replayDry([dataDir], { maxListed: 5 });
    const seconds = (performance.now() - started) / 1000;
    expect(report.rejects.count).toBe(0);
    // 8 series cover all three missing funding hours, ENA and WIF only the last one.
    expect(report.gaps.count).toBe(8 * 3 + 2);
    // Files that are not replay inputs fail layout detection and are listed, not fatal.
    expect(report.files.filter((f) => f.error !== undefined).map((f) => f.path.slice(dataDir.length + 1))).toEqual([
      "MANIFEST.csv",
      "asset_ctx/mikealparsons7_funding_rates_snapshots.csv",
      "fixtures/nautilus/http_l2_book_btc.json",
      "fixtures/nautilus/ws_all_dexs_asset_ctxs.json",
      "original/mikealparsons7_funding_history.csv.gz",
    ]);
    console.info(
      `dry run: ${report.events} events in ${seconds.toFixed(1)} s (${Math.round(report.events / seconds)} events/s), ${report.files.length} files, ` +
        `${report.gaps.count} gaps (${report.gaps.missing} missing), kinds ${JSON.stringify(report.countsByKind)}`,
    );
  });
});
