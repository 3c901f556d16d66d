import type { BootstrapInterval } from "./bootstrap.ts";
import type { GateThresholds } from "./gates.ts";
import type { PerformanceFigures } from "./performance-figures.ts";
import { minTrackRecordLength, probabilisticSharpe } from "./psr.ts";
import { PERIODS_PER_YEAR } from "./sharpe.ts";

/** The criteria a gate can check. */
export type Criterion = "trades" | "winRate" | "profitFactor" | "sharpe" | "maxDrawdown";

/** One criterion: the plain comparison of the measured value and, beside it, the confidence-aware one. */
export interface CriterionResult {
  readonly criterion: Criterion;
  /** How measured and threshold compare for a pass. */
  readonly comparison: ">" | "<" | ">=";
  readonly threshold: number;
  /** Point estimate; undefined when not measurable (then the criterion fails). */
  readonly measured: number | undefined;
  /** Plain pass: the point estimate beats the threshold. */
  readonly pass: boolean;
  /** Confidence-aware pass (see `evaluateGate`). */
  readonly confident: boolean;
  /** Why, with the numbers. */
  readonly reason: string;
}

/** A gate's verdict on one strategy. */
export interface GateVerdict {
  readonly gate: string;
  readonly criteria: readonly CriterionResult[];
  /** Every plain criterion passes. */
  readonly pass: boolean;
  /** Every confidence-aware criterion passes. */
  readonly confidentPass: boolean;
  /** PSR against the gate's Sharpe threshold (converted to per day). */
  readonly psrAtThreshold: number | undefined;
  /** Days of track record needed for PSR(threshold) ≥ psrConfidence at the observed Sharpe. */
  readonly minTrackRecordDays: number | undefined;
  /** One line: what decided the verdict. */
  readonly reason: string;
}

/** Settings of the confidence-aware verdict. */
export interface VerdictSettings {
  /** Default 0.95. */
  readonly psrConfidence: number;
}

const fmt = (x: number | undefined, digits = 3) => (x === undefined ? "n/a" : x.toFixed(digits));

/** The interval's lower bound as text, or why there is none ("no interval: 1 overlap cluster, …"). */
function lowerBound(iv: BootstrapInterval, pct: string, digits: number): string {
  if (iv.undefinedReason !== undefined) return iv.undefinedReason;
  return `${pct} lower bound ${fmt(iv.lower, digits)}`;
}

/**
 * Judges figures against a gate. Plain: each point estimate against its threshold. Confidence-
 * aware, criterion by criterion:
 * - trades: the EFFECTIVE trade count ≥ the minimum (overlapping, correlated trades count less);
 * - win rate, profit factor: the bootstrap interval's lower bound > the threshold; without an
 *   interval (fewer than MIN_BOOTSTRAP_UNITS overlap clusters) the criterion fails and says why;
 * - Sharpe: PSR(SR* = threshold/√365) ≥ psrConfidence AND the block-bootstrap lower bound >
 *   threshold (no interval from too few active blocks: fails, saying why) AND, when more than
 *   one variant was tried, DSR ≥ psrConfidence;
 * - maximum drawdown: the measured value < the limit (a path statistic; no interval).
 * A criterion without a measurable value fails both ways (a profit factor with no losses is
 * "not measured"; its confident form uses the lower bound, which is finite).
 */
