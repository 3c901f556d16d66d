import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { replayIntoJournal } from "../../src/cli/replay-pipeline.ts";
import type { ReplayTradingSettings } from "../../src/cli/replay-pipeline.ts";
import { STRATEGY_IDS } from "../../src/cli/trading-config.ts";
import { ConfigError } from "../../src/core/index.ts";
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

  it("records every strategy's effective configuration once as a variant, seen at the data's first event", () => {
    const variants = dumpJournal(join(dir, "a.db"))["strategy_variants"] as { strategy: string; config_json: string; first_seen_ms: number }[];
    expect(variants.map((v) => v.strategy).sort()).toEqual([...STRATEGY_IDS].sort());
    const basis = variants.find((v) => v.strategy === "basis-arbitrage");
    expect(JSON.parse(basis?.config_json ?? "{}")).toMatchObject({ threshold: 0.003 });
    // The fixture's first bar opens 2025-06-02T00:00Z; every variant is stamped with one event time.
    expect(new Set(variants.map((v) => v.first_seen_ms)).size).toBe(1);
    expect(variants[0]?.first_seen_ms).toBeGreaterThanOrEqual(Date.UTC(2025, 5, 2));
  });

  it("a strategy override changes what fires: a 1 % basis threshold, above the fixture's 0.6 % basis, silences basis arbitrage", async () => {
    const inputs = join(dir, "inputs");
    const base = await replayIntoJournal([inputs], join(dir, "a.db"), { trading: TRADING, batchEvents: 64 });
    const strict = await replayIntoJournal([inputs], join(dir, "strict.db"), { trading: { ...TRADING, strategies: { "basis-arbitrage": { threshold: 0.01 } } }, batchEvents: 64 });
    expect(base.kernel.signalsByStrategy["basis-arbitrage"]).toBe(5);
    expect(strict.kernel.signalsByStrategy["basis-arbitrage"] ?? 0).toBe(0);
    // The other strategies do not depend on basis settings.
    const { "basis-arbitrage": _a, ...others } = base.kernel.signalsByStrategy;
    const { "basis-arbitrage": _b, ...strictOthers } = strict.kernel.signalsByStrategy;
    expect(strictOthers).toEqual(others);
    // The two configurations are two variants of basis arbitrage, each journal recording its own.
    const variant = dumpJournal(join(dir, "strict.db"))["strategy_variants"] as { strategy: string; config_json: string }[];
    expect(JSON.parse(variant.find((v) => v.strategy === "basis-arbitrage")?.config_json ?? "{}")).toMatchObject({ threshold: 0.01 });
  });

  it("refuses a journal written with other strategy settings, naming the setting that differs", async () => {
    await expect(
      replayIntoJournal([join(dir, "inputs")], join(dir, "a.db"), { trading: { ...TRADING, strategies: { "basis-arbitrage": { threshold: 0.01 } } }, batchEvents: 64 }),
    ).rejects.toThrow(/setting strategies\.basis-arbitrage\.threshold: 0\.003 → 0\.01/);
    await expect(replayIntoJournal([join(dir, "inputs")], join(dir, "a.db"), { trading: { ...TRADING, risk: { ...TRADING.risk, riskPerTrade: 0.02 } }, batchEvents: 64 })).rejects.toThrow(
      /setting risk\.riskPerTrade: 0\.01 → 0\.02/,
    );
  });

  it("accepts settings that spell out the defaults against a journal written without them", async () => {
    const explicit: ReplayTradingSettings = { ...TRADING, strategies: { "basis-arbitrage": { threshold: 0.003 } }, risk: { ...TRADING.risk, riskPerTrade: 0.01, feeTier: 0 }, broker: { latencyMs: 200 } };
    const again = await replayIntoJournal([join(dir, "inputs")], join(dir, "a.db"), { trading: explicit, batchEvents: 64 });
    expect(again.alreadyComplete).toBe(true);
  });

  it("a bad setting stops the replay before a journal is created, naming the key path", async () => {
    const db = join(dir, "never.db");
    const run = replayIntoJournal([join(dir, "inputs")], db, { trading: { ...TRADING, strategies: { "flow-toxicity": { threshold: -1 } } }, batchEvents: 64 });
    await expect(run).rejects.toThrow(ConfigError);
    await expect(run).rejects.toThrow("config strategies.flow-toxicity.threshold = -1 is invalid: a number of toxicity units (mean / std of impact) between 0 and 1000");
    await expect(replayIntoJournal([join(dir, "inputs")], db, { trading: { ...TRADING, strategies: { "basis-arb": {} } } })).rejects.toThrow(/not a known strategy id; did you mean basis-arbitrage\?/);
    expect(existsSync(db)).toBe(false);
  });
});
