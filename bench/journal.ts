/**
 * `node bench/journal.ts`: journal write throughput. Writes 10 000 mixed records (signals,
 * decisions, orders, fills, positions, funding, outcomes, equity; one paper trade = 10 records)
 * to a fresh journal in a temp folder, in one batch and in batches of 100, with
 * synchronous=FULL (the default) and NORMAL. Prints records/s (best and median of the rounds);
 * asserts nothing.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { Journal } from "../src/journal/index.ts";
import type { JournalRecord, JournalSynchronous } from "../src/journal/index.ts";
import { T0, closeTrade, equityAt, fundingOn, openTrade } from "../src/journal/test-records.ts";

const ROUNDS = Number(process.env["BENCH_ROUNDS"] ?? 5);
const TRADES = 1_000;
const HOUR = 3_600_000;

function mixedRecords(): JournalRecord[] {
  const records: JournalRecord[] = [];
  for (let i = 0; i < TRADES; i += 1) {
    const openedMs = T0 + i * 60_000;
    records.push(...openTrade(i, openedMs).records);
    records.push({ kind: "funding", payment: fundingOn(i, openedMs + HOUR) });
    records.push(...closeTrade(i, openedMs, openedMs + 2 * HOUR));
    records.push({ kind: "equity", snapshot: equityAt(openedMs, 10_000 + i) });
  }
  return records;
}

const records = mixedRecords();
const dir = mkdtempSync(join(tmpdir(), "sm-bench-journal-"));
try {
  for (const synchronous of ["full", "normal"] as JournalSynchronous[]) {
    for (const batchSize of [records.length, 100]) {
      const times: number[] = [];
      for (let round = 0; round <= ROUNDS; round += 1) {
        const path = join(dir, `${synchronous}-${batchSize}-${round}.db`);
        const journal = Journal.open(path, { synchronous });
        const start = performance.now();
        for (let i = 0; i < records.length; i += batchSize) journal.writeBatch(records.slice(i, i + batchSize));
        const ms = performance.now() - start;
        journal.close();
        if (round > 0) times.push(ms); // round 0 warms the JIT
      }
      times.sort((a, b) => a - b);
      const best = times[0]!;
      const median = times[Math.floor(times.length / 2)]!;
      const rate = (ms: number): string => Math.round((records.length / ms) * 1000).toLocaleString("en-US");
      process.stdout.write(
        `journal write, synchronous=${synchronous}, ${records.length} records in batches of ${batchSize}: ` +
          `best ${best.toFixed(1)} ms (${rate(best)} records/s), median ${median.toFixed(1)} ms (${rate(median)} records/s)\n`,
      );
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
