import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { JournalError } from "./errors.ts";
import { Journal } from "./journal.ts";
import { migrate } from "./migrate.ts";
import { MIGRATIONS } from "./migrations/index.ts";
import type { PaperOrder, UnfilledOrder } from "../paper/index.ts";
import { BTC, T0, basisSignalAt, closeTrade, equityAt, fundingOn, openTrade, signalAt } from "./test-records.ts";

const HOUR = 3_600_000;

describe("Journal", () => {
  let dir: string;
  let path: string;
  const opened: Journal[] = [];
  const open = (options?: Parameters<typeof Journal.open>[1]): Journal => {
    const j = Journal.open(path, options);
    opened.push(j);
    return j;
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "sm-journal-"));
    path = join(dir, "journal.db");
  });
  afterEach(() => {
    for (const j of opened.splice(0)) {
      try {
        j.close();
      } catch {
        // already closed by the test
      }
    }
    rmSync(dir, { recursive: true, force: true });
  });

  describe("opening", () => {
    it("creates the schema at version 4 in WAL mode with foreign keys on", () => {
      open().close();
      const db = new DatabaseSync(path);
      expect(db.prepare("PRAGMA journal_mode").get()).toEqual({ journal_mode: "wal" });
      expect(db.prepare("SELECT version, name FROM schema_migrations ORDER BY version").all()).toEqual([
        { version: 1, name: "initial" },
        { version: 2, name: "unfilled-orders" },
        { version: 3, name: "books" },
        { version: 4, name: "unused-indexes" },
      ]);
      const tables = db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name").all().map((r) => r["name"]);
      expect(tables).toEqual([
        "checkpoints",
        "equity_snapshots",
        "fills",
        "funding_payments",
        "markets",
        "oi_history",
        "orders",
        "outcomes",
        "positions",
        "risk_decisions",
        "runs",
        "schema_migrations",
        "signals",
        "strategy_lifecycle",
        "strategy_variants",
        "unfilled_orders",
      ]);
      db.close();
    });

    it("does not migrate a current journal again", () => {
      open().close();
      open().close();
      const db = new DatabaseSync(path);
      expect(db.prepare("SELECT count(*) AS n FROM schema_migrations").get()).toEqual({ n: 4 });
      db.close();
    });

    it("refuses a journal whose schema is newer than the code, and says so", () => {
      open().close();
      const db = new DatabaseSync(path);
      db.prepare("INSERT INTO schema_migrations (version, name, applied_ms) VALUES (5, 'from-the-future', 0)").run();
      db.close();
      expect(() => Journal.open(path)).toThrow(JournalError);
      expect(() => Journal.open(path)).toThrow(/schema version 5, newer than this code knows \(4\)/);
      expect(() => Journal.open(path, { readonly: true })).toThrow(/newer than this code/);
    });

    it("migrates a version-1 journal to the current version keeping its rows, and adds the unfilled column to signal_decisions", () => {
      const db = new DatabaseSync(path);
      migrate(db, path, MIGRATIONS.slice(0, 1), 0);
      db.exec(`INSERT INTO markets VALUES ('hyperliquid:perp:BTC', 'hyperliquid', 'perp', 'BTC', 'BTC');
        INSERT INTO signals VALUES ('s1', 'flow-toxicity', 'hyperliquid:perp:BTC', 'long', 'HIGH', 100, 99, 102, 60000, ${T0}, 120000, 'r', '{"metrics":{},"thresholds":{}}', '[]', NULL, 1);
        INSERT INTO risk_decisions VALUES ('s1', ${T0}, 0, 'above_max_notional', 'too big', NULL, NULL);`);
      db.close();
      const j = open();
      expect(j.signals().map((r) => [r.signal.id, r.decision?.code])).toEqual([["s1", "above_max_notional"]]);
      const check = new DatabaseSync(path);
      expect(check.prepare("SELECT max(version) AS v FROM schema_migrations").get()).toEqual({ v: 4 });
      expect(check.prepare("SELECT id, decision_code, entry_unfilled_code FROM signal_decisions").all()).toEqual([{ id: "s1", decision_code: "above_max_notional", entry_unfilled_code: null }]);
      check.close();
    });

    it("migrates a version-2 journal to books: its rows become the combined book's, and a strategy book's rows sit beside them", () => {
      const db = new DatabaseSync(path);
      migrate(db, path, MIGRATIONS.slice(0, 2), 0);
      db.exec(`INSERT INTO markets VALUES ('hyperliquid:perp:BTC', 'hyperliquid', 'perp', 'BTC', 'BTC');
        INSERT INTO signals VALUES ('s1', 'flow-toxicity', 'hyperliquid:perp:BTC', 'long', 'HIGH', 100, 99, 102, 60000, ${T0}, 120000, 'r', '{"metrics":{},"thresholds":{}}', '[]', NULL, 1);
        INSERT INTO risk_decisions VALUES ('s1', ${T0}, 0, 'max_open_positions', 'full', NULL, NULL);
        INSERT INTO equity_snapshots VALUES (${T0}, 9990, 9990, 0, 0, 0);`);
      db.close();
      const j = open();
      expect(j.books()).toEqual(["combined"]);
      expect(j.equitySnapshots().map((e) => [e.tsMs, e.equityUsd])).toEqual([[T0, 9990]]);
      // The strategy's own book decides the same signal again, and keeps its own snapshot at the same ms.
      j.writeBatch([
        { kind: "decision", book: "flow-toxicity", decision: { signalId: "s1", tsMs: T0, accepted: true, code: "ok", reason: "ok", sz: 1, notionalUsd: 100 } },
        { kind: "equity", book: "flow-toxicity", snapshot: { tsMs: T0, equityUsd: 10_000, cashUsd: 10_000, unrealizedUsd: 0, openPositions: 0, grossExposureUsd: 0 } },
      ]);
      expect(j.books()).toEqual(["combined", "flow-toxicity"]);
      expect(j.signals().map((r) => r.decision?.code)).toEqual(["max_open_positions"]);
      expect(j.signals({ book: "own" }).map((r) => r.decision?.code)).toEqual(["ok"]);
      expect(j.equitySnapshots({ book: "flow-toxicity" }).map((e) => [e.tsMs, e.equityUsd])).toEqual([[T0, 10_000]]);
      j.close();
      const check = new DatabaseSync(path);
      expect(check.prepare("SELECT decision_code, own_decision_code FROM signal_decisions").all()).toEqual([{ decision_code: "max_open_positions", own_decision_code: "ok" }]);
      check.close();
    });

    it("refuses a SQLite file that is not a journal", () => {
      const db = new DatabaseSync(path);
      db.exec("CREATE TABLE notes (text TEXT)");
      db.close();
      expect(() => Journal.open(path)).toThrow(/is not a strategy-monitor journal \(it has table notes/);
    });

    it("opens read-only for reports: reads work, writes are refused, a missing file is an error", () => {
      const writer = open();
      writer.writeBatch([{ kind: "equity", snapshot: equityAt(T0, 10_000) }]);
      const reader = open({ readonly: true });
      expect(reader.equitySnapshots()).toEqual([equityAt(T0, 10_000)]);
      expect(() => reader.writeBatch([])).toThrow(/opened read-only/);
      expect(() => Journal.open(join(dir, "missing.db"), { readonly: true })).toThrow(/cannot be opened read-only/);
    });
  });

  describe("writing batches", () => {
    it("reads back every record of a trade exactly as written", () => {
      const j = open();
      const { records } = openTrade(1, T0);
      const funding = fundingOn(1, T0 + HOUR);
      j.writeBatch([...records, { kind: "funding", payment: funding }, { kind: "equity", snapshot: equityAt(T0 + HOUR, 9_997.24) }]);
      j.writeBatch(closeTrade(1, T0, T0 + 2 * HOUR));

      const [signal] = j.signals();
      expect(signal?.signal).toEqual(signalAt(1, T0));
      expect(signal?.signal.market).toBe(BTC); // markets come back as the interned objects
      expect(signal?.decision).toEqual({ signalId: signalAt(1, T0).id, tsMs: T0, accepted: true, code: "ok", reason: "sized 0.1 BTC", sz: 0.1, notionalUsd: 6_000 });
      expect(j.fundingPayments()).toEqual([funding]);
      expect(j.equitySnapshots()).toEqual([equityAt(T0 + HOUR, 9_997.24)]);
      const outcomes = j.outcomes();
      expect(outcomes).toHaveLength(1);
      expect(outcomes[0]).toMatchObject({ positionId: "pos-1", pnlUsd: 173.51855, grossPnlUsd: 179, feesUsd: 5.48145, holdMs: 2 * HOUR, exitReason: "target" });
      expect(outcomes[0]?.pnlPct).toBe(173.51855 / 6_001);
      expect(j.openPositions()).toEqual([]);
    });

    it("keeps a two-leg signal's legs, spread plan and a decision-less signal", () => {
      const j = open();
      j.writeBatch([{ kind: "signal", signal: basisSignalAt(7, T0) }]);
      const [row] = j.signals();
      expect(row?.signal).toEqual(basisSignalAt(7, T0));
      expect(row?.signal.legs[1]?.market.base).toBe("BTC");
      expect(row?.decision).toBeUndefined();
    });

    it("rejects a duplicate key with an error naming the record, and writes none of that batch", () => {
      const j = open();
      j.writeBatch([{ kind: "signal", signal: signalAt(1, T0) }], { name: "replay", tsMs: T0, eventsConsumed: 10, lastEventMs: T0, state: { n: 1 } });
      const again = (): void =>
        j.writeBatch([{ kind: "signal", signal: signalAt(2, T0 + 1) }, { kind: "signal", signal: signalAt(1, T0) }], {
          name: "replay",
          tsMs: T0 + 1,
          eventsConsumed: 20,
          lastEventMs: T0 + 1,
          state: { n: 2 },
        });
      expect(again).toThrow(JournalError);
      expect(again).toThrow(`batch record 1 (signal ${signalAt(1, T0).id}): UNIQUE constraint failed: signals.id`);
      expect(j.signals().map((s) => s.signal.id)).toEqual([signalAt(1, T0).id]);
      expect(j.latestCheckpoint("replay")?.eventsConsumed).toBe(10);
    });

    it("rejects a batch that references a row never written, at commit", () => {
      const j = open();
      const { records } = openTrade(1, T0);
      const fillOnly = records.filter((r) => r.kind === "fill");
      expect(() => j.writeBatch(fillOnly)).toThrow(/batch cannot be committed: FOREIGN KEY constraint failed/);
      // A rolled-back batch leaves nothing behind, not even the markets it introduced, and the next batch still works.
      j.writeBatch(records);
      expect(j.openPositions()).toHaveLength(1);
    });

    it("rejects NaN and infinities instead of storing null", () => {
      const j = open();
      const bad = { ...signalAt(1, T0), metrics: { toxicity: Number.NaN } };
      expect(() => j.writeBatch([{ kind: "signal", signal: bad }])).toThrow(/\$\.metrics\.toxicity is NaN, which JSON cannot hold/);
      expect(j.signals()).toEqual([]);
    });

    it("rewrites a position row as it accrues funding, and closes it with its outcome", () => {
      const j = open();
      const { records, position } = openTrade(1, T0);
      j.writeBatch(records);
      const accrued = { ...position, fundingUsd: -0.06 };
      j.writeBatch([{ kind: "funding", payment: fundingOn(1, T0 + HOUR) }, { kind: "position", position: accrued }]);
      expect(j.openPositions()).toEqual([accrued]);
      j.writeBatch(closeTrade(1, T0, T0 + 2 * HOUR));
      expect(j.openPositions()).toEqual([]);
      expect(() => j.writeBatch(closeTrade(1, T0, T0 + 3 * HOUR).slice(2))).toThrow(/UNIQUE constraint failed: outcomes.position_id/);
    });

    it("keeps an entry order that never filled, without a position row, and reads it back", () => {
      const j = open();
      const signal = signalAt(2, T0);
      const order: PaperOrder = { id: `pos:${signal.id}:entry:0`, signalId: signal.id, positionId: `pos:${signal.id}`, legIndex: 0, market: BTC, side: "buy", sz: 0.1, tsMs: T0, purpose: "entry" };
      const unfilled: UnfilledOrder = { order, tsMs: T0 + 120_000, code: "expired", reason: "no bar for BTC before the signal's expiry" };
      j.writeBatch([
        { kind: "signal", signal },
        { kind: "decision", decision: { signalId: signal.id, tsMs: T0, accepted: true, code: "ok", reason: "sized", sz: 0.1, notionalUsd: 6_000 } },
        { kind: "unfilledOrder", unfilled },
      ]);
      expect(j.unfilledOrders()).toEqual([unfilled]);
      expect(j.unfilledOrders()[0]?.order.market).toBe(BTC);
      expect(j.unfilledOrders({ fromMs: T0 + 120_001 })).toEqual([]);
      expect(j.openPositions()).toEqual([]);
      const db = new DatabaseSync(path);
      expect(db.prepare("SELECT decision_code, entry_unfilled_code FROM signal_decisions").all()).toEqual([{ decision_code: "ok", entry_unfilled_code: "expired" }]);
      db.close();
      // Its signal must exist: an unfilled order of an unknown signal fails the batch.
      expect(() => j.writeBatch([{ kind: "unfilledOrder", unfilled: { ...unfilled, order: { ...order, id: "x", signalId: "nowhere" } } }])).toThrow(/FOREIGN KEY constraint failed/);
    });

    it("refuses to rewrite a position as a different trade", () => {
      const j = open();
      const { records, position } = openTrade(1, T0);
      j.writeBatch(records);
      expect(() => j.writeBatch([{ kind: "position", position: { ...position, openedMs: T0 + 1 } }])).toThrow(/rewritten with a different signal/);
    });
  });

  describe("reading for reports", () => {
    it("filters outcomes by strategy and a half-open close-time range", () => {
      const j = open();
      for (const [i, strategy] of [[1, "a"], [2, "b"], [3, "a"]] as const) {
        const openedMs = T0 + i * HOUR;
        j.writeBatch([...openTrade(i, openedMs, strategy).records, ...closeTrade(i, openedMs, openedMs + HOUR, strategy)]);
      }
      // closed at T0 + 2h (a), T0 + 3h (b), T0 + 4h (a)
      expect(j.outcomes().map((o) => o.positionId)).toEqual(["pos-1", "pos-2", "pos-3"]);
      expect(j.outcomes({ strategy: "a" }).map((o) => o.positionId)).toEqual(["pos-1", "pos-3"]);
      expect(j.outcomes({ fromMs: T0 + 3 * HOUR }).map((o) => o.positionId)).toEqual(["pos-2", "pos-3"]);
      expect(j.outcomes({ toMs: T0 + 4 * HOUR }).map((o) => o.positionId)).toEqual(["pos-1", "pos-2"]);
      expect(j.outcomes({ strategy: "a", fromMs: T0 + 2 * HOUR, toMs: T0 + 4 * HOUR }).map((o) => o.positionId)).toEqual(["pos-1"]);
      expect(j.signals({ strategy: "b" }).map((s) => s.signal.strategy)).toEqual(["b"]);
      expect(j.fundingPayments({ positionId: "pos-9" })).toEqual([]);
    });

    it("keeps one latest checkpoint per consumer, with its state", () => {
      const j = open();
      expect(j.latestCheckpoint("replay")).toBeUndefined();
      j.writeBatch([], { name: "replay", tsMs: T0, eventsConsumed: 100, lastEventMs: T0 - 5, state: { cash: 10_000, open: ["pos-1"] } });
      j.writeBatch([], { name: "replay", tsMs: T0 + 1, eventsConsumed: 200, lastEventMs: T0 + 1, state: { cash: 9_990.5, open: [] } });
      j.writeBatch([], { name: "live", tsMs: T0, eventsConsumed: 1, lastEventMs: T0, state: null });
      expect(j.latestCheckpoint("replay")).toEqual({ name: "replay", tsMs: T0 + 1, eventsConsumed: 200, lastEventMs: T0 + 1, state: { cash: 9_990.5, open: [] } });
      expect(j.latestCheckpoint("live")?.state).toBeNull();
    });

    it("records runs with their inputs and configuration", () => {
      const j = open();
      j.startRun({ runId: "r1", command: "replay", inputPaths: ["a.jsonl.gz"], config: { coins: ["BTC"] }, startedMs: 1_000 });
      j.finishRun("r1", 2_000);
      expect(() => j.startRun({ runId: "r1", command: "replay", inputPaths: [], config: {}, startedMs: 3_000 })).toThrow(/run r1: UNIQUE/);
      j.close();
      const db = new DatabaseSync(path);
      expect(db.prepare("SELECT * FROM runs").all()).toEqual([
        { run_id: "r1", command: "replay", input_paths_json: '["a.jsonl.gz"]', config_json: '{"coins":["BTC"]}', started_ms: 1_000, finished_ms: 2_000 },
      ]);
      db.close();
    });
  });

  describe("strategy lifecycle and variants", () => {
    it("keeps the history and answers the current state per strategy", () => {
      const j = open();
      expect(j.setLifecycle("vwap", "candidate", T0, "new")).toEqual({ ok: true, state: "candidate" });
      expect(j.setLifecycle("vwap", "forward-testing", T0 + 1, "start")).toEqual({ ok: true, state: "forward-testing" });
      expect(j.setLifecycle("oi", "forward-testing", T0, "imported")).toEqual({ ok: true, state: "forward-testing" });
      expect(j.setLifecycle("oi", "killed", T0 + 5, "PSR 0.41 < 0.95 after 40 trades")).toEqual({ ok: true, state: "killed" });
      expect(j.lifecycle()).toEqual([
        { strategy: "oi", state: "killed", sinceMs: T0 + 5, reason: "PSR 0.41 < 0.95 after 40 trades" },
        { strategy: "vwap", state: "forward-testing", sinceMs: T0 + 1, reason: "start" },
      ]);
      expect(j.lifecycleHistory("vwap").map((e) => e.state)).toEqual(["candidate", "forward-testing"]);
    });

    it("refuses a move the lifecycle forbids, or one back in time, and writes nothing", () => {
      const j = open();
      j.setLifecycle("vwap", "killed", T0, "bad");
      expect(j.setLifecycle("vwap", "validated", T0 + 1, "?")).toEqual({ ok: false, reason: "a killed strategy cannot become validated; allowed: candidate" });
      expect(j.setLifecycle("vwap", "candidate", T0, "again")).toMatchObject({ ok: false });
      expect(j.lifecycleHistory()).toHaveLength(1);
    });

    it("counts each configuration once, whatever its key order", () => {
      const j = open();
      const first = j.recordVariant("vwap", { z: 2, window: 60 }, T0);
      const again = j.recordVariant("vwap", { window: 60, z: 2 }, T0 + 1);
      expect(first.isNew).toBe(true);
      expect(again).toEqual({ ...first, isNew: false }); // first sighting time kept
      j.recordVariant("vwap", { z: 2.5, window: 60 }, T0 + 2);
      j.recordVariant("oi", { z: 2, window: 60 }, T0 + 3);
      expect(j.variantCount("vwap")).toBe(2);
      expect(j.variantCount()).toBe(3);
      expect(first.configHash).toMatch(/^[0-9a-f]{64}$/);
    });
  });

  describe("open-interest series", () => {
    it("keeps each coin's samples across a restart, written with the next batch", () => {
      const j = open();
      const oi = j.openInterestSeries();
      oi.append("BTC", { tsMs: T0, openInterest: 25_000 });
      oi.append("ETH", { tsMs: T0, openInterest: 400_000 });
      oi.append("BTC", { tsMs: T0 + HOUR, openInterest: 25_500.5 });
      // Visible to the metric at once, but not yet on disk: another connection sees nothing.
      expect(oi.load("BTC", T0 + 1)).toEqual([{ tsMs: T0 + HOUR, openInterest: 25_500.5 }]);
      const other = open({ readonly: true });
      expect(other.openInterestSeries().load("BTC", 0)).toEqual([]);
      j.writeBatch([], { name: "live", tsMs: T0 + HOUR, eventsConsumed: 3, lastEventMs: T0 + HOUR, state: {} });
      expect(other.openInterestSeries().load("BTC", 0)).toEqual([
        { tsMs: T0, openInterest: 25_000 },
        { tsMs: T0 + HOUR, openInterest: 25_500.5 },
      ]);
      oi.append("BTC", { tsMs: T0 + 2 * HOUR, openInterest: 26_000 }); // never committed: lost with the batch
      j.close();
      const restarted = open();
      expect(restarted.openInterestSeries().load("BTC", T0)).toEqual([
        { tsMs: T0, openInterest: 25_000 },
        { tsMs: T0 + HOUR, openInterest: 25_500.5 },
      ]);
      expect(restarted.openInterestSeries().load("ETH", 0)).toEqual([{ tsMs: T0, openInterest: 400_000 }]);
    });

    it("keeps pending samples when their batch fails", () => {
      const j = open();
      const oi = j.openInterestSeries();
      oi.append("BTC", { tsMs: T0, openInterest: 1 });
      expect(() => j.writeBatch([{ kind: "signal", signal: signalAt(1, T0) }, { kind: "signal", signal: signalAt(1, T0) }])).toThrow(JournalError);
      j.writeBatch([]);
      const reader = open({ readonly: true });
      expect(reader.openInterestSeries().load("BTC", 0)).toEqual([{ tsMs: T0, openInterest: 1 }]);
    });
  });
});
