import { describe, expect, it } from "vitest";
import { perp, spot } from "../core/index.ts";
import type { AssetContextEvent, BookSnapshotEvent, CandleEvent, FundingSettlementEvent, Market, MarketEvent } from "../core/index.ts";
import { basisSignal, oneLegSignal } from "../risk/test-signals.ts";
import type { Signal } from "../strategies/index.ts";
import { brokerConfig } from "./broker-config.ts";
import { PaperBroker } from "./broker.ts";
import type { BrokerState } from "./broker-state.ts";
import type { BrokerRecord } from "./records.ts";
import type { RiskDecision } from "./types.ts";

const BTC = perp("BTC");
const UBTC = spot("UBTC/USDC", "BTC");
const H = 3_600_000;
const lv = (px: number, sz: number) => ({ px, sz, orders: undefined });
const book = (market: Market, ts: number, bids: [number, number][], asks: [number, number][]): BookSnapshotEvent => ({
  kind: "book",
  market,
  tsEvent: ts,
  tsInit: ts,
  bids: bids.map(([p, s]) => lv(p, s)),
  asks: asks.map(([p, s]) => lv(p, s)),
});
/** The walk-test book: bids 99×1, 98×1, 97×5; asks 100×1, 101×2, 102×3 (mid 99.5). */
const stairs = (ts: number) => book(BTC, ts, [[99, 1], [98, 1], [97, 5]], [[100, 1], [101, 2], [102, 3]]);
const bar = (market: Market, openTime: number, o: number, h: number, l: number, c: number): CandleEvent => ({
  kind: "candle",
  market,
  interval: "1m",
  openTime,
  closeTime: openTime + 59_999,
  tsEvent: openTime + 59_999,
  tsInit: openTime + 59_999,
  open: o,
  high: h,
  low: l,
  close: c,
  volume: 1,
  trades: undefined,
  closed: true,
});
/** An hourly bar of BTC opening at `openTime`, stamped at its close. */
const hbar = (openTime: number, o: number, h: number, l: number, c: number): CandleEvent => ({ ...bar(BTC, openTime, o, h, l, c), interval: "1h", closeTime: openTime + H - 1, tsEvent: openTime + H - 1, tsInit: openTime + H - 1 });
const funding = (ts: number, rate: number): FundingSettlementEvent => ({ kind: "funding", market: BTC, tsEvent: ts, tsInit: ts, rate, periodMs: H, premium: undefined });
const oracle = (ts: number, oraclePx: number): AssetContextEvent => ({
  kind: "assetCtx",
  market: BTC,
  tsEvent: ts,
  tsInit: ts,
  fundingRatePerHour: undefined,
  openInterest: undefined,
  markPx: undefined,
  oraclePx,
  midPx: undefined,
  premium: undefined,
  dayNotionalVolumeUsd: undefined,
  impactBidPx: undefined,
  impactAskPx: undefined,
  prevDayPx: undefined,
});
const accept = (s: Signal, sz: number): RiskDecision => ({ signalId: s.id, tsMs: s.createdMs, accepted: true, code: "ok", reason: "test", sz, notionalUsd: sz * s.entryPx });
const reject = (s: Signal): RiskDecision => ({ signalId: s.id, tsMs: s.createdMs, accepted: false, code: "max_positions", reason: "test", sz: undefined, notionalUsd: undefined });
const ofKind = <K extends BrokerRecord["kind"]>(records: readonly BrokerRecord[], kind: K) => records.filter((r): r is Extract<BrokerRecord, { kind: K }> => r.kind === kind);

