import type { Market } from "../core/index.ts";
import { isExpired, sizeFactorAt } from "../strategies/index.ts";
import type { Signal } from "../strategies/index.ts";
import type { RiskConfig } from "./config.ts";
import { takerFeeRate } from "./fees.ts";
import { roundDownToDecimals } from "./size-decimals.ts";
import { isAbove, isBelow } from "./tolerance.ts";

/** The parts of a signal sizing reads. */
export type SizedSignal = Pick<Signal, "legs" | "entryPx" | "stopPx" | "confidence" | "createdMs" | "expiryMs" | "spread">;

/** Size decimals of a market (Hyperliquid's `szDecimals`: BTC 5, ETH 4, SOL 2, …), configuration. */
export type SzDecimals = (market: Market) => number;

/**
 * The execution cost one fill in `market` is expected to pay beyond the taker fee, fraction of
 * price (half the spread + slippage). The one cost model: the kernel passes the paper broker's own
 * estimate, so sizing prices a round trip as the broker will charge it.
 */
export type CostPerSide = (market: Market) => number;

/** A size the signal may be traded at. Sizes in coins, money in USD. */
export interface Sized {
  readonly ok: true;
  /** Size of every leg, coins, rounded down to the legs' smallest size decimals. */
  readonly sz: number;
  /** sz × entryPx of the primary leg, USD. */
  readonly notionalUsd: number;
  /** equity × riskPerTrade, USD. */
  readonly budgetUsd: number;
  /** |entry − stop|, USD per coin. */
  readonly stopDistanceUsd: number;
  /** |entry − stop| / entry, fraction. */
  readonly stopDistance: number;
  /** Expected round-trip fees and slippage of all legs, USD per coin. */
  readonly costPerCoinUsd: number;
  /** Size before confidence, age decay and rounding, coins. */
  readonly baseSz: number;
  readonly confidenceMultiplier: number;
  /** sizeFactorAt(signal, nowMs). */
  readonly ageFactor: number;
  /** True when the size was cut to the maximum notional (`oversize: "cap"`). */
  readonly capped: boolean;
}

/** Why a signal cannot be sized. */
export interface NotSized {
  readonly ok: false;
  /** "expired", "no_equity", "invalid_prices", "stop_at_entry", "stop_too_tight", "stop_too_wide", "above_max_notional", "below_min_notional" */
  readonly code: string;
  readonly reason: string;
}

const pct = (x: number, digits = 3): string => `${(x * 100).toFixed(digits)} %`;
const usd = (x: number): string => `${x.toFixed(2)} USD`;

/**
 * Fixed-fractional size with the round trip's fees and slippage as a cost of the trade.
 *
 * With budget B = equity × riskPerTrade, stop distance d = |entry − stop| (USD per coin) and
 * c = Σ over legs of (legEntry + legExit) × (taker fee + cost per side) (USD per coin, in and out;
 * legExit is the stop for a one-leg signal, the leg's entry for a spread; the cost per side is
 * `costPerSide(leg market)` — the broker's half spread + slippage — or, without it,
 * `slippagePerSide`),
 * the size s solves  s × d + s × c = B,  i.e.  s = B / (d + c), which is the same as
 * s = (B − expected round-trip fees and slippage at s) / d. Then × the confidence multiplier,
 * × the age factor (linear decay to 0 at expiry), rounded DOWN to the legs' smallest size
 * decimals. Above the maximum notional a one-leg size is refused (`oversize`, default) and a
 * two-leg size is cut to the cap (`spreadOversize`, default). Expected failures come back as
 * values with a reason naming the numbers.
 *
 * @param nowMs the time the size is for (event time), ms.
 */
