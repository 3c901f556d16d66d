/**
 * Columnar files for research tools: Apache Arrow IPC files (Feather v2: `.arrow`, `.feather`,
 * `.ipc`) written with `apache-arrow`, and Parquet (`.parquet`) written with `hyparquet-writer`;
 * both pure JavaScript. pandas (`read_feather`, `read_parquet`), polars, DuckDB and R's `arrow`
 * read them directly. The schema is fixed when the file is opened; rows arrive in batches.
 *
 * Cell conventions, the same as the CSV exports': a number that is `undefined` or not finite
 * (`NaN`, `±Infinity`) is written as null; a `undefined` string is null.
 */
import { once } from "node:events";
import { createWriteStream } from "node:fs";
import { extname } from "node:path";
import type { Writable } from "node:stream";
import {
  Field,
  Float64,
  Int64,
  makeData,
  RecordBatch,
  RecordBatchFileWriter,
  Schema,
  Struct,
  TimestampMillisecond,
  Utf8,
} from "apache-arrow";
import type { Data, DataType } from "apache-arrow";
import { fileWriter, ParquetWriter } from "hyparquet-writer";
import type { ColumnSource, SchemaElement, Writer } from "hyparquet-writer";

/** Output format of an export, chosen by the file name. */
export type ExportFormat = "csv" | "arrow" | "parquet";

/**
 * The format a path asks for: `.arrow`, `.feather`, `.ipc` → Arrow IPC file (Feather v2);
 * `.parquet` → Parquet; anything else (`.csv`, no extension) → CSV. Case-insensitive.
 */
export function exportFormatOf(path: string): ExportFormat {
  const ext = extname(path).toLowerCase();
  if (ext === ".arrow" || ext === ".feather" || ext === ".ipc") return "arrow";
  if (ext === ".parquet") return "parquet";
  return "csv";
}

/**
 * A column's type:
 * - `float64`: a double, null when not finite;
 * - `int64`: a whole number (ms, counts), exact up to 2^53;
 * - `timestamp-ms`: ms since epoch, UTC (Arrow `timestamp[ms, tz=UTC]`, Parquet `TIMESTAMP(MILLIS, UTC)`);
 * - `utf8`: text.
 */
export type ColumnType = "float64" | "int64" | "timestamp-ms" | "utf8";

export interface ColumnSpec {
  readonly name: string;
  readonly type: ColumnType;
}

/** The values of one column in a batch: numbers for the numeric types, strings for `utf8`. */
export type ColumnValues = Float64Array | readonly (number | undefined)[] | readonly (string | undefined)[];

/**
 * Rows in column-major form: `columns[i]` holds `rows` values of `schema[i]`, or is `undefined`
 * when the whole column is null in this batch (a column that did not exist yet when the rows
 * were made).
 */
export interface ColumnBatch {
  readonly rows: number;
  readonly columns: readonly (ColumnValues | undefined)[];
}

/** An open columnar file. `write` may be called any number of times; `close` finishes the file. */
export interface ColumnarSink {
  write(batch: ColumnBatch): Promise<void>;
  close(): Promise<void>;
}

/**
 * Opens `path` for writing in `format` (`arrow` or `parquet`) with a fixed schema.
 * Each `write` becomes one Arrow record batch or one Parquet row group (Snappy-compressed
 * pages; min/max statistics on the time, integer and text columns), streamed to disk.
 *
 * @throws Error when the file cannot be created
 */
export async function openColumnarSink(path: string, format: "arrow" | "parquet", schema: readonly ColumnSpec[]): Promise<ColumnarSink> {
  return format === "arrow" ? openArrowSink(path, schema) : openParquetSink(path, schema);
}

/** Writes a whole table at once (one batch). */
export async function writeColumnarFile(path: string, format: "arrow" | "parquet", schema: readonly ColumnSpec[], batch: ColumnBatch): Promise<void> {
  const sink = await openColumnarSink(path, format, schema);
  if (batch.rows > 0) await sink.write(batch);
  await sink.close();
}

