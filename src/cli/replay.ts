/**
 * `strategy-monitor replay`: captures and history files through the same parser as live.
 * With `--dry` it reports what is there (counts, time ranges, gaps, rejects) without running
 * the pipeline; with `--metrics-out <file>` it runs the full metric set and writes one CSV row
 * per market per closed bar.
 */
import { once } from "node:events";
import { createReadStream, createWriteStream } from "node:fs";
import { rm } from "node:fs/promises";
import type { Writable } from "node:stream";
import { createInterface } from "node:readline";
import { isCandleInterval } from "../core/index.ts";
import type { CandleInterval } from "../core/index.ts";
import { MetricSet } from "../engine/index.ts";
import { exportFormatOf } from "../exports/columnar.ts";
import { writeMetricsColumnar } from "../exports/metrics-columnar.ts";
import type { MetricsColumnarSummary } from "../exports/metrics-columnar.ts";
import type { MetricRow } from "../engine/index.ts";
import { ReplayDiagnostics } from "../replay/diagnostics.ts";
import { replayDry } from "../replay/dry-run.ts";
import type { DryRunReport } from "../replay/dry-run.ts";
import { mergeSources } from "../replay/merge.ts";
import { nothingToReplay, openReplaySources } from "../replay/sources.ts";
import { fileBytesRead } from "../replay/text-lines.ts";
import { existsSync } from "node:fs";
import { DatabaseSync } from "node:sqlite";
import { Journal, trialRegistryPath } from "../journal/index.ts";
import type { LifecycleEntry } from "../journal/index.ts";
import { CliUsageError } from "./errors.ts";
import { replayProgress } from "./progress.ts";
import type { ReplayProgressUpdate } from "./progress.ts";
import { commandContext } from "./shared.ts";
import type { CommonOptions } from "./shared.ts";

export interface ReplayCliOptions extends CommonOptions {
  readonly dry?: boolean;
  readonly json?: boolean;
  /** File for the metric rows: CSV, or Arrow IPC / Parquet by extension (`.arrow`, `.feather`, `.parquet`). */
  readonly metricsOut?: string;
}

export async function runReplay(paths: readonly string[], options: ReplayCliOptions): Promise<void> {
  if (options.dry !== true && options.metricsOut !== undefined) {
    await runMetricsOut(paths, options.metricsOut, options);
    return;
  }
  if (options.dry !== true) {
    throw new CliUsageError(
      "replay needs --dry (report what the files hold), --metrics-out <file> (write every metric per closed bar to CSV) " +
        "or --db <file> (paper-trade every strategy into a SQLite journal)",
    );
  }
  const { config } = commandContext(options);
  const bar = replayProgress("replay", options.json !== true && process.stderr.isTTY);
  let report: DryRunReport;
  try {
    report = await replayDry(paths, { aliases: config.spot.baseAliases, onProgress: (p) => bar.update(p) });
  } finally {
    bar.stop();
  }
  if (report.events === 0) throw nothingToReplay(paths, report.skipped, report.files);
  process.stdout.write(options.json === true ? `${JSON.stringify(report, null, 2)}\n` : formatDryRun(report));
  if (report.files.some((f) => f.error !== undefined)) {
    process.exitCode = 1;
  }
}

/** "  … and 6 more gaps not listed": said whenever a list is cut short. */
function more(count: number, listed: number, what: string): string[] {
  return count > listed ? [`  … and ${n(count - listed)} more ${what} not listed (the counts above are complete)`] : [];
}

const iso = (ms: number): string => new Date(ms).toISOString().replace(".000Z", "Z");
const n = (value: number): string => value.toLocaleString("en-US");

function table(rows: readonly (readonly string[])[], rightAligned: ReadonlySet<number> = new Set()): string {
  const widths = rows[0]?.map((_, col) => Math.max(...rows.map((r) => (r[col] ?? "").length))) ?? [];
  return rows
    .map((r) => r.map((cell, col) => (rightAligned.has(col) ? cell.padStart(widths[col] ?? 0) : cell.padEnd(widths[col] ?? 0))).join("  ").trimEnd())
    .join("\n");
}

