/**
 * `node bench/journal-cost.ts [e2e|writes|replay-writes|live-writes]` (after `. scripts/node24.sh`): what the journal costs
 * on the README's first session (the hourly perp and spot candles and the funding folder of
 * ../shared/data/hyperliquid, or SM_SHARED_DATA). Prints figures; asserts nothing.
 * docs/PERFORMANCE.md ("Journal cost") keeps them and how they were measured.
 *
 * - `e2e`: `replay --dry` and `replay --db` (a fresh journal, the replay's own open options), each
 *   in its own process, BENCH_ROUNDS rounds (default 3) taking turns; the work's wall time and CPU
 *   time (user + sys of the process during the work: on a shared machine the CPU time is the
 *   steadier figure), best and median, the `--db` / dry ratios and the journal's size (with its
 *   -wal).
 * - `writes`: the trading kernel runs over the same input once, its records kept in memory; then
 *   only the journal writes are timed: the replay's batches (4096 events each, the replay's open
 *   options) and live-like batches (LIVE_BATCH_EVENTS events each, default 64, with a live
 *   checkpoint's state, `synchronous=FULL` as `run` opens it): per-batch latency p50/p99/max,
 *   total wall and CPU time, records/s.
 *
 * `node bench/journal-cost.ts stage <dry|db> <paths…>` is the child of `e2e` (one JSON line).
 */
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { REPLAY_JOURNAL_OPTIONS, replayIntoJournal } from "../src/cli/replay-pipeline.ts";
import type { MarketEvent } from "../src/core/index.ts";
import { paperBrokerFactory, TradingKernel } from "../src/engine/index.ts";
import type { KernelRecord } from "../src/engine/index.ts";
import { Journal } from "../src/journal/index.ts";
import type { Checkpoint, JournalOpenOptions } from "../src/journal/index.ts";
import { ReplayDiagnostics } from "../src/replay/diagnostics.ts";
import { replayDry } from "../src/replay/dry-run.ts";
import { mergeSources } from "../src/replay/merge.ts";
import { openReplaySources } from "../src/replay/sources.ts";

const dataDir = resolve(process.env["SM_SHARED_DATA"] ?? "../shared/data/hyperliquid");
const ROUNDS = Number(process.env["BENCH_ROUNDS"] ?? 3);
const LIVE_BATCH_EVENTS = Number(process.env["LIVE_BATCH_EVENTS"] ?? 64);

function firstSessionPaths(): string[] {
  if (!existsSync(dataDir)) {
    process.stderr.write(`bench: real data folder ${dataDir} is missing (set SM_SHARED_DATA)\n`);
    process.exit(1);
  }
  const hourly = (folder: string): string[] =>
    readdirSync(join(dataDir, folder))
      .filter((f) => f.endsWith("_1h.csv.gz"))
      .sort()
      .map((f) => join(dataDir, folder, f));
  return [...hourly("candles/perp"), ...hourly("candles/spot"), join(dataDir, "funding")];
}

const cpuMsSince = (start: NodeJS.CpuUsage): number => {
  const u = process.cpuUsage(start);
  return (u.user + u.system) / 1000;
};

const fileBytes = (path: string): number => (existsSync(path) ? statSync(path).size : 0);

// ─── e2e ────────────────────────────────────────────────────────────────────────────────────

interface StageResult {
  readonly stage: "dry" | "db";
  readonly wallMs: number;
  readonly cpuMs: number;
  readonly events: number;
  readonly records: number;
  readonly dbBytes: number;
  readonly maxRssMb: number;
}

