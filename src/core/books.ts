/**
 * Paper books. Every strategy trades its own paper account (its own book, named by the strategy
 * id), so its verdict is its own; the combined portfolio, where all strategies share one account
 * and its correlation and exposure limits, runs beside them as the book named
 * {@link COMBINED_BOOK}. Journal rows of decisions, orders, fills, positions, outcomes, funding,
 * unfilled orders and equity carry their book (docs/ENGINE.md, "Books").
 */
export const COMBINED_BOOK = "combined";

/** A book's name: {@link COMBINED_BOOK} or a strategy id. */
export type BookId = string;
