import type { Market } from "../core/index.ts";

/** Fee rates per side, fractions of notional (0.00045 = 0.045 %). */
export interface FeeRates {
  readonly perpTaker: number;
  readonly perpMaker: number;
  readonly spotTaker: number;
  readonly spotMaker: number;
}

/** One row of Hyperliquid's volume tier table. */
export interface FeeTier extends FeeRates {
  readonly tier: number;
  /** Tier applies above this 14-day weighted volume, USD. */
  readonly min14dVolumeUsd: number;
}

/**
 * Hyperliquid's base fee tiers (no staking discount, no referral), per side, fractions.
 * Tier 0 (under 5 M USD 14-day volume) is from docs/HYPERLIQUID.md and is the default. The
 * higher tiers are Hyperliquid's 2025 `trading/fees` schedule as we remember it; they could not
 * be checked against the page from this workplace (no internet) and the venue changes them:
 * verify them, or set your own rates, before relying on a tier above 0.
 */
export const HYPERLIQUID_FEE_TIERS: readonly FeeTier[] = [
  { tier: 0, min14dVolumeUsd: 0, perpTaker: 0.00045, perpMaker: 0.00015, spotTaker: 0.0007, spotMaker: 0.0004 },
  { tier: 1, min14dVolumeUsd: 5e6, perpTaker: 0.0004, perpMaker: 0.00012, spotTaker: 0.0006, spotMaker: 0.0003 },
  { tier: 2, min14dVolumeUsd: 25e6, perpTaker: 0.00035, perpMaker: 0.00008, spotTaker: 0.0005, spotMaker: 0.0002 },
  { tier: 3, min14dVolumeUsd: 100e6, perpTaker: 0.0003, perpMaker: 0.00004, spotTaker: 0.0004, spotMaker: 0.0001 },
  { tier: 4, min14dVolumeUsd: 500e6, perpTaker: 0.00028, perpMaker: 0, spotTaker: 0.00035, spotMaker: 0 },
  { tier: 5, min14dVolumeUsd: 2e9, perpTaker: 0.00026, perpMaker: 0, spotTaker: 0.0003, spotMaker: 0 },
  { tier: 6, min14dVolumeUsd: 7e9, perpTaker: 0.00024, perpMaker: 0, spotTaker: 0.00025, spotMaker: 0 },
];

/** Tier 0: perp taker 0.045 %, maker 0.015 %; spot taker 0.070 %, maker 0.040 % (errs on the side of cost). */
export const DEFAULT_FEE_RATES: FeeRates = HYPERLIQUID_FEE_TIERS[0] ?? {
  perpTaker: 0.00045,
  perpMaker: 0.00015,
  spotTaker: 0.0007,
  spotMaker: 0.0004,
};

/**
 * The rates of one tier of a table (default Hyperliquid's).
 * @throws Error when the tier is not in the table (a configuration bug the config layer should have refused).
 */
export function feeRatesForTier(tier: number, table: readonly FeeTier[] = HYPERLIQUID_FEE_TIERS): FeeRates {
  const row = table.find((t) => t.tier === tier);
  if (row === undefined) throw new Error(`fee tier ${tier} is not in the table (tiers ${table.map((t) => t.tier).join(", ")})`);
  return row;
}

/** Taker fee per side for a market, fraction of notional. Paper market orders always take. */
export function takerFeeRate(rates: FeeRates, market: Market): number {
  return market.kind === "perp" ? rates.perpTaker : rates.spotTaker;
}

/** Maker fee per side for a market, fraction of notional. */
export function makerFeeRate(rates: FeeRates, market: Market): number {
  return market.kind === "perp" ? rates.perpMaker : rates.spotMaker;
}
