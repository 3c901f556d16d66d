import type { Market } from "../core/index.ts";
import type { PositionSide } from "../paper/types.ts";

/** One leg the account holds or has an entry pending for, marked to market. */
export interface ExposureLeg {
  readonly positionId: string;
  readonly market: Market;
  readonly side: PositionSide;
  /** |sz × mark|, USD. */
  readonly notionalUsd: number;
}

/** What the risk layer needs to know about the account at one instant (the broker's `portfolio()`). */
export interface PortfolioView {
  readonly tsMs: number;
  /** Cash + unrealised P&L, USD. */
  readonly equityUsd: number;
  /** Equity at the start of the current UTC day (or at the first event of the run), USD. */
  readonly dayStartEquityUsd: number;
  /** Open positions plus entries still pending a fill. */
  readonly openPositions: number;
  /** Legs of open positions and of pending entries. */
  readonly legs: readonly ExposureLeg[];
}

/**
 * Measured correlation of two coins' returns (e.g. a `CorrelationMatrix` lookup), in [−1, 1], or
 * `undefined` when not measured yet. Coins are base assets (`BTC`), so a perp and its spot pair
 * are the same coin.
 */
export type CorrelationLookup = (coinA: string, coinB: string) => number | undefined;

/** An empty account with `equityUsd` and nothing open. */
export function flatPortfolio(equityUsd: number, tsMs = 0): PortfolioView {
  return { tsMs, equityUsd, dayStartEquityUsd: equityUsd, openPositions: 0, legs: [] };
}
