import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { tableFromIPC } from "apache-arrow";
import { parquetMetadata, parquetReadObjects } from "hyparquet";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { exportFormatOf, openColumnarSink, writeColumnarFile } from "./columnar.ts";
import type { ColumnSpec } from "./columnar.ts";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "columnar-"));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

// 2024-09-04 11:59:59.999 UTC, the close of the 11:00 hourly bar, and the two closes after it.
const T0 = Date.UTC(2024, 8, 4, 11, 59, 59, 999);
const HOUR = 3_600_000;
const SCHEMA: ColumnSpec[] = [
  { name: "time_utc", type: "timestamp-ms" },
  { name: "ts_ms", type: "int64" },
  { name: "market", type: "utf8" },
  { name: "x", type: "float64" },
  { name: "later", type: "float64" },
];
const BATCH = {
  rows: 3,
  columns: [
    [T0, T0 + HOUR, T0 + 2 * HOUR],
    [T0, T0 + HOUR, T0 + 2 * HOUR],
    ["hyperliquid:perp:BTC", undefined, 'odd,"name"'],
    new Float64Array([1.5, Number.NaN, -0.25]),
    undefined, // a column all null in this batch
  ],
};

describe("exportFormatOf", () => {
  it("takes the format from the extension, CSV otherwise", () => {
    expect(exportFormatOf("m.arrow")).toBe("arrow");
    expect(exportFormatOf("dir.x/m.FEATHER")).toBe("arrow");
    expect(exportFormatOf("m.ipc")).toBe("arrow");
    expect(exportFormatOf("m.parquet")).toBe("parquet");
    expect(exportFormatOf("m.csv")).toBe("csv");
    expect(exportFormatOf("metrics")).toBe("csv");
  });
});

describe("an Arrow IPC file (Feather v2)", () => {
  it("has the schema's types and the values, with not-finite numbers and missing strings as null", async () => {
    const path = join(dir, "t.arrow");
    await writeColumnarFile(path, "arrow", SCHEMA, BATCH);
    const bytes = readFileSync(path);
    // The IPC file format: "ARROW1" magic at both ends (Feather v2 is this format).
    expect(bytes.subarray(0, 6).toString("latin1")).toBe("ARROW1");
    expect(bytes.subarray(bytes.length - 6).toString("latin1")).toBe("ARROW1");
    const table = tableFromIPC(bytes);
    expect(table.schema.fields.map((f) => `${f.name}:${String(f.type)}`)).toEqual([
      "time_utc:Timestamp<MILLISECOND, UTC>",
      "ts_ms:Int64",
      "market:Utf8",
      "x:Float64",
      "later:Float64",
    ]);
    expect(table.numRows).toBe(3);
    expect(table.getChild("ts_ms")?.toArray()).toEqual(new BigInt64Array([BigInt(T0), BigInt(T0 + HOUR), BigInt(T0 + 2 * HOUR)]));
    expect([...(table.getChild("market") ?? [])]).toEqual(["hyperliquid:perp:BTC", null, 'odd,"name"']);
    expect([...(table.getChild("x") ?? [])]).toEqual([1.5, null, -0.25]);
    expect([...(table.getChild("later") ?? [])]).toEqual([null, null, null]);
    expect(table.getChild("time_utc")?.get(0)).toBe(T0);
  });

  it("appends one record batch per write and keeps the schema of a file without rows", async () => {
    const path = join(dir, "two.feather");
    const sink = await openColumnarSink(path, "arrow", SCHEMA);
    await sink.write(BATCH);
    await sink.write({ rows: 1, columns: [[T0 + 3 * HOUR], [T0 + 3 * HOUR], ["b"], new Float64Array([7]), [Infinity]] });
    await sink.close();
    const table = tableFromIPC(readFileSync(path));
    expect(table.batches).toHaveLength(2);
    expect([...(table.getChild("x") ?? [])]).toEqual([1.5, null, -0.25, 7]);
    expect([...(table.getChild("later") ?? [])]).toEqual([null, null, null, null]);

    const empty = join(dir, "empty.arrow");
    await writeColumnarFile(empty, "arrow", SCHEMA, { rows: 0, columns: [] });
    const none = tableFromIPC(readFileSync(empty));
    expect(none.numRows).toBe(0);
    expect(none.schema.fields.map((f) => f.name)).toEqual(["time_utc", "ts_ms", "market", "x", "later"]);
  });
});

describe("a Parquet file", () => {
  it("reads back (hyparquet) with UTC millisecond timestamps, int64, strings and nullable doubles", async () => {
    const path = join(dir, "t.parquet");
    const sink = await openColumnarSink(path, "parquet", SCHEMA);
    await sink.write(BATCH);
    await sink.write({ rows: 1, columns: [[T0 + 3 * HOUR], [T0 + 3 * HOUR], ["b"], new Float64Array([7]), [Infinity]] });
    await sink.close();
    const bytes = readFileSync(path);
    expect(bytes.subarray(0, 4).toString("latin1")).toBe("PAR1");
    const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
    const meta = parquetMetadata(buffer);
    expect(Number(meta.num_rows)).toBe(4);
    expect(meta.row_groups).toHaveLength(2); // one per write
    const time = meta.schema.find((e) => e.name === "time_utc");
    expect(time?.logical_type).toEqual({ type: "TIMESTAMP", isAdjustedToUTC: true, unit: "MILLIS" });
    expect(meta.schema.find((e) => e.name === "x")?.type).toBe("DOUBLE");
    const rows = (await parquetReadObjects({ file: buffer })) as Record<string, unknown>[];
    expect(rows.map((r) => r["ts_ms"])).toEqual([BigInt(T0), BigInt(T0 + HOUR), BigInt(T0 + 2 * HOUR), BigInt(T0 + 3 * HOUR)]);
    expect(rows.map((r) => (r["time_utc"] as Date).toISOString())).toEqual([
      "2024-09-04T11:59:59.999Z",
      "2024-09-04T12:59:59.999Z",
      "2024-09-04T13:59:59.999Z",
      "2024-09-04T14:59:59.999Z",
    ]);
    expect(rows.map((r) => r["market"])).toEqual(["hyperliquid:perp:BTC", null, 'odd,"name"', "b"]);
    expect(rows.map((r) => r["x"])).toEqual([1.5, null, -0.25, 7]);
    expect(rows.map((r) => r["later"])).toEqual([null, null, null, null]);
  });
});
