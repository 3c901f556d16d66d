/**
 * The price band at the edge: a price that jumps beyond a band of the latest accepted price of its
 * market is held back (quarantined) until the frames that follow confirm the new level.
 *
 * Why: three well-formed `l2Book` frames at half the price, 100 ms apart, once filled an open
 * long's exit at half its entry (−25 %, a fake daily-loss halt). A venue never moves 10 % between
 * two frames ~0.5 s apart on a liquid market (measured maxima in docs/LIVE.md, "Sanity at the
 * edge"), but a real crash does persist: so a jump is not refused for ever, only until it has been
 * seen `confirmFrames` times at the new level over at least `confirmMs` of receive time with no
 * frame back at the old level in between.
 *
 * One state per market, shared by its books (mid), tops of book (mid) and trades (price): a fake
 * book while the real tops of book keep arriving at the old level never confirms, because every
 * frame within the band of the reference resets the pending level.
 *
 * Pure: the receive time comes in with each observation; no clock, no I/O.
 */
import type { Market } from "../../core/index.ts";

/** Default band: a price more than 10 % from the market's latest accepted price is a jump. */
export const DEFAULT_PRICE_BAND_FRACTION = 0.1;
/** Default number of observations at the new level that confirm a jump. */
export const DEFAULT_PRICE_CONFIRM_FRAMES = 5;
/** Default receive-time span those observations must cover, ms. */
export const DEFAULT_PRICE_CONFIRM_MS = 2_000;

export interface PriceBandOptions {
  /** Fraction of the reference price (0.1 = 10 %); beyond it a price is a jump. Default {@link DEFAULT_PRICE_BAND_FRACTION}. */
  readonly bandFraction?: number;
  /** Observations at the new level (the first included) before a jump is accepted. Default {@link DEFAULT_PRICE_CONFIRM_FRAMES}. */
  readonly confirmFrames?: number;
  /** Receive-time span from the first to the confirming observation, ms. Default {@link DEFAULT_PRICE_CONFIRM_MS}. */
  readonly confirmMs?: number;
}

/** What the band says about one price observation. */
export type BandVerdict =
  /** Within the band (or the market's first price, or a confirmed jump): emit it. */
  | { readonly kind: "accept"; readonly confirmedJumpFrom?: number }
  /** A jump, held back. `first` is true for the observation that opened this quarantine. */
  | { readonly kind: "quarantine"; readonly first: boolean; readonly reference: number };

interface MarketBand {
  /** The latest accepted price. */
  reference: number;
  /** The held-back level, its first receive time and how many observations saw it. */
  pendingPx: number | undefined;
  pendingSinceMs: number;
  pendingCount: number;
}

function within(px: number, reference: number, band: number): boolean {
  // |px − ref| ≤ band × ref rather than |px / ref − 1| ≤ band: 110 000 / 100 000 − 1 is 0.10000000000000009.
  return Math.abs(px - reference) <= band * reference;
}

/** Per-market price band with confirmation. See the file comment. */
export class PriceBand {
  readonly bandFraction: number;
  readonly confirmFrames: number;
  readonly confirmMs: number;
  private readonly byMarket = new Map<Market, MarketBand>();
  /** Observations quarantined (not emitted), jumps confirmed after quarantine. */
  readonly stats = { quarantined: 0, confirmedJumps: 0 };

  constructor(options: PriceBandOptions = {}) {
    this.bandFraction = options.bandFraction ?? DEFAULT_PRICE_BAND_FRACTION;
    this.confirmFrames = options.confirmFrames ?? DEFAULT_PRICE_CONFIRM_FRAMES;
    this.confirmMs = options.confirmMs ?? DEFAULT_PRICE_CONFIRM_MS;
  }

  /**
   * Judges one price of `market` received at `tsInit` (ms). `px` must be finite and > 0 (the
   * parser has checked it). Accepting moves the reference to `px`.
   */
  observe(market: Market, px: number, tsInit: number): BandVerdict {
    const state = this.byMarket.get(market);
    if (state === undefined) {
      this.byMarket.set(market, { reference: px, pendingPx: undefined, pendingSinceMs: 0, pendingCount: 0 });
      return { kind: "accept" };
    }
    if (within(px, state.reference, this.bandFraction)) {
      // Back at (or still at) the accepted level: whatever was pending was not confirmed.
      state.reference = px;
      state.pendingPx = undefined;
      state.pendingCount = 0;
      return { kind: "accept" };
    }
    if (state.pendingPx !== undefined && within(px, state.pendingPx, this.bandFraction)) {
      state.pendingCount += 1;
      if (state.pendingCount >= this.confirmFrames && tsInit - state.pendingSinceMs >= this.confirmMs) {
        const from = state.reference;
        state.reference = px;
        state.pendingPx = undefined;
        state.pendingCount = 0;
        this.stats.confirmedJumps += 1;
        return { kind: "accept", confirmedJumpFrom: from };
      }
      this.stats.quarantined += 1;
      return { kind: "quarantine", first: false, reference: state.reference };
    }
    // A new level beyond the band (of the reference and of any pending level): start counting.
    state.pendingPx = px;
    state.pendingSinceMs = tsInit;
    state.pendingCount = 1;
    this.stats.quarantined += 1;
    return { kind: "quarantine", first: true, reference: state.reference };
  }
}
