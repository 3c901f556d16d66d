/**
 * `replay … --metrics-out metrics.arrow | .feather | .parquet`: the metric rows of the CSV export
 * (docs/METRICS.md) as one typed columnar table. Same columns, same order, same rows; an empty
 * CSV cell is a null. `time_utc` is a UTC timestamp (ms), `ts_ms` an int64, `market`, `symbol`
 * and `interval` strings, every metric a float64.
 */
import type { CandleInterval } from "../core/index.ts";
import { MetricSet } from "../engine/index.ts";
import type { MetricRow } from "../engine/index.ts";
import { ReplayDiagnostics } from "../replay/diagnostics.ts";
import { mergeSources } from "../replay/merge.ts";
import { nothingToReplay, openReplaySources } from "../replay/sources.ts";
import type { SourceFile } from "../replay/sources.ts";
import { fileBytesRead } from "../replay/text-lines.ts";
import { openColumnarSink } from "./columnar.ts";
import type { ColumnSpec } from "./columnar.ts";

/** The key columns that lead every metrics export (CSV or columnar), then the metric columns. */
export const METRICS_KEY_COLUMNS: readonly ColumnSpec[] = [
  { name: "time_utc", type: "timestamp-ms" },
  { name: "ts_ms", type: "int64" },
  { name: "market", type: "utf8" },
  { name: "symbol", type: "utf8" },
  { name: "interval", type: "utf8" },
];

/** Rows per Arrow record batch / Parquet row group. */
export const METRIC_ROWS_PER_BATCH = 65_536;

/**
 * Metric rows held column-major until the columns are known (a correlation column appears with
 * each new perp coin, so the schema is complete only at the end). Memory: 8 bytes per metric
 * cell (a `Float64Array` per column per chunk of {@link METRIC_ROWS_PER_BATCH} rows, NaN for
 * empty) plus one small index per row for the key strings: about 8 × rows × columns bytes
 * (≈ 51 MB for the 101,000 rows × 63 columns of the README's first session).
 */
export class MetricRowChunks {
  readonly chunks: MetricChunk[] = [];
  private current: MetricChunk | undefined;
  /** Distinct key strings (markets, symbols, intervals): rows hold their index. */
  private readonly texts: string[] = [];
  private readonly textIndex = new Map<string, number>();
  private rowCount = 0;
  private readonly rowsPerChunk: number;

  constructor(rowsPerChunk = METRIC_ROWS_PER_BATCH) {
    this.rowsPerChunk = rowsPerChunk;
  }

  get rows(): number {
    return this.rowCount;
  }

  /** Adds rows whose values are aligned with `columnCount` metric columns (a row may be shorter). */
  add(rows: readonly MetricRow[], columnCount: number): void {
    for (const row of rows) {
      let chunk = this.current;
      if (chunk === undefined || chunk.rows === chunk.tsMs.length) {
        chunk = this.newChunk(columnCount);
      }
      // A column that appeared mid-chunk (a new coin's correlation) is null in the rows before.
      while (chunk.values.length < columnCount) chunk.values.push(new Float64Array(chunk.tsMs.length).fill(Number.NaN, 0, chunk.rows));
      const at = chunk.rows;
      chunk.tsMs[at] = row.tsMs;
      chunk.market[at] = this.text(row.marketKey);
      chunk.symbol[at] = this.text(row.symbol);
      chunk.interval[at] = this.text(row.interval);
      const values = row.values;
      const columns = chunk.values;
      const known = Math.min(values.length, columns.length);
      for (let c = 0; c < known; c += 1) {
        const x = values[c];
        columns[c]![at] = x === undefined ? Number.NaN : x;
      }
      // A row made before later coins were seen lacks their trailing correlation columns.
      for (let c = known; c < columns.length; c += 1) columns[c]![at] = Number.NaN;
      chunk.rows += 1;
      this.rowCount += 1;
    }
  }

  /** The string of a key index. */
  textAt(index: number): string {
    return this.texts[index] ?? "";
  }

  private text(value: string): number {
    let index = this.textIndex.get(value);
    if (index === undefined) {
      index = this.texts.length;
      this.texts.push(value);
      this.textIndex.set(value, index);
    }
    return index;
  }

  private newChunk(columnCount: number): MetricChunk {
    const size = this.rowsPerChunk;
    const chunk: MetricChunk = {
      rows: 0,
      tsMs: new Float64Array(size),
      market: new Uint32Array(size),
      symbol: new Uint32Array(size),
      interval: new Uint32Array(size),
      values: Array.from({ length: columnCount }, () => new Float64Array(size)),
    };
    this.chunks.push(chunk);
    this.current = chunk;
    return chunk;
  }
}