// ---- Arrow IPC file -----------------------------------------------------------------------------

function arrowType(type: ColumnType): DataType {
  switch (type) {
    case "float64":
      return new Float64();
    case "int64":
      return new Int64();
    case "timestamp-ms":
      return new TimestampMillisecond("UTC");
    case "utf8":
      return new Utf8();
  }
}

/** A validity bitmap (1 = valid, least significant bit first) and the null count; no bitmap when nothing is null. */
function validity(rows: number, isValid: (i: number) => boolean): { nullBitmap: Uint8Array | undefined; nullCount: number } {
  const bitmap = new Uint8Array((rows + 7) >> 3);
  let nullCount = 0;
  for (let i = 0; i < rows; i += 1) {
    if (isValid(i)) bitmap[i >> 3]! |= 1 << (i & 7);
    else nullCount += 1;
  }
  return { nullBitmap: nullCount === 0 ? undefined : bitmap, nullCount };
}

function numberAt(values: ColumnValues | undefined, i: number): number | undefined {
  const x = values?.[i];
  return typeof x === "number" && Number.isFinite(x) ? x : undefined;
}

function arrowColumn(spec: ColumnSpec, values: ColumnValues | undefined, rows: number): Data {
  const type = arrowType(spec.type);
  if (spec.type === "utf8") return utf8Column(values, rows);
  if (spec.type === "float64" && values instanceof Float64Array) return float64Column(values, rows);
  const { nullBitmap, nullCount } = validity(rows, (i) => numberAt(values, i) !== undefined);
  if (spec.type === "float64") {
    const data = new Float64Array(rows);
    for (let i = 0; i < rows; i += 1) data[i] = numberAt(values, i) ?? 0;
    return makeData({ type: type as Float64, length: rows, nullCount, ...(nullBitmap === undefined ? {} : { nullBitmap }), data });
  }
  const data = new BigInt64Array(rows);
  for (let i = 0; i < rows; i += 1) data[i] = BigInt(Math.trunc(numberAt(values, i) ?? 0));
  if (spec.type === "int64") return makeData({ type: type as Int64, length: rows, nullCount, ...(nullBitmap === undefined ? {} : { nullBitmap }), data });
  return makeData({ type: type as TimestampMillisecond, length: rows, nullCount, ...(nullBitmap === undefined ? {} : { nullBitmap }), data });
}

/** The hot path of the metric exports: one pass over a Float64Array, not-finite → null. */
function float64Column(values: Float64Array, rows: number): Data<Float64> {
  const data = new Float64Array(rows);
  const bitmap = new Uint8Array((rows + 7) >> 3);
  let nullCount = 0;
  for (let i = 0; i < rows; i += 1) {
    const x = values[i] as number;
    if (Number.isFinite(x)) {
      data[i] = x;
      bitmap[i >> 3]! |= 1 << (i & 7);
    } else {
      nullCount += 1;
    }
  }
  return makeData({ type: new Float64(), length: rows, nullCount, ...(nullCount === 0 ? {} : { nullBitmap: bitmap }), data });
}

/** A UTF-8 column; each distinct string is encoded once (key columns repeat a few names). */
function utf8Column(values: ColumnValues | undefined, rows: number): Data<Utf8> {
  const encoder = new TextEncoder();
  const encoded = new Map<string, Uint8Array>();
  const parts: (Uint8Array | undefined)[] = new Array<Uint8Array | undefined>(rows);
  let bytes = 0;
  for (let i = 0; i < rows; i += 1) {
    const x = values?.[i];
    if (typeof x !== "string") continue;
    let part = encoded.get(x);
    if (part === undefined) {
      part = encoder.encode(x);
      encoded.set(x, part);
    }
    parts[i] = part;
    bytes += part.length;
  }
  const valueOffsets = new Int32Array(rows + 1);
  const data = new Uint8Array(bytes);
  let at = 0;
  for (let i = 0; i < rows; i += 1) {
    const part = parts[i];
    if (part !== undefined) {
      data.set(part, at);
      at += part.length;
    }
    valueOffsets[i + 1] = at;
  }
  const { nullBitmap, nullCount } = validity(rows, (i) => parts[i] !== undefined);
  return makeData({ type: new Utf8(), length: rows, nullCount, ...(nullBitmap === undefined ? {} : { nullBitmap }), valueOffsets, data });
}

