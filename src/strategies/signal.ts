import type { Market } from "../core/index.ts";
import type { RecordedThreshold } from "./threshold.ts";

/**
 * Signals: a strategy's decision at one instant, as a value. Every signal is recorded by the
 * engine whatever happens to it afterwards (accepted, refused by the {@link SignalBook}, expired,
 * taken in shadow mode).
 *
 * Prices are in quote currency (USD/USDC); fractions are plain ratios (0.003 = 0.3 %); times are
 * ms since epoch (UTC); durations are ms.
 */

/** Direction of a leg. */
export type Side = "long" | "short";

/** How much the strategy trusts this signal; the risk layer scales size by it. */
export type Confidence = "HIGH" | "MEDIUM" | "LOW";

/** Default shelf life of a signal before it may no longer be entered: 120 s (the memo's). */
export const DEFAULT_SIGNAL_EXPIRY_MS = 120_000;

/** One leg of a signal. */
export interface SignalLeg {
  readonly market: Market;
  readonly side: Side;
  /** Reference entry price of this leg when the signal fired. */
  readonly entryPx: number;
}

/** The spread plan of a two-leg (basis) signal. Basis = (perp − spot) / spot, a fraction. */
export interface SpreadPlan {
  /** Basis when the signal fired. */
  readonly entryBasis: number;
  /** Basis at which the trade has converged (take profit). */
  readonly targetBasis: number;
  /** Basis at which the trade is abandoned (it widened instead). */
  readonly stopBasis: number;
  /** Round-trip cost of both legs (fees + spreads), fraction of notional. */
  readonly roundTripCost: number;
  /** |entryBasis − targetBasis| − roundTripCost: the edge net of costs, fraction of notional. */
  readonly expectedNetEdge: number;
}

/** A strategy's decision. */
export interface Signal {
  /** `strategy:marketKey:createdMs:seq`; deterministic, so replaying twice gives the same ids. */
  readonly id: string;
  /** Strategy id (`flow-toxicity`). */
  readonly strategy: string;
  /** The primary market (the perp, for a basis trade). */
  readonly market: Market;
  /** One leg, or two for a basis trade (perp first). */
  readonly legs: readonly SignalLeg[];
  /** Side of the primary leg. */
  readonly side: Side;
  readonly confidence: Confidence;
  /** Reference entry price of the primary leg. */
  readonly entryPx: number;
  /** Stop price of the primary leg: below entry for a long, above for a short. */
  readonly stopPx: number;
  /** Target price of the primary leg: above entry for a long, below for a short. */
  readonly targetPx: number;
  /** Longest time a position from this signal may be held, ms. */
  readonly maxHoldMs: number;
  /** Event time at which the signal fired, ms. */
  readonly createdMs: number;
  /** Shelf life, ms: the size factor decays linearly from 1 at creation to 0 at `createdMs + expiryMs`. */
  readonly expiryMs: number;
  /** Why it fired, for humans: names the branch and the numbers. */
  readonly reason: string;
  /** Metric values that caused it, by metric name (units in the strategy's description). */
  readonly metrics: Readonly<Record<string, number>>;
  /**
   * Thresholds in force when it fired, by config key: a fixed threshold as its number; one set by a
   * percentile rule as `{ value, source: "percentile" | "fallback", percentile, samples }`
   * (`threshold.ts`). The journal stores it with `metrics` as the signal's inputs (JSON).
   */
  readonly thresholds: Readonly<Record<string, RecordedThreshold>>;
  /** False when a leg is not tradable on the venue (an external spot reference): record only. */
  readonly executable: boolean;
  /** Present on two-leg (basis) signals. */
  readonly spread?: SpreadPlan;
}

/** The parts of a signal a strategy decides; {@link SignalFactory} adds id, times and checks. */
export type SignalDraft = Omit<Signal, "id" | "strategy" | "createdMs" | "expiryMs" | "legs" | "executable"> & {
  readonly legs?: readonly SignalLeg[];
  readonly executable?: boolean;
};

