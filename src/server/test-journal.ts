/**
 * A small journal written by hand for the dashboard's tests: in the combined book trade 1
 * (flow-toxicity, opened T0, closed on its target at T0 + 2 h, net +173.51855 USD) and trade 2
 * (opened T0 + 3 h, still open, one funding payment at T0 + 4 h at oracle 60 000), and a refused
 * signal at T0 + 5 h; in flow-toxicity's own book the same three decisions and its equity; equity
 * of the combined book hourly from T0. Every figure is hand-checkable.
 */
import { Journal } from "../journal/index.ts";
import type { JournalRecord } from "../journal/index.ts";
import { T0, closeTrade, equityAt, fundingOn, openTrade, signalAt } from "../journal/test-records.ts";

export { T0 };
export const HOUR_MS = 3_600_000;
export const OWN_BOOK_ID = "flow-toxicity";

/** The refused signal's id (T0 + 5 h, trade index 3). */
export const REFUSED_SIGNAL_ID = signalAt(3, T0 + 5 * HOUR_MS).id;

/** Writes the fixture into a new journal at `path` (closed afterwards). */
export function writeDashboardJournal(path: string): void {
  const journal = Journal.open(path);
  try {
    const t1 = openTrade(1, T0);
    const t2 = openTrade(2, T0 + 3 * HOUR_MS);
    const refused = signalAt(3, T0 + 5 * HOUR_MS);
    const own = (signalId: string, tsMs: number, accepted: boolean): JournalRecord => ({
      kind: "decision",
      book: OWN_BOOK_ID,
      decision: accepted
        ? { signalId, tsMs, accepted: true, code: "ok", reason: "sized 0.1 BTC", sz: 0.1, notionalUsd: 6_000 }
        : { signalId, tsMs, accepted: false, code: "cooldown", reason: "cooldown 30 min", sz: undefined, notionalUsd: undefined },
    });
    const records: JournalRecord[] = [
      ...t1.records,
      own(t1.records[0]!.kind === "signal" ? t1.records[0]!.signal.id : "", T0, true),
      ...closeTrade(1, T0, T0 + 2 * HOUR_MS),
      ...t2.records,
      own(signalAt(2, T0 + 3 * HOUR_MS).id, T0 + 3 * HOUR_MS, true),
      { kind: "funding", payment: fundingOn(2, T0 + 4 * HOUR_MS) },
      { kind: "signal", signal: refused },
      { kind: "decision", decision: { signalId: refused.id, tsMs: refused.createdMs, accepted: false, code: "max_positions", reason: "1 open ≥ max 1", sz: undefined, notionalUsd: undefined } },
      own(refused.id, refused.createdMs, false),
      // combined: flat 10 000 until trade 1 closes (+173.51855), then trade 2 open.
      { kind: "equity", snapshot: equityAt(T0, 10_000, 1) },
      { kind: "equity", snapshot: equityAt(T0 + 1 * HOUR_MS, 9_950, 1) },
      { kind: "equity", snapshot: equityAt(T0 + 2 * HOUR_MS, 10_173.51855, 0) },
      { kind: "equity", snapshot: equityAt(T0 + 4 * HOUR_MS, 10_150, 1) },
      { kind: "equity", book: OWN_BOOK_ID, snapshot: equityAt(T0, 10_000, 1) },
      { kind: "equity", book: OWN_BOOK_ID, snapshot: equityAt(T0 + 2 * HOUR_MS, 10_173.51855, 0) },
    ];
    journal.writeBatch(records, { name: "replay", tsMs: T0 + 5 * HOUR_MS, eventsConsumed: 100, lastEventMs: T0 + 5 * HOUR_MS, state: { complete: true, batches: 1 } });
  } finally {
    journal.close();
  }
}