async function stage(which: "dry" | "db", paths: readonly string[]): Promise<StageResult> {
  const dir = mkdtempSync(join(tmpdir(), "sm-bench-journal-cost-"));
  try {
    const cpu = process.cpuUsage();
    const start = performance.now();
    let events: number;
    let records = 0;
    let dbBytes = 0;
    if (which === "dry") {
      events = (await replayDry(paths)).events;
    } else {
      const db = join(dir, "out.db");
      const summary = await replayIntoJournal(paths, db);
      events = summary.kernel.events;
      records = summary.recordsWritten;
      dbBytes = fileBytes(db) + fileBytes(`${db}-wal`);
    }
    const wallMs = performance.now() - start;
    const cpuMs = cpuMsSince(cpu);
    return { stage: which, wallMs, cpuMs, events, records, dbBytes, maxRssMb: process.resourceUsage().maxRSS / 1024 };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const pct = (sorted: readonly number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
const s = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;

async function e2e(): Promise<void> {
  const paths = firstSessionPaths();
  const run = promisify(execFile);
  const script = fileURLToPath(import.meta.url);
  const results: Record<"dry" | "db", StageResult[]> = { dry: [], db: [] };
  process.stdout.write(`replay --dry vs replay --db on the README's first session (${paths.length - 1} hourly candle files + funding), ${ROUNDS} rounds, node ${process.version}\n`);
  for (let round = 0; round < ROUNDS; round += 1) {
    for (const which of ["dry", "db"] as const) {
      const { stdout } = await run(process.execPath, [script, "stage", which, ...paths], { maxBuffer: 1 << 20 });
      const r = JSON.parse(stdout.trim().split("\n").at(-1) ?? "{}") as StageResult;
      results[which].push(r);
      process.stdout.write(`  round ${round + 1} ${which.padEnd(3)}: wall ${s(r.wallMs)}, cpu ${s(r.cpuMs)}${which === "db" ? `, ${r.records.toLocaleString("en-US")} records, journal ${(r.dbBytes / 1e6).toFixed(1)} MB` : ""}, peak RSS ${Math.round(r.maxRssMb)} MB\n`);
    }
  }
  const stat = (which: "dry" | "db", f: (r: StageResult) => number): { best: number; med: number } => ({ best: Math.min(...results[which].map(f)), med: median(results[which].map(f)) });
  for (const [label, f] of [
    ["wall", (r: StageResult) => r.wallMs],
    ["cpu (user+sys)", (r: StageResult) => r.cpuMs],
  ] as const) {
    const dry = stat("dry", f);
    const db = stat("db", f);
    process.stdout.write(
      `${label.padEnd(15)} dry best ${s(dry.best)} median ${s(dry.med)}; --db best ${s(db.best)} median ${s(db.med)}; ratio best ${(db.best / dry.best).toFixed(2)}× median ${(db.med / dry.med).toFixed(2)}×\n`,
    );
  }
}

// ─── writes ─────────────────────────────────────────────────────────────────────────────────

interface CapturedBatch {
  readonly records: readonly KernelRecord[];
  readonly checkpoint: Checkpoint;
}

/** Runs the kernel over the input and keeps every batch's records with a checkpoint like the one its writer would commit. */
async function captureBatches(paths: readonly string[], batchEvents: number, live: boolean): Promise<CapturedBatch[]> {
  const kernel = new TradingKernel({ broker: paperBrokerFactory({ fillModel: "bar", barInterval: "1h" }) });
  const { sources } = await openReplaySources(paths, { diagnostics: new ReplayDiagnostics() });
  const batches: CapturedBatch[] = [];
  let events = 0;
  let lastEventMs = 0;
  const checkpointOf = (): Checkpoint => {
    // The state's shape of each writer: a live checkpoint keeps every book's broker and the kernel's carry state.
    const state = live
      ? { kind: "live", version: 1, broker: kernel.brokerSnapshot(), books: kernel.bookSnapshots(), session: kernel.summary(), kernel: kernel.carryState() }
      : { digest: "0".repeat(64), batches: batches.length + 1, complete: false, summary: kernel.summary(), broker: kernel.brokerSnapshot() };
    return { name: live ? "live" : "replay", tsMs: kernel.clock.now(), eventsConsumed: events, lastEventMs, state };
  };
  let pending: MarketEvent[] = [];
  for await (const batch of mergeSources(sources)) {
    for (const event of batch) {
      pending.push(event);
      if (pending.length === batchEvents) {
        events += pending.length;
        lastEventMs = event.tsEvent;
        batches.push({ records: kernel.onEvents(pending), checkpoint: checkpointOf() });
        pending = [];
      }
    }
  }
  events += pending.length;
  const last = pending.length > 0 ? kernel.onEvents(pending) : [];
  batches.push({ records: [...last, ...kernel.finish()], checkpoint: checkpointOf() });
  return batches;
}

function writeAll(label: string, batches: readonly CapturedBatch[], options: JournalOpenOptions): void {
  const dir = mkdtempSync(join(tmpdir(), "sm-bench-journal-cost-"));
  try {
    const path = join(dir, "out.db");
    const journal = Journal.open(path, options);
    const latencies: number[] = [];
    let records = 0;
    const cpu = process.cpuUsage();
    const start = performance.now();
    for (const b of batches) {
      const t = performance.now();
      journal.writeBatch(b.records, b.checkpoint);
      latencies.push(performance.now() - t);
      records += b.records.length;
    }
    const wallMs = performance.now() - start;
    const cpuMs = cpuMsSince(cpu);
    const bytes = fileBytes(path) + fileBytes(`${path}-wal`);
    journal.close();
    latencies.sort((a, b) => a - b);
    process.stdout.write(
      `${label}: ${batches.length} batches, ${records.toLocaleString("en-US")} records, wall ${s(wallMs)}, cpu ${s(cpuMs)}, ` +
        `${Math.round(records / (wallMs / 1000)).toLocaleString("en-US")} records/s; per batch p50 ${pct(latencies, 50).toFixed(2)} ms, ` +
        `p99 ${pct(latencies, 99).toFixed(2)} ms, max ${(latencies.at(-1) ?? NaN).toFixed(2)} ms; journal ${(bytes / 1e6).toFixed(1)} MB\n`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function replayWrites(): Promise<void> {
  const paths = firstSessionPaths();
  process.stdout.write(`journal writes only, the kernel's records of the README's first session kept in memory, node ${process.version}\n`);
  const batches = await captureBatches(paths, 4096, false);
  for (let round = 0; round < ROUNDS; round += 1) writeAll(`replay batches (4096 events), replay options ${JSON.stringify(REPLAY_JOURNAL_OPTIONS)}`, batches, REPLAY_JOURNAL_OPTIONS);
}

async function liveWrites(): Promise<void> {
  const paths = firstSessionPaths();
  process.stdout.write(`journal writes only, the kernel's records of the README's first session kept in memory, node ${process.version}\n`);
  const batches = await captureBatches(paths, LIVE_BATCH_EVENTS, true);
  for (let round = 0; round < ROUNDS; round += 1) writeAll(`live-like batches (${LIVE_BATCH_EVENTS} events), synchronous=full as run opens it`, batches, {});
}

const [mode, ...rest] = process.argv.slice(2);
if (mode === "stage") {
  const [which, ...paths] = rest;
  if ((which !== "dry" && which !== "db") || paths.length === 0) {
    process.stderr.write("usage: node bench/journal-cost.ts stage <dry|db> <paths…>\n");
    process.exit(2);
  }
  process.stdout.write(`${JSON.stringify(await stage(which, paths))}\n`);
} else {
  if (mode === undefined || mode === "e2e") await e2e();
  if (mode === undefined || mode === "writes" || mode === "replay-writes") await replayWrites();
  if (mode === undefined || mode === "writes" || mode === "live-writes") await liveWrites();
}
