/** Pearson correlation of two equal-length samples; undefined below 3 pairs or when either does not vary. */
export function pearson(xs: readonly number[], ys: readonly number[]): number | undefined {
  const n = Math.min(xs.length, ys.length);
  if (n < 3) return undefined;
  let sx = 0;
  let sy = 0;
  for (let i = 0; i < n; i += 1) {
    sx += xs[i]!;
    sy += ys[i]!;
  }
  const mx = sx / n;
  const my = sy / n;
  let sxx = 0;
  let syy = 0;
  let sxy = 0;
  for (let i = 0; i < n; i += 1) {
    const dx = xs[i]! - mx;
    const dy = ys[i]! - my;
    sxx += dx * dx;
    syy += dy * dy;
    sxy += dx * dy;
  }
  if (!(sxx > 0) || !(syy > 0)) return undefined;
  return Math.max(-1, Math.min(1, sxy / Math.sqrt(sxx * syy)));
}

/** A symmetric correlation matrix with named rows; `null` where undefined (JSON-safe). */
export interface CorrelationMatrix {
  readonly names: readonly string[];
  /** values[i][j] = correlation of names[i] and names[j]; 1 on the diagonal when the series varies. */
  readonly values: readonly (readonly (number | null)[])[];
  /** The largest |off-diagonal| correlation, undefined below two measurable series. */
  readonly maxAbsOffDiagonal: number | undefined;
}

/**
 * Correlation matrix of DAILY P&L (USD) between strategies. The series must be aligned on the
 * same UTC days (build them with `dailySeries` over one common period: a day without activity
 * is a 0 P&L day, which is what the strategy did that day). The memo wants |ρ| < 0.6 between
 * strategies combined in one portfolio.
 * @param series name → daily P&L, all the same length and days.
 */
export function correlationMatrix(series: ReadonlyMap<string, readonly number[]>): CorrelationMatrix {
  const names = [...series.keys()];
  const values: (number | null)[][] = names.map(() => names.map(() => null));
  let maxAbs: number | undefined;
  for (let i = 0; i < names.length; i += 1) {
    const a = series.get(names[i]!)!;
    for (let j = i; j < names.length; j += 1) {
      const r = pearson(a, series.get(names[j]!)!);
      const v = i === j && r !== undefined ? 1 : (r ?? null);
      values[i]![j] = v;
      values[j]![i] = v;
      if (i !== j && r !== undefined) maxAbs = Math.max(maxAbs ?? 0, Math.abs(r));
    }
  }
  return { names, values, maxAbsOffDiagonal: maxAbs };
}
