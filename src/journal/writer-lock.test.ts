import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { JournalError } from "./errors.ts";
import { Journal } from "./journal.ts";
import { lockPath } from "./writer-lock.ts";

let dir: string;
let path: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "sm-lock-"));
  path = join(dir, "j.db");
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe("the journal's writer lock", () => {
  it("is held by a writable journal (its pid in <journal>.lock) and released on close", () => {
    const journal = Journal.open(path);
    expect(readFileSync(lockPath(path), "utf8")).toBe(`${process.pid}\n`);
    journal.close();
    expect(existsSync(lockPath(path))).toBe(false);
  });

  it("refuses a writer while another live process holds it, naming that pid, without touching the journal", () => {
    // pid 1 (init) always exists.
    writeFileSync(lockPath(path), "1\n");
    expect(() => Journal.open(path)).toThrow(JournalError);
    expect(() => Journal.open(path)).toThrow(`journal ${path}: in use by pid 1 (lock file ${lockPath(path)}); stop that process, or use another --db`);
    expect(existsSync(path)).toBe(false);
    expect(readFileSync(lockPath(path), "utf8")).toBe("1\n");
  });

  it("takes over a lock left by a process that no longer exists (kill -9)", () => {
    // Above the kernel's pid limit (2^22 at most), so no process has it.
    writeFileSync(lockPath(path), "4194305\n");
    const journal = Journal.open(path);
    expect(readFileSync(lockPath(path), "utf8")).toBe(`${process.pid}\n`);
    journal.close();
  });

  it("lets readers in while a writer holds it, and counts a second writer of the same process", () => {
    const writer = Journal.open(path);
    const reader = Journal.open(path, { readonly: true });
    expect(reader.runCount()).toBe(0);
    reader.close();
    const second = Journal.open(path);
    second.close();
    expect(existsSync(lockPath(path))).toBe(true);
    writer.close();
    expect(existsSync(lockPath(path))).toBe(false);
  });
});

describe("Journal.removeIfNeverRun", () => {
  it("deletes a journal without a run, with its side files, and keeps one with a run", () => {
    Journal.open(path).close();
    expect(Journal.removeIfNeverRun(path)).toBe(true);
    expect([existsSync(path), existsSync(`${path}-wal`), existsSync(`${path}-shm`), existsSync(lockPath(path))]).toEqual([false, false, false, false]);

    const journal = Journal.open(path);
    journal.startRun({ runId: "r1", command: "run", inputPaths: [], config: {}, startedMs: 1 });
    journal.close();
    expect(Journal.removeIfNeverRun(path)).toBe(false);
    expect(existsSync(path)).toBe(true);
  });
});
