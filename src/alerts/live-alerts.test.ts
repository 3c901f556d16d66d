import { describe, expect, it } from "vitest";
import type { MarketEvent } from "../core/index.ts";
import { market } from "../core/index.ts";
import type { Alert } from "./alert.ts";
import { LiveAlerts } from "./live-alerts.ts";
import type { AlertRecord, LifecycleRow } from "./live-alerts.ts";

const BTC = market("hyperliquid", "perp", "BTC", "BTC");
const CONFIG = { signalTaken: true, positionClosed: true, lifecycleChange: true, dailyLossHalt: true, staleAfterMs: 60_000, lifecyclePollMs: 60_000 };
const T = Date.UTC(2026, 11, 3, 12, 0, 0);

function setUp(config: Partial<typeof CONFIG> = {}, lifecycle: LifecycleRow[] = []) {
  let now = T;
  const sent: Alert[] = [];
  const rows = { current: lifecycle };
  const alerts = new LiveAlerts({ config: { ...CONFIG, ...config }, send: (a) => sent.push(a), readLifecycle: () => rows.current, nowMs: () => now });
  return { alerts, sent, rows, at: (ms: number) => (now = T + ms) };
}

const signal = { id: "liquidity:hyperliquid:perp:BTC:1:0", strategy: "liquidity", market: BTC, side: "long", entryPx: 100_000, stopPx: 98_000, targetPx: 103_000, reason: "imbalance 0.7 > 0.6" };
const decision = (book: string, accepted: boolean, code: string, tsMs = T): AlertRecord => ({
  kind: "decision",
  book,
  decision: { signalId: signal.id, tsMs, accepted, code, reason: code === "daily_loss_halt" ? "day's loss 3.1 % ≥ 3 %" : "ok", notionalUsd: accepted ? 2_500 : undefined },
});
const book = (): MarketEvent => ({ kind: "book", market: BTC, tsEvent: T, tsInit: T, bids: [], asks: [] });
const status = (state: "connected" | "disconnected" | "gap", gap?: [number, number]): MarketEvent => ({
  kind: "status",
  source: "hyperliquid-ws",
  state,
  tsEvent: T,
  tsInit: T,
  gapFrom: gap?.[0],
  gapTo: gap?.[1],
  detail: gap === undefined ? "" : "channel l2Book:SOL silent for 90000 ms; data may be missing",
});

