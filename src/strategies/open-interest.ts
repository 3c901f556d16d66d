import * as v from "valibot";
import { HOUR_MS } from "../core/index.ts";
import type { Market, MarketEvent } from "../core/index.ts";
import type { OpenInterestSeriesPort } from "../metrics/oi-series-port.ts";
import { OpenInterestTracker } from "../metrics/open-interest.ts";
import { integerIn, numberIn, parseStrategyConfig, withDefault } from "./config.ts";
import { Rearm } from "./rearm.ts";
import { SampledSeries } from "./sampled-series.ts";
import { describeSetting, ThresholdSet, thresholdWithDefault } from "./threshold.ts";
import type { RecordedThreshold, ThresholdSetting } from "./threshold.ts";
import { bracket, DEFAULT_SIGNAL_EXPIRY_MS, SignalFactory } from "./signal.ts";
import type { Confidence, Side, Signal } from "./signal.ts";
import { hours, pct } from "./strategy.ts";
import type { Strategy, StrategyContext, StrategyDescription } from "./strategy.ts";
import { VolumeFilter, volumeFilterSchema } from "./volume-filter.ts";

export const OPEN_INTEREST_ID = "open-interest-mtf";

/** A change threshold: a number, or a percentile rule of that change at this market's earlier contexts. */
const fraction = (d: number) => thresholdWithDefault(-1, 10, "fraction (0.03 = 3 %)", d);
const positiveFraction = (d: number) => withDefault(numberIn(0.0001, 1, "fraction of the entry price"), d);

/** Configuration of {@link OpenInterestStrategy} (`strategies.openInterest`). Changes are fractions, (now − then) / then. */
export const openInterestConfigSchema = v.strictObject({
  /** Accumulation / distribution: OI 24 h change strictly above. Default 0.03. */
  trendOi24h: fraction(0.03),
  /** Accumulation / distribution: OI 7 d change strictly above. Default 0.05. */
  trendOi7d: fraction(0.05),
  /** Accumulation: 24 h price change strictly above this; distribution: strictly below its negative. Default 0.02. */
  trendPrice24h: fraction(0.02),
  /** Short-squeeze fade: OI 4 h change strictly above. Default 0.05. */
  fadeOi4h: fraction(0.05),
  /** Short-squeeze fade: OI 24 h change strictly below. Default 0. */
  fadeOi24hBelow: fraction(0),
  /** Short-squeeze fade: 4 h price change strictly above. Default 0.01. */
  fadePrice4h: fraction(0.01),
  /** "Then" must lie within this of now − horizon, ms. Default 900 000 (15 min, the memo's). */
  toleranceMs: withDefault(integerIn(60_000, 3_600_000, "ms"), 900_000),
  /** Trend trades: stop / target from entry, fractions. Defaults 0.04 / 0.08 (assumptions to measure). */
  trendStop: positiveFraction(0.04),
  trendTarget: positiveFraction(0.08),
  /** Fade trades: stop / target, fractions. Defaults 0.02 / 0.03 (assumptions to measure). */
  fadeStop: positiveFraction(0.02),
  fadeTarget: positiveFraction(0.03),
  /** Maximum holds, ms. Defaults 7 d (trend, memo "2–7 days") and 12 h (fade, memo "4–12 hours"). */
  trendMaxHoldMs: withDefault(integerIn(HOUR_MS, 30 * 24 * HOUR_MS, "ms"), 7 * 24 * HOUR_MS),
  fadeMaxHoldMs: withDefault(integerIn(HOUR_MS, 30 * 24 * HOUR_MS, "ms"), 12 * HOUR_MS),
  expiryMs: withDefault(integerIn(1_000, 3_600_000, "ms"), DEFAULT_SIGNAL_EXPIRY_MS),
  rearmAfterFalse: withDefault(integerIn(1, 100_000, "evaluations"), 1),
  volumeFilter: volumeFilterSchema({ enabled: false, interval: "1h" }),
});

export type OpenInterestConfig = v.InferOutput<typeof openInterestConfigSchema>;

/** Where the OI history lives and when the run started (so a restart keeps the 7-day series). */
export interface OpenInterestStrategyOptions {
  series?: OpenInterestSeriesPort;
  startMs?: number;
}

type Branch = "accumulation" | "distribution" | "squeeze-fade";

