/**
 * Profit factor: gross profit / gross loss = Σ winning net P&L / |Σ losing net P&L|.
 * Infinity is not a number JSON can carry, so with no losing trade the factor is `undefined`
 * and `noLosses` is true (the reports print "no losses"); gates treat that as "not measured",
 * never as a pass. Undefined with `noLosses` false when there are no trades.
 */
export interface ProfitFactor {
  /** Gross profit / gross loss (≥ 0); undefined without losses or without trades. */
  readonly value: number | undefined;
  /** True when there is at least one trade and none lost money. */
  readonly noLosses: boolean;
  /** Σ of winning trades' net P&L, USD (≥ 0). */
  readonly grossProfitUsd: number;
  /** Σ of losing trades' net P&L, USD (≤ 0). */
  readonly grossLossUsd: number;
}

/** Profit factor of net per-trade P&L (USD). */
export function profitFactor(pnlUsd: readonly number[]): ProfitFactor {
  let grossProfitUsd = 0;
  let grossLossUsd = 0;
  for (const p of pnlUsd) {
    if (p > 0) grossProfitUsd += p;
    else if (p < 0) grossLossUsd += p;
  }
  const noLosses = pnlUsd.length > 0 && grossLossUsd === 0;
  const value = grossLossUsd < 0 ? grossProfitUsd / -grossLossUsd : undefined;
  return { value, noLosses, grossProfitUsd, grossLossUsd };
}
