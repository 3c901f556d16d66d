/**
 * Which markets a live session watches: the perp universe and the spot pairs, resolved over REST
 * at start (never hard-coded: spot `@N` indices differ between networks).
 *
 * The one implementation, used by `run` and `record`, so a live session and a recording watch
 * the same markets.
 */
import { ConfigError } from "../core/index.ts";
import type { Config, Logger } from "../config/index.ts";
import type { HyperliquidRest } from "../venues/hyperliquid/rest.ts";
import { delistedPerpNames } from "../venues/hyperliquid/scan-inputs.ts";
import { SpotResolver } from "../venues/hyperliquid/spot.ts";
import type { SpotPair } from "../venues/hyperliquid/spot.ts";
import type { MetaAndAssetCtxsResult } from "../venues/hyperliquid/rest.ts";

/**
 * A coin list that names no coin but a selection of the venue's perps: `all` (every listed perp)
 * or `topN` (the N with the largest 24 h notional volume, e.g. `top20`), resolved at start.
 * Either way delisted perps are skipped and the selection is cut to what fits the subscription
 * limit (`live.maxSubscriptions`), the most traded first.
 */
export type CoinSelection = { readonly kind: "list"; readonly coins: readonly string[] } | { readonly kind: "all" } | { readonly kind: "top"; readonly n: number };

/** Reads `coins` as a list or a venue-wide selection (`["all"]`, `["top20"]`). */
export function coinSelection(coins: readonly string[]): CoinSelection {
  const only = coins.length === 1 ? coins[0] : undefined;
  if (only === "all") return { kind: "all" };
  const top = only === undefined ? null : /^top([1-9][0-9]{0,3})$/.exec(only);
  if (top !== null && top[1] !== undefined) return { kind: "top", n: Number(top[1]) };
  return { kind: "list", coins };
}

/** WebSocket subscriptions a perp takes (book, top of book, trades, context, one candle per interval) and a spot pair (book, top of book, context). */
export function subscriptionsPerPerp(intervals: number): number {
  return 4 + intervals;
}
export const SUBSCRIPTIONS_PER_SPOT_PAIR = 3;

/** A spot mid further than this from the perp's oracle price is not the same asset (or a dead book). Fraction. */
export const MAX_SPOT_ORACLE_DEVIATION = 0.05;

/** The markets of a live session. */
export interface ResolvedMarkets {
  /** The configured perp coins, each checked to be listed by the venue. */
  readonly coins: readonly string[];
  /** Spot pairs that passed the oracle sanity check, one per coin at most. */
  readonly spotPairs: readonly SpotPair[];
  /** Maps the wire names (`@142`) to readable pairs; empty when spot is disabled. */
  readonly resolver: SpotResolver;
  /** The venue's spotMeta answer as JSON text (for the capture, so replay resolves `@N` alike); undefined when spot is disabled. */
  readonly spotMetaRaw: string | undefined;
}

/**
 * Asks the venue for `metaAndAssetCtxs` (and `spotMetaAndAssetCtxs` when spot is enabled), checks
 * every configured coin is a listed perp, and picks each coin's spot pair whose mid lies within
 * {@link MAX_SPOT_ORACLE_DEVIATION} of the perp's oracle price (others are logged and skipped).
 * @throws ConfigError when a configured coin is not a listed perp; VenueError when REST fails after retries;
 *   the abort reason when `signal` (the caller's stop) fires.
 */
