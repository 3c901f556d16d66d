import type { BookId } from "../core/index.ts";
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
 *
 * Every kind but `signal` belongs to a paper book (`book`: a strategy id for the strategy's own
 * book, `combined` for the combined one; absent means the combined book, as in
 * journals written before books existed). A signal is recorded once and decided in each book
 * that trades it: its strategy's own and the combined.
 */
export type KernelRecord =
  | { readonly kind: "signal"; readonly signal: Signal }
  | { readonly kind: "decision"; readonly book?: BookId; readonly decision: RiskDecision }
  | { readonly kind: "order"; readonly book?: BookId; readonly order: PaperOrder }
  | { readonly kind: "fill"; readonly book?: BookId; readonly fill: PaperFill }
  | { readonly kind: "position"; readonly book?: BookId; readonly position: PaperPosition }
  | { readonly kind: "outcome"; readonly book?: BookId; readonly outcome: Outcome }
  | { readonly kind: "funding"; readonly book?: BookId; readonly payment: FundingPayment }
  | { readonly kind: "equity"; readonly book?: BookId; readonly snapshot: EquitySnapshot }
  | { readonly kind: "unfilledOrder"; readonly book?: BookId; readonly unfilled: UnfilledOrder };
