import * as v from "valibot";
import { ConfigError, HOUR_MS } from "../core/index.ts";
import type { Market, MarketEvent } from "../core/index.ts";
import { Basis } from "../metrics/basis.ts";
import { BookImbalance } from "../metrics/book-imbalance.ts";
import { CandleFlowProxy } from "../metrics/candle-flow-proxy.ts";
import { FundingRate } from "../metrics/funding.ts";
import type { OpenInterestSeriesPort } from "../metrics/oi-series-port.ts";
import { OpenInterestTracker } from "../metrics/open-interest.ts";
import { SessionVwap } from "../metrics/session-vwap.ts";
import { TradeFlow } from "../metrics/trade-flow.ts";
import { integerIn, intervalLeaf, numberIn, parseStrategyConfig, withDefault } from "./config.ts";
import { LastPrice } from "./last-price.ts";
import { Rearm } from "./rearm.ts";
import { SampledSeries } from "./sampled-series.ts";
import { checkOrdered, describeSetting, nominalLevels, percentileRule, ThresholdSet, thresholdWithDefault } from "./threshold.ts";
import type { RecordedThreshold, ThresholdDecision, ThresholdSetting } from "./threshold.ts";
import { DEFAULT_SIGNAL_EXPIRY_MS, SignalFactory } from "./signal.ts";
import type { Confidence, Side, Signal, SignalDraft } from "./signal.ts";
import { hours, minutes, pct } from "./strategy.ts";
import type { Strategy, StrategyContext, StrategyDescription } from "./strategy.ts";
import { VolumeFilter, volumeFilterSchema } from "./volume-filter.ts";

/**
 * The original monitor's convergence score (DESIGN.md "Where it comes from"), with its weights
 * and thresholds, as a pure scoring function plus a strategy around it.
 *
 * What DESIGN.md gives: order book 25/15 at |imbalance| > 0.6/0.4; trade flow 25/15 at
 * |flow| > 0.5/0.3; VWAP 30/20 at |z| > 2.0/1.5; funding 20/10 at |annualised| > 10 %/7 %;
 * OI 20/10 strong/weak divergence; funding-basis alignment +15 or −20; trade at score ≥ 70 with
 * ≥ 3 metrics aligned, HIGH at ≥ 85 with ≥ 4; 2 % stop; target VWAP ± 1 %, at least 1.5 %.
 *
 * What it does not give (the original code is not available) and we therefore INTERPRET:
 * - Votes: book and flow vote by sign (buy pressure → long); VWAP by mean reversion (z > 0 →
 *   short); funding contrarian (positive → short); OI by the direction of the price move.
 * - OI divergence over 4 h: |ΔOI| ≥ 3 % and |Δprice| ≥ 1 % → strong; |ΔOI| ≥ 3 % and
 *   |Δprice| < 1 % → weak; |ΔOI| < 3 % → none. Bullish (long) when the price change is > 0,
 *   bearish (short) when < 0, no vote at exactly 0. Both bounds inclusive (≥), as the original's
 *   "±3 % / ±1 %" reads; every other threshold is strict (>), as DESIGN.md writes them.
 * - Funding-basis alignment: only when funding scores (> 7 %/yr) and the perp-vs-spot basis is
 *   known and non-zero. Basis with the same sign as funding (both say the longs are crowded, or
 *   both the shorts) → +15 to funding's contrarian side; opposite signs → −20 to that side.
 * - Direction: the side with more points (alignment included); a tie is no trade. The score is
 *   that side's points clamped to [0, 100] (the five metrics alone can reach 120, with the
 *   bonus 135). "Aligned" counts the five METRICS voting that side with > 0 points; the
 *   alignment bonus is not a metric and does not count. Under the fixed weights two metrics
 *   reach at most 30 + 25 = 55 (65 with the bonus), so "≥ 3 aligned" never binds below 70 —
 *   it does under adaptive weights.
 *
 * Funding units: Hyperliquid pays every hour; annualised = rate per hour × 8760 (simple). The
 * original annualised as if the rate were paid every 8 h (× 3 × 365 = × 1095), an 8× understatement:
 * its "10 %" fired at a real 80 %/yr (9.13e-5 per hour). Here 10 %/yr is 1.1416e-5 per hour —
 * below Hyperliquid's baseline of 1.25e-5 per hour (10.95 %/yr), so baseline funding scores 20
 * on the short side. Set the funding thresholds × 8 to reproduce the original.
 */

export const CONVERGENCE_ID = "convergence";

/** The five scored metrics. */
export const CONVERGENCE_COMPONENTS = ["orderBook", "tradeFlow", "vwap", "funding", "openInterest"] as const;

export type ConvergenceComponent = (typeof CONVERGENCE_COMPONENTS)[number];

/** Points of one metric at its strong and weak level. */
export interface LevelPoints {
  readonly strong: number;
  readonly weak: number;
}

