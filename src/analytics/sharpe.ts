import { mean, sampleStdDev } from "./moments.ts";

/** Crypto perpetuals trade every day of the year: daily figures are annualised with √365. */
export const PERIODS_PER_YEAR = 365;

/** Why a Sharpe-family ratio has no value. */
export type RatioUndefinedReason = "tooFewDays" | "zeroVariance" | "noDownside";

/** A ratio per period and annualised, or why it is undefined (never Infinity or NaN). */
export interface AnnualisedRatio {
  /** Per-period (daily) ratio, non-annualised: the SR̂ the PSR and DSR take. */
  readonly perPeriod: number | undefined;
  /** perPeriod × √periodsPerYear. */
  readonly annualised: number | undefined;
  /** Number of returns used. */
  readonly periods: number;
  readonly undefinedReason: RatioUndefinedReason | undefined;
}

/**
 * Sharpe ratio of DAILY equity returns (never per-trade returns): mean / sample standard
 * deviation (n − 1), risk-free rate 0, annualised × √365. Undefined below 2 days or when the
 * returns do not vary (zero variance is not Infinity).
 * @param returns daily simple returns (fractions) from `dailySeries`.
 * @param periodsPerYear default 365.
 */
export function sharpeRatio(returns: readonly number[], periodsPerYear = PERIODS_PER_YEAR): AnnualisedRatio {
  const periods = returns.length;
  const m = mean(returns);
  const sd = sampleStdDev(returns);
  if (m === undefined || sd === undefined) return { perPeriod: undefined, annualised: undefined, periods, undefinedReason: "tooFewDays" };
  if (sd === 0) return { perPeriod: undefined, annualised: undefined, periods, undefinedReason: "zeroVariance" };
  const perPeriod = m / sd;
  return { perPeriod, annualised: perPeriod * Math.sqrt(periodsPerYear), periods, undefinedReason: undefined };
}
