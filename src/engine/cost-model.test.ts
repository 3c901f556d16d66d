/**
 * One cost model: sizing prices a round trip as the paper broker charges it. Before, sizing
 * assumed 1 bp a side on the entry price twice while the bar broker charged half its spread
 * (0.5 bp perp, 2.5 bp spot) + 1 bp slippage on both fills, the exit at the stop: 63 % of the
 * first real-data replay's stop-outs lost more than their risk budget, up to 1.3×.
 */
import { describe, expect, it } from "vitest";
import { perp } from "../core/index.ts";
import type { CandleEvent } from "../core/index.ts";
import { brokerConfig, PaperBroker } from "../paper/index.ts";
import type { RiskDecision } from "../paper/index.ts";
import { riskConfig, sizeSignal } from "../risk/index.ts";
import { oneLegSignal } from "../risk/test-signals.ts";

const BTC = perp("BTC");
const H = 3_600_000;
const hbar = (openTime: number, o: number, h: number, l: number, c: number): CandleEvent => ({
  kind: "candle", market: BTC, interval: "1h", openTime, closeTime: openTime + H - 1, tsEvent: openTime + H - 1, tsInit: openTime + H - 1,
  open: o, high: h, low: l, close: c, volume: 1, trades: undefined, closed: true,
});

/** Sizes a short at 100 000 with a 2 % stop on 10 000 USD, fills it on the bar broker, stops it out exactly at the stop; the net loss. */
function stopOutLoss(costPerSide: ((m: typeof BTC) => number) | undefined): { sz: number; lossUsd: number } {
  const broker = new PaperBroker(brokerConfig({ fillModel: "bar", barInterval: "1h", latencyMs: 0 }));
  broker.onEvent(hbar(0, 100_000, 100_000, 100_000, 100_000));
  const signal = oneLegSignal({ entryPx: 100_000, stopPx: 102_000, targetPx: 90_000, createdMs: H - 1, confidence: "HIGH" });
  const sized = sizeSignal(signal, 10_000, H - 1, riskConfig(), () => 5, costPerSide ?? undefined);
  if (!sized.ok) throw new Error(sized.reason);
  const decision: RiskDecision = { signalId: signal.id, tsMs: H - 1, accepted: true, code: "ok", reason: "test", sz: sized.sz, notionalUsd: sized.notionalUsd };
  broker.onSignal(signal, decision);
  broker.onEvent(hbar(H, 100_000, 100_500, 99_500, 100_000)); // sold at the open 100 000 (less half spread and slippage)
  const out = broker.onEvent(hbar(2 * H, 100_000, 102_000, 99_800, 101_000)); // the high touches the stop exactly: no gap
  const outcome = out.find((r) => r.kind === "outcome");
  if (outcome?.kind !== "outcome") throw new Error("no stop-out");
  expect(outcome.outcome.exitReason).toBe("stop");
  return { sz: sized.sz, lossUsd: -outcome.outcome.pnlUsd };
}

describe("one cost model for sizing and the broker", () => {
  it("a stop-out at the stop loses no more than the 100 USD budget when sizing uses the broker's cost per side", () => {
    const broker = new PaperBroker(brokerConfig({ fillModel: "bar", barInterval: "1h" }));
    // The bar broker's perp fill: half its 1 bp spread + 1 bp slippage = 1.5 bp a side.
    expect(broker.costPerSide(BTC)).toBeCloseTo(0.00015, 15);
    // s = 100 / (2 000 + (100 000 + 102 000) × (0.045 % + 0.015 %)) = 100 / 2 121.2 = 0.047143… → 0.04714.
    const shared = stopOutLoss((m) => broker.costPerSide(m));
    expect(shared.sz).toBe(0.04714);
    // Sold 0.04714 at 99 985 (100 000 − 1.5 bp), bought back at 102 015.3 (102 000 + 1.5 bp): −95.708342 gross,
    // fees 0.04714 × (99 985 + 102 015.3) × 0.045 % = 4.285032: −99.993374 USD, within the budget.
    expect(shared.lossUsd).toBeCloseTo(99.993374, 5);
    expect(shared.lossUsd).toBeLessThanOrEqual(100);
  });

  it("with the old assumption (1 bp a side, whatever the broker charges) the same stop-out loses more than the budget", () => {
    // s = 100 / (2 000 + 202 000 × 0.055 %) = 100 / 2 111.1 = 0.047369… → 0.04736: 0.47 % more coins than the broker's costs allow.
    const assumed = stopOutLoss(undefined);
    expect(assumed.sz).toBe(0.04736);
    expect(assumed.lossUsd).toBeGreaterThan(100);
  });
});
