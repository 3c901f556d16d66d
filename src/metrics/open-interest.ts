import { DAY_MS, HOUR_MS } from "../core/index.ts";
import type { Market, MarketEvent, MarketEventKind } from "../core/index.ts";
import type { StreamingMetric } from "./contract.ts";
import { InMemoryOpenInterestSeries } from "./oi-series-port.ts";
import type { OpenInterestSample, OpenInterestSeriesPort } from "./oi-series-port.ts";

/** The horizons the tracker reports, with their length in ms. */
export const OI_HORIZON_MS = { "4h": 4 * HOUR_MS, "24h": DAY_MS, "7d": 7 * DAY_MS } as const;

export type OpenInterestHorizon = keyof typeof OI_HORIZON_MS;

const HORIZONS = Object.keys(OI_HORIZON_MS) as readonly OpenInterestHorizon[];
const LONGEST_HORIZON_MS = OI_HORIZON_MS["7d"];

/**
 * A change over one horizon: a fraction ((now − then) / then), or `"insufficient"` while the
 * recorded history has no sample within the lookup tolerance of `now − horizon` (not yet
 * recorded that long, a gap in the recording, or an open interest of 0 then).
 */
export type OpenInterestChange = number | "insufficient";

/** What {@link OpenInterestTracker} reports at one instant. */
export interface OpenInterestChanges {
  /** Latest open interest, base-asset units. */
  readonly openInterest: number;
  /** Time of that observation, ms. */
  readonly tsMs: number;
  readonly change4h: OpenInterestChange;
  readonly change24h: OpenInterestChange;
  readonly change7d: OpenInterestChange;
}

/** Options of {@link OpenInterestTracker}. */
export interface OpenInterestTrackerOptions {
  /** The perp whose open interest is tracked; its coin (`market.symbol`) keys the series. */
  market: Market;
  /** Where the series is loaded from and appended to. Default: a fresh in-memory series (no restart survival). */
  series?: OpenInterestSeriesPort;
  /** One sample is stored per step (the first seen in it), ms. Default 60_000 (1 min): 7 days ≈ 10 k samples. */
  stepMs?: number;
  /** The sample used for "then" must lie within this of `now − horizon`, ms. Default 900_000 (15 min, the memo's). */
  toleranceMs?: number;
  /** Undefined once the latest observation is older than this, ms. Default 180_000 (two missed 90 s polls). */
  staleAfterMs?: number;
  /**
   * Event time at construction (from the injected clock), ms: history is loaded from
   * `startMs − 7 d − toleranceMs`. Default: everything the port holds for the coin, trimmed to
   * 7 d + tolerance before its newest sample.
   */
  startMs?: number;
}

/**
 * Open interest per coin, time-indexed, with its change over 4 h, 24 h and 7 d
 * ((now − then) / then, fractions). "Now" is the latest observation; "then" is the stored sample
 * nearest to `now − horizon` within the tolerance (ties: the earlier one), else "insufficient".
 *
 * Inputs: asset contexts with `openInterest`. Storage: one sample per `stepMs`, bounded to
 * 7 d + tolerance before the latest sample (≈ 10 100 samples at 1 min), loaded from the port at
 * construction and appended to it as they are stored, so a restart keeps the 7-day history.
 */
export class OpenInterestTracker implements StreamingMetric<OpenInterestChanges> {
  readonly name = "openInterestChange";
  readonly unit = "openInterest in base-asset units; change4h/24h/7d as fractions ((now − then) / then) or \"insufficient\"";
  readonly needs: readonly MarketEventKind[] = ["assetCtx"];
  readonly warmUp = "1 asset context with open interest; each change needs that horizon recorded (4 h, 24 h, 7 d) within 15 min";
  readonly market: Market;
  readonly stepMs: number;
  readonly toleranceMs: number;
  readonly staleAfterMs: number;
  private readonly series: OpenInterestSeriesPort;
  /** Stored (downsampled) samples, oldest first; `head` is the first live index. */
  private stored: OpenInterestSample[] = [];
  private head = 0;
  private latest: OpenInterestSample | undefined;

  constructor(options: OpenInterestTrackerOptions) {
    this.market = options.market;
    this.series = options.series ?? new InMemoryOpenInterestSeries();
    this.stepMs = options.stepMs ?? 60_000;
    this.toleranceMs = options.toleranceMs ?? 900_000;
    this.staleAfterMs = options.staleAfterMs ?? 180_000;
    const fromMs = options.startMs === undefined ? -Infinity : options.startMs - this.retentionMs();
    const loaded = [...this.series.load(this.coin(), fromMs)]
      .filter((s) => Number.isFinite(s.tsMs) && Number.isFinite(s.openInterest) && s.openInterest >= 0)
      .sort((a, b) => a.tsMs - b.tsMs);
    for (const sample of loaded) this.observe(sample, false);
  }

