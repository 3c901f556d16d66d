/**
 * One stage of `bench/replay.ts`, run in its own process so that its peak RSS is its own:
 * `node bench/replay-stage.ts <stage> <paths…>` prints one JSON line
 * `{"stage","ms","events","maxRssMb"}`. `ms` times the work only (not the process start or
 * module loading). Stages:
 * - `floor`: JSON.parse of the same events as the venue's JSON (bench/venue-json.ts; building the texts is not timed);
 * - `dry`: `replay --dry` (read, parse, merge, count);
 * - `metrics`: read, merge and the full metric set, rows made but not written;
 * - `metrics-arrow`, `metrics-parquet`, `metrics-csv`: `replay --metrics-out` to a temp file of that format;
 * - `strategies`: read, merge, metrics, every strategy, risk and the paper broker (the trading
 *   kernel of `replay --db`), without a journal;
 * - `db`: `replay --db` into a fresh temp journal.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { performance } from "node:perf_hooks";
import { replayIntoJournal } from "../src/cli/replay-pipeline.ts";
import { writeMetricsCsv } from "../src/cli/replay.ts";
import type { MarketEvent } from "../src/core/index.ts";
import { MetricSet, paperBrokerFactory, TradingKernel } from "../src/engine/index.ts";
import { ReplayDiagnostics } from "../src/replay/diagnostics.ts";
import { replayDry } from "../src/replay/dry-run.ts";
import { mergeSources } from "../src/replay/merge.ts";
import { openReplaySources } from "../src/replay/sources.ts";
import { venueJsonOf } from "./venue-json.ts";

export const STAGES = ["floor", "dry", "metrics", "metrics-arrow", "metrics-parquet", "metrics-csv", "strategies", "db"] as const;
export type Stage = (typeof STAGES)[number];

async function readEvents(paths: readonly string[]): Promise<MarketEvent[]> {
  const { sources } = await openReplaySources(paths, { diagnostics: new ReplayDiagnostics() });
  const events: MarketEvent[] = [];
  for await (const batch of mergeSources(sources)) for (const e of batch) events.push(e);
  return events;
}

let sink = 0;

async function run(stage: Stage, paths: readonly string[], dir: string): Promise<{ ms: number; events: number }> {
  switch (stage) {
    case "floor": {
      const events = await readEvents(paths);
      const { texts } = venueJsonOf(events);
      const start = performance.now();
      for (const text of texts) sink += (JSON.parse(text) as { length?: number }).length ?? 1;
      return { ms: performance.now() - start, events: events.length };
    }
    case "dry": {
      const start = performance.now();
      const report = await replayDry(paths);
      return { ms: performance.now() - start, events: report.events };
    }
    case "metrics": {
      const start = performance.now();
      const set = new MetricSet();
      const { sources } = await openReplaySources(paths, { diagnostics: new ReplayDiagnostics() });
      let events = 0;
      for await (const batch of mergeSources(sources)) {
        for (const event of batch) sink += set.update(event).length;
        events += batch.length;
      }
      sink += set.flush().length;
      return { ms: performance.now() - start, events };
    }
    case "metrics-arrow":
    case "metrics-parquet":
    case "metrics-csv": {
      const ext = stage.slice("metrics-".length);
      const start = performance.now();
      const summary = await writeMetricsCsv(paths, join(dir, `metrics.${ext}`));
      return { ms: performance.now() - start, events: summary.events };
    }
    case "strategies": {
      const start = performance.now();
      // The kernel `replay --db` runs on candle histories (bar fills on 1h bars), without the journal.
      const kernel = new TradingKernel({ broker: paperBrokerFactory({ fillModel: "bar", barInterval: "1h" }) });
      const { sources } = await openReplaySources(paths, { diagnostics: new ReplayDiagnostics() });
      let events = 0;
      let pending: MarketEvent[] = [];
      for await (const batch of mergeSources(sources)) {
        for (const event of batch) {
          pending.push(event);
          if (pending.length === 4096) {
            sink += kernel.onEvents(pending).length;
            events += pending.length;
            pending = [];
          }
        }
      }
      if (pending.length > 0) sink += kernel.onEvents(pending).length;
      sink += kernel.finish().length;
      return { ms: performance.now() - start, events: events + pending.length };
    }
    case "db": {
      const start = performance.now();
      const summary = await replayIntoJournal(paths, join(dir, "out.db"));
      return { ms: performance.now() - start, events: summary.kernel.events };
    }
  }
}

async function main(): Promise<void> {
  const [stage, ...paths] = process.argv.slice(2);
  if (!STAGES.includes(stage as Stage) || paths.length === 0) {
    process.stderr.write(`usage: node bench/replay-stage.ts <${STAGES.join("|")}> <paths…>\n`);
    process.exit(2);
  }
  const dir = mkdtempSync(join(tmpdir(), "sm-bench-replay-"));
  try {
    const { ms, events } = await run(stage as Stage, paths, dir);
    const maxRssMb = process.resourceUsage().maxRSS / 1024;
    process.stdout.write(`${JSON.stringify({ stage, ms, events, maxRssMb, sink: sink % 2 })}\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// Run as a script (bench/replay.ts spawns it); imported, it only lends its STAGES.
if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
