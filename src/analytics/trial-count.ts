/** One variant tried: a strategy and the hash of its configuration. */
export interface TrialKey {
  readonly strategy: string;
  readonly configHash: string;
}

/** Variants tried, per strategy and in all: the deflated Sharpe ratio's N. */
export interface TrialCount {
  /** Strategy id → distinct configurations tried. */
  readonly byStrategy: Readonly<Record<string, number>>;
  /** Distinct (strategy, configuration) pairs of all strategies: N of the combined selection. */
  readonly total: number;
}

/**
 * Counts the distinct variants in the union of `sources` (a trial registry and a journal's own
 * variants, say): a variant listed by both counts once, one missing from either still counts.
 * Pure.
 */
export function countTrials(...sources: readonly (readonly TrialKey[])[]): TrialCount {
  const seen = new Map<string, Set<string>>();
  for (const source of sources) {
    for (const t of source) {
      const hashes = seen.get(t.strategy) ?? new Set<string>();
      hashes.add(t.configHash);
      seen.set(t.strategy, hashes);
    }
  }
  const byStrategy = Object.fromEntries([...seen.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([s, h]) => [s, h.size]));
  return { byStrategy, total: Object.values(byStrategy).reduce((a, b) => a + b, 0) };
}
