import { PERIODS_PER_YEAR } from "./sharpe.ts";

/**
 * Compound annual growth rate from daily returns: (Π (1 + rᵢ))^(365 / n) − 1, a fraction.
 * Undefined without days or after ruin (growth factor ≤ 0). Short samples annualise wildly;
 * the report prints the number of days beside it.
 */
export function annualisedReturn(returns: readonly number[], periodsPerYear = PERIODS_PER_YEAR): number | undefined {
  if (returns.length === 0) return undefined;
  let growth = 1;
  for (const r of returns) growth *= 1 + r;
  if (!(growth > 0)) return undefined;
  return Math.pow(growth, periodsPerYear / returns.length) - 1;
}

/**
 * Calmar ratio: annualised return / maximum drawdown (both fractions), over the whole sample
 * (the classic definition uses 36 months; we have what we have). Undefined without days, after
 * ruin, or when there was no drawdown (not Infinity).
 * @param maxDrawdownFraction from `maxDrawdown`, in [0, 1].
 */
export function calmarRatio(returns: readonly number[], maxDrawdownFraction: number, periodsPerYear = PERIODS_PER_YEAR): number | undefined {
  const annual = annualisedReturn(returns, periodsPerYear);
  if (annual === undefined || !(maxDrawdownFraction > 0)) return undefined;
  return annual / maxDrawdownFraction;
}
