/**
 * One instant, one state: events with the same venue time are one instant, applied in an order
 * that does not depend on the input's. Before, hourly bars that close at the same millisecond
 * were processed in command-line file order, and a maximum-hold exit triggered by another
 * market's bar ran before the position's own bar was checked for its stop: the same data with
 * the files reversed gave other trades and other totals.
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { replayIntoJournal } from "../../src/cli/replay-pipeline.ts";
import type { ReplayTradingSettings } from "../../src/cli/replay-pipeline.ts";
import { writeHistoryFixture } from "./fixtures/history-fixture.ts";
import { dumpJournal } from "./fixtures/journal-dump.ts";

const dir = mkdtempSync(join(tmpdir(), "instant-order-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const TRADING: ReplayTradingSettings = { fillInterval: "1h", risk: { oversize: "cap", maxPerCoinExposure: 2 } };

describe("the journal does not depend on the order of the input files", () => {
  const inputs = join(dir, "inputs");
  mkdirSync(inputs);
  // Four days of 1 h bars for BTC, ETH and UBTC/USDC (all closing at the same ms each hour) and funding.
  const files = writeHistoryFixture(inputs, { interval: "1h", bars: 96, seed: 11 });
  let reference: Record<string, unknown[]> | undefined;
  let run = 0;

  it("any permutation of the files gives an identical journal, trades included", { timeout: 120_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(fc.shuffledSubarray(files, { minLength: files.length, maxLength: files.length }), async (order) => {
        run += 1;
        const db = join(dir, `run-${run}.db`);
        await replayIntoJournal(order, db, { trading: TRADING, batchEvents: 64 });
        const dump = dumpJournal(db);
        // Which files came first is recorded per run; everything the simulation produced must agree.
        delete dump["strategy_variants"];
        delete dump["checkpoints"];
        if (reference === undefined) {
          reference = dump;
          expect((dump["positions"] ?? []).length).toBeGreaterThan(3);
          expect((dump["outcomes"] ?? []).length).toBeGreaterThan(3);
          return;
        }
        for (const table of Object.keys(reference)) expect(dump[table], `${table} with files ${order.map((f) => f.split("/").pop()).join(", ")}`).toEqual(reference[table]);
      }),
      { numRuns: 6, seed: 20261203 },
    );
  });
});

describe("replay --strategies: a strategy alone fires exactly what it fires among the others", () => {
  it("runs only the named strategies, with the signals they fire in the full run, and records only their variants", { timeout: 60_000 }, async () => {
    const inputs = join(dir, "subset-inputs");
    mkdirSync(inputs);
    writeHistoryFixture(inputs, { interval: "1h", bars: 96, seed: 7 });
    const all = await replayIntoJournal([inputs], join(dir, "all.db"), { trading: TRADING });
    const alone = await replayIntoJournal([inputs], join(dir, "alone.db"), { trading: { ...TRADING, onlyStrategies: ["contrarian-funding", "basis-arbitrage"] } });
    expect(Object.keys(alone.kernel.signalsByStrategy).sort()).toEqual(["basis-arbitrage", "contrarian-funding"]);
    const signals = (db: string, id: string) => (dumpJournal(db)["signals"] as Record<string, unknown>[]).filter((r) => r["strategy"] === id).map((r) => [r["id"], r["side"], r["created_ms"], r["entry_px"]]);
    for (const id of ["basis-arbitrage", "contrarian-funding"]) {
      expect(signals(join(dir, "alone.db"), id).length).toBeGreaterThan(0);
      expect(signals(join(dir, "alone.db"), id)).toEqual(signals(join(dir, "all.db"), id));
    }
    expect(all.kernel.signalsByStrategy["funding-volume"] ?? 0).toBeGreaterThan(0);
    const variants = (dumpJournal(join(dir, "alone.db"))["strategy_variants"] as { strategy: string }[]).map((v) => v.strategy).sort();
    expect(variants).toEqual(["basis-arbitrage", "contrarian-funding"]);
  });
});
