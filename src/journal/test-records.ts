/**
 * Hand-written journal records for tests, the bench and the crash-test child: one deterministic
 * paper trade per index, with round numbers that are easy to check by hand.
 */
import { perp, spot } from "../core/index.ts";
import type { EquitySnapshot, FundingPayment, Outcome, PaperFill, PaperOrder, PaperPosition, RiskDecision } from "../paper/index.ts";
import type { Signal } from "../strategies/signal.ts";
import type { JournalRecord } from "./records.ts";

export const BTC = perp("BTC");
export const ETH = perp("ETH");
export const UBTC = spot("UBTC/USDC", "BTC");

/** 2025-09-03 12:00:00 UTC. */
export const T0 = Date.UTC(2025, 8, 3, 12, 0, 0);
const HOUR = 3_600_000;

/** A long BTC signal of strategy `strategy`, fired at `createdMs`. */
export function signalAt(i: number, createdMs: number, strategy = "flow-toxicity"): Signal {
  return {
    id: `${strategy}:${BTC.key}:${createdMs}:${i}`,
    strategy,
    market: BTC,
    legs: [{ market: BTC, side: "long", entryPx: 60_000 }],
    side: "long",
    confidence: "MEDIUM",
    entryPx: 60_000,
    stopPx: 58_800,
    targetPx: 61_800,
    maxHoldMs: 8 * HOUR,
    createdMs,
    expiryMs: 120_000,
    reason: `toxicity 2.5 > 2.0 (#${i})`,
    metrics: { toxicity: 2.5, vpin: 0.4125 },
    thresholds: { "flowToxicity.threshold": 2 },
    executable: true,
  };
}

/** A two-leg basis signal (perp short, spot long) with its spread plan. */
export function basisSignalAt(i: number, createdMs: number): Signal {
  return {
    ...signalAt(i, createdMs, "basis-arbitrage"),
    id: `basis-arbitrage:${BTC.key}:${createdMs}:${i}`,
    legs: [
      { market: BTC, side: "short", entryPx: 60_300 },
      { market: UBTC, side: "long", entryPx: 60_000 },
    ],
    side: "short",
    entryPx: 60_300,
    stopPx: 60_900,
    targetPx: 60_000,
    reason: "basis 50 bps > 30 bps",
    metrics: { basisBps: 50 },
    thresholds: { "basis.entryBps": 30 },
    spread: { entryBasis: 0.005, targetBasis: 0.0005, stopBasis: 0.01, roundTripCost: 0.0023, expectedNetEdge: 0.0022 },
  };
}

/** Records of the opening of trade `i` at `openedMs`: signal, accepted decision, entry order and fill, position. */
export function openTrade(i: number, openedMs: number, strategy = "flow-toxicity"): { records: JournalRecord[]; position: PaperPosition } {
  const signal = signalAt(i, openedMs, strategy);
  const positionId = `pos-${i}`;
  const decision: RiskDecision = { signalId: signal.id, tsMs: openedMs, accepted: true, code: "ok", reason: "sized 0.1 BTC", sz: 0.1, notionalUsd: 6_000 };
  const order: PaperOrder = { id: `ord-${i}-in`, signalId: signal.id, positionId, legIndex: 0, market: BTC, side: "buy", sz: 0.1, tsMs: openedMs, purpose: "entry" };
  const fill: PaperFill = {
    id: `fill-${i}-in`,
    orderId: order.id,
    positionId,
    legIndex: 0,
    market: BTC,
    side: "buy",
    px: 60_010,
    sz: 0.1,
    feeUsd: 2.70045, // 0.1 × 60 010 × 0.045 %
    liquidity: "taker",
    slippageUsd: 1,
    tsMs: openedMs,
    model: "book",
    partial: false,
  };
  const position: PaperPosition = {
    id: positionId,
    signalId: signal.id,
    strategy,
    legs: [{ market: BTC, side: "long", sz: 0.1, entryPx: 60_010 }],
    openedMs,
    stopPx: 58_800,
    targetPx: 61_800,
    maxHoldMs: 8 * HOUR,
    entryNotionalUsd: 6_001,
    feesUsd: 2.70045,
    fundingUsd: 0,
    slippageUsd: 1,
  };
  return {
    records: [
      { kind: "signal", signal },
      { kind: "decision", decision },
      { kind: "order", order },
      { kind: "fill", fill },
      { kind: "position", position },
    ],
    position,
  };
}

/** One hourly funding payment on trade `i`'s 0.1 BTC long: rate 0.00001 at oracle 60 000 → pays 0.06 USD. */
export function fundingOn(i: number, tsMs: number): FundingPayment {
  return { positionId: `pos-${i}`, market: BTC, tsMs, rate: 0.00001, oraclePx: 60_000, sz: 0.1, amountUsd: -0.06 };
}

/** Records of the closing of trade `i` (opened at `openedMs`) at `closedMs` on its target. */
export function closeTrade(i: number, openedMs: number, closedMs: number, strategy = "flow-toxicity"): JournalRecord[] {
  const signalId = `${strategy}:${BTC.key}:${openedMs}:${i}`;
  const positionId = `pos-${i}`;
  const order: PaperOrder = { id: `ord-${i}-out`, signalId, positionId, legIndex: 0, market: BTC, side: "sell", sz: 0.1, tsMs: closedMs, purpose: "exit" };
  const fill: PaperFill = {
    id: `fill-${i}-out`,
    orderId: order.id,
    positionId,
    legIndex: 0,
    market: BTC,
    side: "sell",
    px: 61_800,
    sz: 0.1,
    feeUsd: 2.781, // 0.1 × 61 800 × 0.045 %
    liquidity: "taker",
    slippageUsd: 0,
    tsMs: closedMs,
    model: "book",
    partial: false,
  };
  // gross (61 800 − 60 010) × 0.1 = 179; fees 2.70045 + 2.781 = 5.48145; net 179 − 5.48145 = 173.51855
  const outcome: Outcome = {
    positionId,
    signalId,
    strategy,
    market: BTC,
    side: "long",
    openedMs,
    closedMs,
    holdMs: closedMs - openedMs,
    entryNotionalUsd: 6_001,
    pnlUsd: 173.51855,
    pnlPct: 173.51855 / 6_001,
    grossPnlUsd: 179,
    feesUsd: 5.48145,
    fundingUsd: 0,
    slippageUsd: 1,
    exitReason: "target",
  };
  return [
    { kind: "order", order },
    { kind: "fill", fill },
    { kind: "outcome", outcome },
  ];
}

/** Equity at `tsMs`. */
export function equityAt(tsMs: number, equityUsd: number, openPositions = 0): EquitySnapshot {
  return { tsMs, equityUsd, cashUsd: equityUsd, unrealizedUsd: 0, openPositions, grossExposureUsd: 0 };
}
