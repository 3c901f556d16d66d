import { ParseError } from "../core/index.ts";

/**
 * Number checks for the recording files the venue parser does not read (l2_trades CSVs).
 * The same rules as the parser's: decimal text only (no blanks, hex or `Infinity`, which
 * `Number()` would accept), finite, and sizes and prices strictly positive. Each failure is
 * a `ParseError` naming the field and the raw text.
 */

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

function decimalOf(text: string): number {
  if (!DECIMAL.test(text)) {
    return Number.NaN;
  }
  const n = Number(text);
  return Number.isFinite(n) ? n : Number.NaN;
}

/** A price or size: finite and > 0. @throws ParseError */
export function positiveField(text: string, field: string): number {
  const n = decimalOf(text);
  if (!(n > 0)) {
    throw new ParseError(field, text, "must be a positive finite number");
  }
  return n;
}

/** A time in ms: a non-negative integer. @throws ParseError */
export function timeMsField(text: string, field: string): number {
  const n = decimalOf(text);
  if (!(n >= 0) || !Number.isSafeInteger(n)) {
    throw new ParseError(field, text, "must be a time in ms (non-negative integer)");
  }
  return n;
}

/** A time in seconds with a fraction (a local receive stamp), returned in whole ms (rounded). @throws ParseError */
export function secondsAsMsField(text: string, field: string): number {
  const n = decimalOf(text);
  if (!(n >= 0)) {
    throw new ParseError(field, text, "must be a non-negative time in seconds");
  }
  return Math.round(n * 1000);
}
