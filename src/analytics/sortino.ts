import { mean } from "./moments.ts";
import { PERIODS_PER_YEAR } from "./sharpe.ts";
import type { AnnualisedRatio } from "./sharpe.ts";

/**
 * Sortino ratio of daily equity returns: mean / downside deviation, annualised × √365.
 * Downside deviation relative to a target of 0 over ALL days (Sortino & Price 1994):
 * DD = √( Σ min(rᵢ, 0)² / n ), n = every day, including days with gains.
 * Undefined below 2 days or when no day lost (`noDownside`, never Infinity).
 * @param returns daily simple returns (fractions).
 */
export function sortinoRatio(returns: readonly number[], periodsPerYear = PERIODS_PER_YEAR): AnnualisedRatio {
  const periods = returns.length;
  const m = mean(returns);
  if (m === undefined || periods < 2) return { perPeriod: undefined, annualised: undefined, periods, undefinedReason: "tooFewDays" };
  let ss = 0;
  for (const r of returns) if (r < 0) ss += r * r;
  if (ss === 0) return { perPeriod: undefined, annualised: undefined, periods, undefinedReason: "noDownside" };
  const perPeriod = m / Math.sqrt(ss / periods);
  return { perPeriod, annualised: perPeriod * Math.sqrt(periodsPerYear), periods, undefinedReason: undefined };
}