/** The deterministic id `strategy:marketKey:createdMs:seq`. */
export function signalId(strategy: string, marketKey: string, createdMs: number, seq: number): string {
  return `${strategy}:${marketKey}:${createdMs}:${seq}`;
}

/**
 * Size multiplier by age: max(0, 1 − age / expiry), with age = nowMs − createdMs using the full
 * elapsed time (the memo's `.seconds` dropped whole days). 1 at creation, 0 at and after expiry.
 * A `nowMs` before creation is clamped to age 0.
 */
export function sizeFactorAt(signal: Pick<Signal, "createdMs" | "expiryMs">, nowMs: number): number {
  const age = Math.max(0, nowMs - signal.createdMs);
  if (!(signal.expiryMs > 0) || age >= signal.expiryMs) return 0;
  return Math.max(0, 1 - age / signal.expiryMs);
}

/** True at and after `createdMs + expiryMs`: the signal may no longer be entered. */
export function isExpired(signal: Pick<Signal, "createdMs" | "expiryMs">, nowMs: number): boolean {
  return nowMs - signal.createdMs >= signal.expiryMs;
}

/** Throws when a draft breaks an invariant; a strategy that produces one has a bug. */
function checkDraft(strategy: string, draft: SignalDraft): void {
  const { entryPx, stopPx, targetPx, side } = draft;
  const finite = [entryPx, stopPx, targetPx, draft.maxHoldMs].every((x) => Number.isFinite(x));
  const ordered = side === "long" ? stopPx < entryPx && entryPx < targetPx : targetPx < entryPx && entryPx < stopPx;
  if (!finite || !(entryPx > 0) || !ordered || !(draft.maxHoldMs > 0)) {
    throw new Error(
      `bug in strategy ${strategy}: inconsistent ${side} signal (entry ${entryPx}, stop ${stopPx}, target ${targetPx}, maxHold ${draft.maxHoldMs} ms)`,
    );
  }
}

/**
 * Makes signals for one strategy: adds the deterministic id (a sequence number per market and
 * creation time, so two signals in one millisecond differ), the creation time and the expiry.
 */
export class SignalFactory {
  readonly strategy: string;
  readonly expiryMs: number;
  private lastKey = "";
  private seq = 0;

  /** @param expiryMs shelf life, ms (default 120 000). */
  constructor(strategy: string, expiryMs = DEFAULT_SIGNAL_EXPIRY_MS) {
    this.strategy = strategy;
    this.expiryMs = expiryMs;
  }

  /**
   * The signal for `draft` fired at `nowMs`.
   * @throws Error when the draft is inconsistent (stop/target on the wrong side, non-finite) — a bug.
   */
  create(draft: SignalDraft, nowMs: number): Signal {
    checkDraft(this.strategy, draft);
    const key = `${draft.market.key}:${nowMs}`;
    this.seq = key === this.lastKey ? this.seq + 1 : 0;
    this.lastKey = key;
    return {
      ...draft,
      id: signalId(this.strategy, draft.market.key, nowMs, this.seq),
      strategy: this.strategy,
      legs: draft.legs ?? [{ market: draft.market, side: draft.side, entryPx: draft.entryPx }],
      executable: draft.executable ?? true,
      createdMs: nowMs,
      expiryMs: this.expiryMs,
    };
  }
}

/** Stop and target prices at fixed fractions from the entry, on the correct sides. */
export function bracket(side: Side, entryPx: number, stopFraction: number, targetFraction: number): { stopPx: number; targetPx: number } {
  return side === "long"
    ? { stopPx: entryPx * (1 - stopFraction), targetPx: entryPx * (1 + targetFraction) }
    : { stopPx: entryPx * (1 + stopFraction), targetPx: entryPx * (1 - targetFraction) };
}