/** Points of every component, and the funding-basis adjustment (both positive numbers). */
export interface ConvergenceWeights {
  readonly components: Readonly<Record<ConvergenceComponent, LevelPoints>>;
  /** Added to funding's contrarian side when basis and funding agree. Default 15. */
  readonly alignmentBonus: number;
  /** Subtracted from funding's contrarian side when they conflict. Default 20. */
  readonly conflictPenalty: number;
}

/** DESIGN.md's points. The five metrics' strong points sum to 120. */
export const FIXED_CONVERGENCE_WEIGHTS: ConvergenceWeights = {
  components: {
    orderBook: { strong: 25, weak: 15 },
    tradeFlow: { strong: 25, weak: 15 },
    vwap: { strong: 30, weak: 20 },
    funding: { strong: 20, weak: 10 },
    openInterest: { strong: 20, weak: 10 },
  },
  alignmentBonus: 15,
  conflictPenalty: 20,
};

/** Sum of the strong points of the five metrics (120 for the fixed weights). */
export function strongPointsSum(weights: ConvergenceWeights): number {
  let sum = 0;
  for (const c of CONVERGENCE_COMPONENTS) sum += weights.components[c].strong;
  return sum;
}

/** Level thresholds. Fractions unless named; see the config schema for defaults. */
export interface ConvergenceThresholds {
  /** |book imbalance| strictly above → strong / weak. Defaults 0.6 / 0.4. */
  readonly bookStrong: number;
  readonly bookWeak: number;
  /** |flow| strictly above → strong / weak. Defaults 0.5 / 0.3. */
  readonly flowStrong: number;
  readonly flowWeak: number;
  /** |VWAP z| strictly above → strong / weak, standard deviations. Defaults 2.0 / 1.5. */
  readonly vwapStrongZ: number;
  readonly vwapWeakZ: number;
  /** |funding annualised| strictly above → strong / weak, fraction per year. Defaults 0.10 / 0.07. */
  readonly fundingStrongAnnualized: number;
  readonly fundingWeakAnnualized: number;
  /** |4 h OI change| at or above → a divergence, fraction. Default 0.03. */
  readonly oiChange: number;
  /** |4 h price change| at or above → strong, below → weak, fraction. Default 0.01. */
  readonly oiPriceChange: number;
}

/** The values the score is computed from, all read at one instant. */
export interface ConvergenceInputs {
  /** Notional-weighted book imbalance, top N levels, in [-1, 1]. */
  readonly bookImbalance: number;
  /** Trade flow in [-1, 1]: aggressor flow, or the candle proxy. */
  readonly flow: number;
  /** (price − session VWAP) / σ, standard deviations. */
  readonly vwapZ: number;
  /** Funding annualised, fraction per year (rate per hour × 8760). */
  readonly fundingAnnualized: number;
  /** Open-interest change over 4 h, fraction. */
  readonly oiChange4h: number;
  /** Price change over the same 4 h, fraction. */
  readonly priceChange4h: number;
  /** Perp vs spot basis, fraction ((perp − spot) / spot); undefined without a spot leg. */
  readonly basis: number | undefined;
}

/** One metric's vote. */
export interface ComponentVote {
  readonly component: ConvergenceComponent;
  readonly level: "strong" | "weak" | "none";
  /** undefined when the metric has no level (0 points) or no direction. */
  readonly side: Side | undefined;
  readonly points: number;
}

/** The score at one instant. */
export interface ConvergenceScore {
  readonly votes: readonly ComponentVote[];
  /** Funding-basis adjustment: +bonus, −penalty or 0, applied to `alignmentSide`. */
  readonly alignmentPoints: number;
  readonly alignmentSide: Side | undefined;
  /** Points on each side, alignment included (may be negative). */
  readonly longPoints: number;
  readonly shortPoints: number;
  /** The side with more points; undefined on a tie. */
  readonly side: Side | undefined;
  /** The side's points clamped to [0, 100]; 0 without a side. */
  readonly score: number;
  /** Metrics voting `side` with > 0 points. */
  readonly aligned: number;
}

const opposite = (side: Side): Side => (side === "long" ? "short" : "long");
const bySign = (x: number, positive: Side): Side | undefined => (x > 0 ? positive : x < 0 ? opposite(positive) : undefined);

function levelOf(magnitude: number, strong: number, weak: number): "strong" | "weak" | "none" {
  if (magnitude > strong) return "strong";
  if (magnitude > weak) return "weak";
  return "none";
}

function vote(component: ConvergenceComponent, level: "strong" | "weak" | "none", side: Side | undefined, weights: ConvergenceWeights): ComponentVote {
  const points = level === "none" || side === undefined ? 0 : weights.components[component][level];
  return { component, level, side: points > 0 ? side : undefined, points };
}

/** The OI divergence level (interpretation in the file's TSDoc): inclusive bounds. */
export function oiDivergenceLevel(oiChange4h: number, priceChange4h: number, t: Pick<ConvergenceThresholds, "oiChange" | "oiPriceChange">): "strong" | "weak" | "none" {
  if (!(Math.abs(oiChange4h) >= t.oiChange)) return "none";
  return Math.abs(priceChange4h) >= t.oiPriceChange ? "strong" : "weak";
}

