import type { Market } from "../core/index.ts";

/** A perp got a (new) spot leg: create its two-leg strategies against `spot`, retire those against `replaced`. */
export interface LegChange {
  readonly perp: Market;
  readonly spot: Market;
  /** True when `spot` is not on Hyperliquid (a Binance series): signals are research only, not executable. */
  readonly researchOnly: boolean;
  /** The leg `spot` replaces (a Binance series giving way to the venue's pair), if any. */
  readonly replaced: Market | undefined;
}

const isHyperliquidPerp = (m: Market): boolean => m.venue === "hyperliquid" && m.kind === "perp";

/**
 * Pairs each Hyperliquid perp with one spot leg of the same base asset, from the markets seen so
 * far, in event order (so the same input always pairs the same way):
 *
 * 1. the Hyperliquid spot pair of that base (`UBTC/USDC` for `BTC`), the first one seen;
 * 2. otherwise, while the venue has shown no pair of that base, the first Binance spot series of
 *    that base (`BTC/USDT`), flagged research-only: its basis is a reference, not a trade;
 * 3. once a Hyperliquid pair of the base appears, it replaces a Binance leg for good (never the
 *    other way round).
 *
 * A leg is known from the first event of the market that reaches the kernel (Hyperliquid spot
 * candles pass the spot-leg filter first), the perp from its first event. Pure.
 */
export class LegPairing {
  private readonly perps = new Map<string, Market>();
  private readonly venueSpot = new Map<string, Market>();
  private readonly externalSpot = new Map<string, Market>();
  private readonly seen = new Set<string>();

  /** Notes that `market` has been seen; returns the leg changes that causes (at most one). */
  observe(market: Market): LegChange[] {
    if (this.seen.has(market.key)) return [];
    this.seen.add(market.key);
    const base = market.base;
    if (isHyperliquidPerp(market)) {
      if (this.perps.has(base)) return [];
      this.perps.set(base, market);
      const leg = this.legOf(base);
      return leg === undefined ? [] : [{ perp: market, spot: leg, researchOnly: leg.venue !== "hyperliquid", replaced: undefined }];
    }
    if (market.kind !== "spot") return [];
    const perp = this.perps.get(base);
    if (market.venue === "hyperliquid") {
      if (this.venueSpot.has(base)) return [];
      const replaced = this.externalSpot.get(base);
      this.venueSpot.set(base, market);
      return perp === undefined ? [] : [{ perp, spot: market, researchOnly: false, replaced }];
    }
    if (this.externalSpot.has(base)) return [];
    this.externalSpot.set(base, market);
    if (perp === undefined || this.venueSpot.has(base)) return [];
    return [{ perp, spot: market, researchOnly: true, replaced: undefined }];
  }

  /** The current leg of a base asset's perp. */
  legOf(base: string): Market | undefined {
    return this.venueSpot.get(base) ?? this.externalSpot.get(base);
  }
}
