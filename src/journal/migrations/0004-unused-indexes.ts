import type { Migration } from "./migration.ts";

/**
 * Drops two indices of `positions` that no query reads, each an entry to write per position for
 * nothing (issue 15, "Journal cost"):
 * - `positions_by_strategy_opened` (`strategy, opened_ms`, migration 1): no read selects
 *   positions by strategy (the report reads outcomes, which have their own indices);
 * - `positions_by_book_opened` (`book, opened_ms`, migration 3): the one read of positions by book,
 *   the open positions, is served by the partial index `positions_open` (open positions only).
 *
 * Every other index serves a read of the report, the resume or the dashboard, or a deferred
 * foreign key (the child side of `orders.position_id`, `fills.order_id`, `fills.position_id`,
 * `unfilled_orders.signal_id`, which SQLite searches when a parent row is written while a
 * reference waits for it).
 */
export const migration0004: Migration = {
  version: 4,
  name: "unused-indexes",
  sql: `
DROP INDEX positions_by_strategy_opened;
DROP INDEX positions_by_book_opened;
`,
};