/**
 * Scores one instant. Pure. See the file's TSDoc for the rules (DESIGN.md's numbers, our
 * interpretation of directions, OI levels and alignment).
 */
export function scoreConvergence(inputs: ConvergenceInputs, t: ConvergenceThresholds, weights: ConvergenceWeights): ConvergenceScore {
  const votes: ComponentVote[] = [
    vote("orderBook", levelOf(Math.abs(inputs.bookImbalance), t.bookStrong, t.bookWeak), bySign(inputs.bookImbalance, "long"), weights),
    vote("tradeFlow", levelOf(Math.abs(inputs.flow), t.flowStrong, t.flowWeak), bySign(inputs.flow, "long"), weights),
    vote("vwap", levelOf(Math.abs(inputs.vwapZ), t.vwapStrongZ, t.vwapWeakZ), bySign(inputs.vwapZ, "short"), weights),
    vote("funding", levelOf(Math.abs(inputs.fundingAnnualized), t.fundingStrongAnnualized, t.fundingWeakAnnualized), bySign(inputs.fundingAnnualized, "short"), weights),
    vote("openInterest", oiDivergenceLevel(inputs.oiChange4h, inputs.priceChange4h, t), bySign(inputs.priceChange4h, "long"), weights),
  ];
  let longPoints = 0;
  let shortPoints = 0;
  for (const v of votes) {
    if (v.side === "long") longPoints += v.points;
    else if (v.side === "short") shortPoints += v.points;
  }
  const fundingVote = votes[3];
  let alignmentPoints = 0;
  let alignmentSide: Side | undefined;
  if (fundingVote !== undefined && fundingVote.points > 0 && fundingVote.side !== undefined && inputs.basis !== undefined && inputs.basis !== 0) {
    alignmentSide = fundingVote.side;
    alignmentPoints = Math.sign(inputs.basis) === Math.sign(inputs.fundingAnnualized) ? weights.alignmentBonus : -weights.conflictPenalty;
    if (alignmentSide === "long") longPoints += alignmentPoints;
    else shortPoints += alignmentPoints;
  }
  const side: Side | undefined = longPoints > shortPoints ? "long" : shortPoints > longPoints ? "short" : undefined;
  const sidePoints = side === "long" ? longPoints : side === "short" ? shortPoints : 0;
  const score = Math.min(100, Math.max(0, sidePoints));
  const aligned = side === undefined ? 0 : votes.filter((v) => v.side === side && v.points > 0).length;
  return { votes, alignmentPoints, alignmentSide, longPoints, shortPoints, side, score, aligned };
}

/** When to trade and with what confidence. */
export interface ConvergenceRules {
  /** Trade at score ≥ this. Default 70. */
  readonly minScore: number;
  /** ... with at least this many metrics aligned. Default 3. */
  readonly minAligned: number;
  /** HIGH at score ≥ this. Default 85. */
  readonly highScore: number;
  /** ... with at least this many aligned. Default 4. */
  readonly highAligned: number;
}

/** The decision for a score: `undefined` = no trade. Both bounds inclusive. */
export function convergenceDecision(score: ConvergenceScore, rules: ConvergenceRules): { readonly side: Side; readonly confidence: Confidence } | undefined {
  if (score.side === undefined || score.score < rules.minScore || score.aligned < rules.minAligned) return undefined;
  const confidence: Confidence = score.score >= rules.highScore && score.aligned >= rules.highAligned ? "HIGH" : "MEDIUM";
  return { side: score.side, confidence };
}

/**
 * Target price: VWAP ± `fromVwap` (long: VWAP × (1 + fromVwap)), but at least `minFraction` from
 * the entry in the trade's favour (long: ≥ entry × (1 + minFraction)). Defaults 1 % and 1.5 %.
 */
export function convergenceTarget(side: Side, entryPx: number, vwap: number, fromVwap: number, minFraction: number): number {
  return side === "long" ? Math.max(vwap * (1 + fromVwap), entryPx * (1 + minFraction)) : Math.min(vwap * (1 - fromVwap), entryPx * (1 - minFraction));
}

/** Annualised funding, simple: rate per hour × 8760 (Hyperliquid settles hourly). The original used × 1095. */
export function annualizeHourlyFunding(ratePerHour: number): number {
  return ratePerHour * 8_760;
}

const level = (d: ThresholdSetting, max: number, unit: string) => thresholdWithDefault(0, max, unit, d);

/** The percentiles of the default rules: strong at p90 (the memo's), weak at p75 (our reading of its two levels). */
export const STRONG_PERCENTILE = 90;
export const WEAK_PERCENTILE = 75;
const pts = (d: number) => withDefault(numberIn(0, 1000, "points"), d);

