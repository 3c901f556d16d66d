import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { PaperPosition } from "../paper/index.ts";
import { JournalError } from "./errors.ts";
import { Journal } from "./journal.ts";
import type { JournalRecord } from "./records.ts";
import { T0, closeTrade, equityAt, fundingOn, openTrade, signalAt } from "./test-records.ts";

const HOUR = 3_600_000;
/** Trades in one batch: every table gets many rows, written table by table. */
const TRADES = 40;

/** Every data table's rows in insertion order (rowid, or the key of a WITHOUT ROWID table). */
function dump(path: string): Record<string, unknown[]> {
  const db = new DatabaseSync(path, { readOnly: true });
  try {
    const out: Record<string, unknown[]> = {};
    const tables = db.prepare("SELECT name, sql FROM sqlite_schema WHERE type = 'table' AND name NOT IN ('runs', 'schema_migrations') ORDER BY name").all();
    for (const t of tables) {
      const withoutRowid = String(t["sql"]).includes("WITHOUT ROWID");
      out[String(t["name"])] = db.prepare(`SELECT ${withoutRowid ? "" : "rowid AS rowid_, "}* FROM ${String(t["name"])} ORDER BY ${withoutRowid ? "1, 2" : "rowid"}`).all();
    }
    return out;
  } finally {
    db.close();
  }
}

/** Trade i: opened, paid funding twice (its position row rewritten each time), closed; and an equity snapshot. */
function trade(i: number): JournalRecord[][] {
  const openedMs = T0 + i * 60_000;
  const { records, position } = openTrade(i, openedMs);
  const accrued = (fundingUsd: number): PaperPosition => ({ ...position, fundingUsd });
  return [
    records,
    [
      { kind: "funding", payment: fundingOn(i, openedMs + HOUR) },
      { kind: "position", position: accrued(-0.06) },
    ],
    [{ kind: "funding", payment: fundingOn(i, openedMs + 2 * HOUR) }, { kind: "position", position: accrued(-0.12) }, ...closeTrade(i, openedMs, openedMs + 3 * HOUR)],
    [{ kind: "equity", snapshot: equityAt(openedMs, 10_000 + i) }],
  ];
}

describe("Journal.writeBatch, table by table", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "sm-batch-writer-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("writes a batch of many records as the same records in small batches: same rows, same order in every table", () => {
    const trades = Array.from({ length: TRADES }, (_, i) => trade(i));
    const whole = Journal.open(join(dir, "whole.db"));
    whole.writeBatch(trades.flat(2));
    whole.close();
    const pieces = Journal.open(join(dir, "pieces.db"));
    for (const t of trades) for (const batch of t) pieces.writeBatch(batch);
    pieces.close();
    const a = dump(join(dir, "whole.db"));
    expect(a["positions"]).toHaveLength(TRADES);
    expect(a["outcomes"]).toHaveLength(TRADES);
    expect(a["funding_payments"]).toHaveLength(2 * TRADES);
    expect(a["orders"]).toHaveLength(2 * TRADES);
    // each position row is its last state: two fundings accrued (−0.06 each), closed on its target
    expect(a["positions"]?.[TRADES - 1]).toMatchObject({ id: `pos-${TRADES - 1}`, funding_usd: -0.12, exit_reason: "target" });
    expect(a).toEqual(dump(join(dir, "pieces.db")));
  });

  it("names the record at fault (the 40th signal, a duplicate) and writes nothing of the batch", () => {
    const j = Journal.open(join(dir, "j.db"));
    const signals: JournalRecord[] = Array.from({ length: 39 }, (_, i) => ({ kind: "signal", signal: signalAt(i, T0 + i) }));
    const batch = [...signals, signals[5]!];
    expect(() => j.writeBatch(batch)).toThrow(JournalError);
    expect(() => j.writeBatch(batch)).toThrow(`batch record 39 (signal ${signalAt(5, T0 + 5).id}): UNIQUE constraint failed: signals.id`);
    expect(j.signals()).toEqual([]);
    j.writeBatch(signals);
    expect(j.signals()).toHaveLength(39);
    j.close();
  });

  it("refuses, naming it, an outcome for a position closed earlier in the same batch", () => {
    const j = Journal.open(join(dir, "j.db"));
    const [open, , close] = trade(0);
    const outcome = close!.find((r) => r.kind === "outcome")!;
    expect(() => j.writeBatch([...open!, ...close!, outcome])).toThrow(`batch record ${open!.length + close!.length} (outcome of pos-0): UNIQUE constraint failed: outcomes.position_id`);
    expect(j.openPositions()).toEqual([]);
    j.close();
  });

  it("refuses, naming it, a rewrite of a position as another trade later in the same batch as its opening", () => {
    const j = Journal.open(join(dir, "j.db"));
    const { records, position } = openTrade(0, T0);
    expect(() => j.writeBatch([...records, { kind: "position", position: { ...position, openedMs: T0 + 1 } }])).toThrow(
      `batch record ${records.length} (position pos-0): position pos-0 was rewritten with a different signal, strategy, opening time or book`,
    );
    j.close();
  });
});
