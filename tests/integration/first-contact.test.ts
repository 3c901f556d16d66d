/**
 * What a newcomer meets first, through the real command line (a child process on this Node):
 * nothing to replay, gaps beyond the listed ones, a fill model that cannot fill, a mistyped
 * command, --help texts.
 */
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createMemoryLogger } from "../../src/config/memory-logger.ts";
import { replayIntoJournal } from "../../src/cli/replay-pipeline.ts";
import type { ReplayProgressReport } from "../../src/cli/replay-pipeline.ts";
import { Journal } from "../../src/journal/index.ts";
import { HyperliquidLiveSource } from "../../src/venues/hyperliquid/live.ts";
import { HyperliquidParser } from "../../src/venues/hyperliquid/parse.ts";
import { SpotResolver } from "../../src/venues/hyperliquid/spot.ts";
import { writeHistoryFixture } from "./fixtures/history-fixture.ts";
import { closedPort } from "../../test-support/ports.ts";

const CLI = join(dirname(fileURLToPath(import.meta.url)), "../../src/cli/main.ts");
const H = 3_600_000;
const T0 = Date.UTC(2025, 6, 21);

interface Ran {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function cli(args: readonly string[], cwd: string): Promise<Ran> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { cwd, env: { ...process.env, SM_LOG__FORMAT: "json" } }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === "number" ? error.code : -1, stdout, stderr });
    });
  });
}

/** BTC 1h candles opening at the given hours after T0. */
function candles(hours: readonly number[]): string {
  const rows = hours.map((h) => `${T0 + h * H},${T0 + (h + 1) * H - 1},BTC,1h,100.0,101.0,102.0,99.0,1.5`);
  return ["t,T,s,i,o,c,h,l,v", ...rows].join("\n") + "\n";
}


let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "sm-first-"));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe("nothing to replay", () => {
  it("an empty folder is an error for --db, --dry and --metrics-out, and no journal or CSV is created", async () => {
    mkdirSync(join(dir, "empty"));
    const db = await cli(["replay", "empty", "--db", "out.db"], dir);
    expect(db.code).toBe(2);
    expect(db.stderr).toContain("nothing to replay");
    expect(existsSync(join(dir, "out.db"))).toBe(false);
    const dry = await cli(["replay", "--dry", "empty"], dir);
    expect(dry.code).toBe(2);
    expect(dry.stderr).toContain("nothing to replay");
    const metrics = await cli(["replay", "empty", "--metrics-out", "m.csv"], dir);
    expect(metrics.code).toBe(2);
    expect(existsSync(join(dir, "m.csv"))).toBe(false);
  });

  it("a file that is not data, or a CSV of unknown layout, is an error naming why, and no journal is created", async () => {
    writeFileSync(join(dir, "notes.txt"), "hello\n");
    writeFileSync(join(dir, "prices.csv"), "when,price\n1,2\n");
    const txt = await cli(["replay", "notes.txt", "--db", "out.db"], dir);
    expect(txt.code).toBe(2);
    expect(txt.stderr).toContain("nothing to replay");
    expect(txt.stderr).toContain("notes.txt: not a capture (.cap[.gz]) or history (.csv/.json[.gz]) file");
    const csv = await cli(["replay", "prices.csv", "--db", "out.db"], dir);
    expect(csv.code).toBe(2);
    expect(csv.stderr).toContain('unknown file layout, header "when,price"');
    expect(existsSync(join(dir, "out.db"))).toBe(false);
  });
});

describe("replay --dry", () => {
  it("says how many gaps exist beyond the 20 it lists", async () => {
    // Bars at 0, 2, 4, …, 52 h: 27 bars and 26 gaps of one missing bar each.
    writeFileSync(join(dir, "hl_perp_BTC_1h.csv"), candles(Array.from({ length: 27 }, (_, i) => 2 * i)));
    const dry = await cli(["replay", "--dry", "hl_perp_BTC_1h.csv"], dir);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain("gaps: 26 (26 missing bars or settlements)");
    expect(dry.stdout.split("\n").filter((line) => line.includes("(1 missing)"))).toHaveLength(20);
    expect(dry.stdout).toContain("  … and 6 more gaps not listed (the counts above are complete)");
  });
});