/** Configuration shared by the fixed and adaptive convergence strategies. */
export const convergenceConfigEntries = {
  /** Bars of the session VWAP, the candle flow proxy and the evaluation cadence. Default "1m". */
  interval: withDefault(intervalLeaf(), "1m"),
  /** Book levels per side in the imbalance. Default 10 (the original's). */
  bookLevels: withDefault(integerIn(1, 100, "levels"), 10),
  /** A book older than this is stale (the imbalance is undefined), ms. Default 5 000 (see the liquidity strategy's `bookStaleMs`). */
  bookStaleMs: withDefault(integerIn(500, 600_000, "ms"), 5_000),
  /** Aggressor trade-flow window, ms. Default 60 000. */
  flowWindowMs: withDefault(integerIn(1_000, 3_600_000, "ms"), 60_000),
  /** Bars of the candle flow proxy (used when no trade is in the window). Default 10 (the original's). */
  proxyBars: withDefault(integerIn(2, 1000, "bars"), 10),
  /**
   * Level thresholds of the four memo metrics: each a number or a percentile rule of the metric's
   * |value| at this market's earlier evaluations (one per closed bar). Defaults the memo's rule —
   * strong at p90, weak at p75 of the last 1000 bars once 100 exist — with DESIGN.md's numbers as
   * the fallbacks: |book imbalance| 0.6 / 0.4, |flow| 0.5 / 0.3.
   */
  bookStrong: level(percentileRule(0.6, STRONG_PERCENTILE), 1, "fraction"),
  bookWeak: level(percentileRule(0.4, WEAK_PERCENTILE), 1, "fraction"),
  flowStrong: level(percentileRule(0.5, STRONG_PERCENTILE), 1, "fraction"),
  flowWeak: level(percentileRule(0.3, WEAK_PERCENTILE), 1, "fraction"),
  /** VWAP |z| levels, standard deviations. Defaults p90 / p75 rules, falling back to 2.0 / 1.5. */
  vwapStrongZ: level(percentileRule(2.0, STRONG_PERCENTILE), 100, "standard deviations"),
  vwapWeakZ: level(percentileRule(1.5, WEAK_PERCENTILE), 100, "standard deviations"),
  /** |Funding| levels, fraction per YEAR (rate per hour × 8760). Defaults p90 / p75 rules, falling back to 0.10 / 0.07. */
  fundingStrongAnnualized: level(percentileRule(0.1, STRONG_PERCENTILE), 100, "fraction per year"),
  fundingWeakAnnualized: level(percentileRule(0.07, WEAK_PERCENTILE), 100, "fraction per year"),
  /** Funding source: settled rates (history and live) or the live predicted rate. Default "settlement". */
  fundingSource: withDefault(v.picklist(["settlement", "predicted"], "settlement or predicted"), "settlement"),
  /** |4 h OI change| ≥ this is a divergence, fraction (a number or a percentile rule of |change|). Default 0.03. */
  oiChange: level(0.03, 10, "fraction"),
  /** |4 h price change| ≥ this makes it strong, fraction (a number or a percentile rule of |change|). Default 0.01. */
  oiPriceChange: level(0.01, 10, "fraction"),
  /** OI and price "4 h ago" within this of now − 4 h, ms. Default 900 000. */
  oiToleranceMs: withDefault(integerIn(60_000, 3_600_000, "ms"), 900_000),
  /** Points (fixed weights). Defaults DESIGN.md's. */
  points: v.optional(
    v.strictObject({
      bookStrong: pts(25),
      bookWeak: pts(15),
      flowStrong: pts(25),
      flowWeak: pts(15),
      vwapStrong: pts(30),
      vwapWeak: pts(20),
      fundingStrong: pts(20),
      fundingWeak: pts(10),
      oiStrong: pts(20),
      oiWeak: pts(10),
      alignmentBonus: pts(15),
      conflictPenalty: pts(20),
    }),
    {},
  ),
  /** Trade at score ≥ minScore with ≥ minAligned metrics; HIGH at ≥ highScore with ≥ highAligned. Defaults 70 / 3 / 85 / 4. */
  minScore: withDefault(numberIn(0, 100, "points"), 70),
  minAligned: withDefault(integerIn(1, 5, "metrics"), 3),
  highScore: withDefault(numberIn(0, 100, "points"), 85),
  highAligned: withDefault(integerIn(1, 5, "metrics"), 4),
  /** Stop from entry, fraction. Default 0.02 (the original's). */
  stopFraction: withDefault(numberIn(0.0001, 0.5, "fraction of the entry price"), 0.02),
  /** Target at VWAP ± this, fraction. Default 0.01 (the original's). */
  targetFromVwap: withDefault(numberIn(0, 0.5, "fraction of the VWAP"), 0.01),
  /** ... but at least this far from entry, fraction. Default 0.015 (the original's). */
  minTargetFraction: withDefault(numberIn(0.0001, 1, "fraction of the entry price"), 0.015),
  /** Maximum hold, ms. Default 4 h (not in DESIGN.md; an assumption to measure). */
  maxHoldMs: withDefault(integerIn(60_000, 7 * 86_400_000, "ms"), hours(4)),
  /** Entry reference older than this at nowMs is stale, ms. Default 120 000. */
  maxPriceAgeMs: withDefault(integerIn(1, 86_400_000, "ms"), 120_000),
  expiryMs: withDefault(integerIn(1_000, 3_600_000, "ms"), DEFAULT_SIGNAL_EXPIRY_MS),
  rearmAfterFalse: withDefault(integerIn(1, 100_000, "evaluations"), 1),
  /** Off by default: the original monitor had no volume filter and this reproduces it. */
  volumeFilter: volumeFilterSchema({ enabled: false }),
};

