import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DataFileError, perp } from "../core/index.ts";
import { formatCaptureLine, formatHeaderLine } from "./capture-format.ts";
import { replayDry } from "./dry-run.ts";
import type { DryRunProgress } from "./dry-run.ts";

const H = 3_600_000;
const T0 = Date.UTC(2025, 6, 21); // 2025-07-21 00:00 UTC

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "sm-dry-"));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function put(relative: string, content: string | Buffer): string {
  const path = join(dir, relative);
  mkdirSync(join(path, ".."), { recursive: true });
  writeFileSync(path, content);
  return path;
}

function candleRow(openMs: number): string {
  return `${openMs},${openMs + H - 1},BTC,1h,100.0,101.0,102.0,99.0,1.5`;
}

describe("replayDry", () => {
  it("reads folders recursively and reports counts, ranges, gaps, rejects and files", async () => {
    // BTC 1h candles at 0, 1, 3 h: one bar (2 h) missing; one bad row on line 5.
    const candles = put("candles/perp/hl_perp_BTC_1h.csv.gz", gzipSync(["t,T,s,i,o,c,h,l,v", candleRow(T0), candleRow(T0 + H), candleRow(T0 + 3 * H), "x,y,BTC,1h,1,1,1,1,1"].join("\n")));
    put("funding/hl_funding_BTC.csv", ["coin,fundingRate,premium,time", `BTC,1.25e-05,,${T0 + 48}`, `BTC,1.25e-05,,${T0 + H + 31}`].join("\n"));
    const unknown = put("asset_ctx/snapshots.csv", "time,coin,funding\n1,BTC,0.1\n");
    const readme = put("README.md", "# notes\n");
    const progress: DryRunProgress[] = [];

    const report = await replayDry([dir], { onProgress: (p) => progress.push(p) });

    expect(report.events).toBe(5);
    expect(report.countsByKind).toEqual({ candle: 3, funding: 2 });
    expect(report.countsByMarket).toEqual({ [perp("BTC").key]: 5 });
    expect(report.ranges).toEqual([
      // Candles are stamped at their close: first close T0 + 1 h − 1 ms, last T0 + 4 h − 1 ms.
      { key: perp("BTC").key, kind: "candle", interval: "1h", count: 3, firstMs: T0 + H - 1, lastMs: T0 + 4 * H - 1 },
      { key: perp("BTC").key, kind: "funding", interval: undefined, count: 2, firstMs: T0 + 48, lastMs: T0 + H + 31 },
    ]);
    expect(report.gaps).toEqual({ count: 1, missing: 1, listed: [{ key: perp("BTC").key, kind: "candle", interval: "1h", fromMs: T0 + 2 * H, toMs: T0 + 3 * H, missing: 1 }] });
    expect(report.rejects.count).toBe(1);
    expect(report.rejects.listed[0]).toMatchObject({ file: candles, line: 5 });
    expect(report.outOfOrder).toBe(0);
    expect(report.skipped).toEqual([{ path: readme, reason: "not a capture (.cap[.gz]) or history (.csv/.json[.gz]) file" }]);
    expect(report.files.map((f) => [f.path, f.layout, f.events, f.rejects, f.error === undefined])).toEqual([
      [unknown, "unknown", 0, 0, false],
      [candles, "candles", 3, 1, true],
      [join(dir, "funding/hl_funding_BTC.csv"), "funding", 2, 0, true],
    ]);
    expect(report.files[0]!.error).toContain('unknown file layout, header "time,coin,funding"');
    // Progress is measured in file bytes: the three data files' sizes on disk (README.md is skipped).
    const bytesTotal = [unknown, candles, join(dir, "funding/hl_funding_BTC.csv")].reduce((sum, path) => sum + statSync(path).size, 0);
    expect(progress[0]).toEqual({ filesDone: 0, filesTotal: 3, events: 0, bytesRead: 0, bytesTotal });
    expect(progress.at(-1)).toEqual({ filesDone: 3, filesTotal: 3, events: 5, bytesRead: bytesTotal, bytesTotal });
    for (let i = 1; i < progress.length; i += 1) {
      expect(progress[i]!.bytesRead).toBeGreaterThanOrEqual(progress[i - 1]!.bytesRead);
      expect(progress[i]!.events).toBeGreaterThanOrEqual(progress[i - 1]!.events);
    }
  });

  it("reads rotated capture files of one recording as one source, in writing order", async () => {
    const header = `${formatHeaderLine({ startMs: T0, venue: "hyperliquid", network: "mainnet" })}\n`;
    const book = (time: number): string => JSON.stringify({ channel: "l2Book", data: { coin: "BTC", time, levels: [[{ px: "1.0", sz: "1.0", n: 1 }], [{ px: "2.0", sz: "1.0", n: 1 }]] } });
    // The rotated file (.1) sorts before the first one by plain string order.
    put("cap/hyperliquid-2025-07-21.1.cap.gz", gzipSync(header + formatCaptureLine(T0 + 2000, "ws", book(T0 + 2000))));
    put("cap/hyperliquid-2025-07-21.cap.gz", gzipSync(header + formatCaptureLine(T0 + 1000, "ws", book(T0 + 1000))));
    const report = await replayDry([join(dir, "cap")]);
    expect(report.files).toHaveLength(1);
    expect(report.files[0]!.paths.map((p) => p.slice(dir.length + 5))).toEqual(["hyperliquid-2025-07-21.cap.gz", "hyperliquid-2025-07-21.1.cap.gz"]);
    // Read in the wrong order, the second book would be rejected as time going backwards.
    expect(report.rejects.count).toBe(0);
    expect(report.countsByKind).toEqual({ book: 2 });
  });

  it("fails with a DataFileError for a path that does not exist", async () => {
    await expect(replayDry([join(dir, "missing")])).rejects.toBeInstanceOf(DataFileError);
  });
});