export function evaluateGate(figures: PerformanceFigures, gate: string, t: GateThresholds, settings: VerdictSettings): GateVerdict {
  const criteria: CriterionResult[] = [];
  const iv = figures.intervals;
  const pct = `${Math.round(((1 + iv.winRate.confidence) / 2) * 100)} %`;

  if (t.minTrades !== undefined) {
    const n = figures.trades.trades;
    const eff = figures.effectiveTrades.effective;
    criteria.push({
      criterion: "trades",
      comparison: ">=",
      threshold: t.minTrades,
      measured: n,
      pass: n >= t.minTrades,
      confident: eff >= t.minTrades,
      reason: `${n} trades, ${fmt(eff, 1)} effective (${figures.effectiveTrades.clusters} overlap clusters) vs ≥ ${t.minTrades}`,
    });
  }
  if (t.minWinRate !== undefined) {
    const m = figures.trades.winRate;
    const lo = iv.winRate.lower;
    criteria.push({
      criterion: "winRate",
      comparison: ">",
      threshold: t.minWinRate,
      measured: m,
      pass: m !== undefined && m > t.minWinRate,
      confident: lo !== undefined && lo > t.minWinRate,
      reason: `win rate ${fmt(m)}, ${lowerBound(iv.winRate, pct, 3)} vs > ${t.minWinRate}`,
    });
  }
  if (t.minProfitFactor !== undefined) {
    const pf = figures.trades.profitFactor;
    const lo = iv.profitFactor.lower;
    criteria.push({
      criterion: "profitFactor",
      comparison: ">",
      threshold: t.minProfitFactor,
      measured: pf.value,
      pass: pf.value !== undefined && pf.value > t.minProfitFactor,
      confident: lo !== undefined && lo > t.minProfitFactor,
      reason: `profit factor ${pf.noLosses ? "n/a (no losses)" : fmt(pf.value, 2)}, ${lowerBound(iv.profitFactor, pct, 2)} vs > ${t.minProfitFactor}`,
    });
  }
  let psrAtThreshold: number | undefined;
  let minTrackRecordDays: number | undefined;
  if (t.minSharpe !== undefined) {
    const sr = figures.sharpe.annualised;
    const perDay = t.minSharpe / Math.sqrt(PERIODS_PER_YEAR);
    const m = figures.sharpeMoments;
    psrAtThreshold = m === undefined ? undefined : probabilisticSharpe(m, perDay);
    minTrackRecordDays = m === undefined ? undefined : minTrackRecordLength(m, perDay, settings.psrConfidence);
    const lo = iv.sharpe.lower;
    const dsr = figures.deflated;
    const deflationNeeded = dsr !== undefined && dsr.trials > 1;
    const dsrOk = !deflationNeeded || (dsr.value !== undefined && dsr.value >= settings.psrConfidence);
    const confident = psrAtThreshold !== undefined && psrAtThreshold >= settings.psrConfidence && lo !== undefined && lo > t.minSharpe && dsrOk;
    criteria.push({
      criterion: "sharpe",
      comparison: ">",
      threshold: t.minSharpe,
      measured: sr,
      pass: sr !== undefined && sr > t.minSharpe,
      confident,
      reason:
        `Sharpe ${fmt(sr, 2)}${sr === undefined ? ` (${figures.sharpe.undefinedReason ?? ""})` : ""} over ${figures.sharpe.periods} days, ` +
        `PSR(${t.minSharpe}) ${fmt(psrAtThreshold)} vs ≥ ${settings.psrConfidence}, ${lowerBound(iv.sharpe, pct, 2)}` +
        (deflationNeeded ? `, DSR ${fmt(dsr.value)} over ${dsr.trials} variants` : "") +
        (minTrackRecordDays !== undefined ? `, needs ${Math.ceil(minTrackRecordDays)} days` : ""),
    });
  }
  if (t.maxDrawdown !== undefined) {
    const dd = figures.maxDrawdown.fraction;
    const ok = dd < t.maxDrawdown;
    criteria.push({
      criterion: "maxDrawdown",
      comparison: "<",
      threshold: t.maxDrawdown,
      measured: dd,
      pass: ok,
      confident: ok,
      reason: `max drawdown ${fmt(dd * 100, 2)} % vs < ${t.maxDrawdown * 100} %`,
    });
  }
  const pass = criteria.every((c) => c.pass);
  const confidentPass = criteria.every((c) => c.confident);
  const failing = criteria.filter((c) => !c.pass).map((c) => c.criterion);
  const unsure = criteria.filter((c) => c.pass && !c.confident).map((c) => c.criterion);
  const reason = confidentPass
    ? `passes gate ${gate} with confidence`
    : !pass
      ? `fails gate ${gate} on ${failing.join(", ")}`
      : `passes gate ${gate} on the point estimates, not yet with confidence on ${unsure.join(", ")}`;
  return { gate, criteria, pass, confidentPass, psrAtThreshold, minTrackRecordDays, reason };
}