/** Configuration of {@link ConvergenceStrategy} (`strategies.convergence`). */
export const convergenceConfigSchema = v.strictObject(convergenceConfigEntries);

export type ConvergenceConfig = v.InferOutput<typeof convergenceConfigSchema>;

/** The threshold settings of a parsed config (numbers or percentile rules). */
export function thresholdSettingsOf(c: ConvergenceConfig): Record<keyof ConvergenceThresholds, ThresholdSetting> {
  return {
    bookStrong: c.bookStrong,
    bookWeak: c.bookWeak,
    flowStrong: c.flowStrong,
    flowWeak: c.flowWeak,
    vwapStrongZ: c.vwapStrongZ,
    vwapWeakZ: c.vwapWeakZ,
    fundingStrongAnnualized: c.fundingStrongAnnualized,
    fundingWeakAnnualized: c.fundingWeakAnnualized,
    oiChange: c.oiChange,
    oiPriceChange: c.oiPriceChange,
  };
}

/** The nominal thresholds of a parsed config (a rule's fallback), for descriptions and the pure score in tests. */
export function thresholdsOf(c: ConvergenceConfig): ConvergenceThresholds {
  return nominalLevels(thresholdSettingsOf(c));
}

/**
 * The convergence thresholds of one strategy on one market, decided at each evaluation: every
 * level is judged against the |values| of its metric at the evaluations before (a percentile
 * rule) or is its fixed number. Book, flow, VWAP z, funding and the OI/price changes are two-sided.
 */
export class ConvergenceLevels {
  private readonly set: ThresholdSet<keyof ConvergenceThresholds>;

  constructor(c: ConvergenceConfig) {
    const s = thresholdSettingsOf(c);
    const abs = (setting: ThresholdSetting) => ({ setting, absolute: true });
    this.set = new ThresholdSet({
      bookStrong: abs(s.bookStrong),
      bookWeak: abs(s.bookWeak),
      flowStrong: abs(s.flowStrong),
      flowWeak: abs(s.flowWeak),
      vwapStrongZ: abs(s.vwapStrongZ),
      vwapWeakZ: abs(s.vwapWeakZ),
      fundingStrongAnnualized: abs(s.fundingStrongAnnualized),
      fundingWeakAnnualized: abs(s.fundingWeakAnnualized),
      oiChange: abs(s.oiChange),
      oiPriceChange: abs(s.oiPriceChange),
    });
  }

  /** The thresholds for these inputs (from earlier evaluations only); then the inputs join the samples. */
  decide(i: ConvergenceInputs): ThresholdDecision<keyof ConvergenceThresholds> {
    return this.set.decide({
      bookStrong: i.bookImbalance,
      bookWeak: i.bookImbalance,
      flowStrong: i.flow,
      flowWeak: i.flow,
      vwapStrongZ: i.vwapZ,
      vwapWeakZ: i.vwapZ,
      fundingStrongAnnualized: i.fundingAnnualized,
      fundingWeakAnnualized: i.fundingAnnualized,
      oiChange: i.oiChange4h,
      oiPriceChange: i.priceChange4h,
    });
  }
}

/** The fixed weights of a parsed config. */
export function weightsOf(c: ConvergenceConfig): ConvergenceWeights {
  const p = c.points;
  return {
    components: {
      orderBook: { strong: p.bookStrong, weak: p.bookWeak },
      tradeFlow: { strong: p.flowStrong, weak: p.flowWeak },
      vwap: { strong: p.vwapStrong, weak: p.vwapWeak },
      funding: { strong: p.fundingStrong, weak: p.fundingWeak },
      openInterest: { strong: p.oiStrong, weak: p.oiWeak },
    },
    alignmentBonus: p.alignmentBonus,
    conflictPenalty: p.conflictPenalty,
  };
}

/**
 * Cross-checks a parsed convergence config: weak levels at most the strong ones, the HIGH rule
 * at least as strict as the trade rule.
 * @throws ConfigError naming the key.
 */
export function checkConvergenceConfig(path: string, c: ConvergenceConfig): void {
  checkOrdered(path, "bookWeak", c.bookWeak, "bookStrong", c.bookStrong);
  checkOrdered(path, "flowWeak", c.flowWeak, "flowStrong", c.flowStrong);
  checkOrdered(path, "vwapWeakZ", c.vwapWeakZ, "vwapStrongZ", c.vwapStrongZ);
  checkOrdered(path, "fundingWeakAnnualized", c.fundingWeakAnnualized, "fundingStrongAnnualized", c.fundingStrongAnnualized);
  const pairs: [string, number, string, number][] = [
    ["minScore", c.minScore, "highScore", c.highScore],
    ["minAligned", c.minAligned, "highAligned", c.highAligned],
  ];
  for (const [key, value, otherKey, other] of pairs) {
    if (value > other) throw new ConfigError(`${path}.${key}`, value, `at most ${otherKey} (${other})`);
  }
}

