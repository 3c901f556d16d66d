/**
 * `--duration`, SIGINT and SIGTERM in every state, through the real command line (a child process
 * on this Node): the REST API or the WebSocket unreachable at start used to swallow the first
 * signal and ignore `--duration`; a REST outage at start used to end `run` with exit code 2 after
 * the client's retries. Nothing here leaves 127.0.0.1.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { META_AND_ASSET_CTXS, SPOT_META_AND_ASSET_CTXS } from "../../test-support/hyperliquid-server/info-fixtures.ts";
import { startInfoServer } from "../../test-support/hyperliquid-server/info-server.ts";
import type { InfoServer } from "../../test-support/hyperliquid-server/info-server.ts";
import { closedPort } from "../../test-support/ports.ts";

const CLI = join(dirname(fileURLToPath(import.meta.url)), "../../src/cli/main.ts");


interface Child {
  readonly output: () => string;
  /** Resolves with the exit code once the process ends; `ms` from `signalSentMs` (or the spawn) to the exit. */
  readonly exited: Promise<{ readonly code: number | null; readonly signal: NodeJS.Signals | null; readonly exitMs: number }>;
  readonly kill: (signal: NodeJS.Signals) => void;
  readonly spawnedMs: number;
}

/**
 * The time of the child's first JSON log line (pino's `time`, ms): once the program runs, after
 * Node's start-up, which on a loaded machine alone can take seconds.
 */
function firstLogMs(child: Child): number {
  for (const line of child.output().split("\n")) {
    if (!line.startsWith("{")) continue;
    const time = (JSON.parse(line) as { time?: unknown }).time;
    if (typeof time === "number") return time;
  }
  throw new Error(`no JSON log line in:\n${child.output()}`);
}

function cli(args: readonly string[], cwd: string): Child {
  const spawnedMs = Date.now();
  const proc = spawn(process.execPath, [CLI, ...args], {
    cwd,
    // No REST retries inside the client: each start-up attempt fails at once.
    env: { ...process.env, SM_LOG__FORMAT: "json", SM_REST__MAX_RETRIES: "0" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  proc.stdout.on("data", (c: Buffer) => (out += c.toString()));
  proc.stderr.on("data", (c: Buffer) => (out += c.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; exitMs: number }>((resolve) =>
    proc.on("exit", (code, signal) => resolve({ code, signal, exitMs: Date.now() })),
  );
  return { output: () => out, exited, kill: (signal) => proc.kill(signal), spawnedMs };
}

async function waitForOutput(child: Child, text: string, timeoutMs = 8_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!child.output().includes(text)) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${JSON.stringify(text)} in:\n${child.output()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

let dir: string;
let info: InfoServer | undefined;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "sm-shutdown-"));
});
afterEach(async () => {
  await info?.close();
  info = undefined;
  rmSync(dir, { recursive: true, force: true });
});

describe("REST unreachable at start", () => {
  it("run waits with backoff and says so; the first SIGTERM ends it at once, exit code 0, no journal left", async () => {
    const url = `127.0.0.1:${await closedPort()}`;
    const child = cli(["run", "--network", "custom", "--rest-url", `http://${url}`, "--ws-url", `ws://${url}/ws`], dir);
    await waitForOutput(child, "waiting 5 s and trying again");
    const sentMs = Date.now();
    child.kill("SIGTERM");
    const { code, signal, exitMs } = await child.exited;
    expect({ code, signal }).toEqual({ code: 0, signal: null });
    expect(exitMs - sentMs).toBeLessThan(2_000);
    expect(child.output()).toContain("without reaching the venue (metaAndAssetCtxs / spotMetaAndAssetCtxs)");
    expect(existsSync(join(dir, "monitor.db"))).toBe(false);
  });

  it("record honours Ctrl-C (SIGINT) while waiting for the venue", async () => {
    const url = `127.0.0.1:${await closedPort()}`;
    const child = cli(["record", "--network", "custom", "--rest-url", `http://${url}`, "--ws-url", `ws://${url}/ws`, "--out", "caps"], dir);
    await waitForOutput(child, "waiting 5 s and trying again");
    const sentMs = Date.now();
    child.kill("SIGINT");
    const { code, exitMs } = await child.exited;
    expect(code).toBe(0);
    expect(exitMs - sentMs).toBeLessThan(2_000);
  });

  it("run --duration 3 ends after 3 s with exit code 2 and the last failure, not later", async () => {
    const url = `127.0.0.1:${await closedPort()}`;
    const child = cli(["run", "--network", "custom", "--rest-url", `http://${url}`, "--ws-url", `ws://${url}/ws`, "--duration", "3"], dir);
    const { code, exitMs } = await child.exited;
    expect(code).toBe(2);
    // 3 s of duration after the process's own start-up (well under 2 s here).
    expect(exitMs - child.spawnedMs).toBeGreaterThanOrEqual(3_000);
    // Not later: within 3 s (+ 1.5 s of slack) of the program's first log line (its start-up excluded).
    expect(exitMs - firstLogMs(child)).toBeLessThan(4_500);
    expect(child.output()).toMatch(/strategy-monitor: stopped after \d+ s without reaching the venue \(metaAndAssetCtxs \/ spotMetaAndAssetCtxs\): metaAndAssetCtxs at http:\/\/127\.0\.0\.1:\d+: failed after 1 attempts/);
    expect(existsSync(join(dir, "monitor.db"))).toBe(false);
  });
});

describe("WebSocket unreachable at start (REST answers)", () => {
  it("run: the first SIGTERM stops it while the socket retries, exit code 0", async () => {
    info = await startInfoServer({ now: Date.now(), metaAndAssetCtxs: META_AND_ASSET_CTXS, spotMetaAndAssetCtxs: SPOT_META_AND_ASSET_CTXS });
    const ws = `ws://127.0.0.1:${await closedPort()}/ws`;
    const child = cli(["run", "--network", "custom", "--rest-url", info.url, "--ws-url", ws, "--coins", "BTC", "--no-spot", "--db", "m.db"], dir);
    await waitForOutput(child, "hyperliquid ws connection attempt 2 failed");
    const sentMs = Date.now();
    child.kill("SIGTERM");
    const { code, signal, exitMs } = await child.exited;
    expect({ code, signal }).toEqual({ code: 0, signal: null });
    expect(exitMs - sentMs).toBeLessThan(2_000);
    expect(child.output()).toContain("stopped before the venue's WebSocket");
  });

  it("run --duration 3 is not ignored: it ends after 3 s with exit code 2", async () => {
    info = await startInfoServer({ now: Date.now(), metaAndAssetCtxs: META_AND_ASSET_CTXS, spotMetaAndAssetCtxs: SPOT_META_AND_ASSET_CTXS });
    const ws = `ws://127.0.0.1:${await closedPort()}/ws`;
    const child = cli(["run", "--network", "custom", "--rest-url", info.url, "--ws-url", ws, "--coins", "BTC", "--no-spot", "--db", "m.db", "--duration", "3"], dir);
    const { code, exitMs } = await child.exited;
    expect(code).toBe(2);
    expect(exitMs - child.spawnedMs).toBeGreaterThanOrEqual(3_000);
    expect(exitMs - firstLogMs(child)).toBeLessThan(4_500);
    expect(child.output()).toContain("strategy-monitor: stopped before the venue's WebSocket");
  });
});
