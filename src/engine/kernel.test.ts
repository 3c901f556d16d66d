import { describe, expect, it } from "vitest";
import { DAY_MS, market, perp, spot } from "../core/index.ts";
import type { CandleEvent, FundingSettlementEvent, Market, MarketEvent } from "../core/index.ts";
import { AdaptiveConvergenceStrategy } from "../strategies/index.ts";
import { TradingKernel } from "./kernel.ts";
import { paperBrokerFactory } from "./paper-broker.ts";
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

/** One book's records (signals, which belong to no book, included); default the combined book. */
const inBook = (records: readonly KernelRecord[], book = "combined"): KernelRecord[] => records.filter((r) => r.kind === "signal" || r.book === book);
const kinds = (records: readonly KernelRecord[], book = "combined"): string[] => inBook(records, book).map((r) => r.kind);
const decisions = (records: readonly KernelRecord[], book = "combined") => inBook(records, book).flatMap((r) => (r.kind === "decision" ? [r.decision] : []));

describe("TradingKernel", () => {
  it("creates a perp's strategies on its first event, and basis only once a spot leg is known", () => {
    const k = kernel({ spotLegFilter: NO_SPOT_LEG_FILTER });
    k.onEvents([bar(BTC, T0, { close: 1000 })]);
    k.endInstant();
    const singles = k.strategies().map((s) => s.strategy.id);
    expect(singles).not.toContain("basis-arbitrage");
    expect(singles).toContain("contrarian-funding");
    k.onEvents([bar(UBTC, T0 + H, { close: 1000 }, 100)]);
    k.endInstant();
    const basis = k.strategies().filter((s) => s.strategy.id === "basis-arbitrage");
    expect(basis).toHaveLength(1);
    expect(basis[0]?.retired).toBe(false);
  });

  it("pairs a perp with a research-only Binance series until the venue's pair appears, then retires it", () => {
    const k = kernel({ spotLegFilter: NO_SPOT_LEG_FILTER });
    k.onEvents([bar(BINANCE_BTC, T0, { close: 1000 }), bar(BTC, T0, { close: 1000 })]);
    k.onEvents([bar(UBTC, T0 + H, { close: 1000 }, 100)]);
    k.endInstant();
    const basis = k.strategies().filter((s) => s.strategy.id === "basis-arbitrage");
    expect(basis.map((b) => [(b.strategy as unknown as { spotMarket: Market }).spotMarket.key, b.retired])).toEqual([
      ["binance:spot:BTC/USDT", true],
      ["hyperliquid:spot:UBTC/USDC", false],
    ]);
    // A Binance series seen after the venue's pair changes nothing.
    k.onEvents([bar(market("binance", "spot", "BTC/USDC", "BTC"), T0 + 2 * H, { close: 1000 })]);
    k.endInstant();
    expect(k.strategies().filter((s) => s.strategy.id === "basis-arbitrage")).toHaveLength(2);
  });

  it("drops spot bars the leg filter rejects, so a pair before its trusted date is no leg", () => {
    const k = kernel();
    // UBTC/USDC is trusted from 2025-02-14 15:00 UTC; this bar is from 2024.
    k.onEvents([bar(BTC, T0, { close: 1000 }), bar(UBTC, T0, { close: 6_969_696 }, 100)]);
    k.endInstant();
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
    // Budget 100 USD / (stop 20 + round-trip cost (1000 in + 1020 out at the stop) × (0.00045 + 0.0001) = 1.111) = 4.73687 BTC × LOW 0.4 = 1.89474 (5 decimals).
    expect(decision).toMatchObject({ accepted: true, code: "ok", sz: 1.89474 });
    const outcome = records.find((r) => r.kind === "outcome");
    // Short 1.89474 from 1000 to the 985 target: +28.4211 USD (no fees in the test broker).
    expect(outcome?.kind === "outcome" && outcome.outcome.pnlUsd).toBeCloseTo(28.4211, 9);
    expect(k.summary().outcomesByStrategy["contrarian-funding"]?.count).toBe(1);
  });

  it("trades each signal in its strategy's own book too: the same decision and trade, under ids prefixed with the book", () => {
    const k = kernel();
    const records = k.onEvents(history([0, 0, EXTREME, 0, 0], { 3: { open: 1000, close: 1000 }, 4: { open: 1000, high: 1001, low: 980, close: 990 } }));
    const own = inBook(records, "contrarian-funding").filter((r) => r.kind !== "equity");
    expect(kinds(own, "contrarian-funding")).toEqual(["signal", "decision", "order", "fill", "position", "order", "fill", "position", "outcome"]);
    // One signal record for both books; one decision in each.
    expect(records.filter((r) => r.kind === "signal")).toHaveLength(1);
    expect(decisions(records, "contrarian-funding")).toEqual(decisions(records));
    const ids = (book: string) => inBook(records, book).flatMap((r) => (r.kind === "position" ? [r.position.id] : []));
    expect(ids("combined")).toEqual(["pos-1", "pos-1"]);
    expect(ids("contrarian-funding")).toEqual(["contrarian-funding/pos-1", "contrarian-funding/pos-1"]);
    // Alone in its account the strategy made the same +28.4211 USD.
    expect(k.summary().books["contrarian-funding"]?.outcomesByStrategy["contrarian-funding"]?.pnlUsd).toBeCloseTo(28.4211, 9);
    expect(Object.keys(k.summary().books)).toEqual(["combined", ...k.strategies().map((s) => s.strategy.id)]);
  });

  it("journals a strategy book's snapshot only when one of its figures changed; the combined book keeps every one", () => {
    // A broker that snapshots every event at an unchanged 10 000 USD, as a flat account's hourly snapshots are.
    const flat = (setup: Parameters<ConstructorParameters<typeof TradingKernel>[0]["broker"]>[0]) => {
      const broker = new TestBroker(setup);
      return Object.assign(broker, {
        onEvent: (event: MarketEvent) => [{ kind: "equity" as const, snapshot: { tsMs: event.tsEvent, equityUsd: setup.startingEquityUsd, cashUsd: setup.startingEquityUsd, unrealizedUsd: 0, openPositions: 0, grossExposureUsd: 0 } }],
      });
    };
    const k = kernel({ broker: flat });
    const records = [...k.onEvents([bar(BTC, T0, { close: 1000 }), bar(BTC, T0 + H, { close: 1000 }), bar(BTC, T0 + 2 * H, { close: 1000 })]), ...k.finish()];
    const times = (book: string) => inBook(records, book).flatMap((r) => (r.kind === "equity" ? [r.snapshot.tsMs] : []));
    expect(times("combined")).toEqual([T0 + H - 1, T0 + 2 * H - 1, T0 + 3 * H - 1]);
    expect(times("contrarian-funding")).toEqual([T0 + H - 1]);
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

  it("journals an entry that gave up as an unfilled order (no order row), and frees the signal for the next one", () => {
    const k = kernel({}, ["contrarian-funding"]);
    const records = k.onEvents(history([0, 0, EXTREME, 0, EXTREME, 0]));
    expect(kinds(records)).toEqual(["signal", "decision", "unfilledOrder", "signal", "decision", "unfilledOrder"]);
    expect(decisions(records).map((d) => d.code)).toEqual(["ok", "ok"]);
    const first = records.find((r) => r.kind === "unfilledOrder");
    // The order as placed at the settlement ending hour 2; it gave up on hour 3's bar (closing at 4 h − 1 ms).
    expect(first?.kind === "unfilledOrder" && first.unfilled).toMatchObject({ code: "no_depth", tsMs: T0 + 4 * H - 1, order: { purpose: "entry", side: "sell", tsMs: T0 + 3 * H, market: BTC } });
    expect(k.summary()).toMatchObject({ unfilledEntries: 2, unfilledByCode: { no_depth: 2 } });
  });

  describe("with the paper broker's bar model on 1 h bars", () => {
    const paper = (barOpenToleranceMs: number) =>
      kernel({ broker: paperBrokerFactory({ fillModel: "bar", barInterval: "1h", latencyMs: 200, barOpenToleranceMs }) });
    // The settlement ending hour 2 (at 3 h) fires a short; hour 3's bar opened at that very instant.
    const events = history([0, 0, EXTREME, 0, 0, EXTREME, 0, 0], { 3: { open: 1000, close: 1000 } });

    it("fills a settlement signal at the open of the bar that began just before the order arrived (tolerance 1 s)", () => {
      const records = paper(1_000).onEvents(events);
      const fill = records.find((r) => r.kind === "fill");
      // Sell at 1000 × (1 − half of 1 bp − 1 bp) = 999.85, timed at the signal + 200 ms latency.
      expect(fill?.kind === "fill" && fill.fill).toMatchObject({ side: "sell", tsMs: T0 + 3 * H + 200, model: "bar" });
      expect(fill?.kind === "fill" && fill.fill.px).toBeCloseTo(999.85, 9);
      const position = records.find((r) => r.kind === "position");
      expect(position?.kind === "position" && position.position.openedMs).toBe(T0 + 3 * H + 200);
      expect(records.some((r) => r.kind === "unfilledOrder")).toBe(false);
    });

    it("with tolerance 0 releases the entry at exactly createdMs + expiryMs, journals it, and takes the next signal", () => {
      const k = paper(0);
      const records = k.onEvents(events);
      const unfilled = records.flatMap((r) => (r.kind === "unfilledOrder" ? [r.unfilled] : []));
      // No 1 h bar opens in [3 h + 200 ms, 3 h + 119,999 ms]: it can never fill, and goes at 3 h + 120 s.
      expect(unfilled[0]).toMatchObject({ code: "expired", tsMs: T0 + 3 * H + 120_000, order: { tsMs: T0 + 3 * H, purpose: "entry" } });
      // The slot and the signal are free again: the next extreme settlement (at 6 h) is accepted, not refused.
      expect(decisions(records).map((d) => d.code)).toEqual(["ok", "ok"]);
      expect(k.summary()).toMatchObject({ unfilledEntries: 2, unfilledByCode: { expired: 2 } });
    });
  });

  it("pays a settlement that arrives after later events (live: polled over REST) with its own time, and ignores it when it comes again", () => {
    const k = kernel({ broker: paperBrokerFactory({ fillModel: "bar", barInterval: "1h", latencyMs: 200, barOpenToleranceMs: 1_000 }) });
    // Short 1.88572 BTC filled at hour 3's open (3 h + 200 ms): LOW × 100 USD / (20 + (1000 + 1020) × (0.045 % fee
    // + the bar broker's 0.5 bp half spread + 1 bp slippage)) = 0.4 × 100 / 21.212 = 1.885725… → 5 decimals.
    // Hour 4's bar moves the clock to 5 h − 1 ms.
    k.onEvents([...history([0, 0, EXTREME]), bar(BTC, T0 + 3 * H, { close: 1000 }), bar(BTC, T0 + 4 * H, { close: 1000 })]);
    k.endInstant();
    expect(k.clock.now()).toBe(T0 + 5 * H - 1);
    // Older than the clock: they form an instant at the clock's time (5 h − 1 ms).
    const late = [...k.onEvents([funding(BTC, T0 + 4 * H, 1e-5), funding(BTC, T0 + 4 * H, 1e-5)]), ...k.endInstant()];
    const payments = inBook(late).flatMap((r) => (r.kind === "funding" ? [r.payment] : []));
    // −(−1.88572 × 1000 (the latest close: no oracle in a candle-only run) × 0.00001) = +0.0188572 USD, once, at the settlement's time.
    expect(payments.map((p) => [p.tsMs, p.sz, p.oraclePx])).toEqual([[T0 + 4 * H, -1.88572, 1000]]);
    expect(payments[0]?.amountUsd).toBeCloseTo(0.0188572, 12);
    expect(k.clock.now()).toBe(T0 + 5 * H - 1); // the clock did not go back
  });

  it("writes one equity snapshot per instant, released once time moves on", () => {
    const k = kernel();
    const events = history([0, 0, EXTREME, 0, 0], { 4: { open: 1000, low: 980, close: 990 } });
    const records = [...k.onEvents(events), ...k.finish()];
    const times = inBook(records).flatMap((r) => (r.kind === "equity" ? [r.snapshot.tsMs] : []));
    expect(times).toEqual([T0 + 4 * H - 1, T0 + 5 * H - 1]);
    // The strategy's own book traded the same position: its snapshots at the same instants.
    expect(inBook(records, "contrarian-funding").flatMap((r) => (r.kind === "equity" ? [r.snapshot.tsMs] : []))).toEqual(times);
  });

  describe("feeds the adaptive convergence weights with its outcomes", () => {
    // Two full UTC days of hourly bars and settlements: the short from hour 2 closes at the 985 target on hour 4 (day 0, +28.4211 USD); day 1 has no close.
    const twoDays = history([0, 0, EXTREME, ...Array<number>(46).fill(0)], { 4: { open: 1000, high: 1001, low: 980, close: 990 } });
    const adaptiveWeightsAtDay2 = (k: TradingKernel) => {
      const adaptive = k.strategies().find((s) => s.strategy.id === "convergence-adaptive")?.strategy;
      if (!(adaptive instanceof AdaptiveConvergenceStrategy)) throw new Error("no adaptive convergence strategy");
      return adaptive.weightsAt(T0 + 2 * DAY_MS);
    };
    const strategies = { ...STRATEGIES, convergenceAdaptive: { lookbackDays: 2, minHistoryDays: 2 } };

    it("from a validated strategy: all points on its component, Sharpe of [28.4211 / 10 000, 0] = √(365 / 2)", () => {
      const k = kernel({ strategies, lifecycle: { "contrarian-funding": "validated" } });
      k.onEvents(twoDays);
      expect(k.summary().outcomesByStrategy["contrarian-funding"]).toMatchObject({ count: 1 });
      const state = adaptiveWeightsAtDay2(k);
      expect(state.mode).toBe("adaptive");
      expect(state.historyDays).toEqual({ orderBook: 2, tradeFlow: 2, vwap: 2, funding: 2, openInterest: 2 });
      // Returns r and 0: mean r / 2, sample std r / √2 → (1 / √2) × √365.
      expect(state.sharpe.funding).toBeCloseTo(Math.sqrt(365 / 2), 9);
      expect(state.weights.components.funding.strong).toBeCloseTo(120, 9);
      expect(state.weights.components.tradeFlow.strong).toBe(0);
    });

    it("from a strategy that is not validated: no weight at all (every Sharpe 0 → no trade)", () => {
      const k = kernel({ strategies });
      k.onEvents(twoDays);
      expect(k.summary().outcomesByStrategy["contrarian-funding"]).toMatchObject({ count: 1 });
      const state = adaptiveWeightsAtDay2(k);
      expect(state.mode).toBe("all-zero");
      expect(state.sharpe.funding).toBe(0);
    });
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

describe("TradingKernel at a stop and a warm restart", () => {
  // Extreme funding at the end of hour 2 → a short placed at 3 h; the test broker fills it at hour 3's bar (closing at 4 h − 1 ms).
  const upToSignal = history([0, 0, EXTREME]);
  const hour3 = bar(BTC, T0 + 3 * H, { close: 1000 });

  it("flushPending releases the last instant's equity snapshot, and no later snapshot can reuse its ms", () => {
    const k = kernel();
    const records = k.onEvents([...upToSignal, hour3]);
    // Hour 3's bar (4 h − 1 ms) is the instant still gathered: another event of that ms could follow.
    expect(records.some((r) => r.kind === "equity" && r.snapshot.tsMs === T0 + 4 * H - 1)).toBe(false);
    // The stop processes it (the position opens at 4 h − 1 ms) and releases its snapshot.
    const flushed = k.flushPending(T0 + 4 * H);
    expect(inBook(flushed).map((r) => (r.kind === "equity" ? r.snapshot.tsMs : r.kind))).toEqual(["order", "fill", "position", T0 + 4 * H - 1]);
    expect(k.clock.now()).toBe(T0 + 4 * H);
    expect(k.flushPending(k.clock.now() + 1)).toEqual([]);
  });

  it("carries a held entry order and the pending snapshot through JSON to a restarted kernel, which journals them exactly as an uninterrupted one", () => {
    const straight = kernel();
    const whole = [...straight.onEvents([...upToSignal, hour3]), ...straight.finish()];

    const first = kernel();
    // The broker's state is not part of this test: a fresh test broker restarts from the signal's records (the same calls, replayed to it).
    const before = [...first.onEvents(upToSignal), ...first.endInstant()];
    expect(before.some((r) => r.kind === "order")).toBe(false); // held until the position opens
    const carry = JSON.parse(JSON.stringify(first.carryState())) as ReturnType<TradingKernel["carryState"]>;
    expect(carry.heldEntries).toHaveLength(1);
    expect(carry.heldEntries[0]?.orders[0]).toMatchObject({ purpose: "entry", side: "sell", market: { key: "hyperliquid:perp:BTC" } });

    // A kernel restored from the carry emits the held orders with the fill and position, in both
    // books (the combined and the strategy's own); their brokers hold the pending entry.
    const signal = before.find((r) => r.kind === "signal");
    if (signal?.kind !== "signal") throw new Error("no signal");
    // Every strategy has its book; only the signal's strategy holds an entry in its own.
    expect(Object.entries(carry.books ?? {}).filter(([, c]) => c.heldEntries.length > 0).map(([book]) => book)).toEqual([signal.signal.strategy]);
    const restored = new TradingKernel({
      broker: (setup) => {
        // Put the entry back into each fresh broker as a restored one would hold it (the test broker has no restore).
        const broker = new TestBroker(setup);
        const decision = before.find((r) => r.kind === "decision" && (r.book ?? "combined") === setup.book);
        if (decision?.kind === "decision") broker.onSignal(signal.signal, decision.decision, signal.signal.createdMs);
        return broker;
      },
      strategies: STRATEGIES,
      carry,
    });
    const after = [...restored.onEvents([hour3]), ...restored.finish()];
    const trading = (rs: readonly KernelRecord[]) => rs.filter((r) => r.kind !== "equity" && r.kind !== "signal" && r.kind !== "decision");
    expect(JSON.stringify(trading(after))).toBe(JSON.stringify(trading(whole)));
    const order = after.find((r) => r.kind === "order");
    expect(order?.kind === "order" && order.order.market).toBe(BTC); // interned again
  });

  it("releases a carried equity snapshot at the restarted kernel's first later event", () => {
    const carry = { heldEntries: [], pendingEquity: { tsMs: T0 + 5, equityUsd: 10_010, cashUsd: 10_010, unrealizedUsd: 0, openPositions: 0, grossExposureUsd: 0 } };
    const k = kernel({ carry });
    expect(k.summary().equityUsd).toBe(10_010);
    const records = [...k.onEvents([bar(BTC, T0 + H, { close: 1000 })]), ...k.endInstant()];
    expect(records.flatMap((r) => (r.kind === "equity" ? [r.snapshot] : []))).toEqual([carry.pendingEquity]);
  });
});