/** Where the OI history comes from and the spot leg of the funding-basis alignment. */
export interface ConvergenceOptions {
  /** The perp's spot pair; without it the alignment adjustment is 0 (recorded as `basisAvailable: 0`). */
  spot?: Market | undefined;
  /** OI history to load at start (read-only use recommended: the OI strategy already appends). */
  oiSeries?: OpenInterestSeriesPort;
  /** Event time at start, ms. */
  startMs?: number;
}

/** The inputs at one instant, or why they are missing. */
export type ConvergenceReading =
  | { readonly ok: true; readonly inputs: ConvergenceInputs; readonly flowFromTrades: boolean; readonly vwap: number; readonly entryPx: number; readonly fundingRatePerHour: number }
  | { readonly ok: false; readonly missing: string };

/**
 * Everything the convergence score reads, fed from the event stream and read at `nowMs`:
 * book imbalance, trade flow (aggressor trades, else the candle proxy), session VWAP, funding,
 * 4 h OI and mark-price changes, and the perp-vs-spot basis when a spot leg exists.
 * Shared by the fixed and adaptive strategies (each owns one).
 */
export class ConvergenceFeed {
  readonly market: Market;
  readonly spot: Market | undefined;
  readonly warmUp: string;
  private readonly c: ConvergenceConfig;
  private readonly book: BookImbalance;
  private readonly trades: TradeFlow;
  private readonly proxy: CandleFlowProxy;
  private readonly vwap: SessionVwap;
  private readonly funding: FundingRate;
  private readonly oi: OpenInterestTracker;
  private readonly marks: SampledSeries;
  private lastMark: { tsMs: number; px: number } | undefined;
  private readonly basis: Basis | undefined;
  private readonly price: LastPrice;

  constructor(market: Market, c: ConvergenceConfig, options: ConvergenceOptions = {}) {
    this.market = market;
    this.spot = options.spot;
    this.c = c;
    this.book = new BookImbalance({ market, levels: c.bookLevels, staleAfterMs: c.bookStaleMs });
    this.trades = new TradeFlow({ market, windowMs: c.flowWindowMs });
    this.proxy = new CandleFlowProxy({ market, interval: c.interval, bars: c.proxyBars });
    this.vwap = new SessionVwap({ market, interval: c.interval });
    this.funding = new FundingRate({ market, source: c.fundingSource });
    this.oi = new OpenInterestTracker({
      market,
      toleranceMs: c.oiToleranceMs,
      ...(options.oiSeries === undefined ? {} : { series: options.oiSeries }),
      ...(options.startMs === undefined ? {} : { startMs: options.startMs }),
    });
    this.marks = new SampledSeries(60_000, 4 * HOUR_MS + c.oiToleranceMs);
    this.basis = options.spot === undefined ? undefined : new Basis({ market, spot: options.spot });
    this.price = new LastPrice(market, c.maxPriceAgeMs);
    this.warmUp = [
      this.book.warmUp,
      `trades in the last ${c.flowWindowMs / 1000} s or ${this.proxy.warmUp}`,
      this.vwap.warmUp,
      this.funding.warmUp,
      "4 h of recorded open interest and mark prices (asset contexts)",
      ...(this.basis === undefined ? [] : ["fresh perp and spot prices"]),
    ].join("; ");
  }

  update(event: MarketEvent): void {
    this.book.update(event);
    this.trades.update(event);
    this.proxy.update(event);
    this.vwap.update(event);
    this.funding.update(event);
    this.oi.update(event);
    this.basis?.update(event);
    this.price.update(event);
    if (event.kind === "assetCtx" && event.market.key === this.market.key) {
      const px = event.markPx ?? event.midPx;
      if (px !== undefined && px > 0) {
        this.marks.add(event.tsEvent, px);
        if (this.lastMark === undefined || event.tsEvent >= this.lastMark.tsMs) this.lastMark = { tsMs: event.tsEvent, px };
      }
    }
  }

