import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { mulberry32 } from "../../src/analytics/prng.ts";
import { replayIntoJournal } from "../../src/cli/replay-pipeline.ts";
import { CRASH_BATCH_EVENTS, CRASH_TRADING } from "./fixtures/crash-settings.ts";
import { writeHistoryFixture } from "./fixtures/history-fixture.ts";
import { dumpJournal } from "./fixtures/journal-dump.ts";

const dir = mkdtempSync(join(tmpdir(), "replay-crash-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const CHILD = join(import.meta.dirname, "fixtures", "replay-child.ts");

/**
 * Runs the child until it has written `afterBatches` more batches, then waits `delayMs` and
 * SIGKILLs it (mid-batch or between batches). Resolves "killed", or "done" when it finished first.
 */
function runChild(db: string, inputs: string, afterBatches: number, delayMs: number): Promise<"killed" | "done"> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD, db, inputs], { stdio: ["ignore", "pipe", "pipe"] });
    let seen = 0;
    let buffered = "";
    let stderr = "";
    let killing = false;
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.on("data", (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split("\n");
      buffered = lines.pop() ?? "";
      for (const line of lines) {
        if (!line.startsWith("batch ")) continue;
        seen += 1;
        if (seen === afterBatches && !killing) {
          killing = true;
          setTimeout(() => child.kill("SIGKILL"), delayMs);
        }
      }
    });
    child.on("error", reject);
    child.on("exit", (code, signal) => {
      if (signal === "SIGKILL") resolve("killed");
      else if (code === 0) resolve("done");
      else reject(new Error(`child exited with ${code}: ${stderr}`));
    });
  });
}

describe("replay crash safety", () => {
  it("ends with the journal of an uninterrupted run after being SIGKILLed at seeded random points and resumed each time", async () => {
    const inputs = join(dir, "inputs");
    mkdirSync(inputs);
    // One day of 1 m candles for BTC, ETH and UBTC/USDC plus hourly funding: ~4 400 events, ~140 batches of 32.
    writeHistoryFixture(inputs, { interval: "1m", bars: 1440, seed: 11 });
    const reference = await replayIntoJournal([inputs], join(dir, "reference.db"), { trading: CRASH_TRADING, batchEvents: CRASH_BATCH_EVENTS });
    expect(Object.values(reference.kernel.outcomesByStrategy).reduce((n, o) => n + o.count, 0)).toBeGreaterThan(0);

    const rnd = mulberry32(20_240_601);
    const db = join(dir, "crashed.db");
    let kills = 0;
    let runs = 0;
    for (;;) {
      runs += 1;
      // Until 18 kills: die after 1–6 written batches plus 0–4 ms (often inside the next transaction).
      const result = kills < 18 ? await runChild(db, inputs, 1 + Math.floor(rnd.next() * 6), Math.floor(rnd.next() * 5)) : await runChild(db, inputs, Infinity, 0);
      if (result === "killed") kills += 1;
      else break;
    }
    expect(kills).toBeGreaterThanOrEqual(15);
    expect(runs).toBe(kills + 1);

    const want = dumpJournal(join(dir, "reference.db"));
    const got = dumpJournal(db);
    for (const table of Object.keys(want)) expect(got[table], table).toEqual(want[table]);
    expect(Object.keys(got)).toEqual(Object.keys(want));
  }, 180_000);
});
