import * as v from "valibot";
import { ConfigError, DAY_MS } from "../core/index.ts";
import type { Market, MarketEvent } from "../core/index.ts";
import { SessionVwap } from "../metrics/session-vwap.ts";
import { VolumeRatio } from "../metrics/volume-ratio.ts";
import { integerIn, intervalLeaf, numberIn, parseStrategyConfig, withDefault } from "./config.ts";
import { Rearm } from "./rearm.ts";
import { checkOrdered, describeSetting, nominal, percentileRule, ThresholdSet, thresholdWithDefault } from "./threshold.ts";
import { DEFAULT_SIGNAL_EXPIRY_MS, SignalFactory } from "./signal.ts";
import type { Side, Signal } from "./signal.ts";
import { hours, minutes, pct } from "./strategy.ts";
import type { Strategy, StrategyContext, StrategyDescription } from "./strategy.ts";

export const VWAP_REVERSION_ID = "vwap-reversion";

/** Configuration of {@link VwapReversionStrategy} (`strategies.vwapReversion`). */
export const vwapReversionConfigSchema = v.strictObject({
  /** Bar interval of the VWAP and the volume ratio. Default "1m". */
  interval: withDefault(intervalLeaf(), "1m"),
  /** Bars in the volume mean. Default 20 (the memo's). */
  volumeBars: withDefault(integerIn(1, 1000, "bars"), 20),
  /** Fire only when the latest bar's volume ≤ this × the mean of the bars before (a number or a percentile rule). Default 1.3 (the memo's). */
  maxVolumeRatio: thresholdWithDefault(0, 100, "× the mean bar volume", 1.3),
  /**
   * |z| must be ≥ this, standard deviations: a number, or a percentile rule of |z| at this market's
   * earlier bar closes. Default the memo's rule (p90 of the last 1000 bars once 100 exist), 1.5 before.
   */
  minAbsZ: thresholdWithDefault(0, 100, "standard deviations", percentileRule(1.5)),
  /** |z| must be ≤ this, standard deviations (a number or a percentile rule). Default 2.5: the memo's cap ("stretched, not extreme"). */
  maxAbsZ: thresholdWithDefault(0, 100, "standard deviations", 2.5),
  /** Session window start, minutes after 00:00 UTC, inclusive. Default 720 (12:00). */
  sessionStartMinuteUtc: withDefault(integerIn(0, 1440, "minutes after 00:00 UTC"), 720),
  /** Session window end, minutes after 00:00 UTC, exclusive. Default 1200 (20:00). */
  sessionEndMinuteUtc: withDefault(integerIn(0, 1440, "minutes after 00:00 UTC"), 1200),
  /** Stop at VWAP ± this many standard deviations (beyond maxAbsZ). Default 3.5 (an assumption to measure). */
  stopZ: withDefault(numberIn(0, 100, "standard deviations"), 3.5),
  /**
   * The stop is never closer to the entry than this, fraction. Default 0.005 (the risk layer's
   * minimum stop distance: in a calm session (3.5 − |z|) σ is often 0.2–0.4 %, which the risk
   * layer would always refuse as too tight).
   */
  minStopFraction: withDefault(numberIn(0, 0.5, "fraction of the entry price"), 0.005),
  /** Maximum hold, ms. Default 4 h (intraday; an assumption to measure). */
  maxHoldMs: withDefault(integerIn(60_000, 86_400_000, "ms"), hours(4)),
  expiryMs: withDefault(integerIn(1_000, 3_600_000, "ms"), DEFAULT_SIGNAL_EXPIRY_MS),
  rearmAfterFalse: withDefault(integerIn(1, 100_000, "evaluations"), 1),
});

export type VwapReversionConfig = v.InferOutput<typeof vwapReversionConfigSchema>;

/**
 * Conditional VWAP reversion (memo II.3): fade a stretch from the UTC-session VWAP, only where
 * it tends to revert: within 12:00–20:00 UTC (start inclusive, end exclusive; the memo's
 * `12 <= hour <= 20` would also admit 20:00–20:59, which contradicts its own "12:00–20:00"),
 * with the latest bar's volume ≤ 1.3 × the mean of the 20 bars before (exhaustion, not
 * momentum), and 1.5 ≤ |z| ≤ 2.5 (stretched, not extreme; both bounds inclusive). z > 0 → short,
 * z < 0 → long; target the VWAP, stop at VWAP ± 3.5 σ. Evaluated once per closed bar; the
 * session check uses `nowMs`.
 *
 * The 1.2× volume filter: it would demand volume ≥ 1.2 × average while this strategy demands
 * ≤ 1.3 ×, leaving only the band [1.2, 1.3] — neither exhaustion nor the filter's "institutional
 * activity". The strategy's own volume condition replaces the filter (it opts out).
 */
export class VwapReversionStrategy implements Strategy<VwapReversionConfig> {
  readonly id = VWAP_REVERSION_ID;
  readonly market: Market;
  readonly config: VwapReversionConfig;
  readonly description: StrategyDescription;
  readonly warmUp: string;
  private readonly vwap: SessionVwap;
  private readonly volume: VolumeRatio;
  private readonly long: Rearm;
  private readonly short: Rearm;
  private readonly signals: SignalFactory;
  private readonly levels: ThresholdSet<"maxVolumeRatio" | "minAbsZ" | "maxAbsZ">;

