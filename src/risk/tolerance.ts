/**
 * Limit comparisons with a relative tolerance of 1e-9, so a value that equals a limit up to
 * binary rounding (0.5 / 100 vs 0.005) counts as AT the limit, which every limit allows.
 */
const REL = 1e-9;

/** True when `value` is below `limit` by more than rounding noise. */
export function isBelow(value: number, limit: number): boolean {
  return value < limit - Math.abs(limit) * REL;
}

/** True when `value` is above `limit` by more than rounding noise. */
export function isAbove(value: number, limit: number): boolean {
  return value > limit + Math.abs(limit) * REL;
}
