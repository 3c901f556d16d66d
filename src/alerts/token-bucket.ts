/**
 * A token bucket: `burst` tokens at most, refilled at `ratePerMinute`. One token per request, so a
 * destination gets at most `burst` requests at once and `ratePerMinute` over time.
 */
export class TokenBucket {
  readonly #capacity: number;
  readonly #perMs: number;
  #tokens: number;
  #lastMs: number;

  /** Starts full at `nowMs`. */
  constructor(ratePerMinute: number, burst: number, nowMs: number) {
    this.#capacity = burst;
    this.#perMs = ratePerMinute / 60_000;
    this.#tokens = burst;
    this.#lastMs = nowMs;
  }

  /** Takes a token and returns 0, or takes none and returns how long until one is there, ms. */
  take(nowMs: number): number {
    if (nowMs > this.#lastMs) {
      this.#tokens = Math.min(this.#capacity, this.#tokens + (nowMs - this.#lastMs) * this.#perMs);
      this.#lastMs = nowMs;
    }
    if (this.#tokens >= 1) {
      this.#tokens -= 1;
      return 0;
    }
    // Less a hair, so float noise (0.333… tokens a second) does not add a whole ms.
    return Math.ceil((1 - this.#tokens) / this.#perMs - 1e-6);
  }
}
