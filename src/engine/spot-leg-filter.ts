import { HOUR_MS, intervalMs } from "../core/index.ts";
import type { MarketEvent } from "../core/index.ts";

/**
 * Which Hyperliquid spot candles may price a basis leg. Hyperliquid's spot history of the wrapped
 * U-tokens begins with launch-period garbage: thin books printing closes such as 7,979,573 for
 * UBTC/USDC, mostly on zero volume (PROVENANCE.md of the shared data, "HL spot launch-period
 * garbage prices"). A basis against such a bar is not a price difference anyone could trade,
 * so those bars never reach a strategy, and a pair is not "known" as a basis leg before its
 * first accepted bar (so the leg pairing waits for it too).
 *
 * Two rules, both configuration:
 * - a date rule per pair: bars opening before `notBeforeMs[pair]` are dropped;
 * - a volume rule for every Hyperliquid spot pair: a bar whose notional volume (volume × close,
 *   USD) is below `minNotionalUsdPerHour` × (bar length / 1 h) is dropped — flat zero-volume
 *   bars repeat the previous close and are stale, not prices.
 *
 * Only Hyperliquid spot candles are filtered; perps, Binance series and other event kinds pass.
 */
export interface SpotLegFilterConfig {
  /** Per pair (`UBTC/USDC`): bars opening before this time are dropped, ms since epoch (UTC). */
  readonly notBeforeMs: Readonly<Record<string, number>>;
  /** Smallest notional volume of a bar, USD per hour of bar length. Default 10 000. */
  readonly minNotionalUsdPerHour: number;
}

/**
 * The defaults, from the shared data's PROVENANCE.md (checked against the perp's 1 h closes:
 * after these hours no bar of the pair is more than 100 bps off the perp, except HYPE/USDC's six
 * isolated hours, which traded millions of USD and are real dislocations, so HYPE has no date):
 * UBTC/USDC from 2025-02-14 15:00 UTC, UETH/USDC from 2025-05-10 06:00, USOL/USDC from
 * 2025-05-16 17:00. 10 000 USD per hour is below the 1st percentile of the sane hours' notional
 * of UBTC and UETH (87 k and 25 k USD) and removes the zero-volume flat bars.
 */
export const DEFAULT_SPOT_LEG_FILTER: SpotLegFilterConfig = {
  notBeforeMs: {
    "UBTC/USDC": Date.UTC(2025, 1, 14, 15),
    "UETH/USDC": Date.UTC(2025, 4, 10, 6),
    "USOL/USDC": Date.UTC(2025, 4, 16, 17),
  },
  minNotionalUsdPerHour: 10_000,
};

/** No filtering at all (tests of other things, or data known to be clean). */
export const NO_SPOT_LEG_FILTER: SpotLegFilterConfig = { notBeforeMs: {}, minNotionalUsdPerHour: 0 };

/** Why a spot candle is dropped, or `undefined` when it may price a basis leg. */
export function spotLegRejection(event: MarketEvent, config: SpotLegFilterConfig): "before-trusted-date" | "thin-volume" | undefined {
  if (event.kind !== "candle" || event.market.venue !== "hyperliquid" || event.market.kind !== "spot") return undefined;
  const notBefore = config.notBeforeMs[event.market.symbol];
  if (notBefore !== undefined && event.openTime < notBefore) return "before-trusted-date";
  const minNotional = config.minNotionalUsdPerHour * (intervalMs(event.interval) / HOUR_MS);
  if (event.volume * event.close < minNotional) return "thin-volume";
  return undefined;
}
