/**
 * Win rate: winning trades / all trades, a fraction. A win is a trade whose NET P&L (after
 * fees and funding) is > 0; a trade at exactly 0 is a scratch and counts as not winning.
 * Undefined without trades.
 */
export function winRate(pnlUsd: readonly number[]): number | undefined {
  if (pnlUsd.length === 0) return undefined;
  let wins = 0;
  for (const p of pnlUsd) if (p > 0) wins += 1;
  return wins / pnlUsd.length;
}
