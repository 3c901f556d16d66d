import { normalQuantile } from "./normal.ts";
import { probabilisticSharpe } from "./psr.ts";
import type { SharpeMoments } from "./psr.ts";

/** Euler–Mascheroni constant γ. */
export const EULER_MASCHERONI = 0.5772156649015329;

/**
 * Expected maximum of N per-period Sharpe estimates under the null of no skill (Bailey &
 * López de Prado 2014, "The deflated Sharpe ratio"), from the extreme-value approximation:
 * E[max SR] ≈ √V · ( (1 − γ)·Φ⁻¹(1 − 1/N) + γ·Φ⁻¹(1 − 1/(N·e)) ),
 * with V the variance of the trials' Sharpe estimates. 0 for a single trial.
 * @param trials N ≥ 1, every strategy variant tried (count them in the journal, failures too).
 * @param sharpeVariance V, of per-period Sharpe ratios.
 */
export function expectedMaxSharpe(trials: number, sharpeVariance: number): number {
  if (trials <= 1) return 0;
  const g = EULER_MASCHERONI;
  return Math.sqrt(sharpeVariance) * ((1 - g) * normalQuantile(1 - 1 / trials) + g * normalQuantile(1 - 1 / (trials * Math.E)));
}

/** The deflated Sharpe ratio and the benchmark it deflated against. */
export interface DeflatedSharpe {
  /** PSR against the expected maximum under the null, a probability; undefined when PSR is. */
  readonly value: number | undefined;
  /** SR₀* = E[max SR] under the null, per period. */
  readonly benchmark: number;
  readonly trials: number;
  /** Variance of the trials' per-period Sharpe estimates used. */
  readonly sharpeVariance: number;
  /** Where the variance came from: measured across the trials, or the estimator's null variance 1/(n − 1). */
  readonly varianceSource: "trials" | "null";
}

/**
 * Deflated Sharpe ratio: PSR(SR₀*) with SR₀* the expected best Sharpe among `trials` variants
 * with no skill. When the trials' Sharpe ratios are not known, V falls back to the variance of
 * the Sharpe estimator itself under the null (≈ 1/(n − 1) for n returns at SR = 0), which is
 * what N no-skill variants over the same days would scatter by.
 * @param trialSharpes per-period Sharpe of every variant tried (≥ 2 values to be used).
 */
export function deflatedSharpe(m: SharpeMoments, trials: number, trialSharpes?: readonly number[]): DeflatedSharpe {
  let sharpeVariance: number;
  let varianceSource: "trials" | "null";
  if (trialSharpes !== undefined && trialSharpes.length >= 2) {
    const mu = trialSharpes.reduce((a, b) => a + b, 0) / trialSharpes.length;
    sharpeVariance = trialSharpes.reduce((a, b) => a + (b - mu) * (b - mu), 0) / (trialSharpes.length - 1);
    varianceSource = "trials";
  } else {
    sharpeVariance = 1 / Math.max(1, m.n - 1);
    varianceSource = "null";
  }
  const benchmark = expectedMaxSharpe(trials, sharpeVariance);
  return { value: probabilisticSharpe(m, benchmark), benchmark, trials, sharpeVariance, varianceSource };
}