  /** @throws ConfigError for an invalid `config` (also when minAbsZ > maxAbsZ or stopZ ≤ maxAbsZ). */
  constructor(market: Market, config: unknown = {}) {
    this.market = market;
    const path = "strategies.vwapReversion";
    this.config = parseStrategyConfig(path, vwapReversionConfigSchema, config);
    const c = this.config;
    checkOrdered(path, "minAbsZ", c.minAbsZ, "maxAbsZ", c.maxAbsZ);
    if (c.stopZ <= nominal(c.maxAbsZ)) throw new ConfigError(`${path}.stopZ`, c.stopZ, `greater than maxAbsZ (${describeSetting(c.maxAbsZ)}), or the stop would sit inside the entry band`);
    if (c.sessionStartMinuteUtc >= c.sessionEndMinuteUtc) {
      throw new ConfigError(`${path}.sessionStartMinuteUtc`, c.sessionStartMinuteUtc, `before sessionEndMinuteUtc (${c.sessionEndMinuteUtc})`);
    }
    this.vwap = new SessionVwap({ market, interval: c.interval });
    this.volume = new VolumeRatio({ market, interval: c.interval, bars: c.volumeBars });
    this.long = new Rearm(c.rearmAfterFalse);
    this.short = new Rearm(c.rearmAfterFalse);
    this.signals = new SignalFactory(this.id, c.expiryMs);
    this.levels = new ThresholdSet({
      maxVolumeRatio: { setting: c.maxVolumeRatio },
      minAbsZ: { setting: c.minAbsZ, absolute: true },
      maxAbsZ: { setting: c.maxAbsZ, absolute: true },
    });
    this.warmUp = `${this.vwap.warmUp}; ${this.volume.warmUp}`;
    const hhmm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`;
    this.description = {
      idea: "Intraday stretches from the session VWAP revert when liquidity is high and volume is fading.",
      entry: `${hhmm(c.sessionStartMinuteUtc)}–${hhmm(c.sessionEndMinuteUtc)} UTC, latest ${c.interval} bar volume ≤ ${describeSetting(c.maxVolumeRatio)} × the mean of the ${c.volumeBars} before, ${describeSetting(c.minAbsZ, true)} ≤ |z| ≤ ${describeSetting(c.maxAbsZ, true)} (and < stopZ): fade (z > 0 short, z < 0 long)`,
      exit: `target the VWAP; stop at VWAP ± ${c.stopZ} σ but at least ${pct(c.minStopFraction)} from entry; at most ${c.maxHoldMs / 3_600_000} h`,
      expectedHold: { minMs: minutes(15), maxMs: hours(4) },
      needs: ["candles"],
      candleOnly: { canFire: true, why: "session VWAP, its deviation and the volume ratio come from closed bars" },
      volumeFilter: {
        applies: false,
        reason: "it wants fading volume (≤ 1.3 × average); combined with the ≥ 1.2 × filter only the band [1.2, 1.3] would remain, so its own volume condition replaces the filter",
      },
    };
  }

  isWarm(nowMs: number): boolean {
    return this.vwap.value(nowMs) !== undefined && this.volume.value(nowMs) !== undefined;
  }

  /** True when `nowMs` lies in the configured UTC window. */
  inSession(nowMs: number): boolean {
    const minute = Math.floor((((nowMs % DAY_MS) + DAY_MS) % DAY_MS) / 60_000);
    return minute >= this.config.sessionStartMinuteUtc && minute < this.config.sessionEndMinuteUtc;
  }

  onEvent(event: MarketEvent, ctx: StrategyContext): readonly Signal[] {
    this.vwap.update(event);
    this.volume.update(event);
    if (event.kind !== "candle" || !event.closed || event.market.key !== this.market.key || event.interval !== this.config.interval) return [];
    const nowMs = ctx.nowMs;
    const c = this.config;
    const vw = this.vwap.value(nowMs);
    const volumeRatio = this.volume.value(nowMs);
    if (vw === undefined || volumeRatio === undefined) return [];
    const absZ = Math.abs(vw.zScore);
    // Every bar's |z| and volume ratio join the rules' samples (in session or not), after this decision.
    const t = this.levels.decide({ maxVolumeRatio: volumeRatio, minAbsZ: absZ, maxAbsZ: absZ });
    // A percentile upper bound may exceed stopZ; the stop must stay beyond the entry.
    const enter = this.inSession(nowMs) && volumeRatio <= t.levels.maxVolumeRatio && absZ >= t.levels.minAbsZ && absZ <= t.levels.maxAbsZ && absZ < c.stopZ;
    const fireShort = this.short.step(enter && vw.zScore > 0);
    const fireLong = this.long.step(enter && vw.zScore < 0);
    if (!fireShort && !fireLong) return [];
    const side: Side = fireShort ? "short" : "long";
    const away = side === "short" ? 1 : -1;
    return [
      this.signals.create(
        {
          market: this.market,
          side,
          confidence: "MEDIUM",
          entryPx: vw.price,
          targetPx: vw.vwap,
          stopPx: away > 0 ? Math.max(vw.vwap + c.stopZ * vw.std, vw.price * (1 + c.minStopFraction)) : Math.min(vw.vwap - c.stopZ * vw.std, vw.price * (1 - c.minStopFraction)),
          maxHoldMs: c.maxHoldMs,
          reason: `price ${vw.zScore.toFixed(2)} σ from the session VWAP ${vw.vwap.toFixed(2)} on volume ${volumeRatio.toFixed(2)} × average in session hours: fade toward VWAP`,
          metrics: { vwap: vw.vwap, vwapStd: vw.std, price: vw.price, zScore: vw.zScore, volumeRatio },
          thresholds: { ...t.recorded, sessionStartMinuteUtc: c.sessionStartMinuteUtc, sessionEndMinuteUtc: c.sessionEndMinuteUtc },
        },
        nowMs,
      ),
    ];
  }
}
