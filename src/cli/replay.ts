/**
 * `strategy-monitor replay`: captures and history files through the same parser as live.
 * With `--dry` it reports what is there (counts, time ranges, gaps, rejects) without running
 * the pipeline.
 */
import { replayDry } from "../replay/dry-run.ts";
import type { DryRunReport } from "../replay/dry-run.ts";
import { CliUsageError } from "./errors.ts";
import { progressBar } from "./progress.ts";
import { commandContext } from "./shared.ts";
import type { CommonOptions } from "./shared.ts";

export interface ReplayCliOptions extends CommonOptions {
  readonly dry?: boolean;
  readonly json?: boolean;
}

export async function runReplay(paths: readonly string[], options: ReplayCliOptions): Promise<void> {
  if (options.dry !== true) {
    throw new CliUsageError("replay runs only with --dry for now: the metrics, strategies and paper broker that a full replay drives are not wired in yet");
  }
  const { config } = commandContext(options);
  const bar = progressBar("replay", 1, options.json !== true && process.stderr.isTTY);
  let report: DryRunReport;
  try {
    report = await replayDry(paths, {
      aliases: config.spot.baseAliases,
      onProgress: (p) => {
        bar.setTotal(p.filesTotal);
        bar.update(p.filesDone, `${p.events.toLocaleString("en-US")} events`);
      },
    });
  } finally {
    bar.stop();
  }
  process.stdout.write(options.json === true ? `${JSON.stringify(report, null, 2)}\n` : formatDryRun(report));
  if (report.files.some((f) => f.error !== undefined)) {
    process.exitCode = 1;
  }
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
  out.push(`rejects: ${n(report.rejects.count)}`);
  for (const r of report.rejects.listed) {
    out.push(`  ${r.file}:${r.line}: ${r.message}`);
  }
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
