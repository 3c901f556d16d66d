import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/**
 * Crash safety of the journal: a child writing batches with checkpoints is killed with SIGKILL at
 * seeded random moments, restarted each time (it resumes from its latest checkpoint), and the
 * final journal must equal the one an uninterrupted run writes: every table, row for row.
 */

const WRITER = join(import.meta.dirname, "fixtures", "journal-writer.ts");
const BATCHES = 200;
const KILLS = 20;
const SEED = 20_250_903;

/** Every data table with the columns that order it; `runs` and `schema_migrations` hold wall-clock times and are left out. */
const TABLES: Readonly<Record<string, string>> = {
  markets: "key",
  signals: "id",
  risk_decisions: "signal_id",
  orders: "id",
  fills: "id",
  positions: "id",
  outcomes: "position_id",
  funding_payments: "position_id, ts_ms",
  equity_snapshots: "ts_ms",
  oi_history: "coin, ts_ms",
  strategy_lifecycle: "strategy, since_ms",
  strategy_variants: "strategy, config_hash",
  checkpoints: "name",
};

function mulberry32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), s | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

interface ChildResult {
  /** Batch it resumed from (`ready <n>`), or undefined if it never got that far. */
  readonly startBatch: number | undefined;
  /** Time its batches took (`done <ms>`), when it finished. */
  readonly writingMs: number | undefined;
  readonly killed: boolean;
  readonly code: number | null;
  readonly stderr: string;
}

/** Runs the writer; when `killAfterReadyMs` is given, SIGKILLs it that long after it reports ready. */
function runWriter(db: string, killAfterReadyMs?: number): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [WRITER, db, String(BATCHES)], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    let startBatch: number | undefined;
    let killTimer: NodeJS.Timeout | undefined;
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /ready (\d+)\n/.exec(stdout);
      if (match !== null && startBatch === undefined) {
        startBatch = Number(match[1]);
        if (killAfterReadyMs !== undefined) killTimer = setTimeout(() => child.kill("SIGKILL"), killAfterReadyMs);
      }
    });
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("exit", (code, signal) => {
      clearTimeout(killTimer);
      const done = /done (\d+)\n/.exec(stdout);
      resolve({ startBatch, writingMs: done === null ? undefined : Number(done[1]), killed: signal === "SIGKILL", code, stderr });
    });
  });
}

function dump(db: string): Record<string, unknown[]> {
  const conn = new DatabaseSync(db, { readOnly: true });
  const tables: Record<string, unknown[]> = {};
  for (const [table, order] of Object.entries(TABLES)) tables[table] = conn.prepare(`SELECT * FROM ${table} ORDER BY ${order}`).all();
  conn.close();
  return tables;
}

describe("journal crash safety", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "sm-journal-crash-"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it(`after ${KILLS} kill -9 at random moments and a resume each time, the journal equals an uninterrupted run's`, async () => {
    const started = Date.now();
    const reference = join(dir, "uninterrupted.db");
    const whole = await runWriter(reference);
    expect(whole.stderr).toBe("");
    expect(whole.code).toBe(0);
    // Scale the kill delays to this machine's commit speed (fsync-bound): on average a kill lets
    // the child get through about half of BATCHES / KILLS batches, so the kills spread over the run.
    const batchMs = Math.max(0.05, (whole.writingMs ?? BATCHES) / BATCHES);
    const maxDelayMs = batchMs * (BATCHES / KILLS);

    const crashed = join(dir, "crashed.db");
    const random = mulberry32(SEED);
    const starts: number[] = [];
    let kills = 0;
    for (let attempt = 0; ; attempt += 1) {
      // Most kills land inside a batch: building it, in the transaction, or fsyncing the commit.
      const delayMs = kills < KILLS ? random() * maxDelayMs : undefined;
      const run = await runWriter(crashed, delayMs);
      expect(run.stderr, `attempt ${attempt}`).toBe(""); // exit 3 (resume mismatch) would print here
      if (run.startBatch !== undefined) starts.push(run.startBatch);
      if (run.killed) {
        kills += 1;
        continue;
      }
      expect(run.code).toBe(0);
      break;
    }
    const elapsedMs = Date.now() - started;
    console.log(`journal crash test: ${batchMs.toFixed(2)} ms per batch; ${kills} kills, resumed at batches ${starts.join(", ")}; ${elapsedMs} ms in all`);

    expect(kills).toBe(KILLS);
    // The kills interrupted the run part-way, again and again (not all before the first commit or after the last).
    expect(starts.filter((b) => b > 0 && b < BATCHES).length).toBeGreaterThanOrEqual(KILLS / 2);
    expect(starts).toEqual([...starts].sort((a, b) => a - b)); // never goes backwards

    const expected = dump(reference);
    const actual = dump(crashed);
    expect(expected["signals"]!.length).toBe(BATCHES * 8 + (expected["positions"]!.length));
    expect(expected["outcomes"]!.length).toBeGreaterThan(50);
    expect(expected["funding_payments"]!.length).toBeGreaterThan(0);
    expect(expected["oi_history"]!.length).toBe(2 * BATCHES);
    for (const table of Object.keys(TABLES)) {
      expect(actual[table]!.length, `${table} rows`).toBe(expected[table]!.length);
      expect(actual[table], table).toEqual(expected[table]);
    }
  }, 60_000);
});
