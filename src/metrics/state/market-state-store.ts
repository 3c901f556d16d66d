import type { Market, MarketEvent } from "../../core/index.ts";
import { MarketState } from "./market-state.ts";
import type { MarketStateOptions, PricePoint } from "./market-state.ts";

/**
 * Per-market state for every market seen, keyed by `market.key`, with each perp linked to a
 * spot pair of the same base (`BTC` ↔ `UBTC/USDC`). The first spot pair seen for a base is its
 * reference unless {@link MarketStateStore.linkSpot} says otherwise. Memory: one
 * {@link MarketState} per market seen, each bounded.
 */
export class MarketStateStore {
  private readonly states = new Map<string, MarketState>();
  /** base → key of the spot market that is the reference for that base. */
  private readonly spotByBase = new Map<string, string>();
  private readonly options: MarketStateOptions;

  constructor(options: MarketStateOptions = {}) {
    this.options = options;
  }

  /** Routes an event to its market's state; status events touch no market. */
  update(event: MarketEvent): void {
    if (event.kind === "status") return;
    this.stateFor(event.market).update(event);
  }

  /** The state of `market` (created empty on first use). */
  stateFor(market: Market): MarketState {
    let state = this.states.get(market.key);
    if (state === undefined) {
      state = new MarketState(market, this.options);
      this.states.set(market.key, state);
      if (market.kind === "spot" && !this.spotByBase.has(market.base)) {
        this.spotByBase.set(market.base, market.key);
      }
    }
    return state;
  }

  /** The state of `market` if any event for it was seen. */
  get(market: Market): MarketState | undefined {
    return this.states.get(market.key);
  }

  /** Makes `spotMarket` the spot reference for its base (overrides first-seen). */
  linkSpot(spotMarket: Market): void {
    this.stateFor(spotMarket);
    this.spotByBase.set(spotMarket.base, spotMarket.key);
  }

  /** The spot market state linked to a perp's base, if one was seen. */
  spotStateFor(perpMarket: Market): MarketState | undefined {
    const key = this.spotByBase.get(perpMarket.base);
    return key === undefined ? undefined : this.states.get(key);
  }

  /** The spot reference price for a perp: its spot pair's freshest mid or close. */
  spotReference(perpMarket: Market): PricePoint | undefined {
    return this.spotStateFor(perpMarket)?.latestMid;
  }

  /** Every market state, in first-seen order. */
  all(): MarketState[] {
    return [...this.states.values()];
  }
}
