import * as v from "valibot";
import type { CandleInterval, Market, MarketEvent } from "../core/index.ts";
import { VolumeRatio } from "../metrics/volume-ratio.ts";
import { boolLeaf, integerIn, intervalLeaf, numberIn, withDefault } from "./config.ts";

/**
 * The memo's volume filter ("Change 2"): trust a signal only when the latest closed bar's
 * volume is at least 1.2 × the mean volume of the 20 bars before it. It applies to every
 * strategy unless the strategy opts out in its description, with a reason.
 *
 * One deliberate difference from the memo's sketch: the mean is over the 20 bars BEFORE the
 * latest (the `VolumeRatio` metric), not the last 20 including it, so a surge does not inflate
 * its own baseline. With the memo's form a bar of volume x passes at x ≥ 1.2·(S₁₉ + x)/20;
 * ours passes at x ≥ 1.2·S₂₀/20.
 */

/** Whether the filter applies to a strategy, and why not if it does not. */
export type VolumeFilterPolicy = { readonly applies: true } | { readonly applies: false; readonly reason: string };

/** Configuration of the filter inside each strategy's config (`volumeFilter`). */
export interface VolumeFilterConfig {
  /** Default: true unless the strategy's policy opts out. */
  readonly enabled: boolean;
  /** Minimum volume ratio (latest bar / mean of the bars before), inclusive. Default 1.2. */
  readonly minRatio: number;
  /** Bars in the mean. Default 20. */
  readonly bars: number;
  /** Bar interval. Default "1m". */
  readonly interval: CandleInterval;
}

/** The memo's defaults. */
export const VOLUME_FILTER_DEFAULTS: VolumeFilterConfig = { enabled: true, minRatio: 1.2, bars: 20, interval: "1m" };

/** The config schema of the filter with per-strategy defaults. */
export function volumeFilterSchema(defaults: Partial<VolumeFilterConfig> = {}) {
  const d = { ...VOLUME_FILTER_DEFAULTS, ...defaults };
  return v.optional(
    v.strictObject({
      enabled: withDefault(boolLeaf(), d.enabled),
      minRatio: withDefault(numberIn(0, 100, "× the mean bar volume"), d.minRatio),
      bars: withDefault(integerIn(1, 1000, "bars"), d.bars),
      interval: withDefault(intervalLeaf(), d.interval),
    }),
    {},
  );
}

/** The gate's verdict at one instant. */
export type VolumeGate =
  | { readonly pass: true; readonly volumeRatio: number | undefined }
  | { readonly pass: false; readonly reason: "volume-below-filter" | "volume-not-warm"; readonly volumeRatio: number | undefined };

/** The filter for one market: feed it every event, ask it at `nowMs`. */
export class VolumeFilter {
  readonly config: VolumeFilterConfig;
  private readonly ratio: VolumeRatio;

  constructor(market: Market, config: VolumeFilterConfig) {
    this.config = config;
    this.ratio = new VolumeRatio({ market, interval: config.interval, bars: config.bars });
  }

  /** Warm-up in words ("" when disabled). */
  get warmUp(): string {
    return this.config.enabled ? `volume filter: ${this.ratio.warmUp}` : "";
  }

  update(event: MarketEvent): void {
    if (this.config.enabled) this.ratio.update(event);
  }

  /** Pass when disabled, or when the ratio is warm, fresh and ≥ minRatio. */
  check(nowMs: number): VolumeGate {
    if (!this.config.enabled) return { pass: true, volumeRatio: undefined };
    const volumeRatio = this.ratio.value(nowMs);
    if (volumeRatio === undefined) return { pass: false, reason: "volume-not-warm", volumeRatio };
    if (volumeRatio >= this.config.minRatio) return { pass: true, volumeRatio };
    return { pass: false, reason: "volume-below-filter", volumeRatio };
  }
}
