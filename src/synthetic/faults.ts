/**
 * Faults the synthetic venue can inject, scheduled on its simulated clock, seeded, and logged as
 * they fire. Each is one of the failures issue 13 measured; {@link FAULT_EXPECTATIONS} says what
 * the monitor must make of it.
 */
import { mulberry32, randomInt } from "../analytics/prng.ts";

export const FAULT_KINDS = [
  "abruptClose",
  "halfOpen",
  "silenceWithPongs",
  "channelSilent",
  "serverRestart",
  "malformedFrame",
  "halfPriceBooks",
  "crossedBook",
  "hourAheadFrame",
  "clockStepBack",
  "rest429",
  "rest500",
  "garbageFrame",
  "unsubscribedBooks",
] as const;

export type FaultKind = (typeof FAULT_KINDS)[number];

/** One fault to inject when the venue's simulated clock reaches `atMs`. */
export interface ScheduledFault {
  /** Simulated time, ms. */
  readonly atMs: number;
  readonly kind: FaultKind;
  /** The coin a market fault concerns (books, one channel); default the venue's first perp. */
  readonly coin?: string;
  /** How long a lasting fault lasts, ms of **wall** time (stall, server restart). */
  readonly durationMs?: number;
}

/** One fault as it fired. */
export interface FaultLogEntry {
  readonly kind: FaultKind;
  /** Simulated time when it fired, ms. */
  readonly atMs: number;
  /** Wall time when it fired, ms. */
  readonly atWallMs: number;
  readonly detail: string;
}

/**
 * What the monitor must do with each fault: `gap` (a reconnect or a silence marked as a gap),
 * `reject` (refused at the edge, counted), `quarantine` (prices held back, never traded on),
 * `retry` (REST retried), `drop` (ignored: not a subscribed market).
 */
export const FAULT_EXPECTATIONS: Readonly<Record<FaultKind, "gap" | "reject" | "quarantine" | "retry" | "drop">> = {
  abruptClose: "gap",
  halfOpen: "gap",
  silenceWithPongs: "gap",
  channelSilent: "gap",
  serverRestart: "gap",
  malformedFrame: "reject",
  halfPriceBooks: "quarantine",
  crossedBook: "reject",
  hourAheadFrame: "reject",
  clockStepBack: "gap",
  rest429: "retry",
  rest500: "retry",
  garbageFrame: "reject",
  unsubscribedBooks: "drop",
};

/**
 * `count` faults at seeded times in `[fromMs, toMs)`, every kind of `kinds` once before any
 * repeats (in a seeded order), on seeded coins of `coins`; sorted by time.
 */
export function scheduleFaults(seed: number, fromMs: number, toMs: number, count: number, coins: readonly string[], kinds: readonly FaultKind[] = FAULT_KINDS, durationMs?: number): ScheduledFault[] {
  const random = mulberry32(seed ^ 0x9e3779b9);
  const order: FaultKind[] = [];
  while (order.length < count) {
    const round = [...kinds];
    for (let i = round.length - 1; i > 0; i -= 1) {
      const j = randomInt(random, i + 1);
      [round[i], round[j]] = [round[j]!, round[i]!];
    }
    order.push(...round);
  }
  const span = toMs - fromMs;
  const faults = order.slice(0, count).map((kind, i): ScheduledFault => {
    // One fault per slot of the span, at a seeded place in its slot: spread, never two at once.
    const slot = span / count;
    const atMs = Math.floor(fromMs + slot * i + slot * (0.1 + 0.8 * random.next()));
    const coin = coins[randomInt(random, coins.length)];
    return { atMs, kind, ...(coin === undefined ? {} : { coin }), ...(durationMs === undefined ? {} : { durationMs }) };
  });
  return faults.sort((a, b) => a.atMs - b.atMs);
}