describe("PaperBroker, book model", () => {
  it("fills a market buy on the first book at or after signal time + latency, walking three levels", () => {
    const b = new PaperBroker(brokerConfig({ latencyMs: 200 }));
    b.onEvent(stairs(900));
    const s = oneLegSignal({ entryPx: 100, stopPx: 95, targetPx: 110, createdMs: 1_000 });
    expect(ofKind(b.onSignal(s, accept(s, 4)), "order")).toHaveLength(1);
    // 1,100 < 1,000 + 200: too early.
    expect(b.onEvent(stairs(1_100))).toEqual([]);
    const out = b.onEvent(stairs(1_250));
    const [fill] = ofKind(out, "fill");
    // 1 @ 100 + 2 @ 101 + 1 @ 102 = 404 → 101; fee 404 × 0.045 % = 0.1818 USD; slippage vs mid 99.5: (101 − 99.5) × 4 = 6 USD.
    expect(fill).toMatchObject({ fill: { px: 101, sz: 4, partial: false, model: "book", liquidity: "taker", side: "buy", tsMs: 1_250 } });
    expect(fill?.fill.feeUsd).toBeCloseTo(0.1818, 12);
    expect(fill?.fill.slippageUsd).toBeCloseTo(6, 12);
    const [opened] = ofKind(out, "positionOpened");
    expect(opened?.position).toMatchObject({ openedMs: 1_250, entryNotionalUsd: 404, legs: [{ market: BTC, side: "long", sz: 4, entryPx: 101 }] });
    // Equity = 10,000 − fee 0.1818 + unrealised (mid 99.5 − 101) × 4 = −6 → 9,993.8182.
    expect(ofKind(out, "equity")[0]?.snapshot.equityUsd).toBeCloseTo(9_993.8182, 9);
  });

  it("fills only the depth there is and flags the fill partial; the remainder is not filled", () => {
    const b = new PaperBroker(brokerConfig({ latencyMs: 0 }));
    const s = oneLegSignal({ entryPx: 100, stopPx: 95, targetPx: 110, createdMs: 1_000 });
    b.onSignal(s, accept(s, 7));
    const out = b.onEvent(stairs(1_000));
    expect(ofKind(out, "fill")[0]?.fill).toMatchObject({ sz: 6, partial: true });
    expect(ofKind(out, "fill")[0]?.fill.px).toBeCloseTo(608 / 6, 12);
    expect(b.openPositions()[0]?.legs[0]?.sz).toBe(6);
  });

  it("fills at once on the latest book when latency is 0 and that book is at the signal's time", () => {
    const b = new PaperBroker(brokerConfig({ latencyMs: 0 }));
    b.onEvent(stairs(1_000));
    const s = oneLegSignal({ entryPx: 100, stopPx: 95, targetPx: 110, createdMs: 1_000 });
    expect(ofKind(b.onSignal(s, accept(s, 1)), "fill")[0]?.fill).toMatchObject({ px: 100, sz: 1 });
  });

  it("records an entry with no book within the wait as not filled, with the reason", () => {
    const b = new PaperBroker(brokerConfig({ latencyMs: 200, maxFillWaitMs: 5_000 }));
    const s = oneLegSignal({ entryPx: 100, stopPx: 95, targetPx: 110, createdMs: 1_000 });
    b.onSignal(s, accept(s, 1));
    // Due 1,200, last chance 6,200: an event at 6,200 keeps waiting, one at 6,201 gives up.
    expect(b.onEvent(book(spot("X/USDC", "X"), 6_200, [[1, 1]], [[2, 1]]))).toEqual([]);
    expect(b.onEvent(book(spot("X/USDC", "X"), 6_201, [[1, 1]], [[2, 1]]))).toEqual([
      {
        kind: "orderUnfilled",
        orderId: "pos:test:hyperliquid:perp:BTC:1000:0:entry:0",
        signalId: s.id,
        positionId: "pos:test:hyperliquid:perp:BTC:1000:0",
        tsMs: 6_201,
        code: "no_book",
        reason: "no book for BTC within 5000 ms of 1200",
        order: { id: "pos:test:hyperliquid:perp:BTC:1000:0:entry:0", signalId: s.id, positionId: "pos:test:hyperliquid:perp:BTC:1000:0", legIndex: 0, market: BTC, side: "buy", sz: 1, tsMs: 1_000, purpose: "entry" },
      },
    ]);
    expect(b.portfolio().openPositions).toBe(0);
  });

  it("releases an entry without a book at exactly createdMs + expiryMs, freeing its slot", () => {
    const b = new PaperBroker(brokerConfig({ latencyMs: 200, maxFillWaitMs: 500_000 }));
    const s = oneLegSignal({ entryPx: 100, stopPx: 95, targetPx: 110, createdMs: 1_000 });
    b.onSignal(s, accept(s, 1));
    // Expiry 1,000 + 120,000 = 121,000: one ms before it the entry still holds its slot ...
    expect(b.onEvent(book(spot("X/USDC", "X"), 120_999, [[1, 1]], [[2, 1]]))).toEqual([]);
    expect(b.portfolio().openPositions).toBe(1);
    // ... and at it the slot is free, the record timed at the expiry.
    const [gone] = ofKind(b.onEvent(book(spot("X/USDC", "X"), 121_000, [[1, 1]], [[2, 1]])), "orderUnfilled");
    expect(gone).toMatchObject({ code: "expired", tsMs: 121_000, reason: "no book for BTC before the signal's expiry 121000 (created 1000)" });
    expect(b.portfolio().openPositions).toBe(0);
  });

  it("does not fill an entry whose first book comes at or after the signal's expiry", () => {
    const b = new PaperBroker(brokerConfig({ latencyMs: 200, maxFillWaitMs: 500_000 }));
    const s = oneLegSignal({ entryPx: 100, stopPx: 95, targetPx: 110, createdMs: 0 });
    b.onSignal(s, accept(s, 1));
    expect(ofKind(b.onEvent(stairs(120_000)), "orderUnfilled")[0]).toMatchObject({ code: "expired" });
  });

  it("accrues hourly funding for 3 hours on a long and a short, positive then negative rates", () => {
    const b = new PaperBroker(brokerConfig({ latencyMs: 0 }));
    b.onEvent(stairs(1_000));
    const long = oneLegSignal({ entryPx: 100, stopPx: 90, targetPx: 120, createdMs: 1_000, strategy: "a" });
    const short = oneLegSignal({ entryPx: 100, stopPx: 110, targetPx: 80, createdMs: 1_000, strategy: "b" });
    b.onSignal(long, accept(long, 1));
    b.onSignal(short, accept(short, 1));
    b.onEvent(oracle(2_000, 100));
    const payments = [...b.onEvent(funding(H + 48, 0.0001)), ...b.onEvent(funding(2 * H + 31, 0.0001)), ...b.onEvent(funding(3 * H + 12, -0.00005))];
    // Long 1 coin × oracle 100 × rate: pays 0.01, 0.01, receives 0.005 → −0.015; the short mirrors it: +0.015.
    const amounts = (id: string) => ofKind(payments, "funding").filter((f) => f.payment.positionId === id).map((f) => f.payment.amountUsd);
    const longAmounts = amounts(`pos:${long.id}`);
    const shortAmounts = amounts(`pos:${short.id}`);
    expect(longAmounts.map((x) => Number(x.toFixed(12)))).toEqual([-0.01, -0.01, 0.005]);
    expect(shortAmounts.map((x) => Number(x.toFixed(12)))).toEqual([0.01, 0.01, -0.005]);
    expect(ofKind(payments, "funding")[0]?.payment).toMatchObject({ market: BTC, rate: 0.0001, oraclePx: 100, sz: 1 });
    const positions = b.openPositions();
    expect(positions.find((p) => p.strategy === "a")?.fundingUsd).toBeCloseTo(-0.015, 12);
    expect(positions.find((p) => p.strategy === "b")?.fundingUsd).toBeCloseTo(0.015, 12);
    // A repeated settlement (live + history overlap) is not paid twice.
    expect(ofKind(b.onEvent(funding(3 * H + 12, -0.00005)), "funding")).toEqual([]);
  });

  it("snapshots equity on each UTC hour boundary of event time and after every position change", () => {
    const b = new PaperBroker(brokerConfig());
    b.onEvent(stairs(H - 1_000));
    const out = b.onEvent(stairs(3 * H + 5));
    expect(ofKind(out, "equity").map((e) => e.snapshot.tsMs)).toEqual([H, 2 * H, 3 * H]);
    expect(ofKind(out, "equity")[0]?.snapshot).toEqual({ tsMs: H, equityUsd: 10_000, cashUsd: 10_000, unrealizedUsd: 0, openPositions: 0, grossExposureUsd: 0 });
  });

  it("exits on the stop seen in a book mid, filling on the first book after the latency", () => {
    const b = new PaperBroker(brokerConfig({ latencyMs: 100 }));
    const s = oneLegSignal({ entryPx: 100, stopPx: 95, targetPx: 110, createdMs: 0 });
    b.onSignal(s, accept(s, 1));
    b.onEvent(stairs(100)); // buys 1 @ 100
    const trigger = b.onEvent(book(BTC, 1_000, [[94, 5]], [[95, 5]])); // mid 94.5 ≤ stop 95
    expect(ofKind(trigger, "order")[0]?.order).toMatchObject({ purpose: "exit", side: "sell", sz: 1, tsMs: 1_000 });
    const out = b.onEvent(book(BTC, 1_100, [[93, 5]], [[94, 5]]));
    expect(ofKind(out, "fill")[0]?.fill).toMatchObject({ px: 93, sz: 1 });
    const outcome = ofKind(out, "outcome")[0]?.outcome;
    // Gross (93 − 100) × 1 = −7; fees 100 × 0.045 % + 93 × 0.045 % = 0.045 + 0.04185 = 0.08685; net −7.08685.
    expect(outcome).toMatchObject({ exitReason: "stop", grossPnlUsd: -7, openedMs: 100, closedMs: 1_100, holdMs: 1_000 });
    expect(outcome?.feesUsd).toBeCloseTo(0.08685, 12);
    expect(outcome?.pnlUsd).toBeCloseTo(-7.08685, 12);
    expect(outcome?.pnlPct).toBeCloseTo(-0.0708685, 12);
    expect(b.equityUsd()).toBeCloseTo(10_000 - 7.08685, 9);
  });

  it("sees the stop in the top of book between two L2 books, and fills the exit on the next book", () => {
    const b = new PaperBroker(brokerConfig({ latencyMs: 100 }));
    const s = oneLegSignal({ entryPx: 100, stopPx: 95, targetPx: 110, createdMs: 0 });
    b.onSignal(s, accept(s, 1));
    b.onEvent(stairs(100)); // buys 1 @ 100
    // A top of book at 700: bid 94, ask 95, mid 94.5 ≤ stop 95 — before any later L2 book came.
    const top = (ts: number, bid: number, ask: number): MarketEvent => ({ kind: "bbo", market: BTC, tsEvent: ts, tsInit: ts, bid: lv(bid, 5), ask: lv(ask, 5) });
    const trigger = b.onEvent(top(700, 94, 95));
    expect(ofKind(trigger, "order")[0]?.order).toMatchObject({ purpose: "exit", side: "sell", sz: 1, tsMs: 700 });
    // The exit walks the next L2 book after the latency: bids 93 × 5.
    const out = b.onEvent(book(BTC, 900, [[93, 5]], [[94, 5]]));
    expect(ofKind(out, "fill")[0]?.fill).toMatchObject({ px: 93, sz: 1 });
    expect(ofKind(out, "outcome")[0]?.outcome).toMatchObject({ exitReason: "stop", closedMs: 900 });
  });

  it("keeps the newest mark: a top of book older than the latest book does not replace it", () => {
    const b = new PaperBroker(brokerConfig({ latencyMs: 100 }));
    b.onEvent(stairs(1_000)); // mark 99.5 at 1 000
    b.onEvent({ kind: "bbo", market: BTC, tsEvent: 900, tsInit: 1_010, bid: lv(90, 1), ask: lv(91, 1) });
    expect(b.snapshot().marks[BTC.key]).toEqual({ px: 99.5, tsMs: 1_000 });
    b.onEvent({ kind: "bbo", market: BTC, tsEvent: 1_100, tsInit: 1_110, bid: lv(98, 1), ask: lv(99, 1) });
    expect(b.snapshot().marks[BTC.key]).toEqual({ px: 98.5, tsMs: 1_100 });
  });

  it("closes on an opposite signal from the same strategy and market (reversal), even a refused one", () => {
    const b = new PaperBroker(brokerConfig({ latencyMs: 0 }));
    b.onEvent(stairs(0));
    const s = oneLegSignal({ entryPx: 100, stopPx: 95, targetPx: 110, createdMs: 0 });
    b.onSignal(s, accept(s, 1));
    const opposite = oneLegSignal({ entryPx: 100, stopPx: 105, targetPx: 90, createdMs: 500 });
    expect(ofKind(b.onSignal(opposite, reject(opposite)), "order")[0]?.order).toMatchObject({ purpose: "exit", side: "sell" });
    expect(ofKind(b.onEvent(stairs(600)), "outcome")[0]?.outcome.exitReason).toBe("reversal");
  });

  it("exits after the maximum hold", () => {
    const b = new PaperBroker(brokerConfig({ latencyMs: 0 }));
    b.onEvent(stairs(0));
    const s = { ...oneLegSignal({ entryPx: 100, stopPx: 95, targetPx: 110, createdMs: 0 }), maxHoldMs: 60_000 };
    b.onSignal(s, accept(s, 1));
    expect(ofKind(b.onEvent(stairs(59_999)), "order")).toEqual([]);
    expect(ofKind(b.onEvent(stairs(60_000)), "outcome")[0]?.outcome).toMatchObject({ exitReason: "maxHold", holdMs: 60_000 });
  });
});