  /** The inputs at `nowMs`; `{ ok: false }` names the first missing or stale one. */
  read(nowMs: number): ConvergenceReading {
    const bookImbalance = this.book.value(nowMs);
    if (bookImbalance === undefined) return { ok: false, missing: "bookImbalance" };
    const aggressor = this.trades.value(nowMs);
    const flow = aggressor ?? this.proxy.value(nowMs);
    if (flow === undefined) return { ok: false, missing: "flow" };
    const vw = this.vwap.value(nowMs);
    if (vw === undefined) return { ok: false, missing: "vwap" };
    const funding = this.funding.value(nowMs);
    if (funding === undefined) return { ok: false, missing: "funding" };
    const oi = this.oi.value(nowMs);
    const mark = this.lastMark;
    if (oi === undefined || oi.change4h === "insufficient" || mark === undefined || nowMs - mark.tsMs > this.oi.staleAfterMs) return { ok: false, missing: "oiChange4h" };
    const mark4h = this.marks.nearest(mark.tsMs - 4 * HOUR_MS, this.c.oiToleranceMs);
    if (mark4h === undefined) return { ok: false, missing: "priceChange4h" };
    let basis: number | undefined;
    if (this.basis !== undefined) {
      const bps = this.basis.perpSpotBps(nowMs);
      if (bps === undefined) return { ok: false, missing: "basis" };
      basis = bps / 1e4;
    }
    const px = this.price.value(nowMs);
    if (px === undefined) return { ok: false, missing: "price" };
    return {
      ok: true,
      inputs: {
        bookImbalance,
        flow,
        vwapZ: vw.zScore,
        fundingAnnualized: annualizeHourlyFunding(funding.perHour),
        oiChange4h: oi.change4h,
        priceChange4h: (mark.px - mark4h) / mark4h,
        basis,
      },
      flowFromTrades: aggressor !== undefined,
      vwap: vw.vwap,
      entryPx: px.px,
      fundingRatePerHour: funding.perHour,
    };
  }
}

/** The signal draft of a convergence decision, with every input, point and threshold recorded. */
export function convergenceDraft(
  market: Market,
  c: ConvergenceConfig,
  reading: Extract<ConvergenceReading, { ok: true }>,
  score: ConvergenceScore,
  decision: { readonly side: Side; readonly confidence: Confidence },
  label: string,
  extraMetrics: Readonly<Record<string, number>> = {},
  levels: Readonly<Record<keyof ConvergenceThresholds, RecordedThreshold>> = thresholdsOf(c),
): SignalDraft {
  const { side, confidence } = decision;
  const entryPx = reading.entryPx;
  const stopPx = side === "long" ? entryPx * (1 - c.stopFraction) : entryPx * (1 + c.stopFraction);
  const targetPx = convergenceTarget(side, entryPx, reading.vwap, c.targetFromVwap, c.minTargetFraction);
  const i = reading.inputs;
  const metrics: Record<string, number> = {
    score: score.score,
    aligned: score.aligned,
    longPoints: score.longPoints,
    shortPoints: score.shortPoints,
    bookImbalance: i.bookImbalance,
    flow: i.flow,
    flowFromTrades: reading.flowFromTrades ? 1 : 0,
    vwapZ: i.vwapZ,
    vwap: reading.vwap,
    fundingRatePerHour: reading.fundingRatePerHour,
    fundingAnnualized: i.fundingAnnualized,
    oiChange4h: i.oiChange4h,
    priceChange4h: i.priceChange4h,
    basisAvailable: i.basis === undefined ? 0 : 1,
    alignmentPoints: score.alignmentPoints,
    ...extraMetrics,
  };
  if (i.basis !== undefined) metrics["basis"] = i.basis;
  for (const vt of score.votes) {
    metrics[`points.${vt.component}`] = vt.side === side ? vt.points : vt.side === undefined ? 0 : -vt.points;
    // Which components carried the trade: voted its side with points (the report groups by them).
    metrics[`contributed.${vt.component}`] = vt.side === side && vt.points > 0 ? 1 : 0;
    metrics[`level.${vt.component}`] = vt.level === "strong" ? 2 : vt.level === "weak" ? 1 : 0;
  }
  const thresholds: Record<string, RecordedThreshold> = {
    ...levels,
    minScore: c.minScore,
    minAligned: c.minAligned,
    highScore: c.highScore,
    highAligned: c.highAligned,
  };
  if (c.volumeFilter.enabled) thresholds["volumeFilter.minRatio"] = c.volumeFilter.minRatio;
  const parts = score.votes.map((vt) => `${vt.component} ${vt.points > 0 ? `${vt.side ?? ""} ${vt.level} ${vt.points}` : "0"}`).join(", ");
  const align = score.alignmentSide === undefined ? "" : `, funding-basis ${score.alignmentPoints > 0 ? "+" : ""}${score.alignmentPoints} ${score.alignmentSide}`;
  return {
    market,
    side,
    confidence,
    entryPx,
    stopPx,
    targetPx,
    maxHoldMs: c.maxHoldMs,
    reason: `${label} ${score.score} ${side} with ${score.aligned} metrics aligned (${parts}${align}; flow from ${reading.flowFromTrades ? "aggressor trades" : "the candle proxy"})`,
    metrics,
    thresholds,
  };
}

