import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { replayIntoJournal } from "../../src/cli/replay-pipeline.ts";
import type { ReplayTradingSettings } from "../../src/cli/replay-pipeline.ts";
import { writeHistoryFixture } from "./fixtures/history-fixture.ts";
import { dumpJournal } from "./fixtures/journal-dump.ts";

const dir = mkdtempSync(join(tmpdir(), "replay-determinism-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Caps oversize basis legs at the maximum notional and lets both legs of one coin in, so basis trades open. */
const TRADING: ReplayTradingSettings = { fillInterval: "1h", risk: { oversize: "cap", maxPerCoinExposure: 2 } };

describe("replay into a journal", () => {
  it("writes identical journals when the same history is replayed twice", async () => {
    const inputs = join(dir, "inputs");
    mkdirSync(inputs);
    // Four days of 1 h candles for BTC and ETH, the UBTC/USDC pair and hourly funding.
    writeHistoryFixture(inputs, { interval: "1h", bars: 96, seed: 7 });
    const first = await replayIntoJournal([inputs], join(dir, "a.db"), { trading: TRADING, batchEvents: 64 });
    const second = await replayIntoJournal([inputs], join(dir, "b.db"), { trading: TRADING, batchEvents: 64 });

    // The fixture makes at least two strategies fire and at least one position open and close.
    const firing = Object.entries(first.kernel.signalsByStrategy).filter(([, n]) => n > 0);
    expect(firing.length).toBeGreaterThanOrEqual(2);
    expect(Object.values(first.kernel.outcomesByStrategy).reduce((n, o) => n + o.count, 0)).toBeGreaterThanOrEqual(1);
    expect(second.kernel).toEqual(first.kernel);

    const a = dumpJournal(join(dir, "a.db"));
    const b = dumpJournal(join(dir, "b.db"));
    expect(Object.keys(a)).toEqual(expect.arrayContaining(["signals", "risk_decisions", "orders", "fills", "positions", "outcomes", "equity_snapshots", "checkpoints"]));
    expect(a["outcomes"]?.length).toBeGreaterThan(0);
    expect(a["fills"]?.length).toBeGreaterThan(0);
    for (const table of Object.keys(a)) expect(b[table], table).toEqual(a[table]);
  });

  it("refuses to replay other inputs or settings into a journal that holds a replay, naming what differs", async () => {
    const db = join(dir, "a.db");
    await expect(replayIntoJournal([join(dir, "inputs")], db, { trading: { ...TRADING, startingEquityUsd: 20_000 }, batchEvents: 64 })).rejects.toThrow(
      /setting startingEquityUsd: 10000 → 20000/,
    );
    await expect(replayIntoJournal([join(dir, "inputs", "hl_perp_BTC_1h.csv.gz")], db, { trading: TRADING, batchEvents: 64 })).rejects.toThrow(/inputs no longer given: .*hl_perp_ETH_1h/);
  });

  it("does nothing when the journal already holds the complete replay", async () => {
    const again = await replayIntoJournal([join(dir, "inputs")], join(dir, "a.db"), { trading: TRADING, batchEvents: 64 });
    expect(again.alreadyComplete).toBe(true);
    expect(again.recordsWritten).toBe(0);
  });
});
