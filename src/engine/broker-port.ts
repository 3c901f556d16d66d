import type { Market, MarketEvent } from "../core/index.ts";
import type { BrokerRecord, EquitySnapshot, RiskDecision } from "../paper/index.ts";
import type { PortfolioView } from "../risk/index.ts";
import type { Signal } from "../strategies/index.ts";

/**
 * What the trading kernel needs from a paper broker. The broker is pure and deterministic: it
 * takes time only from its arguments and returns what happened as {@link BrokerRecord} values.
 *
 * The kernel processes one instant (all events with the same venue time) at a time, in an order
 * that does not depend on the input's: `onEvent` for each event (pending entries fill, price exits
 * are checked, funding settles, marks move), then `onInstantEnd` (time exits), then `onSignal` for
 * each signal fired at that instant, with its decision (accepted or not: an opposite signal of the same strategy may close its
 * position as a reversal either way). So a signal fired on a bar's close can fill no earlier
 * than the next event of its market (the bar fill model's next bar open): no look-ahead.
 */
export interface KernelBroker {
  /** Feeds one event at `nowMs` (event time, ms); returns the records it caused, in order. */
  onEvent(event: MarketEvent, nowMs: number): readonly BrokerRecord[];
  /** Takes a signal and its decision; an accepted one places its entry (`decision.sz` coins per leg). Returns the records it caused. */
  onSignal(signal: Signal, decision: RiskDecision, nowMs: number): readonly BrokerRecord[];
  /** End of the input: what the broker does with pending entries and open positions (the paper broker closes them, `endOfData`). */
  finish(nowMs: number): readonly BrokerRecord[];
  /** The account for the risk layer at `nowMs`. */
  portfolio(nowMs: number): PortfolioView;
  /** The broker's state as JSON-safe data (for a checkpoint and a live warm restart). */
  snapshot(): unknown;
  /** Every event of the instant `nowMs` has been processed (time-based exits happen now). Optional. */
  onInstantEnd?(nowMs: number): readonly BrokerRecord[];
  /** Expected cost of one fill in `market` beyond the taker fee, fraction (the cost model sizing shares). Optional. */
  costPerSide?(market: Market): number;
  /** The account at `tsMs`, marked with every market's latest price (replaces a snapshot taken mid-instant). Optional. */
  equityAt?(tsMs: number): EquitySnapshot;
}