/** The description shared by both variants. */
export function convergenceDescription(c: ConvergenceConfig, idea: string): StrategyDescription {
  const d = (setting: ThresholdSetting, format: (x: number) => string = String) => describeSetting(setting, true, format);
  return {
    idea,
    entry: `score = points of the side with more points, clamped to [0, 100]: book ${c.points.bookStrong}/${c.points.bookWeak} at |imbalance| > ${d(c.bookStrong)}/${d(c.bookWeak)}, flow ${c.points.flowStrong}/${c.points.flowWeak} at |flow| > ${d(c.flowStrong)}/${d(c.flowWeak)}, VWAP ${c.points.vwapStrong}/${c.points.vwapWeak} at |z| > ${d(c.vwapStrongZ)}/${d(c.vwapWeakZ)} (fade), funding ${c.points.fundingStrong}/${c.points.fundingWeak} at |rate/h × 8760| > ${d(c.fundingStrongAnnualized, pct)}/${d(c.fundingWeakAnnualized, pct)} (contrarian), OI ${c.points.oiStrong}/${c.points.oiWeak} at |4 h OI| ≥ ${d(c.oiChange, pct)} with |4 h price| ≥ / < ${d(c.oiPriceChange, pct)} (follow price), funding-basis +${c.points.alignmentBonus}/−${c.points.conflictPenalty}; trade at ≥ ${c.minScore} with ≥ ${c.minAligned} metrics aligned, HIGH at ≥ ${c.highScore} with ≥ ${c.highAligned}`,
    exit: `stop ${pct(c.stopFraction)}; target VWAP ± ${pct(c.targetFromVwap)} but at least ${pct(c.minTargetFraction)} from entry; at most ${c.maxHoldMs / HOUR_MS} h`,
    expectedHold: { minMs: minutes(30), maxMs: hours(4) },
    needs: ["book", "trades", "candles", "funding", "openInterest", "spot"],
    candleOnly: {
      canFire: false,
      why: "every input must be fresh, and the book imbalance and the 4 h open-interest change exist only in live recordings (Hyperliquid keeps no book or OI history); the flow falls back to the candle proxy",
    },
    volumeFilter: { applies: false, reason: "it reproduces the original monitor, which had no volume filter; enable volumeFilter to test it with one" },
  };
}

/**
 * The original monitor's convergence score with DESIGN.md's fixed weights (see this file's
 * TSDoc for every rule and interpretation). Evaluated on each closed bar of `interval` (1 m) of
 * its market; every input must be warm and fresh at that instant, else nothing is evaluated.
 */
export class ConvergenceStrategy implements Strategy<ConvergenceConfig> {
  readonly id = CONVERGENCE_ID;
  readonly market: Market;
  readonly config: ConvergenceConfig;
  readonly description: StrategyDescription;
  readonly warmUp: string;
  private readonly feedIn: ConvergenceFeed;
  private readonly volume: VolumeFilter;
  private readonly long: Rearm;
  private readonly short: Rearm;
  private readonly signals: SignalFactory;
  private readonly levels: ConvergenceLevels;
  private readonly weights: ConvergenceWeights;

  /** @throws ConfigError for an invalid `config`. */
  constructor(market: Market, config: unknown = {}, options: ConvergenceOptions = {}) {
    this.market = market;
    this.config = parseStrategyConfig("strategies.convergence", convergenceConfigSchema, config);
    checkConvergenceConfig("strategies.convergence", this.config);
    const c = this.config;
    this.feedIn = new ConvergenceFeed(market, c, options);
    this.volume = new VolumeFilter(market, c.volumeFilter);
    this.long = new Rearm(c.rearmAfterFalse);
    this.short = new Rearm(c.rearmAfterFalse);
    this.signals = new SignalFactory(this.id, c.expiryMs);
    this.levels = new ConvergenceLevels(c);
    this.weights = weightsOf(c);
    this.warmUp = [this.feedIn.warmUp, this.volume.warmUp].filter((s) => s !== "").join("; ");
    this.description = convergenceDescription(c, "The original monitor: when several microstructure metrics point the same way at once, trade that way (fixed weights).");
  }

  isWarm(nowMs: number): boolean {
    const gate = this.volume.check(nowMs);
    return this.feedIn.read(nowMs).ok && (gate.pass || gate.reason !== "volume-not-warm");
  }

  onEvent(event: MarketEvent, ctx: StrategyContext): readonly Signal[] {
    this.feedIn.update(event);
    this.volume.update(event);
    if (event.kind !== "candle" || !event.closed || event.market.key !== this.market.key || event.interval !== this.config.interval) return [];
    const nowMs = ctx.nowMs;
    const reading = this.feedIn.read(nowMs);
    const gate = this.volume.check(nowMs);
    if (!reading.ok || (!gate.pass && gate.reason === "volume-not-warm")) return [];
    const levels = this.levels.decide(reading.inputs);
    const score = scoreConvergence(reading.inputs, levels.levels, this.weights);
    const decision = gate.pass ? convergenceDecision(score, this.config) : undefined;
    const fireLong = this.long.step(decision?.side === "long");
    const fireShort = this.short.step(decision?.side === "short");
    if (decision === undefined || (!fireLong && !fireShort)) return [];
    const extra: Record<string, number> = gate.volumeRatio === undefined ? {} : { volumeRatio: gate.volumeRatio };
    return [this.signals.create(convergenceDraft(this.market, this.config, reading, score, decision, "convergence", extra, levels.recorded), nowMs)];
  }
}
