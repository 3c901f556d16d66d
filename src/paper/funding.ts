/**
 * Funding on a perp leg at one settlement, USD, positive = received:
 * −(signed size × oracle price × rate). With a positive rate longs (sz > 0) pay and shorts
 * receive; with a negative rate the reverse. Spot legs pay none (the caller skips them).
 * @param signedSz coins, positive long, negative short.
 * @param rate the rate paid at this settlement (hourly on Hyperliquid since 2023-06), fraction.
 */
export function fundingAmountUsd(signedSz: number, oraclePx: number, rate: number): number {
  // Adding 0 turns −0 (a zero rate on a long) into 0, which JSON and equality treat more kindly.
  return -(signedSz * oraclePx * rate) + 0;
}
