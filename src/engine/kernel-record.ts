import type { EquitySnapshot, FundingPayment, Outcome, PaperFill, PaperOrder, PaperPosition, RiskDecision, UnfilledOrder } from "../paper/index.ts";
import type { Signal } from "../strategies/index.ts";

/**
 * What the kernel returns for persistence, in the order it happened. The same shape as the
 * journal's `JournalRecord` (the engine may not import the journal, a layer rule; the types are
 * structurally equal, so the records go to `Journal.writeBatch` as they are):
 *
 * | kind       | what                                                                        |
 * | ---------- | --------------------------------------------------------------------------- |
 * | `signal`   | every signal a strategy fired, taken or not                                  |
 * | `decision` | exactly one per signal: signal book, lifecycle or risk verdict               |
 * | `order`    | entry orders (released with their position) and exit orders                  |
 * | `fill`     | executions                                                                   |
 * | `position` | a position when it opens and its final state when it closes                  |
 * | `outcome`  | a closed position's result                                                   |
 * | `funding`  | an hourly settlement on an open perp leg                                     |
 * | `equity`   | the account marked to market (at most one per ms)                            |
 * | `unfilledOrder` | an entry order that gave up without a fill (its position never opened)  |
 */
export type KernelRecord =
  | { readonly kind: "signal"; readonly signal: Signal }
  | { readonly kind: "decision"; readonly decision: RiskDecision }
  | { readonly kind: "order"; readonly order: PaperOrder }
  | { readonly kind: "fill"; readonly fill: PaperFill }
  | { readonly kind: "position"; readonly position: PaperPosition }
  | { readonly kind: "outcome"; readonly outcome: Outcome }
  | { readonly kind: "funding"; readonly payment: FundingPayment }
  | { readonly kind: "equity"; readonly snapshot: EquitySnapshot }
  | { readonly kind: "unfilledOrder"; readonly unfilled: UnfilledOrder };