export function sizeSignal(signal: SizedSignal, equityUsd: number, nowMs: number, config: RiskConfig, szDecimals: SzDecimals, costPerSide?: CostPerSide): Sized | NotSized {
  if (isExpired(signal, nowMs)) {
    return { ok: false, code: "expired", reason: `signal is ${nowMs - signal.createdMs} ms old, expiry ${signal.expiryMs} ms` };
  }
  if (!(equityUsd > 0)) return { ok: false, code: "no_equity", reason: `equity ${usd(equityUsd)} is not positive` };
  const { entryPx, stopPx } = signal;
  const legPrices = signal.legs.map((l) => l.entryPx);
  if (![entryPx, stopPx, ...legPrices].every((x) => Number.isFinite(x) && x > 0) || signal.legs.length === 0) {
    return { ok: false, code: "invalid_prices", reason: `entry ${entryPx}, stop ${stopPx}, leg entries ${legPrices.join(", ")} must be finite and positive` };
  }
  const stopDistanceUsd = Math.abs(entryPx - stopPx);
  if (stopDistanceUsd === 0) {
    return { ok: false, code: "stop_at_entry", reason: `stop ${stopPx} equals entry ${entryPx}: no risk distance to size from` };
  }
  const stopDistance = stopDistanceUsd / entryPx;
  const minStop = signal.legs.length > 1 ? config.minSpreadStopDistance : config.minStopDistance;
  if (isBelow(stopDistance, minStop)) {
    return { ok: false, code: "stop_too_tight", reason: `stop distance ${pct(stopDistance)} (entry ${entryPx}, stop ${stopPx}) is below the minimum ${pct(minStop)}` };
  }
  if (isAbove(stopDistance, config.maxStopDistance)) {
    return { ok: false, code: "stop_too_wide", reason: `stop distance ${pct(stopDistance)} (entry ${entryPx}, stop ${stopPx}) is above the maximum ${pct(config.maxStopDistance)}` };
  }
  // In at the entry, out at the stop: a one-leg round trip's fee and spread are paid on both prices
  // (a short's stop is above its entry). A spread's legs leave at prices its basis stop does not fix:
  // both sides are priced at the leg's entry.
  const exitPx = (legEntryPx: number): number => (signal.legs.length === 1 ? stopPx : legEntryPx);
  const costPerCoinUsd = signal.legs.reduce(
    (sum, leg) => sum + (leg.entryPx + exitPx(leg.entryPx)) * (takerFeeRate(config.fees, leg.market) + (costPerSide?.(leg.market) ?? config.slippagePerSide)),
    0,
  );
  const budgetUsd = equityUsd * config.riskPerTrade;
  const baseSz = budgetUsd / (stopDistanceUsd + costPerCoinUsd);
  const confidenceMultiplier = config.confidenceMultiplier[signal.confidence];
  const ageFactor = sizeFactorAt(signal, nowMs);
  const decimals = Math.min(...signal.legs.map((l) => szDecimals(l.market)));
  let sz = roundDownToDecimals(baseSz * confidenceMultiplier * ageFactor, decimals);
  let capped = false;
  const maxNotionalUsd = equityUsd * config.maxNotionalFraction;
  if (isAbove(sz * entryPx, maxNotionalUsd)) {
    if ((signal.legs.length > 1 ? config.spreadOversize : config.oversize) === "reject") {
      return {
        ok: false,
        code: "above_max_notional",
        reason: `notional ${usd(sz * entryPx)} (${sz} × ${entryPx}) is above the maximum ${usd(maxNotionalUsd)} (${pct(config.maxNotionalFraction, 1)} of equity ${usd(equityUsd)})`,
      };
    }
    sz = roundDownToDecimals(maxNotionalUsd / entryPx, decimals);
    capped = true;
  }
  const notionalUsd = sz * entryPx;
  if (sz === 0 || isBelow(notionalUsd, config.minNotionalUsd)) {
    return {
      ok: false,
      code: "below_min_notional",
      reason: `notional ${usd(notionalUsd)} (${sz} × ${entryPx}, ${decimals} size decimals) is below the minimum ${usd(config.minNotionalUsd)}`,
    };
  }
  return { ok: true, sz, notionalUsd, budgetUsd, stopDistanceUsd, stopDistance, costPerCoinUsd, baseSz, confidenceMultiplier, ageFactor, capped };
}