export async function resolveMarkets(config: Config, rest: HyperliquidRest, log: Logger, signal?: AbortSignal): Promise<ResolvedMarkets> {
  const perps = await rest.metaAndAssetCtxs(signal === undefined ? {} : { signal });
  const known = new Set(perps.universe.map((p) => p.name));
  const selection = coinSelection(config.coins);
  const delisted = delistedPerpNames(perps.body);
  let coins: readonly string[];
  if (selection.kind === "list") {
    for (const coin of config.coins) {
      if (!known.has(coin)) {
        throw new ConfigError("coins", coin, `a perp listed by the venue (${perps.universe.length} listed, e.g. ${[...known].slice(0, 5).join(", ")}), or "all", or "topN"`);
      }
      if (delisted.has(coin)) log.warn({ coin }, "the venue marks this perp delisted; watching it anyway because it was named");
    }
    coins = config.coins;
  } else {
    coins = byVolume(perps, delisted);
    if (delisted.size > 0) log.info({ skipped: [...delisted].sort(), count: delisted.size }, "delisted perps skipped");
    if (selection.kind === "top") coins = coins.slice(0, selection.n);
  }
  if (!config.spot.enabled) {
    const fitted = fitSubscriptions(coins, () => false, config, log);
    return { coins: fitted, spotPairs: [], resolver: SpotResolver.empty(), spotMetaRaw: undefined };
  }

  const spotAnswer = await rest.spotMetaAndAssetCtxs(signal === undefined ? {} : { signal });
  const spotMeta: unknown = Array.isArray(spotAnswer.body) ? spotAnswer.body[0] : undefined;
  const resolver = SpotResolver.fromSpotMeta(spotMeta, config.spot.baseAliases);
  const oracleOf = new Map(perps.contexts.map((c) => [c.market.symbol, c.oraclePx]));
  const spotMidOf = new Map(spotAnswer.contexts.map((c) => [c.market.symbol, c.midPx ?? c.markPx]));
  const spotPairs: SpotPair[] = [];
  const venueWide = selection.kind !== "list";
  for (const coin of coins) {
    const pair = resolver.byBase(coin);
    if (pair === undefined) {
      // Venue-wide, most perps have no spot pair: one summary line instead of one per coin.
      if (!venueWide) log.info({ coin }, "no spot pair on the venue for this coin; the perp only");
      continue;
    }
    const oracle = oracleOf.get(coin);
    const mid = spotMidOf.get(pair.pairName);
    if (oracle !== undefined && mid !== undefined && Math.abs(mid / oracle - 1) > MAX_SPOT_ORACLE_DEVIATION) {
      log.warn({ coin, pair: pair.pairName, spotMid: mid, perpOracle: oracle }, "spot mid is more than 5 % from the perp oracle; skipping this spot leg");
      continue;
    }
    spotPairs.push(pair);
  }
  const spotOf = new Map(spotPairs.map((p) => [p.market.base, p]));
  const fitted = fitSubscriptions(coins, (coin) => spotOf.has(coin), config, log);
  const kept = new Set(fitted);
  const keptPairs = spotPairs.filter((p) => kept.has(p.market.base));
  if (venueWide) log.info({ perps: fitted.length, withSpotPair: keptPairs.length }, "venue-wide selection: perps watched and those with a spot pair");
  return { coins: fitted, spotPairs: keptPairs, resolver, spotMetaRaw: JSON.stringify(spotMeta) };
}

/** Listed, not delisted perps, the largest 24 h notional volume first (ties by name). */
function byVolume(perps: MetaAndAssetCtxsResult, delisted: ReadonlySet<string>): string[] {
  const volume = new Map(perps.contexts.map((c) => [c.market.symbol, c.dayNotionalVolumeUsd ?? 0]));
  return perps.universe
    .map((p) => p.name)
    .filter((name) => !delisted.has(name))
    .sort((a, b) => (volume.get(b) ?? 0) - (volume.get(a) ?? 0) || (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * The coins, in order, whose subscriptions (and their spot pairs') fit `live.maxSubscriptions`;
 * the rest are left out with a warning naming them (a named list that does not fit is an error).
 * @throws ConfigError when an explicitly named list needs more subscriptions than the limit.
 */
function fitSubscriptions(coins: readonly string[], hasSpot: (coin: string) => boolean, config: Config, log: Logger): string[] {
  const perPerp = subscriptionsPerPerp(config.candleIntervals.length);
  const limit = config.live.maxSubscriptions;
  const kept: string[] = [];
  const left: string[] = [];
  let used = 0;
  for (const coin of coins) {
    const need = perPerp + (hasSpot(coin) ? SUBSCRIPTIONS_PER_SPOT_PAIR : 0);
    if (used + need <= limit) {
      kept.push(coin);
      used += need;
    } else {
      left.push(coin);
    }
  }
  if (left.length > 0) {
    if (coinSelection(config.coins).kind === "list") {
      throw new ConfigError("coins", config.coins.join(","), `coins whose subscriptions fit live.maxSubscriptions = ${limit} (${perPerp} per perp + ${SUBSCRIPTIONS_PER_SPOT_PAIR} per spot pair; ${left.length} do not fit)`);
    }
    log.warn({ left: left.length, first: left.slice(0, 10), limit, used }, "venue-wide selection cut to the subscription limit (the least traded left out)");
  }
  return kept;
}