/** The dry-run report as plain-text tables. */
export function formatDryRun(report: DryRunReport): string {
  const out: string[] = [];
  const failed = report.files.filter((f) => f.error !== undefined);
  out.push(`files read: ${report.files.length}${failed.length > 0 ? ` (${failed.length} failed)` : ""}; skipped: ${report.skipped.length}; events: ${n(report.events)}`);
  out.push("");
  out.push("events by kind");
  out.push(table(Object.entries(report.countsByKind).map(([kind, count]) => [`  ${kind}`, n(count)]), new Set([1])));
  out.push("");
  out.push("markets");
  out.push(
    table(
      [["  market", "kind", "interval", "events", "first", "last"], ...report.ranges.map((r) => [`  ${r.key}`, r.kind, r.interval ?? "", n(r.count), iso(r.firstMs), iso(r.lastMs)])],
      new Set([3]),
    ),
  );
  out.push("");
  out.push(`gaps: ${n(report.gaps.count)} (${n(report.gaps.missing)} missing bars or settlements)`);
  for (const g of report.gaps.listed) {
    out.push(`  ${g.key} ${g.kind}${g.interval === undefined ? "" : ` ${g.interval}`}: ${iso(g.fromMs)} → ${iso(g.toMs)}${g.missing === undefined ? "" : ` (${g.missing} missing)`}`);
  }
  out.push(...more(report.gaps.count, report.gaps.listed.length, "gaps"));
  out.push(`rejects: ${n(report.rejects.count)}`);
  for (const r of report.rejects.listed) {
    out.push(`  ${r.file}:${r.line}: ${r.message}`);
  }
  out.push(...more(report.rejects.count, report.rejects.listed.length, "rejects"));
  if (report.outOfOrder > 0) {
    out.push(`events out of time order (unsorted source): ${n(report.outOfOrder)}`);
  }
  for (const f of failed) {
    out.push(`failed: ${f.path}: ${f.error ?? ""}`);
  }
  for (const s of report.skipped) {
    out.push(`skipped: ${s.path}: ${s.reason}`);
  }
  for (const note of report.notes) {
    out.push(`note: ${note.file}: ${note.message}`);
  }
  return `${out.join("\n")}\n`;
}

/** What a metrics run wrote: the same summary whichever format (CSV, Arrow, Parquet). */
export type MetricsOutSummary = MetricsColumnarSummary;

/** The fixed leading columns of the metrics CSV; the metric columns follow in `MetricSet.columns()` order. */
export const METRICS_CSV_KEY_COLUMNS = ["time_utc", "ts_ms", "market", "symbol", "interval"] as const;

/**
 * Replays `paths` through the full metric set and writes `outPath`: header
 * `time_utc,ts_ms,market,symbol,interval,<metric columns…>`, one row per market per closed bar,
 * undefined values as empty cells. Rows stream to a temporary file beside `outPath` (memory stays
 * bounded); the header is known only at the end (a correlation column per perp coin seen), so
 * the file is then written once more with the header and each row padded to the full width.
 *
 * @throws DataFileError when a given path does not exist
 */