describe("PaperBroker, two-leg basis position", () => {
  it("combines the P&L of a perp and a spot leg that move differently, and exits on convergence", () => {
    const b = new PaperBroker(brokerConfig({ latencyMs: 0 }));
    b.onEvent(book(BTC, 1_000, [[100_290, 10]], [[100_310, 10]])); // mid 100,300
    b.onEvent(book(UBTC, 1_000, [[99_990, 10]], [[100_010, 10]])); // mid 100,000: basis 0.3 %
    const s = basisSignal({ perpPx: 100_300, spotPx: 100_000, stopBasis: 0.006, createdMs: 1_000 });
    const entry = b.onSignal(s, accept(s, 0.1));
    // Short perp sells at the bid 100,290; long spot buys at the ask 100,010.
    expect(ofKind(entry, "fill").map((f) => [f.fill.market.key, f.fill.side, f.fill.px])).toEqual([
      [BTC.key, "sell", 100_290],
      [UBTC.key, "buy", 100_010],
    ]);
    expect(ofKind(entry, "positionOpened")[0]?.position.entryNotionalUsd).toBeCloseTo(20_030, 9);
    // The perp falls to mid 100,050 (basis 0.05 %: not yet converged) ...
    expect(ofKind(b.onEvent(book(BTC, 2_000, [[100_040, 10]], [[100_060, 10]])), "order")).toEqual([]);
    // ... and spot rises to mid 100,050: basis 0 → converged; spot sells at once at its bid 100,040,
    const trigger = b.onEvent(book(UBTC, 3_000, [[100_040, 10]], [[100_060, 10]]));
    expect(ofKind(trigger, "order").map((o) => o.order.side)).toEqual(["buy", "sell"]);
    expect(ofKind(trigger, "fill")[0]?.fill).toMatchObject({ market: UBTC, px: 100_040 });
    // the perp buys back on its next book at the ask 100,060.
    const out = b.onEvent(book(BTC, 4_000, [[100_040, 10]], [[100_060, 10]]));
    const outcome = ofKind(out, "outcome")[0]?.outcome;
    // perp: (100,290 − 100,060) × 0.1 = +23; spot: (100,040 − 100,010) × 0.1 = +3; gross +26.
    // fees: perp 0.045 % × (10,029 + 10,006) = 9.01575; spot 0.070 % × (10,001 + 10,004) = 14.0035; total 23.01925.
    expect(outcome).toMatchObject({ exitReason: "convergence", market: BTC, side: "short", openedMs: 1_000, closedMs: 4_000 });
    expect(outcome?.grossPnlUsd).toBeCloseTo(26, 9);
    expect(outcome?.feesUsd).toBeCloseTo(23.01925, 9);
    expect(outcome?.pnlUsd).toBeCloseTo(2.98075, 9);
    expect(outcome?.pnlPct).toBeCloseTo(2.98075 / 20_030, 12);
  });
});

