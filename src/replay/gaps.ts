import { intervalMs } from "../core/index.ts";
import type { CandleInterval, MarketEvent } from "../core/index.ts";

/** A span in which data is missing. */
export interface Gap {
  /** Market key (`hyperliquid:perp:BTC`), or the status source for connection gaps. */
  readonly key: string;
  readonly kind: "candle" | "funding" | "status";
  /** Candle interval, for candle gaps. */
  readonly interval: CandleInterval | undefined;
  /** First missing time, ms: the first missing bar's open, the first missed settlement, the gap start. */
  readonly fromMs: number;
  /** End of the gap, ms (exclusive): the open/time of the next data that did arrive. */
  readonly toMs: number;
  /** Bars or settlements missing; `undefined` for connection gaps. */
  readonly missing: number | undefined;
}

/**
 * Finds gaps in a time-ordered event stream:
 * - candles, per (market, interval): consecutive open times more than one interval apart
 *   (`missing` = skipped bars). `1M` bars are skipped: months have no fixed length.
 * - funding, per market: consecutive settlements more than 1.5 periods apart, the period
 *   being the one the earlier settlement covered (8 h before Hyperliquid's switch to hourly
 *   funding, so the 8-hourly phase is not a gap); `missing` = round(spacing / period) − 1.
 * - connection `gap` status events, as reported by the source.
 * Repeated or earlier times (overlapping files) are not gaps and are ignored here.
 *
 * Keeps every count but lists only the first `maxListed` gaps.
 */
export class GapDetector {
  readonly maxListed: number;
  private total = 0;
  private missingTotal = 0;
  private readonly listed: Gap[] = [];
  private readonly perKey = new Map<string, number>();
  private readonly lastCandleOpen = new Map<string, number>();
  private readonly lastFunding = new Map<string, { time: number; periodMs: number }>();

  /** @param maxListed how many gaps to keep in `gaps` (default 50) */
  constructor(maxListed = 50) {
    this.maxListed = maxListed;
  }

  observe(event: MarketEvent): void {
    switch (event.kind) {
      case "candle": {
        if (event.interval === "1M") return;
        const key = `${event.market.key}|${event.interval}`;
        const last = this.lastCandleOpen.get(key);
        if (last !== undefined && event.openTime <= last) return;
        this.lastCandleOpen.set(key, event.openTime);
        if (last === undefined) return;
        const step = intervalMs(event.interval);
        const skipped = Math.round((event.openTime - last) / step) - 1;
        if (skipped >= 1) {
          this.add({ key: event.market.key, kind: "candle", interval: event.interval, fromMs: last + step, toMs: event.openTime, missing: skipped });
        }
        return;
      }
      case "funding": {
        const key = event.market.key;
        const last = this.lastFunding.get(key);
        if (last !== undefined && event.tsEvent <= last.time) return;
        this.lastFunding.set(key, { time: event.tsEvent, periodMs: event.periodMs });
        if (last === undefined) return;
        const spacing = event.tsEvent - last.time;
        if (spacing > 1.5 * last.periodMs) {
          this.add({ key, kind: "funding", interval: undefined, fromMs: last.time + last.periodMs, toMs: event.tsEvent, missing: Math.round(spacing / last.periodMs) - 1 });
        }
        return;
      }
      case "status": {
        if (event.state === "gap") {
          const toMs = event.gapTo ?? event.tsEvent;
          this.add({ key: event.source, kind: "status", interval: undefined, fromMs: event.gapFrom ?? toMs, toMs, missing: undefined });
        }
        return;
      }
      default:
        return;
    }
  }

  /** Number of gaps found. */
  get count(): number {
    return this.total;
  }

  /** Bars and settlements missing in all candle and funding gaps. */
  get missing(): number {
    return this.missingTotal;
  }

  /** The first `maxListed` gaps, in the order found. */
  get gaps(): readonly Gap[] {
    return this.listed;
  }

  /** Gaps per key (`<market key>|candle|1h`, `<market key>|funding`, `<source>|status`). */
  get countsByKey(): ReadonlyMap<string, number> {
    return this.perKey;
  }

  private add(gap: Gap): void {
    this.total += 1;
    this.missingTotal += gap.missing ?? 0;
    const key = `${gap.key}|${gap.kind}${gap.interval === undefined ? "" : `|${gap.interval}`}`;
    this.perKey.set(key, (this.perKey.get(key) ?? 0) + 1);
    if (this.listed.length < this.maxListed) {
      this.listed.push(gap);
    }
  }
}
