import type { Migration } from "./migration.ts";

/**
 * Entry orders that never filled. An `orders` row references its position (NOT NULL, a foreign
 * key), and an entry that gives up never opens one, so until now such orders were counted but not
 * kept. A separate table, rather than making `orders.position_id` nullable, because:
 * - SQLite cannot drop a NOT NULL in place: the migration would rebuild `orders` (and re-point
 *   `fills`' foreign key) in every journal in the field;
 * - "every order belongs to a position" stays true, so the report's joins over orders and fills
 *   need no `position_id IS NOT NULL` guard;
 * - an unfilled order has facts an order row has no column for: when and why it gave up.
 *
 * `position_id` is the id the position would have had (`pos:<signal id>`); it is never a
 * `positions` row, so it has no foreign key. `placed_ms` is the order's time, `ts_ms` the instant
 * it gave up. The `signal_decisions` view gains `entry_unfilled_code` (the code of the primary leg's
 * unfilled entry, NULL when it filled or none was placed).
 */
export const migration0002: Migration = {
  version: 2,
  name: "unfilled-orders",
  sql: `
CREATE TABLE unfilled_orders (
  order_id TEXT PRIMARY KEY,
  signal_id TEXT NOT NULL REFERENCES signals (id) DEFERRABLE INITIALLY DEFERRED,
  position_id TEXT NOT NULL,
  leg_index INTEGER NOT NULL,
  market TEXT NOT NULL REFERENCES markets (key) DEFERRABLE INITIALLY DEFERRED,
  side TEXT NOT NULL CHECK (side IN ('buy', 'sell')),
  sz REAL NOT NULL,
  placed_ms INTEGER NOT NULL,
  ts_ms INTEGER NOT NULL,
  code TEXT NOT NULL,
  reason TEXT NOT NULL
) STRICT;
CREATE INDEX unfilled_orders_by_signal ON unfilled_orders (signal_id);
CREATE INDEX unfilled_orders_by_ts ON unfilled_orders (ts_ms);

DROP VIEW signal_decisions;
-- Every signal with its risk decision (NULL columns: no decision recorded yet) and, for an accepted
-- one whose entry never filled, why (entry_unfilled_code).
CREATE VIEW signal_decisions AS
SELECT s.*, d.accepted AS accepted, d.code AS decision_code, d.reason AS decision_reason,
       d.ts_ms AS decision_ms, d.sz AS decision_sz, d.notional_usd AS decision_notional_usd,
       u.code AS entry_unfilled_code
FROM signals s
LEFT JOIN risk_decisions d ON d.signal_id = s.id
LEFT JOIN unfilled_orders u ON u.signal_id = s.id AND u.leg_index = 0;
`,
};
