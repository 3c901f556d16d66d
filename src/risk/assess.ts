import type { RiskDecision } from "../paper/types.ts";
import type { Signal } from "../strategies/index.ts";
import type { RiskConfig } from "./config.ts";
import { checkPortfolioLimits } from "./portfolio-limits.ts";
import type { CorrelationLookup, PortfolioView } from "./portfolio.ts";
import { sizeSignal } from "./sizing.ts";
import type { CostPerSide, SzDecimals } from "./sizing.ts";

/** Configuration-like inputs of {@link assessSignal}. */
export interface RiskInputs {
  readonly config: RiskConfig;
  readonly szDecimals: SzDecimals;
  readonly correlation: CorrelationLookup;
  /** Expected cost of one fill beyond the taker fee, by market (the broker's); default `config.slippagePerSide`. */
  readonly costPerSide?: CostPerSide;
}

function rejected(signal: Signal, nowMs: number, code: string, reason: string): RiskDecision {
  return { signalId: signal.id, tsMs: nowMs, accepted: false, code, reason, sz: undefined, notionalUsd: undefined };
}

/**
 * The risk layer's decision on one signal at `nowMs` (event time, ms): not executable → refused;
 * then {@link sizeSignal} on the portfolio's equity; then {@link checkPortfolioLimits} with every
 * leg at the sized notional. Accepted decisions carry the size of every leg (coins) and the
 * primary leg's notional (USD); refusals carry a code and a reason with the numbers. Pure.
 */
export function assessSignal(signal: Signal, nowMs: number, portfolio: PortfolioView, inputs: RiskInputs): RiskDecision {
  if (!signal.executable) {
    return rejected(signal, nowMs, "not_executable", `a leg is not tradable on the venue (${signal.legs.map((l) => l.market.key).join(", ")}): recorded only`);
  }
  const sized = sizeSignal(signal, portfolio.equityUsd, nowMs, inputs.config, inputs.szDecimals, inputs.costPerSide);
  if (!sized.ok) return rejected(signal, nowMs, sized.code, sized.reason);
  const legs = signal.legs.map((l) => ({ market: l.market, side: l.side, notionalUsd: sized.sz * l.entryPx }));
  const limits = checkPortfolioLimits({ legs }, portfolio, inputs.config, inputs.correlation);
  if (!limits.ok) return rejected(signal, nowMs, limits.code, limits.reason);
  return {
    signalId: signal.id,
    tsMs: nowMs,
    accepted: true,
    code: "ok",
    reason: `size ${sized.sz} (${sized.notionalUsd.toFixed(2)} USD) risks ${(sized.sz * (sized.stopDistanceUsd + sized.costPerCoinUsd)).toFixed(2)} USD of the ${sized.budgetUsd.toFixed(2)} USD budget (stop ${(sized.stopDistance * 100).toFixed(3)} %, ${signal.confidence} × ${sized.confidenceMultiplier}, age factor ${sized.ageFactor.toFixed(3)}${sized.capped ? ", capped at the maximum notional" : ""})`,
    sz: sized.sz,
    notionalUsd: sized.notionalUsd,
  };
}
