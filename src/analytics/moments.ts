/**
 * Sample moments used by the Sharpe-family statistics. One convention, stated once:
 * the standard deviation is the SAMPLE one (divides by n − 1); skewness and kurtosis are the
 * moment estimators Bailey & López de Prado use (central moments divided by n):
 * γ₃ = m₃ / m₂^{3/2}, γ₄ = m₄ / m₂² — γ₄ is RAW kurtosis (3 for a normal), not excess.
 */

/** Arithmetic mean; undefined for an empty sample. */
export function mean(xs: readonly number[]): number | undefined {
  if (xs.length === 0) return undefined;
  let s = 0;
  for (const x of xs) s += x;
  return s / xs.length;
}

/**
 * Relative spread below which a series counts as constant: returns computed from a constant
 * growth path differ by a few ulps, and dividing by that noise would give a Sharpe of 1e15.
 */
export const ZERO_SPREAD_RELATIVE = 1e-12;

/**
 * Sample standard deviation (ddof = 1); undefined below two values. Exactly 0 when the spread
 * is below {@link ZERO_SPREAD_RELATIVE} × |mean| (a constant series with rounding noise).
 */
export function sampleStdDev(xs: readonly number[]): number | undefined {
  const m = mean(xs);
  if (m === undefined || xs.length < 2) return undefined;
  let ss = 0;
  for (const x of xs) ss += (x - m) * (x - m);
  const sd = Math.sqrt(ss / (xs.length - 1));
  return sd <= ZERO_SPREAD_RELATIVE * Math.abs(m) ? 0 : sd;
}

/** Skewness γ₃ and raw kurtosis γ₄ (moment estimators); undefined below two values or for zero variance. */
export function shapeMoments(xs: readonly number[]): { readonly skewness: number; readonly rawKurtosis: number } | undefined {
  const m = mean(xs);
  if (m === undefined || xs.length < 2) return undefined;
  let m2 = 0;
  let m3 = 0;
  let m4 = 0;
  for (const x of xs) {
    const d = x - m;
    const d2 = d * d;
    m2 += d2;
    m3 += d2 * d;
    m4 += d2 * d2;
  }
  const n = xs.length;
  m2 /= n;
  m3 /= n;
  m4 /= n;
  if (!(Math.sqrt(m2) > ZERO_SPREAD_RELATIVE * Math.abs(m))) return undefined;
  return { skewness: m3 / Math.pow(m2, 1.5), rawKurtosis: m4 / (m2 * m2) };
}
