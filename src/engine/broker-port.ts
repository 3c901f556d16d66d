import type { MarketEvent } from "../core/index.ts";
import type { BrokerRecord, RiskDecision } from "../paper/index.ts";
import type { PortfolioView } from "../risk/index.ts";
import type { Signal } from "../strategies/index.ts";

/**
 * What the trading kernel needs from a paper broker. The broker is pure and deterministic: it
 * takes time only from its arguments and returns what happened as {@link BrokerRecord} values.
 *
 * The kernel calls, for every event, `onEvent` first (pending entries fill, exits are checked,
 * funding settles, equity is marked) and then `submit` for each signal the risk layer accepted
 * at that event. So a signal fired on a bar's close can fill no earlier than the next event of
 * its market (the bar fill model's next bar open): no look-ahead.
 */
export interface KernelBroker {
  /** Feeds one event at `nowMs` (event time, ms); returns the records it caused, in order. */
  onEvent(event: MarketEvent, nowMs: number): readonly BrokerRecord[];
  /** Places the entry of an accepted signal (`decision.sz` coins per leg); returns the records it caused. */
  submit(signal: Signal, decision: RiskDecision, nowMs: number): readonly BrokerRecord[];
  /** The account for the risk layer at `nowMs`. */
  portfolio(nowMs: number): PortfolioView;
  /** The broker's state as JSON-safe data (for a checkpoint and a live warm restart). */
  snapshot(): unknown;
}
