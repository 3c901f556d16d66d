import type { EquityPoint } from "./daily-returns.ts";

/** The deepest fall of an equity curve below its running peak. */
export interface MaxDrawdown {
  /** (peak − trough) / peak, a fraction in [0, 1]; 0 when equity never fell below a peak. */
  readonly fraction: number;
  /** peak − trough, USD. */
  readonly usd: number;
  /** Time of the peak, ms; undefined when the peak was the starting balance. */
  readonly peakMs: number | undefined;
  /** Time of the trough, ms; undefined when there was no drawdown. */
  readonly troughMs: number | undefined;
}

/**
 * Maximum drawdown of the equity curve measured FROM THE STARTING BALANCE: the running peak
 * starts at `startingBalanceUsd`, so an account that only ever lost has a drawdown from its
 * first dollar (a curve read from its first snapshot would hide the first day's loss).
 * Use every snapshot (intraday), not only the daily closes: the daily series hides intraday troughs.
 * @param points equity curve (sorted by time here).
 * @param startingBalanceUsd equity before the first point, USD (> 0).
 */
export function maxDrawdown(points: readonly EquityPoint[], startingBalanceUsd: number): MaxDrawdown {
  const sorted = [...points].sort((a, b) => a.tsMs - b.tsMs);
  let peak = startingBalanceUsd;
  let peakMs: number | undefined;
  let best: MaxDrawdown = { fraction: 0, usd: 0, peakMs: undefined, troughMs: undefined };
  for (const p of sorted) {
    if (p.equityUsd > peak) {
      peak = p.equityUsd;
      peakMs = p.tsMs;
      continue;
    }
    const fraction = peak > 0 ? (peak - p.equityUsd) / peak : 0;
    if (fraction > best.fraction) best = { fraction, usd: peak - p.equityUsd, peakMs, troughMs: p.tsMs };
  }
  return best;
}
