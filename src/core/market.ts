/**
 * Markets: one tradable book on one venue.
 *
 * A perp is named by its coin (`BTC`); a spot pair by its readable pair name (`UBTC/USDC`),
 * never by Hyperliquid's `@N` index (resolved at the venue edge). `base` is the asset the
 * market prices (`BTC` for both the `BTC` perp and the `UBTC/USDC` pair), which is how a perp
 * finds its spot leg.
 */
export type MarketKind = "perp" | "spot";

/** Venues we read data from. Only Hyperliquid is tradable; others are research references. */
export type VenueName = "hyperliquid" | "binance";

export interface Market {
  /** Stable key, unique per venue/kind/symbol, e.g. `hyperliquid:perp:BTC`. */
  readonly key: string;
  readonly venue: VenueName;
  readonly kind: MarketKind;
  /** Venue symbol: perp coin (`BTC`) or spot pair name (`UBTC/USDC`). */
  readonly symbol: string;
  /** Base asset this market prices (`BTC`). */
  readonly base: string;
}

const interned = new Map<string, Market>();

/**
 * Returns the one shared `Market` object for this venue/kind/symbol, so that markets can be
 * compared by reference and used as map keys cheaply.
 */
export function market(venue: VenueName, kind: MarketKind, symbol: string, base: string): Market {
  const key = `${venue}:${kind}:${symbol}`;
  const found = interned.get(key);
  if (found !== undefined) {
    return found;
  }
  const created: Market = Object.freeze({ key, venue, kind, symbol, base });
  interned.set(key, created);
  return created;
}

/** A Hyperliquid perpetual, named by its coin. */
export function perp(coin: string): Market {
  return market("hyperliquid", "perp", coin, coin);
}

/** A Hyperliquid spot pair, by readable pair name and the base asset it maps to. */
export function spot(pair: string, base: string): Market {
  return market("hyperliquid", "spot", pair, base);
}
