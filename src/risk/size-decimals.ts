/**
 * Rounds a size in coins DOWN to `decimals` places (the venue's `szDecimals`), so rounding never
 * takes more risk than the budget allows. A tiny relative tolerance (1e-9) keeps values that are
 * already on the grid but carry binary noise (0.07051 computed as 0.070509999…) on their step.
 * @param decimals integer ≥ 0.
 */
export function roundDownToDecimals(sz: number, decimals: number): number {
  if (!(sz > 0) || !Number.isFinite(sz)) return 0;
  const scale = 10 ** decimals;
  const steps = Math.floor(sz * scale * (1 + 1e-9));
  return steps / scale;
}
