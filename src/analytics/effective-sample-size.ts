import type { Market } from "../core/index.ts";

/** What the effective sample size reads from an outcome. */
export interface TradeSpan {
  readonly openedMs: number;
  readonly closedMs: number;
  readonly market: Market;
}

/**
 * Correlation between the returns of two markets, measured (e.g. the rolling hourly-return
 * correlation of src/metrics); undefined when not measured.
 */
export type MarketCorrelation = (a: Market, b: Market) => number | undefined;

/**
 * Groups trades whose holding periods overlap (transitively: A overlaps B, B overlaps C → one
 * cluster). Returns the clusters as lists of indices into `trades`, in time order.
 */
export function overlapClusters(trades: readonly Pick<TradeSpan, "openedMs" | "closedMs">[]): number[][] {
  const order = trades.map((_, i) => i).sort((a, b) => trades[a]!.openedMs - trades[b]!.openedMs || a - b);
  const clusters: number[][] = [];
  let end = Number.NEGATIVE_INFINITY;
  for (const i of order) {
    const t = trades[i]!;
    // Overlap is strict: a position opened at the very instant another closed is a new bet.
    if (clusters.length > 0 && t.openedMs < end) {
      clusters[clusters.length - 1]!.push(i);
      end = Math.max(end, t.closedMs);
    } else {
      clusters.push([i]);
      end = t.closedMs;
    }
  }
  return clusters;
}

/** The effective number of independent trades and how it was reached. */
export interface EffectiveSampleSize {
  readonly trades: number;
  /** Groups of trades whose holding periods overlap. */
  readonly clusters: number;
  /** Σ over clusters of s / (1 + (s − 1)·ρ̄), ρ̄ over the pairs that overlap (0 for chained pairs); between `clusters` and `trades`. */
  readonly effective: number;
}

/**
 * Effective sample size of a strategy's trades, counting overlapping positions and correlated
 * coins honestly. Estimator (Kish's design effect applied per overlap cluster):
 * 1. trades whose holding periods overlap form a cluster (they were exposed to the same moves);
 * 2. a cluster of s trades counts s / (1 + (s − 1)·ρ̄) = s² / Σᵢⱼ ρᵢⱼ, ρ̄ the mean over its pairs of
 *    ρᵢⱼ: 0 for two trades that never overlap (they are in one cluster only through a chain of
 *    others), else the correlation of their markets: 1 for the same market or the same base
 *    asset, the measured correlation clamped to [0, 1] otherwise, and 1 when not measured
 *    (assume the worst);
 * 3. the effective sample size is the sum over clusters.
 * So overlapping trades on one coin count once; overlapping trades on two uncorrelated coins
 * count twice; one long position overlapping many short sequential ones does not make them one
 * trade (it is held with each, they are not held with each other).
 * @param correlation measured correlation between two markets; default: none measured.
 */
export function effectiveSampleSize(trades: readonly TradeSpan[], correlation: MarketCorrelation = () => undefined): EffectiveSampleSize {
  const clusters = overlapClusters(trades);
  let effective = 0;
  for (const cluster of clusters) {
    const s = cluster.length;
    if (s === 1) {
      effective += 1;
      continue;
    }
    let sum = 0;
    let pairs = 0;
    for (let a = 0; a < s; a += 1) {
      for (let b = a + 1; b < s; b += 1) {
        const ta = trades[cluster[a]!]!;
        const tb = trades[cluster[b]!]!;
        pairs += 1;
        // Chained, not overlapping (A overlaps B, B overlaps C, A and C never held together): no shared move.
        if (!(ta.openedMs < tb.closedMs && tb.openedMs < ta.closedMs)) continue;
        const ma = ta.market;
        const mb = tb.market;
        const rho = ma.key === mb.key || ma.base === mb.base ? 1 : (correlation(ma, mb) ?? 1);
        sum += Math.max(0, Math.min(1, rho));
      }
    }
    effective += s / (1 + (s - 1) * (sum / pairs));
  }
  return { trades: trades.length, clusters: clusters.length, effective };
}