export async function writeMetricsCsv(
  paths: readonly string[],
  outPath: string,
  options: { aliases?: Readonly<Record<string, string>>; intervals?: readonly CandleInterval[]; onProgress?: (progress: ReplayProgressUpdate) => void } = {},
): Promise<MetricsOutSummary> {
  // `.arrow`/`.feather`/`.ipc` and `.parquet` get the same rows as a typed columnar file (src/exports).
  const format = exportFormatOf(outPath);
  if (format !== "csv") return writeMetricsColumnar(paths, outPath, format, options);
  const diagnostics = new ReplayDiagnostics();
  const { sources, files, skipped } = await openReplaySources(paths, options.aliases === undefined ? { diagnostics } : { diagnostics, aliases: options.aliases });
  if (files.length === 0) throw nothingToReplay(paths, skipped, files);
  const bytesTotal = files.reduce((sum, f) => sum + f.bytes, 0);
  const bytesBefore = fileBytesRead();
  const progress = (): void => options.onProgress?.({ events, bytesRead: Math.min(bytesTotal, fileBytesRead() - bytesBefore), bytesTotal });
  const set = new MetricSet(options.intervals === undefined ? {} : { intervals: options.intervals });
  const tmpPath = `${outPath}.rows.tmp`;
  const body = createWriteStream(tmpPath);
  const markets = new Set<string>();
  let rows = 0;
  let events = 0;
  let firstMs: number | undefined;
  let lastMs: number | undefined;
  const write = async (list: readonly MetricRow[]): Promise<void> => {
    const columns = set.columns();
    for (const row of list) {
      markets.add(row.marketKey);
      firstMs ??= row.tsMs;
      lastMs = row.tsMs;
      rows += 1;
      await put(body, `${csvLine(row, columns)}\n`);
    }
  };
  try {
    progress();
    for await (const batch of mergeSources(sources, { onSourceDone: progress })) {
      for (const event of batch) {
        const out = set.update(event);
        if (out.length > 0) await write(out);
      }
      events += batch.length;
      progress();
    }
    if (events === 0) throw nothingToReplay(paths, skipped, files);
    await write(set.flush());
    await close(body);

    const columns = set.columns();
    const out = createWriteStream(outPath);
    await put(out, `${[...METRICS_CSV_KEY_COLUMNS, ...columns].map(csvField).join(",")}\n`);
    const width = METRICS_CSV_KEY_COLUMNS.length + columns.length;
    const lines = createInterface({ input: createReadStream(tmpPath), crlfDelay: Infinity });
    for await (const line of lines) {
      // Rows written before a coin was first seen lack its trailing correlation columns.
      const missing = width - cellCount(line);
      await put(out, missing > 0 ? `${line}${",".repeat(missing)}\n` : `${line}\n`);
    }
    await close(out);
  } finally {
    body.destroy();
    await rm(tmpPath, { force: true });
  }
  return { rows, markets: [...markets], columns: set.columns().length, firstMs, lastMs, events, rejects: diagnostics.rejectCount, files, skipped };
}

async function runMetricsOut(paths: readonly string[], outPath: string, options: ReplayCliOptions): Promise<void> {
  const { config } = commandContext(options);
  const intervals = options.intervals === undefined ? undefined : intervalList(options.intervals);
  const bar = replayProgress("metrics", options.json !== true && process.stderr.isTTY);
  let summary: MetricsOutSummary;
  try {
    summary = await writeMetricsCsv(paths, outPath, {
      aliases: config.spot.baseAliases,
      ...(intervals === undefined ? {} : { intervals }),
      onProgress: (p) => bar.update(p),
    });
  } finally {
    bar.stop();
  }
  process.stdout.write(options.json === true ? `${JSON.stringify(summary, null, 2)}\n` : formatMetricsSummary(outPath, summary));
  if (summary.files.some((f) => f.error !== undefined)) process.exitCode = 1;
}

function intervalList(text: string): CandleInterval[] {
  const list = text.split(",").map((s) => s.trim()).filter((s) => s.length > 0);
  const bad = list.filter((s) => !isCandleInterval(s));
  if (list.length === 0 || bad.length > 0) throw new CliUsageError(`--intervals must be candle intervals such as 1m,1h (got ${JSON.stringify(text)})`);
  return list as CandleInterval[];
}