/** Up to {@link METRIC_ROWS_PER_BATCH} rows, column-major; `values[c]` for the metric columns known by the chunk's last row. */
export interface MetricChunk {
  rows: number;
  readonly tsMs: Float64Array;
  readonly market: Uint32Array;
  readonly symbol: Uint32Array;
  readonly interval: Uint32Array;
  readonly values: Float64Array[];
}

/**
 * Writes collected rows to `path` as Arrow IPC or Parquet: the key columns, then `columns`
 * (the metric set's final `columns()`); metric columns a chunk lacks are null in it.
 */
export async function writeMetricChunks(path: string, format: "arrow" | "parquet", columns: readonly string[], collected: MetricRowChunks): Promise<void> {
  const schema: ColumnSpec[] = [...METRICS_KEY_COLUMNS, ...columns.map((name): ColumnSpec => ({ name, type: "float64" }))];
  const sink = await openColumnarSink(path, format, schema);
  const strings = (indexes: Uint32Array, rows: number): string[] => Array.from(indexes.subarray(0, rows), (i) => collected.textAt(i));
  for (const chunk of collected.chunks) {
    if (chunk.rows === 0) continue;
    const n = chunk.rows;
    const ts = chunk.tsMs.subarray(0, n);
    await sink.write({
      rows: n,
      columns: [ts, ts, strings(chunk.market, n), strings(chunk.symbol, n), strings(chunk.interval, n), ...columns.map((_, c) => chunk.values[c]?.subarray(0, n))],
    });
  }
  await sink.close();
}

/** What a metrics run wrote (columnar here; the CSV run reports the same, `MetricsOutSummary`). */
export interface MetricsColumnarSummary {
  readonly rows: number;
  /** Market keys that got at least one row, first-seen order. */
  readonly markets: readonly string[];
  readonly columns: number;
  /** Bar close times of the first and last row, ms; undefined without rows. */
  readonly firstMs: number | undefined;
  readonly lastMs: number | undefined;
  readonly events: number;
  readonly rejects: number;
  readonly files: readonly SourceFile[];
  readonly skipped: readonly { readonly path: string; readonly reason: string }[];
}

/** Options of {@link writeMetricsColumnar}, as for the CSV export. */
export interface MetricsColumnarOptions {
  readonly aliases?: Readonly<Record<string, string>>;
  readonly intervals?: readonly CandleInterval[];
  readonly onProgress?: (progress: { readonly events: number; readonly bytesRead: number; readonly bytesTotal: number }) => void;
}

/**
 * Replays `paths` through the full metric set (the same sources, merge and metric set as the
 * CSV export) and writes the rows to `outPath` as Arrow IPC (Feather v2) or Parquet.
 *
 * @throws DataFileError when a given path does not exist or nothing could be replayed
 */
export async function writeMetricsColumnar(paths: readonly string[], outPath: string, format: "arrow" | "parquet", options: MetricsColumnarOptions = {}): Promise<MetricsColumnarSummary> {
  const diagnostics = new ReplayDiagnostics();
  const { sources, files, skipped } = await openReplaySources(paths, options.aliases === undefined ? { diagnostics } : { diagnostics, aliases: options.aliases });
  if (files.length === 0) throw nothingToReplay(paths, skipped, files);
  const bytesTotal = files.reduce((sum, f) => sum + f.bytes, 0);
  const bytesBefore = fileBytesRead();
  let events = 0;
  const progress = (): void => options.onProgress?.({ events, bytesRead: Math.min(bytesTotal, fileBytesRead() - bytesBefore), bytesTotal });
  const set = new MetricSet(options.intervals === undefined ? {} : { intervals: options.intervals });
  const collected = new MetricRowChunks();
  const markets = new Set<string>();
  let firstMs: number | undefined;
  let lastMs: number | undefined;
  const add = (rows: readonly MetricRow[]): void => {
    if (rows.length === 0) return;
    for (const row of rows) markets.add(row.marketKey);
    firstMs ??= rows[0]?.tsMs;
    lastMs = rows[rows.length - 1]?.tsMs;
    collected.add(rows, set.columns().length);
  };
  progress();
  for await (const batch of mergeSources(sources, { onSourceDone: progress })) {
    for (const event of batch) add(set.update(event));
    events += batch.length;
    progress();
  }
  if (events === 0) throw nothingToReplay(paths, skipped, files);
  add(set.flush());
  await writeMetricChunks(outPath, format, set.columns(), collected);
  return { rows: collected.rows, markets: [...markets], columns: set.columns().length, firstMs, lastMs, events, rejects: diagnostics.rejectCount, files, skipped };
}
