import type { Market, MarketEvent, MarketEventKind } from "../core/index.ts";
import { fundingRatePerHour, HOUR_MS } from "../core/index.ts";
import type { StreamingMetric } from "./contract.ts";
import { FundingSeries } from "./state/funding-series.ts";

/**
 * Funding metrics. Hyperliquid pays funding every hour and quotes the rate as a fraction per
 * hour (baseline 1.25e-5 = 0.00125 %/h). Conversions, simple (not compounded):
 * 8-hour equivalent = ×8, annualised = ×8760 (baseline: 1e-4 per 8 h, 10.95 % a year).
 *
 * Source, chosen per metric:
 * - `"settlement"` (default): settled rates from `FundingSettlementEvent` via
 *   `fundingRatePerHour()` — what was actually paid, the same live and in history replay
 *   (history before 2023-06-08 was 8-hourly; the conversion handles it). Updates once an hour.
 * - `"predicted"`: the live `assetCtx.fundingRatePerHour`, the rate accruing for the current
 *   hour; fresher but absent in history replay. Sampled at most once a minute.
 */
export type FundingSource = "settlement" | "predicted";

/** Options shared by the funding metrics. */
export interface FundingOptions {
  market: Market;
  /** Default "settlement". */
  source?: FundingSource;
  /** Undefined once the newest sample is older than this, ms. Default 2 h for settlements (one may be late), 5 min for predicted. */
  staleAfterMs?: number;
}

function sampleOf(event: MarketEvent, market: Market, source: FundingSource): { tsMs: number; ratePerHour: number } | undefined {
  if (event.kind === "status" || event.market.key !== market.key) return undefined;
  if (source === "settlement" && event.kind === "funding" && event.periodMs > 0) {
    return { tsMs: event.tsEvent, ratePerHour: fundingRatePerHour(event) };
  }
  if (source === "predicted" && event.kind === "assetCtx" && event.fundingRatePerHour !== undefined) {
    return { tsMs: event.tsEvent, ratePerHour: event.fundingRatePerHour };
  }
  return undefined;
}

const defaultStale = (source: FundingSource): number => (source === "settlement" ? 2 * HOUR_MS : 300_000);
const needsOf = (source: FundingSource): readonly MarketEventKind[] => (source === "settlement" ? ["funding"] : ["assetCtx"]);

/** The current funding rate in three units. */
export interface FundingRateValue {
  /** Fraction per hour (the venue's unit). */
  readonly perHour: number;
  /** 8-hour equivalent: perHour × 8. */
  readonly per8h: number;
  /** Simple annualised: perHour × 8760 (24 × 365). */
  readonly annualized: number;
}

/**
 * Latest funding rate, per hour, 8-hour equivalent and annualised. The memo's thresholds of
 * 10 % / 7 % annualised are 1.14e-5 / 7.99e-6 per hour. Warm after one sample. Memory: O(1).
 */
export class FundingRate implements StreamingMetric<FundingRateValue> {
  readonly name = "fundingRate";
  readonly unit = "fraction: perHour, per8h (×8), annualized (×8760, simple)";
  readonly needs: readonly MarketEventKind[];
  readonly warmUp: string;
  readonly market: Market;
  readonly source: FundingSource;
  readonly staleAfterMs: number;
  private latest: { tsMs: number; ratePerHour: number } | undefined;

  constructor(options: FundingOptions) {
    this.market = options.market;
    this.source = options.source ?? "settlement";
    this.staleAfterMs = options.staleAfterMs ?? defaultStale(this.source);
    this.needs = needsOf(this.source);
    this.warmUp = this.source === "settlement" ? "1 funding settlement" : "1 asset context with a funding rate";
  }

  update(event: MarketEvent): void {
    const sample = sampleOf(event, this.market, this.source);
    if (sample !== undefined && Number.isFinite(sample.ratePerHour)) this.latest = sample;
  }

  value(nowMs: number): FundingRateValue | undefined {
    const s = this.latest;
    if (s === undefined || nowMs - s.tsMs > this.staleAfterMs) return undefined;
    return { perHour: s.ratePerHour, per8h: s.ratePerHour * 8, annualized: s.ratePerHour * 8_760 };
  }

  isStable(nowMs: number): boolean {
    return this.value(nowMs) !== undefined;
  }
}

