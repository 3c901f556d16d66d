import { mean, sampleStdDev, shapeMoments } from "./moments.ts";
import { normalCdf, normalQuantile } from "./normal.ts";

/** What the PSR family needs from a return series: per-period Sharpe and shape. */
export interface SharpeMoments {
  /** Per-period (NOT annualised) Sharpe: mean / sample sd. */
  readonly sharpe: number;
  /** Number of returns. */
  readonly n: number;
  /** γ₃, moment estimator. */
  readonly skewness: number;
  /** γ₄, RAW kurtosis (3 for a normal), moment estimator. */
  readonly rawKurtosis: number;
}

/** Per-period Sharpe and shape of a return series; undefined below 3 returns or for zero variance. */
export function sharpeMoments(returns: readonly number[]): SharpeMoments | undefined {
  if (returns.length < 3) return undefined;
  const m = mean(returns);
  const sd = sampleStdDev(returns);
  const shape = shapeMoments(returns);
  if (m === undefined || sd === undefined || sd === 0 || shape === undefined) return undefined;
  return { sharpe: m / sd, n: returns.length, skewness: shape.skewness, rawKurtosis: shape.rawKurtosis };
}

/**
 * The variance factor of the Sharpe estimator (Mertens 2002; Bailey & López de Prado 2012):
 * 1 − γ₃·SR + (γ₄ − 1)/4 · SR², with γ₄ the RAW kurtosis. For normal returns (γ₃ = 0, γ₄ = 3)
 * it is 1 + SR²/2. Plugging in EXCESS kurtosis (γ₄ − 3) instead, as a popular Python library
 * does, understates the Sharpe's uncertainty for every fat-tailed series.
 */
export function sharpeVarianceFactor(sharpe: number, skewness: number, rawKurtosis: number): number {
  return 1 - skewness * sharpe + ((rawKurtosis - 1) / 4) * sharpe * sharpe;
}

/**
 * Probabilistic Sharpe ratio (Bailey & López de Prado 2012): the probability that the true
 * per-period Sharpe exceeds `benchmark`:
 * PSR(SR*) = Φ( (SR̂ − SR*) · √(n − 1) / √(1 − γ₃·SR̂ + (γ₄ − 1)/4 · SR̂²) ).
 * Undefined when the variance factor is not positive (extreme skew; the normal approximation fails).
 * @param benchmark SR*, per period (daily), e.g. an annual threshold / √365.
 */
export function probabilisticSharpe(m: SharpeMoments, benchmark: number): number | undefined {
  const factor = sharpeVarianceFactor(m.sharpe, m.skewness, m.rawKurtosis);
  if (!(factor > 0) || m.n < 2) return undefined;
  return normalCdf(((m.sharpe - benchmark) * Math.sqrt(m.n - 1)) / Math.sqrt(factor));
}

/**
 * Minimum track record length (Bailey & López de Prado 2012): the number of periods (days)
 * needed for PSR(SR*) ≥ `confidence` given the observed Sharpe and shape:
 * MinTRL = 1 + (1 − γ₃·SR̂ + (γ₄ − 1)/4 · SR̂²) · (Φ⁻¹(confidence) / (SR̂ − SR*))².
 * Undefined when SR̂ ≤ SR* (no track record is long enough) or the variance factor is not positive.
 * @param benchmark SR*, per period.
 * @param confidence e.g. 0.95.
 */
export function minTrackRecordLength(m: SharpeMoments, benchmark: number, confidence = 0.95): number | undefined {
  const factor = sharpeVarianceFactor(m.sharpe, m.skewness, m.rawKurtosis);
  if (!(m.sharpe > benchmark) || !(factor > 0)) return undefined;
  const z = normalQuantile(confidence);
  return 1 + factor * Math.pow(z / (m.sharpe - benchmark), 2);
}
