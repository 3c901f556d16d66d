import { describe, expect, it } from "vitest";
import { market, perp, spot } from "../core/index.ts";
import type { CandleEvent, FundingSettlementEvent, Market, MarketEvent } from "../core/index.ts";
import { TradingKernel } from "./kernel.ts";
import type { KernelRecord } from "./kernel-record.ts";
import { NO_SPOT_LEG_FILTER } from "./spot-leg-filter.ts";
import { TestBroker } from "./test-broker.ts";

const H = 3_600_000;
/** 2024-01-01T00:00:00Z. */
const T0 = Date.UTC(2024, 0, 1);
const BTC = perp("BTC");
const UBTC = spot("UBTC/USDC", "BTC");
const BINANCE_BTC = market("binance", "spot", "BTC/USDT", "BTC");

function bar(m: Market, openTime: number, px: { open?: number; high?: number; low?: number; close: number }, volume = 1): CandleEvent {
  const closeTime = openTime + H - 1;
  const { close } = px;
  return {
    kind: "candle", market: m, interval: "1h", openTime, closeTime, tsEvent: closeTime, tsInit: closeTime,
    open: px.open ?? close, high: px.high ?? close, low: px.low ?? close, close, volume, trades: undefined, closed: true,
  };
}

function funding(m: Market, tsMs: number, rate: number): FundingSettlementEvent {
  return { kind: "funding", market: m, tsEvent: tsMs, tsInit: tsMs, rate, periodMs: H, premium: undefined };
}

/** Hour i: the BTC bar of hour i, then the settlement at its end with `rates[i]`. Bars flat at 1000 unless `bars` says otherwise. */
function history(rates: readonly number[], bars: Readonly<Record<number, Parameters<typeof bar>[2]>> = {}): MarketEvent[] {
  const out: MarketEvent[] = [];
  rates.forEach((rate, i) => {
    out.push(bar(BTC, T0 + i * H, bars[i] ?? { close: 1000 }));
    out.push(funding(BTC, T0 + (i + 1) * H, rate));
  });
  return out;
}

const EXTREME = 5e-5;
/** Only the contrarian baseline's volume filter is off, so it fires on every extreme settlement edge. */
const STRATEGIES = { contrarianFunding: { volumeFilter: { enabled: false } } };

function kernel(options: Partial<ConstructorParameters<typeof TradingKernel>[0]> = {}, unfillable: readonly string[] = []): TradingKernel {
  return new TradingKernel({ broker: (setup) => new TestBroker(setup, unfillable), strategies: STRATEGIES, ...options });
}

const kinds = (records: readonly KernelRecord[]): string[] => records.map((r) => r.kind);
const decisions = (records: readonly KernelRecord[]) => records.flatMap((r) => (r.kind === "decision" ? [r.decision] : []));