describe("PaperBroker, bar model (candle-only replay)", () => {
  it("enters at the next bar's open and, when that bar holds both stop and target, assumes the stop", () => {
    const b = new PaperBroker(brokerConfig({ fillModel: "bar", latencyMs: 200, barSpread: { perp: 0, spot: 0 }, barSlippage: 0 }));
    b.onEvent(bar(BTC, 0, 100, 100, 100, 100));
    const s = oneLegSignal({ entryPx: 100, stopPx: 98, targetPx: 102, createdMs: 59_999 });
    b.onSignal(s, accept(s, 1));
    const out = b.onEvent(bar(BTC, 60_000, 100, 103, 97, 101));
    const fills = ofKind(out, "fill").map((f) => f.fill);
    // The order arrives at 59,999 + 200 = 60,199; the bar opened 199 ms before (within the 1 s
    // tolerance), so it fills at that open, timed 60,199. The entry's own bar is checked for exits.
    expect(fills.map((f) => [f.side, f.px, f.tsMs, f.model])).toEqual([
      ["buy", 100, 60_199, "bar"],
      ["sell", 98, 119_999, "bar"],
    ]);
    // Gross −2; fees 100 × 0.045 % + 98 × 0.045 % = 0.0891; net −2.0891.
    const outcome = ofKind(out, "outcome")[0]?.outcome;
    expect(outcome).toMatchObject({ exitReason: "stop", grossPnlUsd: -2 });
    expect(outcome?.pnlUsd).toBeCloseTo(-2.0891, 12);
  });

  it("adds half the spread and the slippage against the order, and pays funding on the latest close without an oracle", () => {
    const b = new PaperBroker(brokerConfig({ fillModel: "bar", barSpread: { perp: 0.0002, spot: 0.001 }, barSlippage: 0.0001 }));
    const s = oneLegSignal({ entryPx: 100, stopPx: 90, targetPx: 120, createdMs: 59_999 });
    b.onEvent(bar(BTC, 0, 100, 100, 100, 100));
    b.onSignal(s, accept(s, 2));
    // 100 × (1 + 0.0001 + 0.0001) = 100.02; slippage (100.02 − 100) × 2 = 0.04 USD.
    const fill = ofKind(b.onEvent(bar(BTC, 60_000, 100, 101, 99, 101)), "fill")[0]?.fill;
    expect(fill?.px).toBeCloseTo(100.02, 10);
    expect(fill?.slippageUsd).toBeCloseTo(0.04, 10);
    // Oracle approximated by the latest close 101: 2 × 101 × 0.0001 = 0.0202 paid.
    expect(ofKind(b.onEvent(funding(H, 0.0001)), "funding")[0]?.payment.amountUsd).toBeCloseTo(-0.0202, 12);
  });
});

