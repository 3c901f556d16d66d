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
