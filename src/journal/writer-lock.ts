import { closeSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import { resolve } from "node:path";
import { JournalError } from "./errors.ts";

/**
 * One writing process per journal file. SQLite itself would let two processes interleave their
 * transactions, and the second then dies on a `UNIQUE constraint failed` deep in a batch; the
 * lock file `<journal>.lock` (holding the writer's pid) turns that into "in use by pid N" at
 * open. Readers (`report` while `run` goes on) take no lock. A lock left by a process that no
 * longer exists (kill -9, a power cut) is taken over. Within one process the lock is counted, so
 * a second writable handle in the same process (tests) does not lock itself out.
 */
const held = new Map<string, number>();

/** The lock file of the journal at `path`. */
export const lockPath = (path: string): string => `${path}.lock`;

/**
 * Takes the writer lock of the journal at `path`.
 * @throws JournalError "in use by pid N" when another live process holds it
 */
export function acquireWriterLock(path: string): void {
  const count = held.get(resolve(path));
  if (count !== undefined) {
    held.set(resolve(path), count + 1);
    return;
  }
  for (let attempt = 0; attempt < 2; attempt += 1) {
    let fd: number;
    try {
      fd = openSync(lockPath(path), "wx");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") {
        throw new JournalError(path, `cannot create the lock file ${lockPath(path)}: ${(error as Error).message}`, { cause: error });
      }
      const pid = lockHolder(path);
      if (pid !== undefined && pid !== process.pid && isAlive(pid)) {
        throw new JournalError(path, `in use by pid ${pid} (lock file ${lockPath(path)}); stop that process, or use another --db`);
      }
      // The holder is gone (or the file is unreadable): take the lock over.
      rmSync(lockPath(path), { force: true });
      continue;
    }
    try {
      writeSync(fd, `${process.pid}\n`);
    } finally {
      closeSync(fd);
    }
    held.set(resolve(path), 1);
    return;
  }
  throw new JournalError(path, `cannot take the lock file ${lockPath(path)}: another process took it at the same moment`);
}

/** Releases one hold of the writer lock; the file goes with the last one. */
export function releaseWriterLock(path: string): void {
  const count = held.get(resolve(path));
  if (count === undefined) return;
  if (count > 1) {
    held.set(resolve(path), count - 1);
    return;
  }
  held.delete(resolve(path));
  if (lockHolder(path) === process.pid) rmSync(lockPath(path), { force: true });
}

function lockHolder(path: string): number | undefined {
  try {
    const pid = Number(readFileSync(lockPath(path), "utf8").trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, under another user.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