describe("PaperBroker, bar model: the open just before a signal (barOpenToleranceMs)", () => {
  /** A closed 1 h bar (it arrives at its close, openTime + 1 h − 1). */
  const hourBar = (openTime: number, o: number, h: number, l: number, c: number): CandleEvent => ({ ...bar(BTC, openTime, o, h, l, c), interval: "1h", closeTime: openTime + H - 1, tsEvent: openTime + H - 1, tsInit: openTime + H - 1 });
  const hourly = (barOpenToleranceMs: number) =>
    new PaperBroker(brokerConfig({ fillModel: "bar", barInterval: "1h", latencyMs: 200, barOpenToleranceMs, barSpread: { perp: 0, spot: 0 }, barSlippage: 0 }));
  // Fired at a funding settlement stamped 48 ms after the hour: the 1 h bar opened 48 ms before it.
  const atSettlement = oneLegSignal({ entryPx: 100, stopPx: 95, targetPx: 110, createdMs: 10 * H + 48 });

  it("fills a signal 48 ms after a 1 h bar's open at that open with a 1 000 ms tolerance, timed at signal + latency", () => {
    const b = hourly(1_000);
    b.onEvent(hourBar(9 * H, 100, 100, 100, 100));
    b.onSignal(atSettlement, accept(atSettlement, 2));
    // The bar that opened at 10 h arrives at its close, past the 120 s expiry, and still fills: its
    // open (100.5) is a price from 248 ms before the order arrived at 10 h + 248 ms.
    const out = b.onEvent(hourBar(10 * H, 100.5, 104, 99, 103));
    expect(ofKind(out, "fill")[0]?.fill).toMatchObject({ side: "buy", px: 100.5, sz: 2, tsMs: 10 * H + 248, model: "bar" });
    expect(ofKind(out, "positionOpened")[0]?.position).toMatchObject({ openedMs: 10 * H + 248, entryNotionalUsd: 201 });
    // Marked at the close 103: (103 − 100.5) × 2 = +5 unrealised; fee 201 × 0.045 % = 0.09045.
    expect(b.equityUsd()).toBeCloseTo(10_000 + 5 - 0.09045, 9);
  });

  it("does not fill that signal on the same bar with tolerance 0, and releases it at exactly createdMs + expiryMs", () => {
    const b = hourly(0);
    b.onSignal(atSettlement, accept(atSettlement, 2));
    // No 1 h bar opens in [10 h + 248 ms, expiry − 1]: nothing can fill it, so it goes at the expiry 10 h + 120,048 ms.
    expect(b.onEvent(funding(10 * H + 120_047, 0))).toEqual([]);
    expect(b.portfolio().openPositions).toBe(1);
    const out = b.onEvent(funding(10 * H + 120_048, 0));
    expect(ofKind(out, "orderUnfilled")[0]).toMatchObject({ code: "expired", tsMs: 10 * H + 120_048 });
    expect(b.portfolio().openPositions).toBe(0);
    // The bar, arriving later, fills nothing.
    expect(ofKind(b.onEvent(hourBar(10 * H, 100.5, 104, 99, 103)), "fill")).toEqual([]);
  });

  it("never uses an open from further back than the tolerance (a stale price)", () => {
    const b = hourly(1_000);
    // 801 ms after the open + 200 ms latency: the open is 1,001 ms before the order arrives.
    const late = oneLegSignal({ entryPx: 100, stopPx: 95, targetPx: 110, createdMs: 10 * H + 801 });
    b.onSignal(late, accept(late, 1));
    const out = b.onEvent(hourBar(10 * H, 100.5, 104, 99, 103));
    expect(ofKind(out, "fill")).toEqual([]);
    expect(ofKind(out, "orderUnfilled")[0]).toMatchObject({ code: "expired", tsMs: 10 * H + 120_801 });
  });

  it("holds an entry while a bar that opened in its window may still arrive, then gives it up as no_bar", () => {
    // 1 m bars: a signal at 59,999 is due at 60,199; bars opening at 60,000 and 120,000 could fill it
    // (before the expiry 179,999); the later one arrives at 179,999. Neither comes (a data gap).
    const b = new PaperBroker(brokerConfig({ fillModel: "bar", latencyMs: 200 }));
    const s = oneLegSignal({ entryPx: 100, stopPx: 95, targetPx: 110, createdMs: 59_999 });
    b.onSignal(s, accept(s, 1));
    expect(b.onEvent(funding(179_999, 0))).toEqual([]);
    expect(b.portfolio().openPositions).toBe(1);
    expect(ofKind(b.onEvent(funding(180_000, 0)), "orderUnfilled")[0]).toMatchObject({
      code: "no_bar",
      tsMs: 180_000,
      reason: "the 1m bar(s) of BTC opening in [60000, 120000] never arrived (by 179999)",
    });
  });

  it("closes an exit whose bars stopped at the latest close after the wait, so it pays no later funding", () => {
    const b = new PaperBroker(brokerConfig({ fillModel: "bar", latencyMs: 0, barSpread: { perp: 0, spot: 0 }, barSlippage: 0 }));
    const s = { ...oneLegSignal({ entryPx: 100, stopPx: 90, targetPx: 120, createdMs: 59_999 }), maxHoldMs: H };
    b.onEvent(bar(BTC, 0, 100, 100, 100, 100));
    b.onSignal(s, accept(s, 1));
    b.onEvent(bar(BTC, 60_000, 100, 101, 99, 101)); // buys 1 @ 100 at 60,000; marked 101
    // At 120,000 (a funding event) the strategy turns short: the reversal exit waits for the next 1 m bar, which never comes.
    b.onEvent(funding(120_000, 0));
    const opposite = oneLegSignal({ entryPx: 101, stopPx: 110, targetPx: 90, createdMs: 120_000 });
    expect(ofKind(b.onSignal(opposite, reject(opposite)), "order")[0]?.order).toMatchObject({ purpose: "exit", tsMs: 120_000 });
    // Wait 120 s + one 1 m bar: at 300,000 it is still open; past that it closes at the last close 101.
    expect(ofKind(b.onEvent(funding(300_000, 0)), "outcome")).toEqual([]);
    const out = b.onEvent(funding(H, 0.0001));
    expect(ofKind(out, "outcome")[0]?.outcome).toMatchObject({ exitReason: "reversal", closedMs: 300_000, grossPnlUsd: 1, fundingUsd: 0 });
    // The 300,000 settlement (rate 0) was held through (closed at 300,000: paid, 0 USD, when the close was known); none at H.
    expect(ofKind(out, "funding").map((r) => [r.payment.tsMs, r.payment.amountUsd])).toEqual([[300_000, 0]]);
  });

  it("pays a settlement iff the position is held through it, and ends a maximum hold on the bar that completes it", () => {
    const b = new PaperBroker(brokerConfig({ fillModel: "bar", barInterval: "1h", latencyMs: 0, barSpread: { perp: 0, spot: 0 }, barSlippage: 0 }));
    b.onEvent(hbar(0, 100, 100, 100, 100));
    // A long decided at the close of hour 0 (H − 1 ms): it fills at hour 1's open (H), known only at H + H − 1.
    const s = { ...oneLegSignal({ entryPx: 100, stopPx: 90, targetPx: 120, createdMs: H - 1 }), maxHoldMs: 2 * H };
    b.onSignal(s, accept(s, 2));
    // The settlement of H + 48 ms arrives before that bar closes: held, then paid once the fill (at H) is known.
    expect(ofKind(b.onEvent(funding(H + 48, 0.0001)), "funding")).toEqual([]);
    const opened = b.onEvent(hbar(H, 100, 101, 99, 100));
    // −(2 × 100 × 0.0001) = −0.02 USD: the long pays.
    expect(ofKind(opened, "funding").map((r) => [r.payment.tsMs, r.payment.sz, r.payment.amountUsd])).toEqual([[H + 48, 2, -0.02]]);
    expect(ofKind(b.onEvent(funding(2 * H + 48, 0.0001)), "funding").map((r) => r.payment.tsMs)).toEqual([2 * H + 48]);
    // Held 2 h from H: hour 2's bar ends at 3 H, so the hold ends on it and the position leaves at its close (101).
    const ended = b.onEvent(hbar(2 * H, 100, 102, 99, 101));
    expect(ofKind(ended, "outcome")[0]?.outcome).toMatchObject({ exitReason: "maxHold", openedMs: H, closedMs: 3 * H - 1, holdMs: 2 * H - 1, grossPnlUsd: 2 });
    // Two settlements held through, no third: −0.04 USD.
    expect(ofKind(ended, "outcome")[0]?.outcome.fundingUsd).toBeCloseTo(-0.04, 12);
  });

  it("fills an exit decided inside a bar at that bar's close, or at its stop when the bar reaches it first, and pays no settlement after the fill", () => {
    const b = new PaperBroker(brokerConfig({ fillModel: "bar", barInterval: "1h", latencyMs: 0, barSpread: { perp: 0, spot: 0 }, barSlippage: 0 }));
    b.onEvent(hbar(0, 100, 100, 100, 100));
    const long = { ...oneLegSignal({ entryPx: 100, stopPx: 95, targetPx: 120, createdMs: H - 1 }), maxHoldMs: 8 * H };
    b.onSignal(long, accept(long, 1));
    b.onEvent(hbar(H, 100, 101, 99, 100)); // buys 1 @ 100 at H
    // At the 2 H + 48 ms settlement the strategy turns short (a refused signal still reverses): the exit is decided inside hour 2.
    b.onEvent(funding(2 * H + 48, 0));
    const short = oneLegSignal({ entryPx: 100, stopPx: 105, targetPx: 90, createdMs: 2 * H + 48 });
    expect(ofKind(b.onSignal(short, reject(short)), "order")[0]?.order).toMatchObject({ purpose: "exit", tsMs: 2 * H + 48 });
    // Hour 2's bar (its close, 3 H − 1 ms, is the first price after the decision) falls to 94: the stop at 95 comes first.
    const out = b.onEvent(hbar(2 * H, 100, 100.5, 94, 96));
    expect(ofKind(out, "fill")[0]?.fill).toMatchObject({ px: 95, tsMs: 3 * H - 1 });
    expect(ofKind(out, "outcome")[0]?.outcome).toMatchObject({ exitReason: "stop", closedMs: 3 * H - 1, grossPnlUsd: -5 });
    expect(ofKind(b.onEvent(funding(3 * H + 48, 0.0001)), "funding")).toEqual([]);
  });

  it("refuses a tolerance of a whole bar or more", () => {
    expect(() => new PaperBroker(brokerConfig({ fillModel: "bar", barInterval: "1m", barOpenToleranceMs: 60_000 }))).toThrow(/barOpenToleranceMs = 60000 is invalid/);
  });
});

