/**
 * `strategy-monitor serve` as a user runs it: a real process on a free port over a journal, its
 * /api/report byte for byte what `report --json` prints, the token, and the refusal of a
 * non-loopback host without one (exit code 2, the flag named, the token never printed).
 */
import { execFile, spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeDashboardJournal } from "../../src/server/test-journal.ts";

const CLI = join(dirname(fileURLToPath(import.meta.url)), "../../src/cli/main.ts");
const TOKEN = "integration-token-1234";

function run(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { cwd, env: { ...process.env, SM_LOG__FORMAT: "json" }, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === "number" ? error.code : 1, stdout, stderr });
    });
  });
}

describe("strategy-monitor serve", () => {
  let dir: string;
  let db: string;
  let child: ChildProcess;
  let url: string;
  let output = "";

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "sm-serve-"));
    db = join(dir, "out.db");
    writeDashboardJournal(db);
    child = spawn(process.execPath, [CLI, "serve", "--db", db, "--port", "0", "--token", TOKEN, "--duration", "60"], { cwd: dir, env: { ...process.env, SM_LOG__FORMAT: "json" } });
    url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`serve did not start: ${output}`)), 20_000);
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        const m = /dashboard: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(output);
        if (m !== null) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      };
      child.stdout!.on("data", onData);
      child.stderr!.on("data", onData);
    });
  }, 30_000);

  afterAll(() => {
    child.kill("SIGTERM");
    rmSync(dir, { recursive: true, force: true });
  });

  it("serves /api/report byte for byte as report --json prints it", async () => {
    const res = await fetch(`${url}api/report`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(200);
    const printed = await run(["report", "--db", db, "--json"], dir);
    expect(printed.code).toBe(0);
    expect(await res.text()).toBe(printed.stdout);
  }, 30_000);

  it("wants the token, and never prints it", async () => {
    expect((await fetch(`${url}api/books`)).status).toBe(401);
    expect((await fetch(`${url}api/books?token=${TOKEN}`)).status).toBe(200);
    expect((await fetch(`${url}healthz`)).status).toBe(200);
    expect(output).not.toContain(TOKEN);
  });

  it("refuses a non-loopback host without a token at start", async () => {
    const r = await run(["serve", "--db", db, "--host", "0.0.0.0", "--port", "0"], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--host 0\.0\.0\.0 would expose the dashboard beyond this machine without an access token: give --token/);
  }, 30_000);
});
