import type { Market } from "../core/index.ts";

/**
 * Size decimals (Hyperliquid's `szDecimals` from `meta`) of the perps in the shared data, as the
 * venue listed them in 2025. Configuration, not truth: the venue can change them; live, take them
 * from `meta`. A spot leg uses its base asset's perp value (sizes of a basis trade's legs are
 * equal), an unknown coin 2.
 */
export const DEFAULT_SZ_DECIMALS: Readonly<Record<string, number>> = {
  BTC: 5,
  ETH: 4,
  SOL: 2,
  HYPE: 2,
  ARB: 1,
  OP: 1,
  SUI: 1,
  ENA: 0,
  kPEPE: 0,
  WIF: 0,
  BNB: 3,
  LTC: 2,
};

/** Decimals used for a coin missing from the table. */
export const FALLBACK_SZ_DECIMALS = 2;

/** The size-decimals function of a table (default {@link DEFAULT_SZ_DECIMALS}), by base asset. */
export function szDecimalsFrom(table: Readonly<Record<string, number>> = DEFAULT_SZ_DECIMALS): (market: Market) => number {
  return (market) => table[market.base] ?? FALLBACK_SZ_DECIMALS;
}