/** Slopes of the hourly funding rate. */
export interface FundingVelocityValue {
  /** (rate now − rate 4 h earlier) / 4 h: fraction per hour, per hour. */
  readonly velocity4hPerHour: number;
  /** (rate now − rate 8 h earlier) / 8 h: fraction per hour, per hour. */
  readonly velocity8hPerHour: number;
  /**
   * velocity4h − velocity8h = (r₀ − 2·r₋₄ + r₋₈) / 8, fraction per hour, per hour: > 0 when the
   * last 4 h rose faster than the 8 h trend (funding accelerating up).
   */
  readonly accelerationPerHour: number;
}

/** Options of {@link FundingVelocity}. */
export interface FundingVelocityOptions extends FundingOptions {
  /** Accept the sample nearest to "4 h / 8 h before the newest" within this, ms. Default 30 min. */
  toleranceMs?: number;
}

/**
 * Funding velocity over 4 h and 8 h and their difference, the memo's "acceleration".
 *
 * Units and defect fixed: the memo's velocities are raw differences (r₀ − r₋₄, r₀ − r₋₈), whose
 * difference r₋₈ − r₋₄ ignores the current rate. Here each velocity is a slope (change of the
 * hourly rate per hour of horizon), so velocity4h − velocity8h = (r₀ − 2r₋₄ + r₋₈)/8 is a real
 * second difference. The raw 4-hour change is velocity4hPerHour × 4.
 *
 * Thresholds: the memo's `acceleration > 0.05` was written for percent-style numbers and means
 * nothing for hourly fractions (0.05 per hour is 4000× the baseline rate). Suggested for the
 * strategies engineer, in fraction per hour per hour: |acceleration| > 1e-6 notable, > 2.5e-6
 * strong. Example: flat at the 1.25e-5 baseline, then up to 5e-5 over the last 4 h gives
 * (5e-5 − 2·1.25e-5 + 1.25e-5)/8 = 4.7e-6. Prefer a percentile of the market's own history.
 *
 * "Now" is the newest sample; the earlier rates are the samples nearest to 4 h and 8 h before
 * it within `toleranceMs` (default 30 min), else `undefined`. Warm after 8 h of samples (9
 * hourly settlements). Memory: samples of the last 8 h + tolerance (≤ 10 settlements, or one
 * a minute for the predicted source).
 */
export class FundingVelocity implements StreamingMetric<FundingVelocityValue> {
  readonly name = "fundingVelocity";
  readonly unit = "fraction per hour, per hour (change of the hourly rate per hour of horizon)";
  readonly needs: readonly MarketEventKind[];
  readonly warmUp = "8 h of funding samples (9 hourly settlements)";
  readonly market: Market;
  readonly source: FundingSource;
  readonly staleAfterMs: number;
  readonly toleranceMs: number;
  private readonly series: FundingSeries;

  constructor(options: FundingVelocityOptions) {
    this.market = options.market;
    this.source = options.source ?? "settlement";
    this.staleAfterMs = options.staleAfterMs ?? defaultStale(this.source);
    this.toleranceMs = options.toleranceMs ?? 30 * 60_000;
    this.needs = needsOf(this.source);
    this.series = new FundingSeries({
      maxAgeMs: 8 * HOUR_MS + this.toleranceMs,
      minSpacingMs: this.source === "predicted" ? 60_000 : 0,
    });
  }

  update(event: MarketEvent): void {
    const sample = sampleOf(event, this.market, this.source);
    if (sample !== undefined && Number.isFinite(sample.ratePerHour)) this.series.add(sample.tsMs, sample.ratePerHour);
  }

  value(nowMs: number): FundingVelocityValue | undefined {
    const now = this.series.latest;
    if (now === undefined || nowMs - now.tsMs > this.staleAfterMs) return undefined;
    const r4 = this.series.nearest(now.tsMs - 4 * HOUR_MS, this.toleranceMs);
    const r8 = this.series.nearest(now.tsMs - 8 * HOUR_MS, this.toleranceMs);
    if (r4 === undefined || r8 === undefined) return undefined;
    const velocity4hPerHour = (now.ratePerHour - r4.ratePerHour) / 4;
    const velocity8hPerHour = (now.ratePerHour - r8.ratePerHour) / 8;
    return { velocity4hPerHour, velocity8hPerHour, accelerationPerHour: velocity4hPerHour - velocity8hPerHour };
  }

  isStable(nowMs: number): boolean {
    return this.value(nowMs) !== undefined;
  }
}
