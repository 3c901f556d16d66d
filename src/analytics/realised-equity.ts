import type { Outcome } from "../paper/index.ts";
import type { EquityPoint } from "./daily-returns.ts";

/**
 * A realised-only equity curve from closed positions: starting balance plus the cumulative net
 * P&L (fees and funding included) booked at each position's close time. Used for per-strategy
 * curves when the account snapshots (which are not split by strategy) cannot be used; it has no
 * mark-to-market of open positions, which `CONVENTIONS` states beside every per-strategy figure.
 * @param startingBalanceUsd capital the returns are measured against, USD.
 */
export function realisedEquityPoints(outcomes: readonly Pick<Outcome, "closedMs" | "pnlUsd">[], startingBalanceUsd: number): EquityPoint[] {
  const sorted = [...outcomes].sort((a, b) => a.closedMs - b.closedMs);
  let equity = startingBalanceUsd;
  return sorted.map((o) => {
    equity += o.pnlUsd;
    return { tsMs: o.closedMs, equityUsd: equity };
  });
}
