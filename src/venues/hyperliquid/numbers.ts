import { ParseError } from "../../core/index.ts";

/**
 * Number helpers for Hyperliquid's decimal strings, used on the parser's hot path.
 *
 * `decimal` is the fast primitive (no allocation, no throw); the `required…` / `optional…`
 * helpers add the checks and throw a `ParseError` naming the field path and the raw value.
 * Throwing is fine here: bad values are rare, and the parser catches per item.
 */

const CODE_0 = 48;
const CODE_9 = 57;
const CODE_DOT = 46;
const CODE_MINUS = 45;
const CODE_PLUS = 43;

/**
 * The number a venue value stands for, or `NaN`.
 *
 * Accepts finite JS numbers and decimal strings (`"110427.0"`, `"-0.0000015186"`, `"1.25e-05"`).
 * Rejects (returns `NaN`) what `Number()` would wrongly accept: `""` and blanks (→ 0),
 * padded strings, hex/octal/binary literals, `"Infinity"`, booleans, `null`, arrays.
 */
export function decimal(value: unknown): number {
  if (typeof value === "number") {
    return Number.isFinite(value) ? value : Number.NaN;
  }
  if (typeof value !== "string") {
    return Number.NaN;
  }
  const length = value.length;
  if (length === 0) {
    return Number.NaN;
  }
  // Cheap shape checks on the first and last characters only: they exclude blanks, padding,
  // "Infinity" and the 0x/0o/0b prefixes (whose second char is a letter) without a regex.
  const first = value.charCodeAt(0);
  if (!((first >= CODE_0 && first <= CODE_9) || first === CODE_DOT || first === CODE_MINUS || first === CODE_PLUS)) {
    return Number.NaN;
  }
  const last = value.charCodeAt(length - 1);
  if (!((last >= CODE_0 && last <= CODE_9) || last === CODE_DOT)) {
    return Number.NaN;
  }
  if (first === CODE_0 && length > 2) {
    const second = value.charCodeAt(1) | 0x20; // lower-case ASCII letters
    if (second === 0x78 || second === 0x6f || second === 0x62) {
      return Number.NaN; // x, o, b
    }
  }
  const parsed = Number(value);
  return Number.isFinite(parsed) ? parsed : Number.NaN;
}

/** Whether a value means "not given" (`undefined`, `null` or `""`), as Hyperliquid sends for missing numbers. */
export function isAbsent(value: unknown): boolean {
  return value === undefined || value === null || value === "";
}

/** A finite number (any sign). Throws `ParseError` on anything else. */
export function requiredFinite(value: unknown, field: string): number {
  const n = decimal(value);
  if (n !== n) {
    throw new ParseError(field, value, "must be a finite number");
  }
  return n;
}

/** The problem text of `requiredPositive`, for hot paths that check inline and build the field path only on failure. */
export const MUST_BE_POSITIVE = "must be a positive finite number";

/** A finite number > 0 (sizes, prices). Throws `ParseError` on anything else. */
export function requiredPositive(value: unknown, field: string): number {
  const n = decimal(value);
  if (!(n > 0)) {
    throw new ParseError(field, value, MUST_BE_POSITIVE);
  }
  return n;
}

/** A finite number ≥ 0 (volumes, open interest). Throws `ParseError` on anything else. */
export function requiredNonNegative(value: unknown, field: string): number {
  const n = decimal(value);
  if (!(n >= 0)) {
    throw new ParseError(field, value, "must be a non-negative finite number");
  }
  return n;
}

/** A time, ms since epoch: a non-negative safe integer (number or digit string). Throws `ParseError` otherwise. */
export function requiredTimeMs(value: unknown, field: string): number {
  const n = decimal(value);
  if (!(n >= 0) || !Number.isSafeInteger(n)) {
    throw new ParseError(field, value, "must be a time in ms (non-negative integer)");
  }
  return n;
}

/** A count: a non-negative safe integer. Throws `ParseError` otherwise. */
export function requiredCount(value: unknown, field: string): number {
  const n = decimal(value);
  if (!(n >= 0) || !Number.isSafeInteger(n)) {
    throw new ParseError(field, value, "must be a non-negative integer");
  }
  return n;
}

/** `undefined` when absent (`undefined`, `null`, `""`), else as `requiredFinite`. */
export function optionalFinite(value: unknown, field: string): number | undefined {
  return isAbsent(value) ? undefined : requiredFinite(value, field);
}

/** `undefined` when absent (`undefined`, `null`, `""`), else as `requiredNonNegative`. */
export function optionalNonNegative(value: unknown, field: string): number | undefined {
  return isAbsent(value) ? undefined : requiredNonNegative(value, field);
}

/** `undefined` when absent (`undefined`, `null`, `""`), else as `requiredCount`. */
export function optionalCount(value: unknown, field: string): number | undefined {
  return isAbsent(value) ? undefined : requiredCount(value, field);
}

/**
 * Earliest venue time accepted, ms: 2023-01-01T00:00:00Z (1 672 531 200 000). Hyperliquid's
 * API keeps nothing older (its `fundingHistory` starts 2023-05-12, the SDK's recorded
 * `candleSnapshot` 2023-04-19; see the shared data PROVENANCE), so an earlier time is a
 * unit or field mistake (seconds for ms, a sequence number), never a real observation.
 */
export const VENUE_TIME_FLOOR_MS: number = Date.UTC(2023, 0, 1);

/** Default tolerance for a venue time ahead of its receive time, ms (clock skew plus slack). */
export const DEFAULT_MAX_VENUE_TIME_AHEAD_MS = 60_000;

/**
 * Refuses a venue time that cannot be real: before {@link VENUE_TIME_FLOOR_MS}, or more than
 * `maxAheadMs` after the local receive time `tsInit` (an event cannot be observed before it
 * happened; a few ms of clock skew are normal, a minute is not). Pass `tsInit` undefined where
 * there is no receive time (history files stamped with the event's own time).
 * @throws ParseError naming the field and the value
 */
export function checkVenueTime(timeMs: number, field: string, tsInit: number | undefined, maxAheadMs: number): void {
  if (timeMs < VENUE_TIME_FLOOR_MS) {
    throw new ParseError(field, timeMs, `venue time is before ${new Date(VENUE_TIME_FLOOR_MS).toISOString()}, when no Hyperliquid data exists`);
  }
  if (tsInit !== undefined && timeMs - tsInit > maxAheadMs) {
    throw new ParseError(field, timeMs, `venue time is ${timeMs - tsInit} ms ahead of the receive time ${tsInit} (tolerance ${maxAheadMs} ms)`);
  }
}
