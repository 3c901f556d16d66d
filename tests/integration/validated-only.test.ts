/**
 * `replay --db … --validated-only`: the memo's "only backtest signals that pass forward testing".
 * The lifecycle comes from a journal (`--lifecycle-from`) or from the journals the trial registry
 * knows; exactly the strategies whose current state is `validated` run, the others are named with
 * why they were left out.
 */
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { selectValidated } from "../../src/cli/replay.ts";
import { STRATEGY_IDS } from "../../src/cli/trading-config.ts";
import { Journal, registerJournalTrials } from "../../src/journal/index.ts";
import { writeHistoryFixture } from "./fixtures/history-fixture.ts";
import { dumpJournal } from "./fixtures/journal-dump.ts";

const CLI = join(dirname(fileURLToPath(import.meta.url)), "../../src/cli/main.ts");
const dir = mkdtempSync(join(tmpdir(), "validated-only-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const T = Date.UTC(2025, 5, 1);

function cli(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { cwd: dir, env: { ...process.env, SM_LOG__FORMAT: "json" } }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === "number" ? error.code : -1, stdout, stderr });
    });
  });
}

/** A journal holding only a lifecycle: basis-arbitrage and contrarian-funding validated, others judged otherwise. */
function lifecycleJournal(path: string): void {
  const journal = Journal.open(path);
  try {
    journal.setLifecycle("contrarian-funding", "validated", T, "passed the general gate");
    journal.setLifecycle("basis-arbitrage", "forward-testing", T, "paper trading");
    journal.setLifecycle("basis-arbitrage", "validated", T + 1_000, "passed the phase-1 gate");
    journal.setLifecycle("funding-volume", "killed", T, "Sharpe interval below 0");
    journal.setLifecycle("flow-toxicity", "forward-testing", T, "paper trading");
    // A variant, so that the trial registry lists this journal.
    journal.recordVariant("contrarian-funding", { extremePerHour: 1e-5 }, T);
  } finally {
    journal.close();
  }
}

describe("selectValidated", () => {
  it("keeps the strategies whose latest state is validated, in catalog order; names why the others are left out", () => {
    const s = selectValidated(
      [
        { strategy: "funding-volume", state: "validated", sinceMs: T, reason: "passed" },
        { strategy: "funding-volume", state: "killed", sinceMs: T + 1, reason: "Sharpe interval below 0" },
        { strategy: "liquidity", state: "validated", sinceMs: T, reason: "passed" },
        { strategy: "basis-arbitrage", state: "validated", sinceMs: T, reason: "" },
      ],
      ["basis-arbitrage", "flow-toxicity", "funding-volume", "liquidity"],
      "journal x.db",
    );
    expect(s.run).toEqual(["basis-arbitrage", "liquidity"]);
    expect(s.leftOut).toEqual([
      { strategy: "flow-toxicity", why: "no lifecycle state recorded (a candidate, never judged)" },
      { strategy: "funding-volume", why: "killed since 2025-06-01T00:00:00.001Z: Sharpe interval below 0" },
    ]);
  });
});

describe("replay --validated-only", () => {
  const inputs = join(dir, "inputs");
  mkdirSync(inputs);
  writeHistoryFixture(inputs, { interval: "1h", bars: 96, seed: 7 });
  const life = join(dir, "life.db");
  lifecycleJournal(life);

  const strategiesIn = (db: string): { signals: string[]; variants: string[] } => {
    const dump = dumpJournal(db);
    const distinct = (rows: unknown[]) => [...new Set((rows as { strategy: string }[]).map((r) => r.strategy))].sort();
    return { signals: distinct(dump["signals"] ?? []), variants: distinct(dump["strategy_variants"] ?? []) };
  };

  it("with --lifecycle-from, runs exactly the validated strategies and says which were left out and why", { timeout: 60_000 }, async () => {
    const out = join(dir, "from-journal.db");
    const ran = await cli(["replay", inputs, "--db", out, "--validated-only", "--lifecycle-from", life]);
    expect(ran.stderr).toContain(`validated only: lifecycle from journal ${life}`);
    expect(ran.code).toBe(0);
    expect(ran.stderr).toContain("  running: basis-arbitrage, contrarian-funding\n");
    expect(ran.stderr).toContain("    funding-volume: killed since 2025-06-01T00:00:00Z: Sharpe interval below 0\n");
    expect(ran.stderr).toContain("    flow-toxicity: forward-testing since 2025-06-01T00:00:00Z: paper trading\n");
    expect(ran.stderr).toContain("    liquidity: no lifecycle state recorded (a candidate, never judged)\n");
    // Every other catalog strategy is named as left out.
    for (const id of STRATEGY_IDS.filter((x) => x !== "basis-arbitrage" && x !== "contrarian-funding")) expect(ran.stderr).toContain(`    ${id}: `);
    // Only the validated strategies ran: their variants alone are recorded, and only they signalled.
    const got = strategiesIn(out);
    expect(got.variants).toEqual(["basis-arbitrage", "contrarian-funding"]);
    expect(got.signals).toEqual(["basis-arbitrage", "contrarian-funding"]);
  });

  it("without --lifecycle-from, reads the lifecycle of the journals in the trial registry beside --db", { timeout: 60_000 }, async () => {
    const runs = join(dir, "runs");
    mkdirSync(runs);
    const journal = Journal.open(life, { readonly: true });
    try {
      registerJournalTrials(journal, join(runs, "trials.db"));
    } finally {
      journal.close();
    }
    const out = join(runs, "from-registry.db");
    const ran = await cli(["replay", inputs, "--db", out, "--validated-only"]);
    expect(ran.stderr).toContain(`validated only: lifecycle from trial registry ${join(runs, "trials.db")} (1 journal)`);
    expect(ran.code).toBe(0);
    expect(strategiesIn(out).variants).toEqual(["basis-arbitrage", "contrarian-funding"]);
  });

  it("refuses what cannot work: no registry, no validated strategy, --strategies too, no --db", { timeout: 60_000 }, async () => {
    const lonely = join(dir, "lonely");
    mkdirSync(lonely);
    const noRegistry = await cli(["replay", inputs, "--db", join(lonely, "x.db"), "--validated-only"]);
    expect(noRegistry.code).not.toBe(0);
    expect(noRegistry.stderr).toContain(`no trial registry at ${join(lonely, "trials.db")}`);
    const none = join(dir, "none.db");
    Journal.open(none).close();
    const nothing = await cli(["replay", inputs, "--db", join(dir, "y.db"), "--validated-only", "--lifecycle-from", none]);
    expect(nothing.code).not.toBe(0);
    expect(nothing.stderr).toContain("no strategy is validated in journal");
    const both = await cli(["replay", inputs, "--db", join(dir, "z.db"), "--validated-only", "--lifecycle-from", life, "--strategies", "liquidity"]);
    expect(both.code).not.toBe(0);
    expect(both.stderr).toContain("leave out --strategies");
    const noDb = await cli(["replay", inputs, "--validated-only"]);
    expect(noDb.code).not.toBe(0);
    expect(noDb.stderr).toContain("give --db <file>");
  });
});
