import type { Market } from "../core/index.ts";
import type { PositionSide } from "../paper/types.ts";
import type { RiskConfig } from "./config.ts";
import type { CorrelationLookup, PortfolioView } from "./portfolio.ts";
import { isAbove } from "./tolerance.ts";

/** A leg a new signal would add, at its entry notional. */
export interface CandidateLeg {
  readonly market: Market;
  readonly side: PositionSide;
  readonly notionalUsd: number;
}

/** The new trade's legs; the first is the primary (directional) leg. */
export interface Candidate {
  readonly legs: readonly CandidateLeg[];
}

/** The portfolio figures after adding the candidate, all in USD. */
export interface WithinLimits {
  readonly ok: true;
  readonly correlatedExposureUsd: number;
  readonly grossExposureUsd: number;
  readonly coinExposureUsd: number;
}

/** A portfolio limit the candidate would break. */
export interface LimitBreached {
  readonly ok: false;
  /** "daily_loss_halt", "max_positions", "gross_leverage", "per_coin_cap", "correlated_exposure" */
  readonly code: string;
  readonly reason: string;
}

const usd = (x: number): string => `${x.toFixed(2)} USD`;

/**
 * Weight of an open leg in the candidate's correlated exposure: the measured correlation of the
 * two coins, 1 for the same coin. An unmeasured pair counts as 1 (fully correlated) — the
 * conservative choice: without evidence of diversification, none is assumed. A negative
 * correlation counts as 0: a same-side position in an anti-correlated coin is given no credit as
 * a hedge.
 */
export function correlationWeight(coinA: string, coinB: string, correlation: CorrelationLookup): number {
  if (coinA === coinB) return 1;
  const rho = correlation(coinA, coinB);
  if (rho === undefined || !Number.isFinite(rho)) return 1;
  return Math.min(1, Math.max(0, rho));
}

/**
 * Checks a candidate against the portfolio limits, in this order: daily-loss halt, number of
 * open positions, gross leverage, per-coin cap, correlation-weighted same-direction exposure.
 *
 * Correlated exposure = the candidate's primary notional + Σ over held legs on the same side as
 * the primary of notional × {@link correlationWeight}; at most `maxCorrelatedExposure` × equity.
 * Only the primary leg of a two-leg candidate is directional; held legs of basis positions count
 * one by one (their hedge is not netted — conservative).
 */
export function checkPortfolioLimits(candidate: Candidate, portfolio: PortfolioView, config: RiskConfig, correlation: CorrelationLookup): WithinLimits | LimitBreached {
  const { equityUsd, dayStartEquityUsd } = portfolio;
  const dailyLoss = dayStartEquityUsd > 0 ? (dayStartEquityUsd - equityUsd) / dayStartEquityUsd : 0;
  if (!isAbove(config.maxDailyLoss, dailyLoss)) {
    return {
      ok: false,
      code: "daily_loss_halt",
      reason: `equity ${usd(equityUsd)} is ${(dailyLoss * 100).toFixed(2)} % below the UTC day's start ${usd(dayStartEquityUsd)}; new entries halt at ${(config.maxDailyLoss * 100).toFixed(2)} %`,
    };
  }
  if (portfolio.openPositions >= config.maxOpenPositions) {
    return { ok: false, code: "max_positions", reason: `${portfolio.openPositions} positions open or pending; the maximum is ${config.maxOpenPositions}` };
  }
  const held = portfolio.legs.reduce((sum, l) => sum + l.notionalUsd, 0);
  const added = candidate.legs.reduce((sum, l) => sum + l.notionalUsd, 0);
  const grossExposureUsd = held + added;
  const maxGross = config.maxGrossLeverage * equityUsd;
  if (isAbove(grossExposureUsd, maxGross)) {
    return {
      ok: false,
      code: "gross_leverage",
      reason: `gross exposure would be ${usd(grossExposureUsd)} (held ${usd(held)} + new ${usd(added)}), above ${config.maxGrossLeverage} × equity ${usd(equityUsd)} = ${usd(maxGross)}`,
    };
  }
  const primary = candidate.legs[0];
  if (primary === undefined) throw new Error("bug: a candidate without legs");
  const coin = primary.market.base;
  const coinHeld = portfolio.legs.filter((l) => l.market.base === coin).reduce((sum, l) => sum + l.notionalUsd, 0);
  const coinAdded = candidate.legs.filter((l) => l.market.base === coin).reduce((sum, l) => sum + l.notionalUsd, 0);
  const coinExposureUsd = coinHeld + coinAdded;
  const maxCoin = config.maxPerCoinExposure * equityUsd;
  if (isAbove(coinExposureUsd, maxCoin)) {
    return {
      ok: false,
      code: "per_coin_cap",
      reason: `${coin} exposure would be ${usd(coinExposureUsd)} (held ${usd(coinHeld)} + new ${usd(coinAdded)}), above ${config.maxPerCoinExposure} × equity = ${usd(maxCoin)}`,
    };
  }
  const parts: string[] = [];
  let correlatedExposureUsd = primary.notionalUsd;
  for (const leg of portfolio.legs) {
    if (leg.side !== primary.side) continue;
    const w = correlationWeight(coin, leg.market.base, correlation);
    correlatedExposureUsd += leg.notionalUsd * w;
    parts.push(`${leg.market.symbol} ${usd(leg.notionalUsd)} × ${w.toFixed(2)}`);
  }
  const maxCorrelated = config.maxCorrelatedExposure * equityUsd;
  if (isAbove(correlatedExposureUsd, maxCorrelated)) {
    return {
      ok: false,
      code: "correlated_exposure",
      reason: `${primary.side} correlated exposure would be ${usd(correlatedExposureUsd)} (new ${usd(primary.notionalUsd)} + ${parts.join(" + ")}), above ${config.maxCorrelatedExposure} × equity = ${usd(maxCorrelated)}`,
    };
  }
  return { ok: true, correlatedExposureUsd, grossExposureUsd, coinExposureUsd };
}