describe("replay --fill-model book on candle-only input", () => {
  it("warns before the summary that no entry can fill", async () => {
    writeFileSync(join(dir, "hl_perp_BTC_1h.csv"), candles([0, 1, 2]));
    const run = await cli(["replay", "hl_perp_BTC_1h.csv", "--db", "out.db", "--fill-model", "book"], dir);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain("warning: --fill-model book: no input holds order books (layouts: candles), so no entry can fill");
    const auto = await cli(["replay", "hl_perp_BTC_1h.csv", "--db", "auto.db"], dir);
    expect(auto.stderr).not.toContain("warning");
  });
});

describe("the command line", () => {
  it("answers a mistyped command with 'unknown command' and a suggestion, not run's arguments error", async () => {
    const typo = await cli(["reprot", "--db", "x.db"], dir);
    expect(typo.code).toBe(1);
    expect(typo.stderr).toContain("error: unknown command 'reprot'");
    expect(typo.stderr).toContain("(Did you mean report?)");
    expect(typo.stderr).not.toContain("too many arguments");
  });

  it("still runs the monitor for no command or options first (run is the default)", async () => {
    // run checks --duration before it reaches the venue: the options went to run.
    const ran = await cli(["--duration", "soon"], dir);
    expect([ran.code, ran.stderr]).toEqual([2, 'strategy-monitor: --duration must be a positive integer (got "soon")\n']);
  });

  it("offers --network, --rest-url and --ws-url only where the venue is reached, and writes every default as (default: X)", async () => {
    for (const command of ["run", "record", "backfill", "replay", "report", "config"]) {
      const help = await cli([command, "--help"], dir);
      expect(help.code).toBe(0);
      const venue = ["run", "record", "backfill", "config"].includes(command);
      expect([command, help.stdout.includes("--network"), help.stdout.includes("--rest-url"), help.stdout.includes("--ws-url")]).toEqual([command, venue, venue, venue]);
      // Commander wraps lines; join them before looking at the default texts.
      const text = help.stdout.replace(/\s+/g, " ");
      expect([command, text.match(/\(default [^f]/g)]).toEqual([command, null]);
      expect([command, text.match(/\(default: "/g)]).toEqual([command, null]);
    }
  });
});

describe("config", () => {
  it("refuses invalid risk, broker, strategy and analytics settings as replay does (exit 2, key and value named)", async () => {
    const cases: [string, string][] = [
      ['{"risk":{"riskPerTrade":5}}', "config risk.riskPerTrade = 5 is invalid"],
      ['{"broker":{"latencyMs":-1}}', "config broker.latencyMs = -1 is invalid"],
      ['{"strategies":{"flow-tox":{}}}', "config strategies.flow-tox = {} is invalid: not a known strategy id; did you mean flow-toxicity?"],
      ['{"analytics":{"seed":-1.5}}', "config analytics.seed = -1.5 is invalid"],
    ];
    for (const [json, message] of cases) {
      writeFileSync(join(dir, "bad.json"), json);
      const ran = await cli(["config", "-c", "bad.json"], dir);
      expect([json, ran.code, ran.stderr]).toEqual([json, 2, expect.stringContaining(message)]);
    }
  });

  it("shows the trading sections key by key with the defaults filled in, and where each value came from", async () => {
    writeFileSync(join(dir, "strategy-monitor.json"), '{"risk":{"riskPerTrade":0.02},"strategies":{"flow-toxicity":{"threshold":3}}}');
    const ran = await cli(["config"], dir);
    expect(ran.code).toBe(0);
    const row = (key: string): string | undefined => ran.stdout.split("\n").find((line) => line.startsWith(`${key} `));
    const file = join(dir, "strategy-monitor.json");
    expect(row("risk.riskPerTrade")).toMatch(new RegExp(`= 0\\.02 +# file ${file.replaceAll(".", "\\.")}$`));
    expect(row("risk.maxDailyLoss")).toMatch(/= 0\.03 +# default$/);
    expect(row("strategies.flow-toxicity.threshold")).toMatch(/= 3 +# file /);
    expect(row("strategies.flow-toxicity.window")).toMatch(/= 10 +# default$/);
    expect(row("broker.barInterval")).toMatch(/= "1h" +# default$/);
    expect(row("analytics.gates.general.minTrades")).toMatch(/= 30 +# default$/);
    expect(ran.stdout).not.toMatch(/^(risk|broker|strategies|analytics) +=/m);
  });
});

describe("the journal", () => {
  it("a second process writing to a journal in use gets 'in use by pid N', not a UNIQUE constraint error", async () => {
    writeFileSync(join(dir, "hl_perp_BTC_1h.csv"), candles([0, 1, 2]));
    const holder = Journal.open(join(dir, "busy.db"));
    try {
      const second = await cli(["replay", "hl_perp_BTC_1h.csv", "--db", "busy.db"], dir);
      expect(second.code).toBe(2);
      expect(second.stderr).toBe(`strategy-monitor: journal busy.db: in use by pid ${process.pid} (lock file busy.db.lock); stop that process, or use another --db\n`);
    } finally {
      holder.close();
    }
    const after = await cli(["replay", "hl_perp_BTC_1h.csv", "--db", "busy.db"], dir);
    expect(after.code).toBe(0);
  });

  it("run that cannot reach the venue at start leaves no monitor.db behind", async () => {
    const port = await closedPort();
    const url = `127.0.0.1:${port}`;
    const args = ["run", "--network", "custom", "--rest-url", `http://${url}`, "--ws-url", `ws://${url}/ws`, "--duration", "5"];
    const ran = await new Promise<Ran>((resolve) => {
      execFile(process.execPath, [CLI, ...args], { cwd: dir, env: { ...process.env, SM_LOG__FORMAT: "json", SM_REST__MAX_RETRIES: "0" } }, (error, stdout, stderr) => {
        resolve({ code: error === null ? 0 : typeof error.code === "number" ? error.code : -1, stdout, stderr });
      });
    });
    expect(ran.code).toBe(2);
    expect(ran.stderr).toContain(`metaAndAssetCtxs at http://${url}: failed after 1 attempts`);
    expect(existsSync(join(dir, "monitor.db"))).toBe(false);
    expect(existsSync(join(dir, "monitor.db.lock"))).toBe(false);
  });
});

describe("reconnecting", () => {
  it("logs one warning per failed attempt, with the error's message and the next delay, and no stack trace", async () => {
    const logger = createMemoryLogger();
    const source = new HyperliquidLiveSource(
      { wsUrl: `ws://127.0.0.1:${await closedPort()}/ws`, pingIntervalMs: 200, pongTimeoutMs: 100, silenceTimeoutMs: 1_000, reconnectBaseMs: 10, reconnectMaxMs: 40, logger },
      new HyperliquidParser({ spot: SpotResolver.fromSpotMeta({ tokens: [], universe: [] }) }),
      { onEvent: () => {} },
    );
    source.start({ perps: ["BTC"], spotPairs: [], candleIntervals: [] }).catch(() => {});
    const deadline = Date.now() + 5_000;
    while (logger.entries.filter((e) => e.level === "warn").length < 4 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
    await source.stop();
    const warnings = logger.entries.filter((e) => e.level === "warn" || e.level === "error").slice(0, 4);
    // Delays: 10 × 2^n ms capped at 40: 10, 20, 40, 40.
    expect(warnings.map((e) => [e.fields["attempt"], e.fields["retryInMs"]])).toEqual([
      [1, 10],
      [2, 20],
      [3, 40],
      [4, 40],
    ]);
    for (const entry of warnings) {
      expect(entry.msg).toMatch(/^hyperliquid ws connection attempt \d failed: connect ECONNREFUSED 127\.0\.0\.1:\d+; retrying in \d+ ms$/);
      expect(entry.fields).not.toHaveProperty("err");
      expect(JSON.stringify(entry.fields)).not.toContain("    at ");
    }
  });
});

describe("replay progress", () => {
  it("counts file bytes and events, never backwards, and ends at the inputs' size", async () => {
    const files = writeHistoryFixture(dir, { interval: "1h", bars: 400, seed: 7 });
    const progress: ReplayProgressReport[] = [];
    // Small batches: many progress calls, several while sources finish.
    const summary = await replayIntoJournal(files, join(dir, "p.db"), { batchEvents: 64 }, { onProgress: (p) => progress.push(p) });
    const bytesTotal = files.reduce((sum, file) => sum + statSync(file).size, 0);
    expect(progress.length).toBeGreaterThan(10);
    expect(progress.every((p) => p.bytesTotal === bytesTotal)).toBe(true);
    for (let i = 1; i < progress.length; i += 1) {
      expect(progress[i]!.events).toBeGreaterThanOrEqual(progress[i - 1]!.events);
      expect(progress[i]!.bytesRead).toBeGreaterThanOrEqual(progress[i - 1]!.bytesRead);
    }
    expect(progress.at(-1)).toMatchObject({ events: summary.kernel.events, bytesRead: bytesTotal, filesDone: files.length });
  });
});
