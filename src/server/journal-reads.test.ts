import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Journal } from "../journal/index.ts";
import { openTrade, signalAt } from "../journal/test-records.ts";
import { HOUR_MS, OWN_BOOK_ID, REFUSED_SIGNAL_ID, T0, writeDashboardJournal } from "./test-journal.ts";

describe("the journal's dashboard reads", () => {
  let dir: string;
  let path: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "sm-dash-"));
    path = join(dir, "j.db");
    writeDashboardJournal(path);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("pages the ledger newest first with the combined and own-book decisions", () => {
    const j = Journal.open(path, { readonly: true });
    try {
      const page = j.signalLedger({ limit: 2 });
      expect(page.total).toBe(3);
      expect(page.rows.map((r) => r.signal.id)).toEqual([REFUSED_SIGNAL_ID, signalAt(2, T0 + 3 * HOUR_MS).id]);
      expect(page.rows[0]!.decision?.code).toBe("max_positions");
      expect(page.rows[0]!.ownDecision?.code).toBe("cooldown");
      expect(j.signalLedger({ limit: 2, offset: 2 }).rows.map((r) => r.signal.createdMs)).toEqual([T0]);
      expect(j.signalLedger({ fromMs: T0 + HOUR_MS, toMs: T0 + 5 * HOUR_MS }).total).toBe(1);
      expect(j.signalLedger({ book: OWN_BOOK_ID }).rows[0]!.decision?.code).toBe("cooldown");
      expect(j.signalLedger({ strategy: "basis-arbitrage" }).total).toBe(0);
    } finally {
      j.close();
    }
  });

  it("knows the last price per market from fills and funding, and the latest equity per book", () => {
    const j = Journal.open(path, { readonly: true });
    try {
      // last fill: trade 1's exit at 61 800 (T0 + 2 h); trade 2's entry 60 010 at T0 + 3 h is later; funding oracle 60 000 at T0 + 4 h later still
      expect(j.lastPrices()).toEqual([{ market: "hyperliquid:perp:BTC", px: 60_000, tsMs: T0 + 4 * HOUR_MS, source: "funding" }]);
      expect(j.latestEquity()?.equityUsd).toBe(10_150);
      expect(j.latestEquity({ book: OWN_BOOK_ID })?.tsMs).toBe(T0 + 2 * HOUR_MS);
      expect(j.checkpointTimes()).toEqual([{ name: "replay", tsMs: T0 + 5 * HOUR_MS, eventsConsumed: 100, lastEventMs: T0 + 5 * HOUR_MS }]);
      expect(j.signalFills(signalAt(1, T0).id).map((f) => [f.purpose, f.px])).toEqual([
        ["entry", 60_010],
        ["exit", 61_800],
      ]);
    } finally {
      j.close();
    }
  });

  it("reads what another connection wrote after a watermark, and nothing twice", () => {
    const reader = Journal.open(path, { readonly: true });
    const writer = Journal.open(path);
    try {
      const w0 = reader.watermark();
      const v0 = reader.dataVersion();
      expect(reader.changesSince(w0).signals).toEqual([]);
      writer.writeBatch(openTrade(9, T0 + 6 * HOUR_MS).records);
      expect(reader.dataVersion()).not.toBe(v0);
      const c = reader.changesSince(w0);
      expect(c.signals.map((s) => s.signal.id)).toEqual([signalAt(9, T0 + 6 * HOUR_MS).id]);
      expect(c.fills.map((f) => [f.book, f.purpose, f.px])).toEqual([["combined", "entry", 60_010]]);
      expect(reader.changesSince(c.watermark).signals).toEqual([]);
    } finally {
      writer.close();
      reader.close();
    }
  });
});