describe("live alerts", () => {
  it("one signal_taken alert per signal, naming every book that took it", () => {
    const { alerts, sent } = setUp();
    alerts.onRecords([{ kind: "signal", signal }, decision("liquidity", true, "ok"), decision("combined", true, "ok")]);
    expect(sent).toHaveLength(1);
    expect(sent[0]?.kind).toBe("signal_taken");
    expect(sent[0]?.title).toBe("signal taken: liquidity long BTC");
    expect(sent[0]?.text).toBe("entry ≈ 100000, stop 98000, target 103000, 2500 USD; books liquidity, combined\nimbalance 0.7 > 0.6");
    expect(sent[0]?.data).toMatchObject({ books: ["liquidity", "combined"], entryPx: 100_000 });
  });

  it("no signal_taken alert for a signal every book refused, nor when switched off", () => {
    const a = setUp();
    a.alerts.onRecords([{ kind: "signal", signal }, decision("liquidity", false, "cooldown"), decision("combined", false, "max_positions")]);
    expect(a.sent).toEqual([]);
    const b = setUp({ signalTaken: false });
    b.alerts.onRecords([{ kind: "signal", signal }, decision("liquidity", true, "ok")]);
    expect(b.sent).toEqual([]);
  });

  it("position_closed with the net P&L, exit reason and hold", () => {
    const { alerts, sent } = setUp();
    alerts.onRecords([
      { kind: "outcome", book: "liquidity", outcome: { positionId: "p1", strategy: "liquidity", market: BTC, side: "long", closedMs: T, holdMs: 5_400_000, pnlUsd: -12.345, pnlPct: -0.004938, exitReason: "stop" } },
    ]);
    expect(sent.map((a) => [a.kind, a.title, a.text])).toEqual([["position_closed", "position closed: liquidity long BTC −12.35 USD", "-0.49 % net of fees and funding; exit stop after 90 min; book liquidity"]]);
  });

  it("daily_loss_halt once per book and UTC day", () => {
    const { alerts, sent } = setUp();
    alerts.onRecords([decision("combined", false, "daily_loss_halt")]);
    alerts.onRecords([decision("combined", false, "daily_loss_halt", T + 3_600_000)]);
    alerts.onRecords([decision("liquidity", false, "daily_loss_halt", T + 3_600_000)]);
    alerts.onRecords([decision("combined", false, "daily_loss_halt", T + 86_400_000)]);
    expect(sent.map((a) => a.title)).toEqual(["daily-loss halt in book combined", "daily-loss halt in book liquidity", "daily-loss halt in book combined"]);
    expect(sent[0]?.text).toBe("new entries refused until the next UTC day: day's loss 3.1 % ≥ 3 %");
  });

  it("data_stale once after staleAfterMs without data, and once when data resumes", () => {
    const { alerts, sent, at } = setUp();
    at(59_999);
    alerts.check();
    expect(sent).toEqual([]);
    at(60_000);
    alerts.check();
    at(70_000);
    alerts.check();
    expect(sent.map((a) => a.title)).toEqual(["no market data for 60 s"]);
    at(75_000);
    alerts.onEvent(book());
    expect(sent.map((a) => [a.title, a.text])).toEqual([
      ["no market data for 60 s", "no data event from the venue since 2026-12-03T12:00:00.000Z (threshold 60 s)"],
      ["market data resumed", "after 75 s without any"],
    ]);
  });

  it("data_stale when disconnected longer than staleAfterMs, and when connected again", () => {
    const { alerts, sent, at } = setUp();
    at(10_000);
    alerts.onEvent(book());
    alerts.onEvent(status("disconnected"));
    at(40_000);
    alerts.onEvent(book()); // data keeps the stale rule quiet; the disconnect rule is separate
    at(70_000);
    alerts.check();
    expect(sent.map((a) => a.title)).toEqual(["venue disconnected for 60 s"]);
    at(80_000);
    alerts.onEvent(status("connected"));
    expect(sent.map((a) => a.title)).toEqual(["venue disconnected for 60 s", "venue connection back"]);
  });

  it("a short disconnect is no alert; a channel gap of at least staleAfterMs is", () => {
    const { alerts, sent, at } = setUp();
    alerts.onEvent(status("disconnected"));
    at(5_000);
    alerts.onEvent(status("connected"));
    alerts.onEvent(book());
    alerts.onEvent(status("gap", [T, T + 30_000]));
    alerts.onEvent(status("gap", [T, T + 90_000]));
    expect(sent.map((a) => [a.title, a.text])).toEqual([["data gap of 90 s", "channel l2Book:SOL silent for 90000 ms; data may be missing"]]);
  });

  it("staleAfterMs 0 turns stale and disconnect alerts off", () => {
    const { alerts, sent, at } = setUp({ staleAfterMs: 0 });
    alerts.onEvent(status("disconnected"));
    at(3_600_000);
    alerts.check();
    expect(sent).toEqual([]);
  });

  it("lifecycle_change when the journal's state of a strategy changes (the first read is the baseline)", () => {
    const { alerts, sent, rows, at } = setUp({ staleAfterMs: 0 }, [{ strategy: "liquidity", state: "forward-testing", reason: "" }]);
    rows.current = [
      { strategy: "liquidity", state: "killed", reason: "after 40 trades the Sharpe interval's upper bound -0.4 is below 0" },
      { strategy: "vwap-reversion", state: "forward-testing", reason: "" },
    ];
    at(30_000);
    alerts.check();
    expect(sent).toEqual([]);
    at(60_000);
    alerts.check();
    expect(sent.map((a) => a.title)).toEqual(["lifecycle: liquidity forward-testing → killed", "lifecycle: vwap-reversion (none) → forward-testing"]);
    expect(sent[0]?.text).toBe("after 40 trades the Sharpe interval's upper bound -0.4 is below 0");
    at(120_000);
    alerts.check();
    expect(sent).toHaveLength(2);
  });
});