  update(event: MarketEvent): void {
    if (event.kind !== "assetCtx" || event.market.key !== this.market.key) return;
    const oi = event.openInterest;
    if (oi === undefined || !Number.isFinite(oi) || oi < 0) return;
    this.observe({ tsMs: event.tsEvent, openInterest: oi }, true);
  }

  value(nowMs: number): OpenInterestChanges | undefined {
    const latest = this.freshLatest(nowMs);
    if (latest === undefined) return undefined;
    return {
      openInterest: latest.openInterest,
      tsMs: latest.tsMs,
      change4h: this.changeOver("4h", latest),
      change24h: this.changeOver("24h", latest),
      change7d: this.changeOver("7d", latest),
    };
  }

  isStable(nowMs: number): boolean {
    return this.value(nowMs) !== undefined;
  }

  /** The change over one horizon as a plain number for CSV columns: undefined when stale or insufficient. */
  change(horizon: OpenInterestHorizon, nowMs: number): number | undefined {
    const latest = this.freshLatest(nowMs);
    if (latest === undefined) return undefined;
    const change = this.changeOver(horizon, latest);
    return change === "insufficient" ? undefined : change;
  }

  /** Numeric columns for CSV output: `openInterest`, `oiChange4h`, `oiChange24h`, `oiChange7d` (undefined = empty cell). */
  columns(nowMs: number): Record<string, number | undefined> {
    const columns: Record<string, number | undefined> = { openInterest: this.freshLatest(nowMs)?.openInterest };
    for (const horizon of HORIZONS) columns[`oiChange${horizon}`] = this.change(horizon, nowMs);
    return columns;
  }

  /** Number of stored (downsampled) samples: the memory bound made visible. */
  storedSamples(): number {
    return this.stored.length - this.head;
  }

  private coin(): string {
    return this.market.symbol;
  }

  private retentionMs(): number {
    return LONGEST_HORIZON_MS + this.toleranceMs;
  }

  private freshLatest(nowMs: number): OpenInterestSample | undefined {
    const latest = this.latest;
    if (latest === undefined || nowMs - latest.tsMs > this.staleAfterMs) return undefined;
    return latest;
  }

  private observe(sample: OpenInterestSample, persist: boolean): void {
    // Time order is the contract; an older observation would break the sorted series.
    if (this.latest !== undefined && sample.tsMs < this.latest.tsMs) return;
    this.latest = sample;
    const last = this.stored.at(-1);
    if (last === undefined || Math.floor(last.tsMs / this.stepMs) < Math.floor(sample.tsMs / this.stepMs)) {
      this.stored.push(sample);
      if (persist) this.series.append(this.coin(), sample);
    }
    this.prune(sample.tsMs);
  }

  private prune(nowMs: number): void {
    const cutoff = nowMs - this.retentionMs();
    while (this.head < this.stored.length && (this.stored[this.head]?.tsMs ?? Infinity) < cutoff) this.head += 1;
    // Compact once the dead prefix dominates, so memory stays at the live window (amortised O(1)).
    if (this.head > 1024 && this.head * 2 > this.stored.length) {
      this.stored = this.stored.slice(this.head);
      this.head = 0;
    }
  }

  private changeOver(horizon: OpenInterestHorizon, latest: OpenInterestSample): OpenInterestChange {
    const then = this.nearest(latest.tsMs - OI_HORIZON_MS[horizon]);
    if (then === undefined || !(then.openInterest > 0)) return "insufficient";
    const change = (latest.openInterest - then.openInterest) / then.openInterest;
    return Number.isFinite(change) ? change : "insufficient";
  }

  /** The stored sample nearest to `targetMs` within the tolerance (ties: the earlier). O(log n + samples in tolerance). */
  private nearest(targetMs: number): OpenInterestSample | undefined {
    let lo = this.head;
    let hi = this.stored.length;
    const from = targetMs - this.toleranceMs;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.stored[mid]?.tsMs ?? Infinity) < from) lo = mid + 1;
      else hi = mid;
    }
    let best: OpenInterestSample | undefined;
    for (let i = lo; i < this.stored.length; i += 1) {
      const s = this.stored[i];
      if (s === undefined || s.tsMs > targetMs + this.toleranceMs) break;
      if (best === undefined || Math.abs(s.tsMs - targetMs) < Math.abs(best.tsMs - targetMs)) best = s;
    }
    return best;
  }
}
