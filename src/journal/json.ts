/**
 * JSON for journal columns. `JSON.stringify` silently turns NaN and ±Infinity into `null` and
 * drops `undefined` members; in a journal that is silent data loss, so here they are errors.
 * Finite doubles round-trip exactly through JSON (shortest round-trip formatting).
 */

/**
 * JSON text of `value`.
 * @throws Error naming the path of a non-finite number, a function, a symbol or a bigint — the
 *   caller tried to journal something that is not data (a bug).
 */
export function toJson(value: unknown): string {
  check(value, "$");
  return JSON.stringify(value);
}

function check(value: unknown, path: string): void {
  switch (typeof value) {
    case "number":
      if (!Number.isFinite(value)) throw new Error(`${path} is ${value}, which JSON cannot hold`);
      return;
    case "string":
    case "boolean":
      return;
    case "undefined":
      // An absent optional member is fine; an undefined array element or top-level value is not.
      throw new Error(`${path} is undefined, which JSON cannot hold`);
    case "object":
      if (value === null) return;
      if (Array.isArray(value)) {
        value.forEach((item, i) => check(item, `${path}[${i}]`));
        return;
      }
      for (const [key, member] of Object.entries(value)) {
        if (member !== undefined) check(member, `${path}.${key}`);
      }
      return;
    default:
      throw new Error(`${path} is a ${typeof value}, which JSON cannot hold`);
  }
}

/**
 * JSON text of `value` with object keys sorted at every depth, so that equal configurations give
 * equal text (and equal hashes) whatever order their keys were written in.
 */
export function canonicalJson(value: unknown): string {
  check(value, "$");
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value === "object" && value !== null) {
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const member = (value as Record<string, unknown>)[key];
      if (member !== undefined) sorted[key] = sortKeys(member);
    }
    return sorted;
  }
  return value;
}