describe("PaperBroker snapshot and restore", () => {
  type Step = { event: MarketEvent } | { signal: Signal; decision: RiskDecision };
  const long = oneLegSignal({ entryPx: 100, stopPx: 95, targetPx: 110, createdMs: 1_000, strategy: "a" });
  const short = oneLegSignal({ entryPx: 100, stopPx: 110, targetPx: 90, createdMs: 1_500, strategy: "b" });
  const steps: Step[] = [
    { event: stairs(900) },
    { signal: long, decision: accept(long, 2) },
    { event: oracle(1_100, 100) },
    { event: stairs(1_300) },
    { signal: short, decision: accept(short, 1) },
    { event: stairs(1_800) },
    { event: funding(H + 40, 0.0001) },
    { event: book(BTC, H + 5_000, [[111, 5]], [[112, 5]]) }, // long hits its target, short its stop
    { event: book(BTC, H + 6_000, [[111, 5]], [[112, 5]]) },
    { event: funding(2 * H + 40, 0.0001) },
    { event: stairs(3 * H) },
  ];
  const run = (b: PaperBroker, part: readonly Step[]): BrokerRecord[] =>
    part.flatMap((s) => ("event" in s ? b.onEvent(s.event) : b.onSignal(s.signal, s.decision)));

  it("gives the same records when stopped after any step, serialised to JSON and resumed", () => {
    const config = brokerConfig({ latencyMs: 200 });
    const uninterrupted = new PaperBroker(config);
    const whole = run(uninterrupted, steps);
    const finalState = uninterrupted.snapshot();
    expect(ofKind(whole, "outcome").map((o) => o.outcome.exitReason).sort()).toEqual(["stop", "target"]);
    for (let k = 0; k <= steps.length; k += 1) {
      const first = new PaperBroker(config);
      const head = run(first, steps.slice(0, k));
      const resumed = PaperBroker.restore(config, JSON.parse(JSON.stringify(first.snapshot())) as BrokerState);
      const tail = run(resumed, steps.slice(k));
      expect([...head, ...tail]).toEqual(whole);
      expect(resumed.snapshot()).toEqual(finalState);
    }
  });

  it("restores markets as the shared interned objects", () => {
    const b = new PaperBroker(brokerConfig({ latencyMs: 0 }));
    run(b, steps.slice(0, 4));
    const resumed = PaperBroker.restore(b.config, JSON.parse(JSON.stringify(b.snapshot())) as BrokerState);
    expect(resumed.openPositions()[0]?.legs[0]?.market).toBe(BTC);
  });
});
