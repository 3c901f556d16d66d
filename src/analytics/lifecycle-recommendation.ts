import type { PerformanceFigures } from "./performance-figures.ts";
import type { GateVerdict } from "./verdict.ts";

/** What the analytics recommend the engine do with a strategy (it applies lifecycle transitions). */
export type Recommendation = "validated" | "killed" | "forward-testing";

/** A recommendation and why. */
export interface LifecycleRecommendation {
  readonly recommendation: Recommendation;
  readonly reason: string;
}

/**
 * The lifecycle rule:
 * - validated: the gate passes on the point estimates AND with confidence;
 * - killed: at least `minTrades` trades, and confidently not profitable: the upper bound of the
 *   annualised Sharpe interval is below `killSharpeUpperBelow` (default 0), or the upper bound
 *   of the profit factor interval is below 1;
 * - otherwise keep forward-testing (the verdict's reason says what is missing).
 * @param minTrades trades needed before killing (the gate's minimum, 30 by default).
 */
export function recommendLifecycle(figures: PerformanceFigures, verdict: GateVerdict, minTrades: number, killSharpeUpperBelow: number): LifecycleRecommendation {
  if (verdict.pass && verdict.confidentPass) return { recommendation: "validated", reason: verdict.reason };
  const n = figures.trades.trades;
  if (n >= minTrades) {
    const srHi = figures.intervals.sharpe.upper;
    if (srHi !== undefined && srHi < killSharpeUpperBelow) {
      return { recommendation: "killed", reason: `after ${n} trades the Sharpe interval's upper bound ${srHi.toFixed(2)} is below ${killSharpeUpperBelow}` };
    }
    const pfHi = figures.intervals.profitFactor.upper;
    if (pfHi !== undefined && pfHi < 1) {
      return { recommendation: "killed", reason: `after ${n} trades the profit factor interval's upper bound ${pfHi.toFixed(2)} is below 1` };
    }
  }
  return { recommendation: "forward-testing", reason: n < minTrades ? `${n} of ${minTrades} trades; ${verdict.reason}` : verdict.reason };
}
