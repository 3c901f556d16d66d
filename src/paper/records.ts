import type { EquitySnapshot, FundingPayment, Outcome, PaperFill, PaperOrder, PaperPosition } from "./types.ts";

/**
 * What the paper broker produces, as values, in the order they happened. The journal persists
 * them; nothing else is a side effect of the broker. Times are event time (ms, UTC).
 *
 * | kind             | when                                                                 |
 * | ---------------- | -------------------------------------------------------------------- |
 * | `order`          | an entry (accepted signal) or exit (exit rule fired) order is placed  |
 * | `fill`           | an order (or part of it) executed                                     |
 * | `orderUnfilled`  | an entry order gave up (one per leg): signal expired, no book / bar in the wait, end of data; its slot is free |
 * | `positionOpened` | every leg of an entry has filled                                      |
 * | `positionClosed` | every leg of an exit has filled; `position` carries final fees/funding |
 * | `outcome`        | right after `positionClosed`: the closed position's result            |
 * | `funding`        | an hourly settlement on an open perp leg                              |
 * | `equity`         | on each UTC hour boundary of event time, and after every position change |
 */
export type BrokerRecord =
  | { readonly kind: "order"; readonly order: PaperOrder }
  | { readonly kind: "fill"; readonly fill: PaperFill }
  | {
      readonly kind: "orderUnfilled";
      readonly orderId: string;
      readonly signalId: string;
      readonly positionId: string;
      /** When it gave up: the first instant it could no longer fill (or the end of the data), ms. */
      readonly tsMs: number;
      /** machine-readable: "expired", "no_book" (book model), "no_bar" (bar model), "end_of_data" */
      readonly code: string;
      /** human-readable with the numbers */
      readonly reason: string;
      /** The order as placed, for the journal (`unfilled_orders`). */
      readonly order: PaperOrder;
    }
  | { readonly kind: "positionOpened"; readonly position: PaperPosition }
  | { readonly kind: "positionClosed"; readonly position: PaperPosition; readonly closedMs: number }
  | { readonly kind: "outcome"; readonly outcome: Outcome }
  | { readonly kind: "funding"; readonly payment: FundingPayment }
  | { readonly kind: "equity"; readonly snapshot: EquitySnapshot };

/** The `kind` of a {@link BrokerRecord}. */
export type BrokerRecordKind = BrokerRecord["kind"];
