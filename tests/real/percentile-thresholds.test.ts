import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { replayIntoJournal } from "../../src/cli/replay-pipeline.ts";
import { Journal } from "../../src/journal/index.ts";
import { isThresholdMet, thresholdSourceOf } from "../../src/strategies/index.ts";
import type { ThresholdMet } from "../../src/strategies/index.ts";

/*
 * Percentile thresholds (memo "Change 1") on real data: BTC and ETH hourly candles and funding
 * through the whole pipeline with funding-velocity's default rule (p90 of |acceleration| at the
 * last 1000 settlements once 100 exist, 1e-6 /h² before).
 * Each signal records its threshold: `fallback` while fewer than 100 values were known before it,
 * `percentile` after — per market, never the other way round in time.
 *
 * Measured with this code: 461 funding-velocity signals — BTC 6 on the fallback, 203 on the
 * percentile; ETH 9 and 243.
 */
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const dataDir = process.env["SM_SHARED_DATA"] ?? resolve(repoRoot, "../shared/data/hyperliquid");
const available = existsSync(join(dataDir, "MANIFEST.csv"));

const tmp = mkdtempSync(join(tmpdir(), "real-percentile-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe.skipIf(!available && process.env["CI"] !== "true")("real data: percentile thresholds", () => {
  it("records fallback thresholds before 100 values are known and percentile ones after, per market", async () => {
    const inputs = ["BTC", "ETH"].flatMap((coin) => [join(dataDir, "candles/perp", `hl_perp_${coin}_1h.csv.gz`), join(dataDir, "funding", `hl_funding_${coin}.csv.gz`)]);
    const db = join(tmp, "percentile.db");
    await replayIntoJournal(inputs, db, { trading: { fillInterval: "1h", onlyStrategies: ["funding-velocity"] } });
    const journal = Journal.open(db, { readonly: true });
    let signals;
    try {
      signals = journal.signals().map((x) => x.signal);
    } finally {
      journal.close();
    }
    const byMarket = new Map<string, { createdMs: number; met: ThresholdMet }[]>();
    for (const s of signals) {
      expect(s.strategy).toBe("funding-velocity");
      const met = s.thresholds["accelerationPerHour2"];
      if (!isThresholdMet(met)) throw new Error(`signal ${s.id} has no rule-based threshold: ${JSON.stringify(met)}`);
      expect(thresholdSourceOf(s.thresholds)).toBe(met.source);
      // The signal's |acceleration| is beyond the threshold it met.
      expect(Math.abs(s.metrics["fundingAccelerationPerHour2"]!)).toBeGreaterThan(met.value);
      const list = byMarket.get(s.market.key) ?? [];
      list.push({ createdMs: s.createdMs, met });
      byMarket.set(s.market.key, list);
    }
    const counts: Record<string, { fallback: number; percentile: number }> = {};
    for (const [market, list] of byMarket) {
      list.sort((a, b) => a.createdMs - b.createdMs);
      const c = { fallback: 0, percentile: 0 };
      let seenPercentile = false;
      let lastSamples = -1;
      for (const { met } of list) {
        expect(met.percentile).toBe(90);
        // Samples only grow (to the window of 1000), and the source follows them.
        expect(met.samples).toBeGreaterThanOrEqual(Math.min(lastSamples, 1000));
        lastSamples = met.samples;
        if (met.source === "fallback") {
          expect(seenPercentile, `${market}: a fallback threshold after a percentile one`).toBe(false);
          expect(met.samples).toBeLessThan(100);
          expect(met.value).toBe(1e-6);
          c.fallback += 1;
        } else {
          seenPercentile = true;
          expect(met.samples).toBeGreaterThanOrEqual(100);
          expect(met.samples).toBeLessThanOrEqual(1000);
          c.percentile += 1;
        }
      }
      counts[market] = c;
    }
    console.log(`funding-velocity threshold sources by market: ${JSON.stringify(counts)}`);
    expect(Object.keys(counts).sort()).toEqual(["hyperliquid:perp:BTC", "hyperliquid:perp:ETH"]);
    for (const c of Object.values(counts)) {
      expect(c.fallback).toBeGreaterThan(0);
      expect(c.percentile).toBeGreaterThan(0);
    }
  });
});
