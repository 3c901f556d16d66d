import type { Confidence } from "../strategies/index.ts";
import { DEFAULT_FEE_RATES } from "./fees.ts";
import type { FeeRates } from "./fees.ts";

/**
 * Risk settings. Fractions are plain ratios (0.01 = 1 %); multiples are of current equity.
 * Every default is named here and in docs/PAPER-TRADING.md.
 */
export interface RiskConfig {
  /** Risk budget per trade, fraction of equity. Default 0.01 (1 %). */
  readonly riskPerTrade: number;
  /** Size multiplier per confidence. Default HIGH 1.0, MEDIUM 0.7, LOW 0.4. */
  readonly confidenceMultiplier: Readonly<Record<Confidence, number>>;
  /** Fee rates per side (default Hyperliquid tier 0). Sizing assumes taker in and out. */
  readonly fees: FeeRates;
  /** Expected slippage per side, fraction of price, charged as a cost in sizing. Default 0.0001 (1 bp). */
  readonly slippagePerSide: number;
  /** Smallest notional of the primary leg, USD. Default 10 (the venue's minimum order value). */
  readonly minNotionalUsd: number;
  /** Largest notional of the primary leg, fraction of equity. Default 0.5. */
  readonly maxNotionalFraction: number;
  /**
   * One-leg signals: "cap" (default) cuts a size above the maximum notional to the maximum, so the
   * trade risks less than its budget; "reject" refuses it. ("reject" with 1 % risk and a 50 % cap
   * refused every one-leg stop tighter than about 2 %: flow toxicity's 0.5 % and the liquidity
   * strategy's stops could never trade at the defaults.)
   */
  readonly oversize: "reject" | "cap";
  /**
   * Two-leg (basis) signals: what to do with a size above the maximum notional. Default "cap": a
   * hedged spread's risk is the spread's move, not the legs' notional, so its stop on the spread is
   * tight and the risk-based size is large; the notional cap bounds the gross exposure instead, and
   * the trade risks less than its budget. ("reject" refused every basis signal at the defaults.)
   */
  readonly spreadOversize: "reject" | "cap";
  /** Smallest |entry − stop| / entry of a one-leg signal. Default 0.005 (0.5 %). */
  readonly minStopDistance: number;
  /** Largest |entry − stop| / entry. Default 0.05 (5 %). */
  readonly maxStopDistance: number;
  /**
   * Smallest stop distance of a two-leg (basis) signal. Default 0.002 (0.2 %): a basis stop sits on
   * the spread, which moves far less than either leg, and the basis strategy's default stop
   * (0.3 % further widening) would never pass the one-leg floor of 0.5 %.
   */
  readonly minSpreadStopDistance: number;
  /** Correlation-weighted same-direction notional, multiple of equity. Default 3. */
  readonly maxCorrelatedExposure: number;
  /** Open (and pending) positions at most. Default 5. */
  readonly maxOpenPositions: number;
  /** Gross notional of all legs, multiple of equity. Default 5. */
  readonly maxGrossLeverage: number;
  /** Gross notional in one coin (base asset, all legs), multiple of equity. Default 1. */
  readonly maxPerCoinExposure: number;
  /** Halt new entries once equity is this far below the UTC day's starting equity, fraction. Default 0.03 (3 %). */
  readonly maxDailyLoss: number;
}

/** The defaults listed on {@link RiskConfig}. */
export const DEFAULT_RISK_CONFIG: RiskConfig = {
  riskPerTrade: 0.01,
  confidenceMultiplier: { HIGH: 1, MEDIUM: 0.7, LOW: 0.4 },
  fees: DEFAULT_FEE_RATES,
  slippagePerSide: 0.0001,
  minNotionalUsd: 10,
  maxNotionalFraction: 0.5,
  oversize: "cap",
  spreadOversize: "cap",
  minStopDistance: 0.005,
  maxStopDistance: 0.05,
  minSpreadStopDistance: 0.002,
  maxCorrelatedExposure: 3,
  maxOpenPositions: 5,
  maxGrossLeverage: 5,
  maxPerCoinExposure: 1,
  maxDailyLoss: 0.03,
};

/** {@link DEFAULT_RISK_CONFIG} with some settings replaced. */
export function riskConfig(overrides: Partial<RiskConfig> = {}): RiskConfig {
  return { ...DEFAULT_RISK_CONFIG, ...overrides };
}
