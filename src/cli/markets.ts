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
import { SpotResolver } from "../venues/hyperliquid/spot.ts";
import type { SpotPair } from "../venues/hyperliquid/spot.ts";

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
 * @throws ConfigError when a configured coin is not a listed perp; VenueError when REST fails after retries.
 */
export async function resolveMarkets(config: Config, rest: HyperliquidRest, log: Logger): Promise<ResolvedMarkets> {
  const perps = await rest.metaAndAssetCtxs();
  const known = new Set(perps.universe.map((p) => p.name));
  for (const coin of config.coins) {
    if (!known.has(coin)) {
      throw new ConfigError("coins", coin, `a perp listed by the venue (${perps.universe.length} listed, e.g. ${[...known].slice(0, 5).join(", ")})`);
    }
  }
  if (!config.spot.enabled) return { coins: config.coins, spotPairs: [], resolver: SpotResolver.empty(), spotMetaRaw: undefined };

  const spotAnswer = await rest.spotMetaAndAssetCtxs();
  const spotMeta: unknown = Array.isArray(spotAnswer.body) ? spotAnswer.body[0] : undefined;
  const resolver = SpotResolver.fromSpotMeta(spotMeta, config.spot.baseAliases);
  const oracleOf = new Map(perps.contexts.map((c) => [c.market.symbol, c.oraclePx]));
  const spotMidOf = new Map(spotAnswer.contexts.map((c) => [c.market.symbol, c.midPx ?? c.markPx]));
  const spotPairs: SpotPair[] = [];
  for (const coin of config.coins) {
    const pair = resolver.byBase(coin);
    if (pair === undefined) {
      log.info({ coin }, "no spot pair on the venue for this coin; the perp only");
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
  return { coins: config.coins, spotPairs, resolver, spotMetaRaw: JSON.stringify(spotMeta) };
}
