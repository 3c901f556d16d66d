import type { MarketCorrelation, EffectiveSampleSize } from "./effective-sample-size.ts";
import { effectiveSampleSize, overlapClusters } from "./effective-sample-size.ts";
import type { Outcome } from "../paper/index.ts";
import { blockBootstrap, clusterBootstrap, defaultBlockLength } from "./bootstrap.ts";
import type { BootstrapInterval } from "./bootstrap.ts";
import { annualisedReturn, calmarRatio } from "./calmar.ts";
import { dailySeries } from "./daily-returns.ts";
import type { EquityPoint } from "./daily-returns.ts";
import { deflatedSharpe } from "./deflated-sharpe.ts";
import type { DeflatedSharpe } from "./deflated-sharpe.ts";
import { maxDrawdown } from "./max-drawdown.ts";
import type { MaxDrawdown } from "./max-drawdown.ts";
import { profitFactor } from "./profit-factor.ts";
import { probabilisticSharpe, sharpeMoments } from "./psr.ts";
import type { SharpeMoments } from "./psr.ts";
import { PERIODS_PER_YEAR, sharpeRatio } from "./sharpe.ts";
import type { AnnualisedRatio } from "./sharpe.ts";
import { sortinoRatio } from "./sortino.ts";
import { timeInMarket } from "./time-in-market.ts";
import { tradeSummary } from "./trade-summary.ts";
import type { TradeRecord, TradeSummary } from "./trade-summary.ts";
import { winRate } from "./win-rate.ts";

/** The outcome fields the figures read. */
export type FigureTrade = TradeRecord & Pick<Outcome, "openedMs" | "closedMs" | "market">;

/** Inputs of {@link performanceFigures}. */
export interface FiguresInput {
  /** Strategy id, or "combined". */
  readonly name: string;
  readonly outcomes: readonly FigureTrade[];
  /** Equity curve: account snapshots for the combined figures, `realisedEquityPoints` per strategy. */
  readonly equity: readonly EquityPoint[];
  /** Which curve `equity` is (stated in the report). */
  readonly equitySource: "account" | "realised";
  /** Capital before the first day, USD (> 0). */
  readonly startingBalanceUsd: number;
  /** Covered period, ms (inclusive UTC days); every strategy of one report uses the same period. */
  readonly periodStartMs: number;
  readonly periodEndMs: number;
  /** Strategy variants tried (N of the deflated Sharpe). Default 1. */
  readonly trials?: number | undefined;
  /** Per-day Sharpe of every variant tried, for the DSR's variance; default: the null variance. */
  readonly trialSharpes?: readonly number[] | undefined;
  readonly correlation?: MarketCorrelation | undefined;
  readonly resamples: number;
  readonly bootstrapConfidence: number;
  readonly seed: number;
}

/** Every figure of one strategy (or the combined account), JSON-safe (no Infinity, no NaN). */
export interface PerformanceFigures {
  readonly name: string;
  readonly equitySource: "account" | "realised";
  readonly startingBalanceUsd: number;
  readonly trades: TradeSummary;
  readonly effectiveTrades: EffectiveSampleSize;
  /** Fraction of the covered period with at least one position open. */
  readonly timeInMarket: number | undefined;
  readonly maxDrawdown: MaxDrawdown;
  /** The daily series everything Sharpe-like is computed from (so anyone can check the figures). */
  readonly daily: { readonly dayStartMs: readonly number[]; readonly equityUsd: readonly number[]; readonly returns: readonly number[]; readonly pnlUsd: readonly number[] };
  readonly sharpe: AnnualisedRatio;
  readonly sortino: AnnualisedRatio;
  /** Compound annual growth, fraction. */
  readonly annualisedReturn: number | undefined;
  readonly calmar: number | undefined;
  /** Per-day Sharpe, skewness and raw kurtosis (undefined below 3 days or for zero variance). */
  readonly sharpeMoments: SharpeMoments | undefined;
  /** PSR(SR* = 0): probability the true Sharpe is positive. */
  readonly psrZero: number | undefined;
  readonly deflated: DeflatedSharpe | undefined;
  readonly intervals: {
    readonly winRate: BootstrapInterval;
    readonly profitFactor: BootstrapInterval;
    /** Of the annualised Sharpe. */
    readonly sharpe: BootstrapInterval;
    /** Block length used for the Sharpe, days. */
    readonly sharpeBlockDays: number;
  };
}

/** A resample's profit factor: +Infinity when it has wins and no losses, so it ranks above every finite value. */
function profitFactorForResample(pnl: readonly number[]): number | undefined {
  const pf = profitFactor(pnl);
  if (pf.value !== undefined) return pf.value;
  return pf.noLosses && pf.grossProfitUsd > 0 ? Number.POSITIVE_INFINITY : undefined;
}

/** A resample's annualised Sharpe; a constant resample has none (dropped). */
function sharpeForResample(returns: readonly number[]): number | undefined {
  return sharpeRatio(returns).annualised;
}

/** Computes every figure of one strategy or of the combined account. Pure; deterministic for a seed. */
export function performanceFigures(input: FiguresInput): PerformanceFigures {
  const { outcomes, startingBalanceUsd } = input;
  const series = dailySeries(input.equity, startingBalanceUsd, { startMs: input.periodStartMs, endMs: input.periodEndMs });
  const returns = series.returns;
  const dd = maxDrawdown(input.equity, startingBalanceUsd);
  const moments = sharpeMoments(returns);
  const clusters = overlapClusters(outcomes).map((c) => c.map((i) => outcomes[i]!.pnlUsd));
  const boot = { resamples: input.resamples, confidence: input.bootstrapConfidence, seed: input.seed };
  const blockDays = defaultBlockLength(returns.length);
  const sharpeInterval = blockBootstrap(returns, sharpeForResample, { ...boot, blockLength: blockDays });
  return {
    name: input.name,
    equitySource: input.equitySource,
    startingBalanceUsd,
    trades: tradeSummary(outcomes),
    effectiveTrades: effectiveSampleSize(outcomes, input.correlation),
    timeInMarket: timeInMarket(outcomes, input.periodStartMs, input.periodEndMs),
    maxDrawdown: dd,
    daily: { dayStartMs: series.days.map((d) => d.dayStartMs), equityUsd: series.days.map((d) => d.equityUsd), returns, pnlUsd: series.pnlUsd },
    sharpe: sharpeRatio(returns),
    sortino: sortinoRatio(returns),
    annualisedReturn: annualisedReturn(returns, PERIODS_PER_YEAR),
    calmar: calmarRatio(returns, dd.fraction),
    sharpeMoments: moments,
    psrZero: moments === undefined ? undefined : probabilisticSharpe(moments, 0),
    deflated: moments === undefined ? undefined : deflatedSharpe(moments, input.trials ?? 1, input.trialSharpes),
    intervals: {
      winRate: clusterBootstrap(clusters, winRate, boot),
      profitFactor: clusterBootstrap(clusters, profitFactorForResample, boot),
      sharpe: sharpeInterval,
      sharpeBlockDays: blockDays,
    },
  };
}
