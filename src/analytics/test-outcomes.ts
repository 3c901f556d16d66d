/** Test helpers: hand-written and seeded synthetic outcomes. Used by tests only. */
import { perp } from "../core/index.ts";
import type { Market } from "../core/index.ts";
import type { Outcome } from "../paper/index.ts";
import { randomNormal } from "./prng.ts";
import type { Random } from "./prng.ts";

export const DAY_MS = 86_400_000;
export const HOUR_MS = 3_600_000;
/** 2025-01-01T00:00Z */
export const T0 = Date.UTC(2025, 0, 1);

/** An outcome with net P&L `pnlUsd`, open `openedMs` for `holdMs`, no fees or funding unless given. */
export function outcome(pnlUsd: number, openedMs: number, holdMs = HOUR_MS, extra: Partial<Outcome> = {}): Outcome {
  return {
    positionId: `p${openedMs}`,
    signalId: `s${openedMs}`,
    strategy: "test",
    market: perp("BTC"),
    side: "long",
    openedMs,
    closedMs: openedMs + holdMs,
    holdMs,
    entryNotionalUsd: 1_000,
    pnlUsd,
    pnlPct: pnlUsd / 1_000,
    grossPnlUsd: pnlUsd,
    feesUsd: 0,
    fundingUsd: 0,
    slippageUsd: 0,
    exitReason: pnlUsd > 0 ? "target" : "stop",
    ...extra,
  };
}

/**
 * Seeded synthetic trades: `tradesPerDay` non-overlapping one-hour trades a day for `days`
 * days, each with net P&L drawn by `draw`, on `market`.
 */
export function syntheticOutcomes(random: Random, days: number, tradesPerDay: number, draw: (r: Random) => number, strategy = "test", market: Market = perp("BTC")): Outcome[] {
  const out: Outcome[] = [];
  for (let d = 0; d < days; d += 1) {
    for (let k = 0; k < tradesPerDay; k += 1) {
      out.push(outcome(draw(random), T0 + d * DAY_MS + k * 2 * HOUR_MS, HOUR_MS, { strategy, market, positionId: `${strategy}-${d}-${k}` }));
    }
  }
  return out;
}

/** Zero edge: net P&L ~ N(0, sdUsd). */
export const noEdge = (sdUsd: number) => (r: Random) => sdUsd * randomNormal(r);

/** A planted edge: win `winUsd` with probability p, else lose `lossUsd`. */
export const coinFlipEdge = (p: number, winUsd: number, lossUsd: number) => (r: Random) => (r.next() < p ? winUsd : -lossUsd);

/** True when a value tree holds no NaN or ±Infinity (JSON would turn them into null silently). */
export function jsonSafe(value: unknown): boolean {
  if (typeof value === "number") return Number.isFinite(value);
  if (Array.isArray(value)) return value.every(jsonSafe);
  if (value !== null && typeof value === "object") return Object.values(value).every(jsonSafe);
  return true;
}
