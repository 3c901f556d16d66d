import { DAY_MS } from "../core/index.ts";
import type { Market, MarketEvent, MarketEventKind } from "../core/index.ts";
import type { StreamingMetric } from "./contract.ts";

/** Options of {@link Vpin}. */
export interface VpinOptions {
  market: Market;
  /** Buckets averaged, n. Default 50 (Easley, López de Prado and O'Hara's). */
  buckets?: number;
  /** Bucket size as a fraction of the trailing window's volume. Default 1/50 (≈ 50 buckets a day). */
  bucketFraction?: number;
  /** Trailing window whose volume sizes the buckets, ms (counted in whole UTC minutes). Default 86_400_000 (24 h). */
  volumeWindowMs?: number;
  /**
   * Bucket size, base-asset units, used until trades span one full volume window. Default none:
   * before a window of volume exists no buckets form (trades only count towards the volume),
   * because a guessed size would make early values incomparable with later ones.
   */
  fixedBucketSize?: number;
  /** Undefined once the last trade is older than this, ms. Default 600_000 (10 min). */
  staleAfterMs?: number;
}

const MINUTE_MS = 60_000;

/**
 * VPIN, volume-synchronised probability of informed trading (Easley, López de Prado, O'Hara
 * 2012): trades fill equal-volume buckets; VPIN = mean over the last n full buckets of
 * |buy − sell| / bucket volume, a fraction in [0, 1]. Hyperliquid reports each trade's
 * aggressor, so trades are classified exactly (no bulk classification). A trade larger than the
 * room left in a bucket is split across buckets.
 *
 * Bucket size = `bucketFraction` × the volume of the trailing `volumeWindowMs` (default
 * 1/50 × 24 h volume, in whole UTC minutes including the current trade), fixed when a bucket
 * opens; before trades span one window, `fixedBucketSize` or no buckets.
 *
 * Memory: one volume per minute of the window (≤ 1 441 for 24 h) and the last n bucket
 * imbalances; a trade spanning more than n buckets is handled in one step.
 */
export class Vpin implements StreamingMetric<number> {
  readonly name = "vpin";
  readonly unit = "fraction in [0, 1] (mean |buy − sell| / bucket volume over the last n buckets)";
  readonly needs: readonly MarketEventKind[] = ["trade"];
  readonly warmUp: string;
  readonly market: Market;
  readonly buckets: number;
  readonly bucketFraction: number;
  readonly volumeWindowMs: number;
  readonly fixedBucketSize: number | undefined;
  readonly staleAfterMs: number;
  /** Volume per UTC minute, oldest first; minutes without trades are absent. */
  private readonly minutes: { minute: number; volume: number }[] = [];
  private firstTradeTs: number | undefined;
  private lastTradeTs = -Infinity;
  private bucket: { capacity: number; buy: number; sell: number } | undefined;
  /** |buy − sell| / capacity of the last `buckets` full buckets, oldest first. */
  private readonly imbalances: number[] = [];
  private current: number | undefined;

  constructor(options: VpinOptions) {
    this.market = options.market;
    this.buckets = options.buckets ?? 50;
    this.bucketFraction = options.bucketFraction ?? 1 / 50;
    this.volumeWindowMs = options.volumeWindowMs ?? DAY_MS;
    this.fixedBucketSize = options.fixedBucketSize;
    this.staleAfterMs = options.staleAfterMs ?? 600_000;
    const sizing = this.fixedBucketSize === undefined ? `trades spanning ${this.volumeWindowMs / 3_600_000} h (to size buckets), then` : "";
    this.warmUp = `${sizing} ${this.buckets} full volume buckets`.trim();
  }

  update(event: MarketEvent): void {
    if (event.kind !== "trade" || event.market.key !== this.market.key) return;
    if (!(event.sz > 0) || !Number.isFinite(event.sz) || event.tsEvent < this.lastTradeTs) return;
    this.lastTradeTs = event.tsEvent;
    this.firstTradeTs ??= event.tsEvent;
    this.addVolume(event.tsEvent, event.sz);
    this.fill(event.side, event.sz);
  }

  value(nowMs: number): number | undefined {
    if (nowMs - this.lastTradeTs > this.staleAfterMs) return undefined;
    return this.current;
  }

  isStable(nowMs: number): boolean {
    return this.value(nowMs) !== undefined;
  }

  /** Bucket size a bucket opening now would get, base-asset units; undefined before sizing is possible. */
  bucketSize(): number | undefined {
    const first = this.firstTradeTs;
    if (first === undefined) return undefined;
    if (this.lastTradeTs - first < this.volumeWindowMs) return this.fixedBucketSize;
    // Summed afresh (≤ 1 441 terms, once per bucket): a running sum would drift after a 1e12 trade expires.
    let volume = 0;
    for (const m of this.minutes) volume += m.volume;
    const size = volume * this.bucketFraction;
    return size > 0 && Number.isFinite(size) ? size : undefined;
  }

  private addVolume(tsMs: number, sz: number): void {
    const minute = Math.floor(tsMs / MINUTE_MS);
    const last = this.minutes.at(-1);
    if (last !== undefined && last.minute === minute) last.volume += sz;
    else this.minutes.push({ minute, volume: sz });
    const oldest = minute - Math.ceil(this.volumeWindowMs / MINUTE_MS);
    while ((this.minutes[0]?.minute ?? Infinity) <= oldest) this.minutes.shift();
  }

  private fill(side: "buy" | "sell", sz: number): void {
    let remaining = sz;
    while (remaining > 0) {
      if (this.bucket === undefined) {
        const capacity = this.bucketSize();
        if (capacity === undefined) return;
        const whole = Math.floor(remaining / capacity);
        if (whole > this.buckets) {
          // More one-sided full buckets than we keep: each has imbalance 1; skip ahead in one step.
          for (let i = 0; i < this.buckets; i += 1) this.complete(1);
          remaining -= whole * capacity;
          continue;
        }
        this.bucket = { capacity, buy: 0, sell: 0 };
      }
      const bucket = this.bucket;
      const room = bucket.capacity - bucket.buy - bucket.sell;
      const take = Math.min(remaining, room);
      if (side === "buy") bucket.buy += take;
      else bucket.sell += take;
      remaining -= take;
      if (take >= room) {
        this.bucket = undefined;
        this.complete(Math.min(1, Math.abs(bucket.buy - bucket.sell) / bucket.capacity));
      }
    }
  }

  private complete(imbalance: number): void {
    this.imbalances.push(imbalance);
    if (this.imbalances.length > this.buckets) this.imbalances.shift();
    if (this.imbalances.length < this.buckets) return;
    let sum = 0;
    for (const x of this.imbalances) sum += x;
    this.current = sum / this.buckets;
  }
}
