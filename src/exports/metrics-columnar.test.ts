import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { tableFromIPC } from "apache-arrow";
import { parquetReadObjects } from "hyparquet";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { writeMetricsCsv } from "../cli/replay.ts";
import type { MetricRow } from "../engine/index.ts";
import { MetricRowChunks, writeMetricsColumnar } from "./metrics-columnar.ts";

const DAY0 = Date.UTC(2024, 2, 1);
const MIN = 60_000;

/** One flat 1m bar (o = h = l = c) in Hyperliquid's candleSnapshot layout. */
function bar(coin: string, i: number, px: number, volume: number): string {
  const t = DAY0 + i * MIN;
  return `${t},${t + MIN - 1},${coin},1m,${px},${px},${px},${px},${volume}`;
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "metrics-columnar-"));
  // BTC: 20 bars at 100 with volumes 1..20, then one at 110 with volume 42.
  writeFileSync(join(dir, "hl_perp_BTC_1m.csv"), `${["t,T,s,i,o,c,h,l,v", ...Array.from({ length: 20 }, (_, i) => bar("BTC", i, 100, i + 1)), bar("BTC", 20, 110, 42)].join("\n")}\n`);
  // ETH appears only at bar 19: the BTC rows before it lack ETH's correlation column.
  writeFileSync(join(dir, "hl_perp_ETH_1m.csv"), `${["t,T,s,i,o,c,h,l,v", bar("ETH", 19, 3_000, 5), bar("ETH", 20, 3_010, 5)].join("\n")}\n`);
  writeFileSync(join(dir, "hl_funding_BTC.csv"), `coin,fundingRate,premium,time\nBTC,0.0000125,,${DAY0 + 5 * MIN}\n`);
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** The CSV export as rows of cells (our CSV quotes nothing in this fixture). */
function csvRows(path: string): { header: string[]; rows: string[][] } {
  const lines = readFileSync(path, "utf8").trimEnd().split("\n");
  return { header: (lines[0] ?? "").split(","), rows: lines.slice(1).map((l) => l.split(",")) };
}

/** A columnar cell as the CSV writes it: null → empty, a time as ISO text, numbers in JS's shortest form. */
function asCsvCell(value: unknown, column: string): string {
  if (value === null || value === undefined) return "";
  if (column === "time_utc") return new Date(value instanceof Date ? value.getTime() : Number(value)).toISOString();
  return typeof value === "number" || typeof value === "bigint" || typeof value === "string" ? String(value) : JSON.stringify(value);
}

describe("replay --metrics-out to Arrow IPC and Parquet", () => {
  it("holds exactly the CSV export's columns, rows and cells, nulls where the CSV is empty", async () => {
    const csv = join(dir, "m.csv");
    await writeMetricsCsv([dir], csv);
    const expected = csvRows(csv);

    const arrowPath = join(dir, "m.arrow");
    const summary = await writeMetricsCsv([dir], arrowPath); // the CLI's entry point picks the format by extension
    expect(summary.rows).toBe(23); // 21 BTC bars + 2 ETH bars
    expect(summary.markets).toEqual(["hyperliquid:perp:BTC", "hyperliquid:perp:ETH"]);
    const table = tableFromIPC(readFileSync(arrowPath));
    expect(table.schema.fields.map((f) => f.name)).toEqual(expected.header);
    expect(table.numRows).toBe(expected.rows.length);
    const arrowRows = table.toArray().map((r: Record<string, unknown>) => expected.header.map((h) => asCsvCell(r[h], h)));
    expect(arrowRows).toEqual(expected.rows);

    const parquetPath = join(dir, "m.parquet");
    await writeMetricsColumnar([dir], parquetPath, "parquet");
    const bytes = readFileSync(parquetPath);
    const objects: Record<string, unknown>[] = await parquetReadObjects({ file: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) });
    expect(objects.map((r) => expected.header.map((h) => asCsvCell(r[h], h)))).toEqual(expected.rows);
  });

  it("has hand-checked cells: BTC's last volume ratio, and ETH's correlation column null before ETH was seen", async () => {
    const path = join(dir, "m.feather");
    await writeMetricsColumnar([dir], path, "arrow");
    const rows = tableFromIPC(readFileSync(path)).toArray() as Record<string, unknown>[];
    const btcLast = rows.find((r) => r["market"] === "hyperliquid:perp:BTC" && r["ts_ms"] === BigInt(DAY0 + 21 * MIN - 1));
    // volume 42 over the mean of the 20 bars before (1..20: 210 / 20 = 10.5) = 4
    expect(btcLast?.["volumeRatio"]).toBe(4);
    expect(btcLast?.["interval"]).toBe("1m");
    expect(btcLast?.["symbol"]).toBe("BTC");
    // funding 0.0000125 per hour, × 8 = 0.0001 per 8 h
    expect(btcLast?.["fundingRate.perHour"]).toBe(0.0000125);
    const btcFirst = rows.find((r) => r["market"] === "hyperliquid:perp:BTC" && r["ts_ms"] === BigInt(DAY0 + MIN - 1));
    expect(btcFirst).toBeDefined();
    expect(btcFirst?.["hourlyReturnCorrelation.ETH"]).toBeNull();
    expect(btcFirst?.["volumeRatio"]).toBeNull(); // 21 bars needed
  });
});

describe("MetricRowChunks", () => {
  const row = (tsMs: number, values: (number | undefined)[]): MetricRow => ({ tsMs, marketKey: "hyperliquid:perp:BTC", symbol: "BTC", interval: "1h", values });

  it("starts a chunk every rowsPerChunk rows and pads a column that appears mid-chunk with NaN (null) in the rows before", () => {
    const chunks = new MetricRowChunks(2);
    chunks.add([row(1, [0.5])], 1);
    chunks.add([row(2, [0.25, 3])], 2); // a second column appears with the second row
    chunks.add([row(3, [undefined, 4])], 2);
    expect(chunks.rows).toBe(3);
    expect(chunks.chunks).toHaveLength(2);
    const [first, second] = chunks.chunks;
    expect(first?.rows).toBe(2);
    expect([...(first?.values[0] ?? [])]).toEqual([0.5, 0.25]);
    expect([...(first?.values[1] ?? [])]).toEqual([Number.NaN, 3]);
    expect(second?.rows).toBe(1);
    expect(second?.values[0]?.[0]).toBeNaN();
    expect(second?.values[1]?.[0]).toBe(4);
    expect(chunks.textAt(second?.market[0] ?? -1)).toBe("hyperliquid:perp:BTC");
  });
});
