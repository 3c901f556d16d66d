/**
 * Shared paper-trading record types. The journal (src/journal) persists these and analytics
 * (src/analytics) reads them, so names here are stable: fields may be added, never renamed or removed.
 * Units: prices in USD per coin, sizes in coins, money in USD, times in epoch milliseconds (UTC).
 */
import type { Market } from "../core/index.ts";

/** Direction of an order or fill. */
export type OrderSide = "buy" | "sell";
/** Direction of a position leg. */
export type PositionSide = "long" | "short";
/** Whether a fill took liquidity (market order) or provided it. Paper market orders are always taker. */
export type Liquidity = "taker" | "maker";
/** "book": walked the L2 book; "bar": candle-only approximation (next bar's open ± half spread ± slippage). */
export type FillModel = "book" | "bar";
/** Why a position was closed. */
export type ExitReason = "stop" | "target" | "maxHold" | "convergence" | "reversal" | "endOfData";

/** A market order the paper broker intends to fill. `sz` in coins, `tsMs` = time the order was placed. */
export interface PaperOrder {
  readonly id: string;
  readonly signalId: string;
  readonly positionId: string;
  /** Index into the signal's legs (0 for single-leg). */
  readonly legIndex: number;
  readonly market: Market;
  readonly side: OrderSide;
  /** Requested size, coins. */
  readonly sz: number;
  readonly tsMs: number;
  readonly purpose: "entry" | "exit";
}

/**
 * An entry order that gave up without a fill, so its position never opened (the journal keeps it in
 * `unfilled_orders`: an `orders` row needs a position row).
 */
export interface UnfilledOrder {
  /** The order as placed (`tsMs` = when it was placed). */
  readonly order: PaperOrder;
  /** When it gave up: the first instant it could no longer fill (or the end of the data), ms. */
  readonly tsMs: number;
  /** machine-readable: "expired", "no_book", "no_bar", "end_of_data" */
  readonly code: string;
  /** human-readable with the numbers */
  readonly reason: string;
}

/** One execution of a paper order. `px` is the volume-weighted average price over levels consumed. */
export interface PaperFill {
  readonly id: string;
  readonly orderId: string;
  readonly positionId: string;
  readonly legIndex: number;
  readonly market: Market;
  readonly side: OrderSide;
  /** Average fill price, USD per coin. */
  readonly px: number;
  /** Filled size, coins (less than the order's when `partial`). */
  readonly sz: number;
  /** Fee charged on this fill, USD (positive = paid). */
  readonly feeUsd: number;
  readonly liquidity: Liquidity;
  /** Cost versus the reference price (mid for book fills, bar open for bar fills), USD, positive = worse. */
  readonly slippageUsd: number;
  readonly tsMs: number;
  readonly model: FillModel;
  /** True when the book ran out of depth before the order's size was filled. */
  readonly partial: boolean;
}

/** One leg of an open position. */
export interface PositionLeg {
  readonly market: Market;
  readonly side: PositionSide;
  /** Size, coins. */
  readonly sz: number;
  /** Average entry price, USD per coin. */
  readonly entryPx: number;
}

/** An open paper position (one leg, or two legs for a basis spread). */
export interface PaperPosition {
  readonly id: string;
  readonly signalId: string;
  readonly strategy: string;
  readonly legs: readonly PositionLeg[];
  readonly openedMs: number;
  /** Stop price of the primary leg (legs[0]), USD. */
  readonly stopPx: number;
  /** Target price of the primary leg (legs[0]), USD. */
  readonly targetPx: number;
  readonly maxHoldMs: number;
  /** Sum over legs of |sz × entryPx|, USD. */
  readonly entryNotionalUsd: number;
  /** Fees paid so far (entry, and exit once closed), USD. */
  readonly feesUsd: number;
  /** Funding accrued so far, USD, positive = received. */
  readonly fundingUsd: number;
  /** Slippage cost so far, USD. */
  readonly slippageUsd: number;
}

/** The result of a closed position. */
export interface Outcome {
  readonly positionId: string;
  readonly signalId: string;
  readonly strategy: string;
  /** Market of the primary leg. */
  readonly market: Market;
  /** Side of the primary leg. */
  readonly side: PositionSide;
  readonly openedMs: number;
  readonly closedMs: number;
  readonly holdMs: number;
  readonly entryNotionalUsd: number;
  /** net of fees and funding */
  readonly pnlUsd: number;
  /** pnlUsd / entryNotionalUsd */
  readonly pnlPct: number;
  /** Price P&L over all legs before fees and funding, USD. */
  readonly grossPnlUsd: number;
  readonly feesUsd: number;
  /** positive = received */
  readonly fundingUsd: number;
  readonly slippageUsd: number;
  readonly exitReason: ExitReason;
}

/** One hourly funding settlement on an open perp leg. */
export interface FundingPayment {
  readonly positionId: string;
  readonly market: Market;
  readonly tsMs: number;
  /** Settled hourly rate (fraction, e.g. 0.0000125). */
  readonly rate: number;
  /** Oracle price used, USD (or the perp's latest close in candle-only replay). */
  readonly oraclePx: number;
  /** Signed size, coins: positive long, negative short. */
  readonly sz: number;
  /** positive = received, negative = paid */
  readonly amountUsd: number;
}

/** Account equity marked to market at `tsMs`. */
export interface EquitySnapshot {
  readonly tsMs: number;
  /** cashUsd + unrealizedUsd. */
  readonly equityUsd: number;
  /** Starting equity + realised P&L (net of fees and funding). */
  readonly cashUsd: number;
  readonly unrealizedUsd: number;
  readonly openPositions: number;
  /** Sum of |sz × mark| over all open legs, USD. */
  readonly grossExposureUsd: number;
}

/** The risk layer's verdict on one signal. Every rejection is a value, never an exception. */
export interface RiskDecision {
  readonly signalId: string;
  readonly tsMs: number;
  readonly accepted: boolean;
  /** machine-readable, e.g. "stop_too_tight", "expired", "max_positions", "correlated_exposure", "daily_loss_halt", "ok" */
  readonly code: string;
  /** human-readable with the numbers */
  readonly reason: string;
  /** Size of the primary leg in coins when accepted. */
  readonly sz: number | undefined;
  /** Notional of the primary leg in USD when accepted. */
  readonly notionalUsd: number | undefined;
}
