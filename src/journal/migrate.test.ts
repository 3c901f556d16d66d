import { DatabaseSync } from "node:sqlite";
import { describe, expect, it } from "vitest";
import { migrate, requireVersion, schemaVersion } from "./migrate.ts";
import { MIGRATIONS } from "./migrations/index.ts";
import type { Migration } from "./migrations/index.ts";

const v1: Migration = { version: 1, name: "one", sql: "CREATE TABLE a (x INTEGER) STRICT;" };
const v2: Migration = { version: 2, name: "two", sql: "ALTER TABLE a ADD COLUMN y TEXT;" };

describe("migrations", () => {
  it("are numbered 1, 2, 3 ... in order", () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(MIGRATIONS.map((_, i) => i + 1));
  });

  it("apply only the missing ones, in order, and record each", () => {
    const db = new DatabaseSync(":memory:");
    expect(migrate(db, "mem", [v1], 10)).toEqual([1]);
    expect(migrate(db, "mem", [v1, v2], 20)).toEqual([2]);
    expect(migrate(db, "mem", [v1, v2], 30)).toEqual([]);
    expect(db.prepare("SELECT * FROM schema_migrations ORDER BY version").all()).toEqual([
      { version: 1, name: "one", applied_ms: 10 },
      { version: 2, name: "two", applied_ms: 20 },
    ]);
    expect(schemaVersion(db, "mem")).toBe(2);
  });

  it("leave the old version when one fails part-way", () => {
    const db = new DatabaseSync(":memory:");
    migrate(db, "mem", [v1], 10);
    const broken: Migration = { version: 3, name: "broken", sql: "CREATE TABLE b (x INTEGER); SELECT * FROM nowhere;" };
    expect(() => migrate(db, "mem", [v1, v2, broken], 20)).toThrow(/no such table: nowhere/);
    expect(schemaVersion(db, "mem")).toBe(1);
    expect(db.prepare("SELECT name FROM sqlite_schema WHERE name = 'b'").get()).toBeUndefined();
  });

  it("refuse a database newer than the code", () => {
    const db = new DatabaseSync(":memory:");
    migrate(db, "mem", [v1, v2], 10);
    expect(() => migrate(db, "mem", [v1], 20)).toThrow("journal mem: has schema version 2, newer than this code knows (1); use a newer strategy-monitor to open it");
  });

  it("refuse a read-only database older than the code", () => {
    const db = new DatabaseSync(":memory:");
    migrate(db, "mem", [v1], 10);
    expect(() => requireVersion(db, "mem", [v1, v2])).toThrow("has schema version 1, this code needs 2; open it once read-write to migrate it");
  });

  it("refuse gaps in the numbering (a bug)", () => {
    const db = new DatabaseSync(":memory:");
    expect(() => migrate(db, "mem", [v2], 10)).toThrow(/expected 1/);
  });
});
