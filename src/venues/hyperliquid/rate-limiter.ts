/**
 * Hyperliquid's REST weight limit as a token bucket: a budget of `weightPerMinute` (1200 per
 * IP) that refills continuously, `weightPerMinute / 60 000` per ms, up to a full minute's
 * budget. Requests take their base weight before they are sent; weight that depends on the
 * response (items returned) is charged afterwards and may leave the bucket in debt, which the
 * next request waits out.
 *
 * Pure logic: time comes from the injected `now` and waiting from the injected `sleep`, so
 * tests run it on fake time.
 */

/** Info request types we send, with the weights HYPERLIQUID.md documents. */
export type InfoRequestType = "candleSnapshot" | "fundingHistory" | "metaAndAssetCtxs" | "spotMetaAndAssetCtxs" | "spotMeta" | "l2Book" | "predictedFundings";

/** Weight charged before a request is sent. `l2Book` is 2; the other info requests we use are 20. */
export function baseWeight(type: InfoRequestType): number {
  return type === "l2Book" ? 2 : 20;
}

/**
 * Weight charged after a response, from the number of items it returned: 1 per 20 rows of
 * `fundingHistory`, 1 per 60 candles of `candleSnapshot`, nothing for the others. A started
 * group counts as a whole one (ceil): over-charging by one costs a few ms of waiting, while
 * under-charging risks a 429.
 */
export function itemWeight(type: InfoRequestType, items: number): number {
  if (type === "fundingHistory") {
    return Math.ceil(items / 20);
  }
  if (type === "candleSnapshot") {
    return Math.ceil(items / 60);
  }
  return 0;
}

export interface WeightLimiterOptions {
  /** Budget per minute, in weight units (Hyperliquid: 1200 per IP). Must be > 0. */
  readonly weightPerMinute: number;
  /** Current time, ms. */
  readonly now: () => number;
  /** Waits `ms` milliseconds. */
  readonly sleep: (ms: number) => Promise<void>;
}

const MINUTE_MS = 60_000;

/**
 * A token bucket of request weight. Waiters are served in arrival order, so a heavy request is
 * not starved by a stream of light ones.
 *
 * The budget is kept in integer "weight·ms" units (weight × 60 000) so that refills are exact:
 * after a burst that empties the bucket, a request of weight w waits exactly
 * `w × 60 000 / weightPerMinute` ms (rounded up to a whole ms), never a float-rounded ms more.
 */
export class WeightLimiter {
  private readonly ratePerMs: number;
  private readonly capacity: number;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private tokens: number;
  private lastRefill: number;
  private queue: Promise<void> = Promise.resolve();

  /** @throws RangeError when `weightPerMinute` is not a positive finite number (a bug in the caller). */
  constructor(options: WeightLimiterOptions) {
    if (!Number.isFinite(options.weightPerMinute) || options.weightPerMinute <= 0) {
      throw new RangeError(`weightPerMinute must be > 0 (got ${options.weightPerMinute})`);
    }
    this.ratePerMs = options.weightPerMinute;
    this.capacity = options.weightPerMinute * MINUTE_MS;
    this.now = options.now;
    this.sleep = options.sleep;
    this.tokens = this.capacity;
    this.lastRefill = options.now();
  }

  /** Weight available now (negative while in debt). */
  available(): number {
    this.refill();
    return this.tokens / MINUTE_MS;
  }

  /**
   * Resolves once `weight` is available and takes it. A weight above the whole budget waits
   * for a full bucket and then drives it into debt, since refusing would stall forever.
   */
  acquire(weight: number): Promise<void> {
    const turn = this.queue.then(() => this.take(weight));
    // The next waiter queues behind this one whether it succeeds or not.
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  /** Charges weight known only after the response (items returned); may leave a debt. */
  charge(weight: number): void {
    this.refill();
    this.tokens -= weight * MINUTE_MS;
  }

  private async take(weight: number): Promise<void> {
    const need = Math.min(weight * MINUTE_MS, this.capacity);
    for (;;) {
      this.refill();
      if (this.tokens >= need) {
        this.tokens -= weight * MINUTE_MS;
        return;
      }
      await this.sleep(Math.ceil((need - this.tokens) / this.ratePerMs));
    }
  }

  private refill(): void {
    const now = this.now();
    const elapsed = now - this.lastRefill;
    if (elapsed > 0) {
      this.tokens = Math.min(this.capacity, this.tokens + elapsed * this.ratePerMs);
      this.lastRefill = now;
    }
  }
}
