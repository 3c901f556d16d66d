/**
 * `npm run bench` (first part): the replay stages on one input, the README's first session (the
 * hourly perp and spot candles and the funding files of ../shared/data/hyperliquid, or
 * SM_SHARED_DATA), as time ratios to the JSON.parse floor and to the dry run, with peak RSS.
 * Prints figures; asserts nothing. docs/PERFORMANCE.md keeps the table and how to reproduce it.
 *
 * Each stage runs in its own process (bench/replay-stage.ts) so its peak RSS is its own; the
 * time is the work only, not the process start. BENCH_ROUNDS rounds (default 3), the stages
 * taking turns within a round so a slower stretch of a shared machine hits them all alike; the
 * best round of each stage is reported.
 */
import { execFile } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { STAGES } from "./replay-stage.ts";
import type { Stage } from "./replay-stage.ts";

const dataDir = resolve(process.env["SM_SHARED_DATA"] ?? "../shared/data/hyperliquid");
if (!existsSync(dataDir)) {
  process.stderr.write(`bench: real data folder ${dataDir} is missing (set SM_SHARED_DATA)\n`);
  process.exit(1);
}
const ROUNDS = Number(process.env["BENCH_ROUNDS"] ?? 3);

// The README's first session: candles/perp/*_1h.csv.gz candles/spot/*_1h.csv.gz funding
const hourly = (folder: string): string[] =>
  readdirSync(join(dataDir, folder))
    .filter((f) => f.endsWith("_1h.csv.gz"))
    .sort()
    .map((f) => join(dataDir, folder, f));
const paths = [...hourly("candles/perp"), ...hourly("candles/spot"), join(dataDir, "funding")];

interface Result {
  readonly stage: Stage;
  readonly ms: number;
  readonly events: number;
  readonly maxRssMb: number;
}

const stageScript = resolve(import.meta.dirname, "replay-stage.ts");
const run = promisify(execFile);
async function once(stage: Stage): Promise<Result> {
  const { stdout } = await run(process.execPath, [stageScript, stage, ...paths], { maxBuffer: 1 << 20 });
  return JSON.parse(stdout.trim().split("\n").at(-1) ?? "{}") as Result;
}

const LABELS: Record<Stage, string> = {
  floor: "JSON.parse floor (the same events as venue JSON)",
  dry: "replay --dry (read, parse, merge)",
  metrics: "metric set, rows not written",
  "metrics-arrow": "replay --metrics-out metrics.arrow",
  "metrics-parquet": "replay --metrics-out metrics.parquet",
  "metrics-csv": "replay --metrics-out metrics.csv",
  strategies: "metrics + strategies + broker, no journal",
  db: "replay --db (full, with the journal)",
};

process.stdout.write(`replay stages on the README's first session: ${paths.length - 1} hourly candle files + the funding folder of ${dataDir}\n`);
process.stdout.write(`best of ${ROUNDS} rounds, each stage in its own process, node ${process.version}\n\n`);
const best = new Map<Stage, Result>();
const peak = new Map<Stage, number>();
for (let round = 0; round < ROUNDS; round += 1) {
  for (const stage of STAGES) {
    const r = await once(stage);
    const prev = best.get(stage);
    if (prev === undefined || r.ms < prev.ms) best.set(stage, r);
    peak.set(stage, Math.max(peak.get(stage) ?? 0, r.maxRssMb));
  }
}
const floor = best.get("floor");
const dry = best.get("dry");
const rows = STAGES.map((stage) => {
  const r = best.get(stage);
  if (r === undefined || floor === undefined || dry === undefined) return [LABELS[stage], "-", "-", "-", "-", "-"];
  return [
    LABELS[stage],
    r.events.toLocaleString("en-US"),
    `${(r.ms / 1000).toFixed(2)} s`,
    `${(r.ms / floor.ms).toFixed(1)}×`,
    `${(r.ms / dry.ms).toFixed(2)}×`,
    stage === "floor" ? "-" : `${Math.round(peak.get(stage) ?? 0)} MB`,
  ];
});
const header = ["stage", "events", "best time", "/ floor", "/ dry", "peak RSS"];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
for (const r of [header, ...rows]) {
  process.stdout.write(`${r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join("  ")}\n`);
}
process.stdout.write(
  "\n(peak RSS: the stage's whole process, Node and the modules included; the floor's process also builds the texts, so its RSS is not shown)\n",
);