describe("TradingKernel", () => {
  it("creates a perp's strategies on its first event, and basis only once a spot leg is known", () => {
    const k = kernel({ spotLegFilter: NO_SPOT_LEG_FILTER });
    k.onEvents([bar(BTC, T0, { close: 1000 })]);
    const singles = k.strategies().map((s) => s.strategy.id);
    expect(singles).not.toContain("basis-arbitrage");
    expect(singles).toContain("contrarian-funding");
    k.onEvents([bar(UBTC, T0 + H, { close: 1000 }, 100)]);
    const basis = k.strategies().filter((s) => s.strategy.id === "basis-arbitrage");
    expect(basis).toHaveLength(1);
    expect(basis[0]?.retired).toBe(false);
  });

  it("pairs a perp with a research-only Binance series until the venue's pair appears, then retires it", () => {
    const k = kernel({ spotLegFilter: NO_SPOT_LEG_FILTER });
    k.onEvents([bar(BINANCE_BTC, T0, { close: 1000 }), bar(BTC, T0, { close: 1000 })]);
    k.onEvents([bar(UBTC, T0 + H, { close: 1000 }, 100)]);
    const basis = k.strategies().filter((s) => s.strategy.id === "basis-arbitrage");
    expect(basis.map((b) => [(b.strategy as unknown as { spotMarket: Market }).spotMarket.key, b.retired])).toEqual([
      ["binance:spot:BTC/USDT", true],
      ["hyperliquid:spot:UBTC/USDC", false],
    ]);
    // A Binance series seen after the venue's pair changes nothing.
    k.onEvents([bar(market("binance", "spot", "BTC/USDC", "BTC"), T0 + 2 * H, { close: 1000 })]);
    expect(k.strategies().filter((s) => s.strategy.id === "basis-arbitrage")).toHaveLength(2);
  });

  it("drops spot bars the leg filter rejects, so a pair before its trusted date is no leg", () => {
    const k = kernel();
    // UBTC/USDC is trusted from 2025-02-14 15:00 UTC; this bar is from 2024.
    k.onEvents([bar(BTC, T0, { close: 1000 }), bar(UBTC, T0, { close: 6_969_696 }, 100)]);
    expect(k.strategies().some((s) => s.strategy.id === "basis-arbitrage")).toBe(false);
    expect(k.summary().spotBarsDropped).toEqual({ "before-trusted-date": 1 });
  });

  it("records a signal, its decision, the entry order and fill with the opened position, then the exit and outcome", () => {
    const k = kernel();
    // Extreme funding at the end of hour 2 → short at 1000 (stop 1020, target 985); fills at hour 3's open; hour 4 trades down to 980.
    const records = k.onEvents(history([0, 0, EXTREME, 0, 0], { 3: { open: 1000, close: 1000 }, 4: { open: 1000, high: 1001, low: 980, close: 990 } }));
    const trading = records.filter((r) => r.kind !== "equity");
    expect(kinds(trading)).toEqual(["signal", "decision", "order", "fill", "position", "order", "fill", "position", "outcome"]);
    const [decision] = decisions(records);
    // Budget 100 USD / (stop 20 + round-trip cost 1000 × 2 × (0.00045 + 0.0001) = 1.1) = 4.7393 BTC × LOW 0.4 = 1.89573 (5 decimals).
    expect(decision).toMatchObject({ accepted: true, code: "ok", sz: 1.89573 });
    const outcome = records.find((r) => r.kind === "outcome");
    // Short 1.89573 from 1000 to the 985 target: +28.43595 USD (no fees in the test broker).
    expect(outcome?.kind === "outcome" && outcome.outcome.pnlUsd).toBeCloseTo(28.43595, 9);
    expect(k.summary().outcomesByStrategy["contrarian-funding"]?.count).toBe(1);
  });

  it("refuses a second signal while the first is open, and accepts one after the position closed and the cooldown passed", () => {
    const k = kernel();
    // Edges at hours 2, 4 (position still open: refused) and 8 (closed at hour 5, cooldown 10 min over: accepted).
    const records = k.onEvents(history([0, 0, EXTREME, 0, EXTREME, 0, 0, 0, EXTREME, 0], { 5: { open: 1000, low: 980, close: 990 } }));
    expect(decisions(records).map((d) => d.code)).toEqual(["ok", "open_signal", "ok"]);
  });

  it("keeps a killed strategy in shadow mode: the signal is recorded, no order is placed", () => {
    const records = kernel({ lifecycle: { "contrarian-funding": "killed" } }).onEvents(history([0, 0, EXTREME, 0, 0]));
    expect(kinds(records)).toEqual(["signal", "decision"]);
    expect(decisions(records)[0]).toMatchObject({ accepted: false, code: "shadow" });
  });

  it("lets a killed strategy trade when paperTradeWhenKilled names it", () => {
    const records = kernel({ lifecycle: { "contrarian-funding": "killed" }, paperTradeWhenKilled: ["contrarian-funding"] }).onEvents(history([0, 0, EXTREME, 0, 0]));
    expect(decisions(records)[0]?.code).toBe("ok");
    expect(records.some((r) => r.kind === "position")).toBe(true);
  });

  it("journals no order for an entry that gave up, and frees the signal for the next one", () => {
    const k = kernel({}, ["contrarian-funding"]);
    const records = k.onEvents(history([0, 0, EXTREME, 0, EXTREME, 0]));
    expect(kinds(records)).toEqual(["signal", "decision", "signal", "decision"]);
    expect(decisions(records).map((d) => d.code)).toEqual(["ok", "ok"]);
    expect(k.summary().unfilledEntries).toBe(2);
  });

  it("writes one equity snapshot per instant, released once time moves on", () => {
    const k = kernel();
    const events = history([0, 0, EXTREME, 0, 0], { 4: { open: 1000, low: 980, close: 990 } });
    const records = [...k.onEvents(events), ...k.finish()];
    const times = records.flatMap((r) => (r.kind === "equity" ? [r.snapshot.tsMs] : []));
    expect(times).toEqual([T0 + 4 * H - 1, T0 + 5 * H - 1]);
  });

  it("gives identical records whatever the batching", () => {
    const events = history([0, 0, EXTREME, 0, 0, EXTREME, 0, 0, -EXTREME, 0], { 4: { open: 1000, low: 980, close: 990 }, 9: { open: 1000, high: 1030, close: 1000 } });
    const run = (size: number): string => {
      const k = kernel();
      const out: KernelRecord[] = [];
      for (let i = 0; i < events.length; i += size) out.push(...k.onEvents(events.slice(i, i + size)));
      return JSON.stringify([...out, ...k.finish()]);
    };
    const whole = run(events.length);
    expect(run(1)).toBe(whole);
    expect(run(3)).toBe(whole);
    expect(whole).toContain('"kind":"outcome"');
  });
});
