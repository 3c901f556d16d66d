import { ConfigError } from "../core/index.ts";
import type { Market } from "../core/index.ts";
import type { Signal } from "./signal.ts";

/** Options of {@link SignalBook}. */
export interface SignalBookOptions {
  /** After a signal of a strategy and market ends, refuse new ones for that pair for this long, ms. Default 600 000 (10 min). */
  cooldownMs?: number;
}

/** Why an offered signal was refused. */
export type RefusalReason = "open-signal" | "cooldown";

/** The book's verdict on an offered signal. Refused signals are still recorded by the engine. */
export type OfferResult =
  | { readonly accepted: true }
  | { readonly accepted: false; readonly reason: RefusalReason; /** When a new signal could be accepted at the earliest, ms. */ readonly untilMs: number };

interface Slot {
  open: Signal | undefined;
  /** When the open signal ends unless closed earlier: createdMs + maxHoldMs. */
  openUntilMs: number;
  /** End of the last signal, ms. */
  endedMs: number;
}

/**
 * At most one open signal per (strategy, market), and a cooldown after each ends, so a ranging
 * market cannot stack or flap signals. Pure: time is `nowMs` from the caller.
 *
 * A signal is open from its creation until the caller closes it (`close`: the position exited,
 * or the signal expired unfilled) or until `createdMs + maxHoldMs`, whichever comes first. After
 * it ends, the same strategy and market accept nothing for `cooldownMs`. Entry conditions also
 * pass through a {@link Rearm} inside each strategy (fire on a rising edge only).
 */
export class SignalBook {
  readonly cooldownMs: number;
  private readonly slots = new Map<string, Slot>();

  /** @throws ConfigError when cooldownMs is negative or not finite. */
  constructor(options: SignalBookOptions = {}) {
    const cooldownMs = options.cooldownMs ?? 600_000;
    if (!Number.isFinite(cooldownMs) || cooldownMs < 0) {
      throw new ConfigError("strategies.signalBook.cooldownMs", cooldownMs, "a number of ms ≥ 0");
    }
    this.cooldownMs = cooldownMs;
  }

  /** Accepts `signal` as the open one of its strategy and market, or says why not. */
  offer(signal: Signal, nowMs: number): OfferResult {
    const key = slotKey(signal.strategy, signal.market);
    const slot = this.settle(key, nowMs);
    if (slot?.open !== undefined) return { accepted: false, reason: "open-signal", untilMs: slot.openUntilMs };
    if (slot !== undefined && nowMs < slot.endedMs + this.cooldownMs) {
      return { accepted: false, reason: "cooldown", untilMs: slot.endedMs + this.cooldownMs };
    }
    this.slots.set(key, { open: signal, openUntilMs: signal.createdMs + signal.maxHoldMs, endedMs: slot?.endedMs ?? -Infinity });
    return { accepted: true };
  }

  /** Ends the open signal of `strategy` on `market` at `nowMs`; false when none was open. */
  close(strategy: string, market: Market, nowMs: number): boolean {
    const key = slotKey(strategy, market);
    const slot = this.settle(key, nowMs);
    if (slot?.open === undefined) return false;
    slot.open = undefined;
    slot.endedMs = nowMs;
    return true;
  }

  /** The open signal of `strategy` on `market` at `nowMs`, if any. */
  openSignal(strategy: string, market: Market, nowMs: number): Signal | undefined {
    return this.settle(slotKey(strategy, market), nowMs)?.open;
  }

  /** Every open signal at `nowMs`. */
  openSignals(nowMs: number): Signal[] {
    const open: Signal[] = [];
    for (const key of this.slots.keys()) {
      const signal = this.settle(key, nowMs)?.open;
      if (signal !== undefined) open.push(signal);
    }
    return open;
  }

  /** Ends a signal that reached its maximum hold. */
  private settle(key: string, nowMs: number): Slot | undefined {
    const slot = this.slots.get(key);
    if (slot?.open !== undefined && nowMs >= slot.openUntilMs) {
      slot.open = undefined;
      slot.endedMs = slot.openUntilMs;
    }
    return slot;
  }
}

function slotKey(strategy: string, market: Market): string {
  return `${strategy}|${market.key}`;
}
