/**
 * The trial registry: every strategy variant ever run (strategy + configuration hash), across
 * journals. A journal counts the variants run into it (`strategy_variants`), but a changed
 * configuration must go to a new journal (a replay refuses to mix settings), where it would count
 * as N = 1 again: the deflated Sharpe ratio would never see the variants tried before. The
 * registry outlives one journal: `replay --db` and `run` register their journal's variants in it,
 * and `report` takes the deflated Sharpe's N from it. See docs/JOURNAL.md ("Trial registry").
 *
 * One small SQLite file (node:sqlite, WAL, busy timeout 5 s, `BEGIN IMMEDIATE` writes), so several
 * commands may register at the same time. Its place is the config key `journal.trialRegistry`
 * (default `trials.db`), relative to the journal's directory: by default one registry beside the
 * journals of a directory.
 */
import { existsSync } from "node:fs";
import { DatabaseSync } from "node:sqlite";
import type { SQLOutputValue } from "node:sqlite";
import { dirname, isAbsolute, resolve } from "node:path";
import { JournalError } from "./errors.ts";
import type { Journal } from "./journal.ts";
import type { StrategyVariant } from "./records.ts";

/** Default place of the trial registry: this file name in the journal's directory. */
export const DEFAULT_TRIAL_REGISTRY = "trials.db";

