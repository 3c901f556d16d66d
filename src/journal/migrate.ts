import type { DatabaseSync } from "node:sqlite";
import { JournalError } from "./errors.ts";
import type { Migration } from "./migrations/index.ts";

const CREATE_SCHEMA_MIGRATIONS = `CREATE TABLE IF NOT EXISTS schema_migrations (
  version INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  applied_ms INTEGER NOT NULL
) STRICT`;

/**
 * The schema version of an open database: the highest applied migration, 0 for an empty file.
 * @throws JournalError when the file holds tables but no `schema_migrations` (not a journal).
 */
export function schemaVersion(db: DatabaseSync, path: string): number {
  const hasTable = db.prepare("SELECT 1 AS one FROM sqlite_schema WHERE type = 'table' AND name = 'schema_migrations'").get();
  if (hasTable === undefined) {
    const other = db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' LIMIT 1").get();
    if (other !== undefined) throw new JournalError(path, `is not a strategy-monitor journal (it has table ${String(other["name"])} but no schema_migrations)`);
    return 0;
  }
  const row = db.prepare("SELECT max(version) AS version FROM schema_migrations").get();
  return Number(row?.["version"] ?? 0);
}

/**
 * Brings the database up to the last of `migrations`, each in order and exactly once, all in one
 * IMMEDIATE transaction (so a crash leaves the old version, and two processes opening the same
 * file cannot both migrate).
 * @param appliedMs wall-clock time written to `schema_migrations.applied_ms`, ms.
 * @returns the versions applied (empty when already current).
 * @throws JournalError when the database is newer than the code (its version is above the last
 *   known migration): old code must not write into a schema it does not know.
 */
export function migrate(db: DatabaseSync, path: string, migrations: readonly Migration[], appliedMs: number): number[] {
  checkNumbering(migrations);
  const latest = migrations.at(-1)?.version ?? 0;
  db.exec("BEGIN IMMEDIATE");
  try {
    const current = schemaVersion(db, path);
    if (current > latest) throw newerError(path, current, latest);
    db.exec(CREATE_SCHEMA_MIGRATIONS);
    const record = db.prepare("INSERT INTO schema_migrations (version, name, applied_ms) VALUES (?, ?, ?)");
    const applied: number[] = [];
    for (const m of migrations) {
      if (m.version <= current) continue;
      db.exec(m.sql);
      record.run(m.version, m.name, appliedMs);
      applied.push(m.version);
    }
    db.exec("COMMIT");
    return applied;
  } catch (error) {
    db.exec("ROLLBACK");
    throw error;
  }
}

/**
 * Checks, without writing, that a database opened read-only has exactly the code's schema.
 * @throws JournalError when it is newer, or older (a read-only open cannot migrate it).
 */
export function requireVersion(db: DatabaseSync, path: string, migrations: readonly Migration[]): void {
  const latest = migrations.at(-1)?.version ?? 0;
  const current = schemaVersion(db, path);
  if (current > latest) throw newerError(path, current, latest);
  if (current < latest) {
    throw new JournalError(path, `has schema version ${current}, this code needs ${latest}; open it once read-write to migrate it`);
  }
}

function newerError(path: string, current: number, latest: number): JournalError {
  return new JournalError(
    path,
    `has schema version ${current}, newer than this code knows (${latest}); use a newer strategy-monitor to open it`,
  );
}

function checkNumbering(migrations: readonly Migration[]): void {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`bug: migration ${m.name} has version ${m.version}, expected ${i + 1} (no gaps, in order)`);
  });
}
