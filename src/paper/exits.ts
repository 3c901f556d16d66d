import type { PositionSide } from "./types.ts";

/** A price exit: which rule fired and the reference price it fires at. */
export interface PriceExit {
  readonly reason: "stop" | "target";
  /** Stop or target level, or the bar's open when the bar gapped through it. */
  readonly refPx: number;
}

/** Stop/target check on one observed price (a book mid). The stop is checked first. */
export function pointExit(side: PositionSide, stopPx: number, targetPx: number, px: number): PriceExit | undefined {
  if (side === "long" ? px <= stopPx : px >= stopPx) return { reason: "stop", refPx: px };
  if (side === "long" ? px >= targetPx : px <= targetPx) return { reason: "target", refPx: px };
  return undefined;
}

/**
 * Stop/target check on a bar when only bars are known. When the bar's range holds both the stop
 * and the target, the order inside the bar is unknown and the STOP is assumed first (the
 * pessimistic choice). The exit price is the level, or the open when the bar opened beyond it
 * (a gap fills at the open, not at the better level).
 */
export function barExit(side: PositionSide, stopPx: number, targetPx: number, bar: { readonly open: number; readonly high: number; readonly low: number }): PriceExit | undefined {
  if (side === "long") {
    if (bar.low <= stopPx) return { reason: "stop", refPx: Math.min(bar.open, stopPx) };
    if (bar.high >= targetPx) return { reason: "target", refPx: Math.max(bar.open, targetPx) };
  } else {
    if (bar.high >= stopPx) return { reason: "stop", refPx: Math.max(bar.open, stopPx) };
    if (bar.low <= targetPx) return { reason: "target", refPx: Math.min(bar.open, targetPx) };
  }
  return undefined;
}

/**
 * Basis exit of a two-leg position. Basis = (perp − spot) / spot. A short-perp position (entered
 * rich) converges when basis ≤ targetBasis and stops when basis ≥ stopBasis; a long-perp position
 * the reverse. The stop is checked first.
 * @param perpSide side of the perp (primary) leg.
 */
export function basisExit(perpSide: PositionSide, targetBasis: number, stopBasis: number, basis: number): "stop" | "convergence" | undefined {
  if (perpSide === "short") {
    if (basis >= stopBasis) return "stop";
    if (basis <= targetBasis) return "convergence";
  } else {
    if (basis <= stopBasis) return "stop";
    if (basis >= targetBasis) return "convergence";
  }
  return undefined;
}