/**
 * Multi-timeframe open interest (memo II.4 / IV.3), exactly as issue 4 lists it, checked in
 * this order:
 * - institutional accumulation: OI 24 h > +3 %, OI 7 d > +5 %, price 24 h > +2 % → long, HIGH;
 * - institutional distribution: the same OI, price 24 h < −2 % → short, HIGH;
 * - short-squeeze fade: OI 4 h > +5 %, OI 24 h < 0, price 4 h > +1 % → short, MEDIUM.
 * Never on insufficient data: all three OI horizons (4 h, 24 h, 7 d) and the needed price
 * horizons must be recorded (within 15 min) and fresh, as the memo's "insufficient_data" rule
 * demands. Prices are the asset context's mark (the same events as the OI). Evaluated on each
 * asset context of its market.
 */
export class OpenInterestStrategy implements Strategy<OpenInterestConfig> {
  readonly id = OPEN_INTEREST_ID;
  readonly market: Market;
  readonly config: OpenInterestConfig;
  readonly description: StrategyDescription;
  readonly warmUp = "7 days of recorded open interest (and 24 h of mark prices) within 15 min of each horizon";
  private readonly oi: OpenInterestTracker;
  private readonly prices: SampledSeries;
  private readonly volume: VolumeFilter;
  private readonly triggers: Record<Branch, Rearm>;
  private readonly signals: SignalFactory;
  private readonly levels: ThresholdSet<"trendOi24h" | "trendOi7d" | "trendPrice24h" | "fadeOi4h" | "fadeOi24hBelow" | "fadePrice4h">;

  /** @throws ConfigError for an invalid `config`. */
  constructor(market: Market, config: unknown = {}, options: OpenInterestStrategyOptions = {}) {
    this.market = market;
    this.config = parseStrategyConfig("strategies.openInterest", openInterestConfigSchema, config);
    const c = this.config;
    this.oi = new OpenInterestTracker({
      market,
      toleranceMs: c.toleranceMs,
      ...(options.series === undefined ? {} : { series: options.series }),
      ...(options.startMs === undefined ? {} : { startMs: options.startMs }),
    });
    this.prices = new SampledSeries(60_000, 24 * HOUR_MS + c.toleranceMs);
    this.volume = new VolumeFilter(market, c.volumeFilter);
    this.triggers = { accumulation: new Rearm(c.rearmAfterFalse), distribution: new Rearm(c.rearmAfterFalse), "squeeze-fade": new Rearm(c.rearmAfterFalse) };
    this.signals = new SignalFactory(this.id, c.expiryMs);
    this.levels = new ThresholdSet({
      trendOi24h: { setting: c.trendOi24h },
      trendOi7d: { setting: c.trendOi7d },
      trendPrice24h: { setting: c.trendPrice24h, absolute: true },
      fadeOi4h: { setting: c.fadeOi4h },
      fadeOi24hBelow: { setting: c.fadeOi24hBelow },
      fadePrice4h: { setting: c.fadePrice4h },
    });
    const d = (setting: ThresholdSetting, absolute = false) => describeSetting(setting, absolute, pct);
    this.description = {
      idea: "Institutional positioning shows in multi-day open-interest growth; a 4 h OI spike against a falling daily trend is a squeeze to fade.",
      entry: `accumulation: OI 24 h > ${d(c.trendOi24h)}, OI 7 d > ${d(c.trendOi7d)}, price 24 h > ${d(c.trendPrice24h, true)} → long; distribution: same OI, price 24 h < −${d(c.trendPrice24h, true)} → short; squeeze fade: OI 4 h > ${d(c.fadeOi4h)}, OI 24 h < ${d(c.fadeOi24hBelow)}, price 4 h > ${d(c.fadePrice4h)} → short (MEDIUM)`,
      exit: `trend: stop ${pct(c.trendStop)}, target ${pct(c.trendTarget)}, max ${c.trendMaxHoldMs / HOUR_MS} h; fade: stop ${pct(c.fadeStop)}, target ${pct(c.fadeTarget)}, max ${c.fadeMaxHoldMs / HOUR_MS} h`,
      expectedHold: { minMs: hours(4), maxMs: hours(7 * 24) },
      needs: ["openInterest"],
      candleOnly: { canFire: false, why: "Hyperliquid has no open-interest history; the 7-day OI change needs 7 days of our own recording of asset contexts" },
      volumeFilter: {
        applies: false,
        reason: "a positional signal (hours to days) whose evidence is multi-day OI growth; one bar's volume says little about it (enable volumeFilter to test that)",
      },
    };
  }