/** The metrics run summary as text. */
export function formatMetricsSummary(outPath: string, s: MetricsOutSummary): string {
  const out: string[] = [];
  out.push(`wrote ${outPath}: ${n(s.rows)} rows, ${s.markets.length} markets, ${s.columns} metric columns (+ ${METRICS_CSV_KEY_COLUMNS.length} key columns)`);
  out.push(`bars closing ${s.firstMs === undefined ? "-" : iso(s.firstMs)} → ${s.lastMs === undefined ? "-" : iso(s.lastMs)}; ${n(s.events)} events from ${s.files.length} sources; rejects: ${n(s.rejects)}`);
  for (const m of s.markets) out.push(`  ${m}`);
  for (const f of s.files.filter((x) => x.error !== undefined)) out.push(`failed: ${f.path}: ${f.error ?? ""}`);
  for (const k of s.skipped) out.push(`skipped: ${k.path}: ${k.reason}`);
  return `${out.join("\n")}\n`;
}

function csvLine(row: MetricRow, columns: readonly string[]): string {
  let line = `${new Date(row.tsMs).toISOString()},${row.tsMs},${csvField(row.marketKey)},${csvField(row.symbol)},${row.interval}`;
  // Values are aligned with the columns; a row lacks the trailing columns of coins seen after it.
  for (let i = 0; i < columns.length; i += 1) {
    const x = row.values[i];
    line += x === undefined || !Number.isFinite(x) ? "," : `,${x}`;
  }
  return line;
}

/** A CSV field, quoted only when it holds a comma, quote or newline. */
function csvField(text: string): string {
  return /[",\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** Cells in a line written by csvLine: only its market and symbol fields can be quoted. */
function cellCount(line: string): number {
  let cells = 1;
  let quoted = false;
  for (let i = 0; i < line.length; i += 1) {
    const c = line.charCodeAt(i);
    if (c === 34) quoted = !quoted;
    else if (c === 44 && !quoted) cells += 1;
  }
  return cells;
}

async function put(stream: Writable, text: string): Promise<void> {
  if (!stream.write(text)) await once(stream, "drain");
}

async function close(stream: Writable): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    stream.once("error", reject);
    stream.end(resolve);
  });
}

// ─── --validated-only ──────────────────────────────────────────────────────────────────────────

/** The strategies `replay --validated-only` runs and those it leaves out, with why. */
export interface ValidatedSelection {
  /** Where the lifecycle was read: the journal of --lifecycle-from, or the journals of the trial registry. */
  readonly source: string;
  /** Strategy ids whose current lifecycle state is `validated`, in catalog order. */
  readonly run: readonly string[];
  readonly leftOut: readonly { readonly strategy: string; readonly why: string }[];
}

/**
 * The memo's "only backtest signals that pass forward testing": of `ids` (the catalog), the
 * strategies whose current state in `lifecycle` is `validated`; every other one is left out with
 * its state, since when and the reason recorded for it (none recorded: a candidate never judged).
 * When several entries name one strategy (several journals), the latest (`sinceMs`) holds.
 */
export function selectValidated(lifecycle: readonly LifecycleEntry[], ids: readonly string[], source: string): ValidatedSelection {
  const current = new Map<string, LifecycleEntry>();
  for (const entry of lifecycle) {
    const known = current.get(entry.strategy);
    if (known === undefined || entry.sinceMs >= known.sinceMs) current.set(entry.strategy, entry);
  }
  const run: string[] = [];
  const leftOut: { strategy: string; why: string }[] = [];
  for (const id of ids) {
    const entry = current.get(id);
    if (entry?.state === "validated") run.push(id);
    else if (entry === undefined) leftOut.push({ strategy: id, why: "no lifecycle state recorded (a candidate, never judged)" });
    else leftOut.push({ strategy: id, why: `${entry.state} since ${iso(entry.sinceMs)}${entry.reason === "" ? "" : `: ${entry.reason}`}` });
  }
  return { source, run, leftOut };
}

