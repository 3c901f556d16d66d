import type { Outcome } from "../paper/index.ts";
import { profitFactor } from "./profit-factor.ts";
import type { ProfitFactor } from "./profit-factor.ts";
import { winRate } from "./win-rate.ts";

/** The fields of an outcome the trade statistics read. */
export type TradeRecord = Pick<Outcome, "pnlUsd" | "pnlPct" | "grossPnlUsd" | "feesUsd" | "fundingUsd" | "slippageUsd" | "holdMs">;

/** Per-trade statistics of a set of closed positions. Every P&L is NET (fees and funding included) unless named gross. */
export interface TradeSummary {
  readonly trades: number;
  /** Trades with net P&L > 0. */
  readonly wins: number;
  /** Trades with net P&L < 0. */
  readonly losses: number;
  /** Trades with net P&L exactly 0. */
  readonly scratches: number;
  /** wins / trades, fraction; undefined without trades. */
  readonly winRate: number | undefined;
  /** Mean net P&L of winning trades, USD (> 0); undefined without wins. */
  readonly avgWinUsd: number | undefined;
  /** Mean net P&L of losing trades, USD (< 0, the signed value); undefined without losses. */
  readonly avgLossUsd: number | undefined;
  readonly profitFactor: ProfitFactor;
  /** Expectancy: mean net P&L per trade, USD (= win rate × avg win + loss rate × avg loss). */
  readonly expectancyUsd: number | undefined;
  /** Mean net P&L per trade as a fraction of its entry notional. */
  readonly expectancyPct: number | undefined;
  /** Σ net P&L, USD. */
  readonly totalPnlUsd: number;
  /** Σ price P&L before fees and funding, USD. */
  readonly grossPnlUsd: number;
  /** Σ fees paid, USD (positive = paid). */
  readonly feesUsd: number;
  /** Σ funding, USD (positive = received, negative = paid). */
  readonly fundingUsd: number;
  /** Σ slippage versus the reference price, USD (positive = cost; already inside gross P&L). */
  readonly slippageUsd: number;
  /** Mean holding time, ms; undefined without trades. */
  readonly avgHoldMs: number | undefined;
}

/** Summarises closed positions. */
export function tradeSummary(outcomes: readonly TradeRecord[]): TradeSummary {
  const pnl = outcomes.map((o) => o.pnlUsd);
  let wins = 0;
  let losses = 0;
  let winSum = 0;
  let lossSum = 0;
  let totalPnlUsd = 0;
  let pctSum = 0;
  let grossPnlUsd = 0;
  let feesUsd = 0;
  let fundingUsd = 0;
  let slippageUsd = 0;
  let holdSum = 0;
  for (const o of outcomes) {
    if (o.pnlUsd > 0) {
      wins += 1;
      winSum += o.pnlUsd;
    } else if (o.pnlUsd < 0) {
      losses += 1;
      lossSum += o.pnlUsd;
    }
    totalPnlUsd += o.pnlUsd;
    pctSum += o.pnlPct;
    grossPnlUsd += o.grossPnlUsd;
    feesUsd += o.feesUsd;
    fundingUsd += o.fundingUsd;
    slippageUsd += o.slippageUsd;
    holdSum += o.holdMs;
  }
  const n = outcomes.length;
  return {
    trades: n,
    wins,
    losses,
    scratches: n - wins - losses,
    winRate: winRate(pnl),
    avgWinUsd: wins > 0 ? winSum / wins : undefined,
    avgLossUsd: losses > 0 ? lossSum / losses : undefined,
    profitFactor: profitFactor(pnl),
    expectancyUsd: n > 0 ? totalPnlUsd / n : undefined,
    expectancyPct: n > 0 ? pctSum / n : undefined,
    totalPnlUsd,
    grossPnlUsd,
    feesUsd,
    fundingUsd,
    slippageUsd,
    avgHoldMs: n > 0 ? holdSum / n : undefined,
  };
}