async function openArrowSink(path: string, specs: readonly ColumnSpec[]): Promise<ColumnarSink> {
  const fields = specs.map((s) => new Field(s.name, arrowType(s.type), true));
  const schema = new Schema(fields);
  const out = createWriteStream(path);
  await once(out, "open");
  const writer = new RecordBatchFileWriter();
  const stream = writer.toNodeStream();
  stream.pipe(out);
  const done = once(out, "finish");
  let wrote = false;
  return {
    write: async (batch) => {
      const children = specs.map((spec, i) => arrowColumn(spec, batch.columns[i], batch.rows));
      const data = makeData({ type: new Struct(fields), length: batch.rows, nullCount: 0, children });
      writer.write(new RecordBatch(schema, data));
      wrote = true;
      await drained(out);
    },
    close: async () => {
      // A file without batches still carries its schema (readers see the columns, zero rows).
      if (!wrote) writer.reset(undefined, schema);
      writer.finish();
      await done;
    },
  };
}

async function drained(stream: Writable): Promise<void> {
  if (stream.writableNeedDrain) await once(stream, "drain");
}

// ---- Parquet -----------------------------------------------------------------------------------

function parquetElement(spec: ColumnSpec): SchemaElement {
  switch (spec.type) {
    case "float64":
      return { name: spec.name, type: "DOUBLE", repetition_type: "OPTIONAL" };
    case "int64":
      return { name: spec.name, type: "INT64", repetition_type: "OPTIONAL" };
    case "timestamp-ms":
      return {
        name: spec.name,
        type: "INT64",
        repetition_type: "OPTIONAL",
        converted_type: "TIMESTAMP_MILLIS",
        logical_type: { type: "TIMESTAMP", isAdjustedToUTC: true, unit: "MILLIS" },
      };
    case "utf8":
      return { name: spec.name, type: "BYTE_ARRAY", repetition_type: "OPTIONAL", converted_type: "UTF8", logical_type: { type: "STRING" } };
  }
}

function parquetColumn(spec: ColumnSpec, values: ColumnValues | undefined, rows: number): ColumnSource {
  const data: (number | bigint | string | null)[] = new Array<number | bigint | string | null>(rows);
  if (spec.type === "utf8") {
    for (let i = 0; i < rows; i += 1) {
      const x = values?.[i];
      data[i] = typeof x === "string" ? x : null;
    }
  } else if (spec.type === "float64") {
    for (let i = 0; i < rows; i += 1) data[i] = numberAt(values, i) ?? null;
  } else {
    for (let i = 0; i < rows; i += 1) {
      const x = numberAt(values, i);
      data[i] = x === undefined ? null : BigInt(Math.trunc(x));
    }
  }
  // Min/max statistics (for a reader's row-group pruning) on the key columns only: on every
  // metric column they doubled the write time for little use.
  return { name: spec.name, data, statistics: spec.type !== "float64" };
}

// eslint-disable-next-line @typescript-eslint/require-await
async function openParquetSink(path: string, specs: readonly ColumnSpec[]): Promise<ColumnarSink> {
  const writer: Writer = fileWriter(path);
  const root: SchemaElement = { name: "root", num_children: specs.length };
  const parquet = new ParquetWriter({ writer, schema: [root, ...specs.map(parquetElement)], createdBy: "strategy-monitor (hyparquet-writer)" });
  return {
    write: async (batch) => {
      const columnData = specs.map((spec, i) => parquetColumn(spec, batch.columns[i], batch.rows));
      await parquet.write({ columnData, rowGroupSize: Math.max(1, batch.rows) });
    },
    close: async () => {
      await parquet.finish();
    },
  };
}