/** The registry's schema version (`PRAGMA user_version`). */
const REGISTRY_VERSION = 1;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS trials (
  strategy TEXT NOT NULL,
  config_hash TEXT NOT NULL,
  config_json TEXT NOT NULL,
  first_seen_ms INTEGER NOT NULL,
  PRIMARY KEY (strategy, config_hash)
) STRICT, WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS trial_journals (
  strategy TEXT NOT NULL,
  config_hash TEXT NOT NULL,
  journal TEXT NOT NULL,
  PRIMARY KEY (strategy, config_hash, journal)
) STRICT, WITHOUT ROWID;
`;

/**
 * Where the registry of the journal at `journalPath` is: `setting` (the config's
 * `journal.trialRegistry`) as is when absolute, else relative to the journal's directory.
 */
export function trialRegistryPath(journalPath: string, setting: string = DEFAULT_TRIAL_REGISTRY): string {
  return isAbsolute(setting) ? setting : resolve(dirname(resolve(journalPath)), setting);
}

/** One variant as the registry knows it. */
export interface RegisteredTrial {
  readonly strategy: string;
  readonly configHash: string;
}

type Row = Record<string, SQLOutputValue>;

/** The trial registry file (see the file comment). */
export class TrialRegistry {
  readonly path: string;
  private readonly db: DatabaseSync;
  private readonly readonly: boolean;

  private constructor(path: string, db: DatabaseSync, readonly: boolean) {
    this.path = path;
    this.db = db;
    this.readonly = readonly;
  }

  /**
   * Opens (creating when writable and missing) the registry at `path`.
   * @throws JournalError when it cannot be opened, is not a registry, or is newer than this code;
   *   read-only, when it does not exist.
   */
  static open(path: string, options: { readonly readonly?: boolean } = {}): TrialRegistry {
    const readonly = options.readonly ?? false;
    if (readonly && !existsSync(path)) throw new JournalError(path, "no such trial registry");
    let db: DatabaseSync;
    try {
      db = new DatabaseSync(path, { readOnly: readonly });
    } catch (error) {
      throw new JournalError(path, `trial registry cannot be opened${readonly ? " read-only" : ""}: ${(error as Error).message}`, { cause: error });
    }
    try {
      db.exec("PRAGMA busy_timeout = 5000");
      const version = Number(db.prepare("PRAGMA user_version").get()?.["user_version"] ?? 0);
      if (version > REGISTRY_VERSION) throw new JournalError(path, `is a trial registry of version ${version}, newer than this code knows (${REGISTRY_VERSION})`);
      if (!readonly && version < REGISTRY_VERSION) {
        db.exec("PRAGMA journal_mode = WAL");
        db.exec("BEGIN IMMEDIATE");
        try {
          const tables = Number(db.prepare("SELECT count(*) AS n FROM sqlite_schema WHERE type = 'table' AND name NOT IN ('trials', 'trial_journals')").get()?.["n"] ?? 0);
          if (tables > 0) throw new JournalError(path, "is a SQLite file but not a trial registry (it has other tables); give journal.trialRegistry another path");
          db.exec(SCHEMA);
          db.exec(`PRAGMA user_version = ${REGISTRY_VERSION}`);
          db.exec("COMMIT");
        } catch (error) {
          if (db.isTransaction) db.exec("ROLLBACK");
          throw error;
        }
      } else if (version < REGISTRY_VERSION) {
        throw new JournalError(path, "is not a trial registry");
      }
    } catch (error) {
      db.close();
      if (error instanceof JournalError) throw error;
      throw new JournalError(path, `trial registry cannot be opened: ${(error as Error).message}`, { cause: error });
    }
    return new TrialRegistry(path, db, readonly);
  }

  /**
   * Registers `variants` as run into the journal at `journalPath` (one transaction). A variant
   * already known keeps its first sighting; the journal is added to where it was run.
   * @returns how many variants were new to the registry.
   */
  register(variants: readonly StrategyVariant[], journalPath: string): number {
    if (this.readonly) throw new JournalError(this.path, "was opened read-only; registering in it is a bug");
    const journal = resolve(journalPath);
    const trial = this.db.prepare(
      "INSERT INTO trials (strategy, config_hash, config_json, first_seen_ms) VALUES (?, ?, ?, ?) ON CONFLICT (strategy, config_hash) DO UPDATE SET first_seen_ms = min(first_seen_ms, excluded.first_seen_ms)",
    );
    const seen = this.db.prepare("INSERT INTO trial_journals (strategy, config_hash, journal) VALUES (?, ?, ?) ON CONFLICT DO NOTHING");
    const before = this.count();
    this.db.exec("BEGIN IMMEDIATE");
    try {
      for (const v of variants) {
        trial.run(v.strategy, v.configHash, JSON.stringify(v.config), v.firstSeenMs);
        seen.run(v.strategy, v.configHash, journal);
      }
      this.db.exec("COMMIT");
    } catch (error) {
      if (this.db.isTransaction) this.db.exec("ROLLBACK");
      throw new JournalError(this.path, `trial registry: cannot register the variants of ${journal}: ${(error as Error).message}`, { cause: error });
    }
    return this.count() - before;
  }

  /** Every variant registered, by strategy then hash. */
  trials(): RegisteredTrial[] {
    return this.db
      .prepare("SELECT strategy, config_hash FROM trials ORDER BY strategy, config_hash")
      .all()
      .map((r: Row) => ({ strategy: String(r["strategy"]), configHash: String(r["config_hash"]) }));
  }

  /** Variants registered, of one strategy or of all. */
  count(strategy?: string): number {
    const row = strategy === undefined ? this.db.prepare("SELECT count(*) AS n FROM trials").get() : this.db.prepare("SELECT count(*) AS n FROM trials WHERE strategy = ?").get(strategy);
    return Number(row?.["n"] ?? 0);
  }

  /** Journals whose variants are registered. */
  journalCount(): number {
    return Number(this.db.prepare("SELECT count(DISTINCT journal) AS n FROM trial_journals").get()?.["n"] ?? 0);
  }

  close(): void {
    if (this.db.isOpen) this.db.close();
  }
}

/**
 * Registers every variant of `journal` in the registry at `registryPath` (created if missing):
 * what `replay --db` and `run` call once their variants are recorded.
 * @returns how many variants were new to the registry.
 * @throws JournalError when the registry cannot be opened or written.
 */
export function registerJournalTrials(journal: Journal, registryPath: string): number {
  const registry = TrialRegistry.open(registryPath);
  try {
    return registry.register(journal.variants(), journal.path);
  } finally {
    registry.close();
  }
}