  isWarm(nowMs: number): boolean {
    const v = this.oi.value(nowMs);
    return v !== undefined && v.change4h !== "insufficient" && v.change24h !== "insufficient" && v.change7d !== "insufficient";
  }

  onEvent(event: MarketEvent, ctx: StrategyContext): readonly Signal[] {
    this.oi.update(event);
    this.volume.update(event);
    if (event.kind !== "assetCtx" || event.market.key !== this.market.key) return [];
    const px = event.markPx ?? event.midPx;
    if (px !== undefined && px > 0) this.prices.add(event.tsEvent, px);
    const nowMs = ctx.nowMs;
    const c = this.config;
    const oi = this.oi.value(nowMs);
    if (px === undefined || !(px > 0) || oi === undefined || nowMs - event.tsEvent > this.oi.staleAfterMs) return [];
    const { change4h, change24h, change7d } = oi;
    const px4h = this.prices.nearest(event.tsEvent - 4 * HOUR_MS, c.toleranceMs);
    const px24h = this.prices.nearest(event.tsEvent - 24 * HOUR_MS, c.toleranceMs);
    if (change4h === "insufficient" || change24h === "insufficient" || change7d === "insufficient" || px4h === undefined || px24h === undefined) return [];
    const gate = this.volume.check(nowMs);
    if (!gate.pass && gate.reason === "volume-not-warm") return [];
    const price4h = (px - px4h) / px4h;
    const price24h = (px - px24h) / px24h;
    const t = this.levels.decide({ trendOi24h: change24h, trendOi7d: change7d, trendPrice24h: price24h, fadeOi4h: change4h, fadeOi24hBelow: change24h, fadePrice4h: price4h });
    const l = t.levels;
    const oiTrend = change24h > l.trendOi24h && change7d > l.trendOi7d;
    const accumulation = oiTrend && price24h > l.trendPrice24h;
    const distribution = oiTrend && price24h < -l.trendPrice24h;
    const fade = !accumulation && !distribution && change4h > l.fadeOi4h && change24h < l.fadeOi24hBelow && price4h > l.fadePrice4h;
    const fired: Branch[] = [];
    if (this.triggers.accumulation.step(accumulation && gate.pass)) fired.push("accumulation");
    if (this.triggers.distribution.step(distribution && gate.pass)) fired.push("distribution");
    if (this.triggers["squeeze-fade"].step(fade && gate.pass)) fired.push("squeeze-fade");
    const branch = fired[0];
    if (branch === undefined) return [];
    const trend = branch !== "squeeze-fade";
    const side: Side = branch === "accumulation" ? "long" : "short";
    const confidence: Confidence = trend ? "HIGH" : "MEDIUM";
    const metrics: Record<string, number> = { openInterest: oi.openInterest, oiChange4h: change4h, oiChange24h: change24h, oiChange7d: change7d, priceChange4h: price4h, priceChange24h: price24h };
    const r = t.recorded;
    const thresholds: Record<string, RecordedThreshold> = trend
      ? { trendOi24h: r.trendOi24h, trendOi7d: r.trendOi7d, trendPrice24h: r.trendPrice24h }
      : { fadeOi4h: r.fadeOi4h, fadeOi24hBelow: r.fadeOi24hBelow, fadePrice4h: r.fadePrice4h };
    const reasonText = {
      accumulation: `institutional accumulation: OI +${pct(change24h)} in 24 h, +${pct(change7d)} in 7 d, price ${pct(price24h)} in 24 h`,
      distribution: `institutional distribution: OI +${pct(change24h)} in 24 h, +${pct(change7d)} in 7 d, price ${pct(price24h)} in 24 h`,
      "squeeze-fade": `short-squeeze fade: OI +${pct(change4h)} in 4 h against ${pct(change24h)} in 24 h, price +${pct(price4h)} in 4 h`,
    }[branch];
    return [
      this.signals.create(
        {
          market: this.market,
          side,
          confidence,
          entryPx: px,
          ...bracket(side, px, trend ? c.trendStop : c.fadeStop, trend ? c.trendTarget : c.fadeTarget),
          maxHoldMs: trend ? c.trendMaxHoldMs : c.fadeMaxHoldMs,
          reason: reasonText,
          metrics,
          thresholds,
        },
        nowMs,
      ),
    ];
  }
}
