import { describe, expect, it } from "vitest";
import { HOUR_MS, market, perp, spot } from "../core/index.ts";
import type { MarketEvent } from "../core/index.ts";
import { allFinite, assetCtx, book, BTC, candle, ETH, flat, funding, randomEventStream, trade, UBTC } from "../metrics/test-events.ts";
import { correlationColumn, MetricSet, rowRecord, STATIC_COLUMNS } from "./metric-set.ts";
import type { MetricRow } from "./metric-set.ts";

const DAY0 = Date.UTC(2024, 2, 1);
const MIN = 60_000;

/** A row with its values by column name, for readable assertions. */
type NamedRow = Omit<MetricRow, "values"> & { readonly values: Record<string, number | undefined>; readonly raw: MetricRow["values"] };

function run(set: MetricSet, events: readonly MarketEvent[]): NamedRow[] {
  const rows: MetricRow[] = [];
  for (const e of events) rows.push(...set.update(e));
  rows.push(...set.flush());
  return rows.map((r) => ({ ...r, values: rowRecord(r.values, set.columns()), raw: r.values }));
}

/** 20 flat 1m bars at 100 with volumes 1..20, then one at 110 with volume 42, from 00:00 UTC. */
function twentyOneBars(): MarketEvent[] {
  const events: MarketEvent[] = [];
  for (let i = 0; i < 20; i += 1) events.push(candle(BTC, "1m", DAY0 + i * MIN, flat(100, i + 1)));
  events.push(candle(BTC, "1m", DAY0 + 20 * MIN, flat(110, 42)));
  return events;
}