/**
 * The lifecycle entries `--validated-only` reads: every state change of the journal at
 * `lifecycleFrom`, or, without it, of every journal the trial registry of `dbPath` knows
 * (`journal.trialRegistry`, default `trials.db` beside the journal). Journals are opened read-only;
 * one that no longer exists is skipped and named in `skipped`.
 * @throws CliUsageError when --lifecycle-from names no file, or the registry does not exist.
 */
export function readLifecycle(options: { readonly lifecycleFrom?: string; readonly dbPath: string; readonly trialRegistry?: string }): {
  readonly entries: LifecycleEntry[];
  readonly source: string;
  readonly skipped: readonly string[];
} {
  const fromJournal = (path: string): LifecycleEntry[] => {
    const journal = Journal.open(path, { readonly: true });
    try {
      return journal.lifecycleHistory();
    } finally {
      journal.close();
    }
  };
  if (options.lifecycleFrom !== undefined) {
    if (!existsSync(options.lifecycleFrom)) throw new CliUsageError(`--lifecycle-from ${options.lifecycleFrom}: no such journal`);
    return { entries: fromJournal(options.lifecycleFrom), source: `journal ${options.lifecycleFrom}`, skipped: [] };
  }
  const registry = trialRegistryPath(options.dbPath, options.trialRegistry);
  if (!existsSync(registry)) {
    throw new CliUsageError(`--validated-only: no trial registry at ${registry} to read the lifecycle from; give the journal that holds it with --lifecycle-from <db>`);
  }
  // The registry knows which journals its variants were run into; their lifecycles are the record.
  const db = new DatabaseSync(registry, { readOnly: true });
  let journals: string[];
  try {
    journals = db.prepare("SELECT DISTINCT journal FROM trial_journals ORDER BY journal").all().map((r) => String(r["journal"]));
  } finally {
    db.close();
  }
  const entries: LifecycleEntry[] = [];
  const skipped: string[] = [];
  for (const path of journals) {
    if (existsSync(path)) entries.push(...fromJournal(path));
    else skipped.push(path);
  }
  return { entries, source: `trial registry ${registry} (${journals.length - skipped.length} journal${journals.length - skipped.length === 1 ? "" : "s"})`, skipped };
}

/**
 * `replay --db … --validated-only [--lifecycle-from <db>]`: the strategy ids to run (for
 * `--strategies`), after printing to stderr where the lifecycle came from, what runs and what is
 * left out and why.
 * @throws CliUsageError with --strategies too, or when no strategy is validated (nothing would run).
 */
export function validatedOnlyStrategies(options: { readonly db: string; readonly lifecycleFrom?: string; readonly strategies?: string; readonly config?: string }, ids: readonly string[]): string[] {
  if (options.strategies !== undefined) throw new CliUsageError("--validated-only picks the strategies from the lifecycle; leave out --strategies");
  const { config } = commandContext(options);
  const read = readLifecycle({ dbPath: options.db, trialRegistry: config.journal.trialRegistry, ...(options.lifecycleFrom === undefined ? {} : { lifecycleFrom: options.lifecycleFrom }) });
  const selection = selectValidated(read.entries, ids, read.source);
  process.stderr.write(formatValidatedSelection(selection, read.skipped));
  if (selection.run.length === 0) throw new CliUsageError(`--validated-only: no strategy is validated in ${selection.source}; nothing to replay`);
  return [...selection.run];
}

/** The lines `--validated-only` prints (stderr). */
export function formatValidatedSelection(selection: ValidatedSelection, skipped: readonly string[] = []): string {
  const lines = [`validated only: lifecycle from ${selection.source}`];
  for (const path of skipped) lines.push(`  (journal ${path} no longer exists; its lifecycle is not read)`);
  lines.push(`  running: ${selection.run.length === 0 ? "(none)" : selection.run.join(", ")}`);
  if (selection.leftOut.length > 0) lines.push("  left out:");
  for (const { strategy, why } of selection.leftOut) lines.push(`    ${strategy}: ${why}`);
  return `${lines.join("\n")}\n`;
}