describe("MetricSet", () => {
  it("makes one row per closed bar with the volume ratio and session VWAP worked out by hand", () => {
    const rows = run(new MetricSet(), twentyOneBars());
    expect(rows).toHaveLength(21);
    const last = rows[20]!;
    expect(last.tsMs).toBe(DAY0 + 21 * MIN - 1);
    expect(last.marketKey).toBe("hyperliquid:perp:BTC");
    expect(last.symbol).toBe("BTC");
    expect(last.interval).toBe("1m");
    // 42 / mean(1..20) = 42 / 10.5 = 4
    expect(last.values["volumeRatio"]).toBe(4);
    // Σpv / Σv = (100·210 + 110·42) / 252 = 25 620 / 252 = 101 + 2/3
    expect(last.values["sessionVwap.vwap"]).toBeCloseTo(101 + 2 / 3, 10);
    // var = (210·(5/3)² + 42·(25/3)²) / 252 = 3500 / 252 = 125/9; z = (25/3) / (√125/3) = √5
    expect(last.values["sessionVwap.std"]).toBeCloseTo(Math.sqrt(125 / 9), 10);
    expect(last.values["sessionVwap.zScore"]).toBeCloseTo(Math.sqrt(5), 10);
    // (110 − 305/3) / (305/3) = 25 / 305
    expect(last.values["sessionVwap.deviation"]).toBeCloseTo(25 / 305, 12);
    // Nothing the bars cannot give: no book, trades, funding or open interest.
    expect(last.values["bookImbalance"]).toBeUndefined();
    expect(last.values["fundingRate.perHour"]).toBeUndefined();
    // The 20th bar has only 19 before it: the ratio is not warm yet.
    expect(rows[19]!.values["volumeRatio"]).toBeUndefined();
  });

  it("gives every row every static column, in the fixed order, and never NaN or an infinity", () => {
    for (const seed of [1, 2, 3]) {
      const set = new MetricSet();
      const rows = run(set, randomEventStream(seed, 3_000));
      expect(rows.length).toBeGreaterThan(10);
      for (const row of rows) {
        // Aligned with columns(): every static column, then at most one slot per coin seen.
        expect(row.raw.length).toBeGreaterThanOrEqual(STATIC_COLUMNS.length);
        expect(row.raw.length).toBeLessThanOrEqual(set.columns().length);
        expect(set.columns().slice(0, STATIC_COLUMNS.length)).toEqual(STATIC_COLUMNS);
        expect(allFinite(row.raw)).toBe(true);
      }
    }
  });

  it("is deterministic: the same stream gives the same rows", () => {
    const events = randomEventStream(7, 2_000);
    expect(run(new MetricSet(), events)).toEqual(run(new MetricSet(), events));
  });

  it("makes no row for forming bars, a repeated closed bar or an interval not configured", () => {
    const set = new MetricSet({ intervals: ["1m"] });
    const rows = run(set, [
      candle(BTC, "1m", DAY0, flat(100, 1), false, DAY0 + 10_000),
      candle(BTC, "1m", DAY0, flat(100, 1)),
      candle(BTC, "1m", DAY0, flat(101, 2)),
      candle(BTC, "5m", DAY0, flat(100, 1)),
      candle(BTC, "1m", DAY0 + MIN, flat(100, 1)),
    ]);
    expect(rows.map((r) => [r.interval, r.tsMs])).toEqual([
      ["1m", DAY0 + MIN - 1],
      ["1m", DAY0 + 2 * MIN - 1],
    ]);
  });

  it("computes a row only after every event of its time, so a spot bar after the perp bar is in the basis", () => {
    const set = new MetricSet();
    const rows = run(set, [candle(BTC, "1h", DAY0, flat(60_000, 1)), candle(UBTC, "1h", DAY0, flat(59_940, 1))]);
    const perpRow = rows.find((r) => r.marketKey === BTC.key)!;
    // (60 000 / 59 940 − 1) × 1e4 = 10.01001… bps
    expect(perpRow.values["basisBps.perpSpotBps"]).toBeCloseTo((60_000 / 59_940 - 1) * 1e4, 9);
    expect(perpRow.values["basisBps.researchOnly"]).toBe(0);
    // A spot pair has no basis of its own.
    expect(rows.find((r) => r.marketKey === UBTC.key)!.values["basisBps.perpSpotBps"]).toBeUndefined();
  });

  it("uses a Binance spot series as a research-only leg until a Hyperliquid pair of the base appears", () => {
    const binance = market("binance", "spot", "BTC/USDT", "BTC");
    const set = new MetricSet();
    const rows = run(set, [
      candle(binance, "1h", DAY0, flat(50_000, 1)),
      candle(BTC, "1h", DAY0, flat(50_100, 1)),
      candle(UBTC, "1h", DAY0 + HOUR_MS, flat(50_000, 1)),
      candle(BTC, "1h", DAY0 + HOUR_MS, flat(50_050, 1)),
    ]);
    const perpRows = rows.filter((r) => r.marketKey === BTC.key);
    // (50 100 / 50 000 − 1) × 1e4 = 20 bps against Binance, flagged; then 10 bps against UBTC.
    expect(perpRows[0]!.values["basisBps.perpSpotBps"]).toBeCloseTo(20, 9);
    expect(perpRows[0]!.values["basisBps.researchOnly"]).toBe(1);
    expect(perpRows[1]!.values["basisBps.perpSpotBps"]).toBeCloseTo(10, 9);
    expect(perpRows[1]!.values["basisBps.researchOnly"]).toBe(0);
  });

  it("reports funding, predicted funding, open interest and mark vs oracle for a perp", () => {
    const set = new MetricSet();
    const t = DAY0 + HOUR_MS;
    const rows = run(set, [
      funding(BTC, t - 1_000, 1e-5),
      assetCtx(BTC, t - 500, { fundingRatePerHour: 2e-5, openInterest: 1_000, markPx: 100.1, oraclePx: 100, premium: 0.0002 }),
      candle(BTC, "1h", DAY0, flat(100, 1)),
    ]);
    const v = rows[0]!.values;
    expect(v["fundingRate.perHour"]).toBe(1e-5);
    expect(v["fundingRate.per8h"]).toBeCloseTo(8e-5, 18);
    // 1e-5 × 8760 = 0.0876
    expect(v["fundingRate.annualized"]).toBeCloseTo(0.0876, 15);
    expect(v["fundingRatePredicted.perHour"]).toBe(2e-5);
    expect(v["openInterest.openInterest"]).toBe(1_000);
    expect(v["openInterest.change4h"]).toBeUndefined();
    // (100.1 / 100 − 1) × 1e4 = 10 bps; premium 0.0002 = 2 bps
    expect(v["basisBps.markOracleBps"]).toBeCloseTo(10, 9);
    expect(v["basisBps.premiumBps"]).toBeCloseTo(2, 12);
    // Without a spot leg there is no perp-spot basis, hence no flag.
    expect(v["basisBps.perpSpotBps"]).toBeUndefined();
    expect(v["basisBps.researchOnly"]).toBeUndefined();
  });

  it("correlates the hourly returns of every pair of perps: ETH = BTC² moves in lockstep (ρ = 1)", () => {
    const set = new MetricSet();
    const events: MarketEvent[] = [];
    let px = 100;
    for (let h = 0; h < 60; h += 1) {
      px *= 1 + ((h * 7919) % 13) / 1_000 - 0.006;
      events.push(candle(BTC, "1h", DAY0 + h * HOUR_MS, flat(px, 1)), candle(ETH, "1h", DAY0 + h * HOUR_MS, flat(px * px, 1)));
    }
    const rows = run(set, events);
    expect(set.columns().slice(STATIC_COLUMNS.length)).toEqual([correlationColumn(BTC), correlationColumn(ETH)]);
    const last = rows.filter((r) => r.marketKey === BTC.key).at(-1)!;
    // ln(ETH_t / ETH_{t−1}) = 2 ln(BTC_t / BTC_{t−1}): perfectly correlated.
    expect(last.values["hourlyReturnCorrelation.ETH"]).toBeCloseTo(1, 12);
    expect(rows.filter((r) => r.marketKey === ETH.key).at(-1)!.values["hourlyReturnCorrelation.BTC"]).toBeCloseTo(1, 12);
    // 59 returns; the first 47 hours have fewer than 48 pairs.
    expect(rows.find((r) => r.marketKey === BTC.key)!.values["hourlyReturnCorrelation.ETH"]).toBeUndefined();
  });

  it("samples book and trade metrics between bars and ignores other markets' events", () => {
    const set = new MetricSet();
    const t = DAY0;
    set.update(book(BTC, t, [[100, 3]], [[101, 1]]));
    set.update(book(ETH, t + 1, [[10, 1]], [[11, 50]]));
    set.update(trade(BTC, t + 2, "buy", 100, 3));
    set.update(trade(BTC, t + 3, "sell", 100, 1));
    set.update(trade(ETH, t + 4, "sell", 10, 100));
    const v = set.sample(BTC, undefined, t + 5);
    // (300 − 101) / (300 + 101) = 199 / 401
    expect(v["bookImbalance"]).toBeCloseTo(199 / 401, 12);
    expect(v["bookHerfindahl.bid"]).toBe(1);
    // (3 − 1) / (3 + 1) = 0.5
    expect(v["tradeFlow"]).toBe(0.5);
    // The threshold samples at the first event of each minute, before applying it: no sample yet.
    expect(set.sample(perp("BTC"), undefined, t + 5)["bookImbalanceP90.value"]).toBeUndefined();
    expect(set.markets()).toEqual([BTC, ETH]);
    expect(set.sample(spot("NONE/USDC", "NONE"), "1m", t)["bookImbalance"]).toBeUndefined();
  });
});
