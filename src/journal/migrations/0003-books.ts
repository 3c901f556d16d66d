import type { Migration } from "./migration.ts";

/**
 * Paper books. Every strategy now trades its own paper account beside the combined one (see
 * docs/ENGINE.md, "Books"), so the rows a book produces name it: `book` is a strategy id, or
 * `combined` for the account every strategy shares. Rows written before this migration were all
 * the combined account's, and get `combined`.
 *
 * - `positions`, `orders`, `fills`, `outcomes`, `funding_payments`, `unfilled_orders` gain `book`
 *   (their ids stay unique: a strategy book's position ids are `<book>/pos:<signal id>`).
 * - `risk_decisions` is keyed by (`signal_id`, `book`): a signal is decided once in each book that
 *   trades it. SQLite cannot change a primary key in place, so the table is rebuilt.
 * - `equity_snapshots` is keyed by (`book`, `ts_ms`), rebuilt likewise.
 * - `signal_decisions` shows the combined book's decision, as before, and the strategy's own book's
 *   beside it (`own_accepted`, `own_decision_code`, `own_decision_reason`).
 */
export const migration0003: Migration = {
  version: 3,
  name: "books",
  sql: `
ALTER TABLE positions ADD COLUMN book TEXT NOT NULL DEFAULT 'combined';
ALTER TABLE orders ADD COLUMN book TEXT NOT NULL DEFAULT 'combined';
ALTER TABLE fills ADD COLUMN book TEXT NOT NULL DEFAULT 'combined';
ALTER TABLE outcomes ADD COLUMN book TEXT NOT NULL DEFAULT 'combined';
ALTER TABLE funding_payments ADD COLUMN book TEXT NOT NULL DEFAULT 'combined';
ALTER TABLE unfilled_orders ADD COLUMN book TEXT NOT NULL DEFAULT 'combined';
DROP INDEX outcomes_by_strategy_closed;
DROP INDEX outcomes_by_closed;
CREATE INDEX outcomes_by_book_strategy_closed ON outcomes (book, strategy, closed_ms);
CREATE INDEX outcomes_by_book_closed ON outcomes (book, closed_ms);
CREATE INDEX positions_by_book_opened ON positions (book, opened_ms);

DROP VIEW signal_decisions;

CREATE TABLE risk_decisions_by_book (
  signal_id TEXT NOT NULL REFERENCES signals (id) DEFERRABLE INITIALLY DEFERRED,
  book TEXT NOT NULL,
  ts_ms INTEGER NOT NULL,
  accepted INTEGER NOT NULL CHECK (accepted IN (0, 1)),
  code TEXT NOT NULL,
  reason TEXT NOT NULL,
  sz REAL,
  notional_usd REAL,
  PRIMARY KEY (signal_id, book)
) STRICT, WITHOUT ROWID;
INSERT INTO risk_decisions_by_book (signal_id, book, ts_ms, accepted, code, reason, sz, notional_usd)
  SELECT signal_id, 'combined', ts_ms, accepted, code, reason, sz, notional_usd FROM risk_decisions;
DROP TABLE risk_decisions;
ALTER TABLE risk_decisions_by_book RENAME TO risk_decisions;

CREATE TABLE equity_snapshots_by_book (
  book TEXT NOT NULL,
  ts_ms INTEGER NOT NULL,
  equity_usd REAL NOT NULL,
  cash_usd REAL NOT NULL,
  unrealized_usd REAL NOT NULL,
  open_positions INTEGER NOT NULL,
  gross_exposure_usd REAL NOT NULL,
  PRIMARY KEY (book, ts_ms)
) STRICT, WITHOUT ROWID;
INSERT INTO equity_snapshots_by_book (book, ts_ms, equity_usd, cash_usd, unrealized_usd, open_positions, gross_exposure_usd)
  SELECT 'combined', ts_ms, equity_usd, cash_usd, unrealized_usd, open_positions, gross_exposure_usd FROM equity_snapshots;
DROP TABLE equity_snapshots;
ALTER TABLE equity_snapshots_by_book RENAME TO equity_snapshots;

-- Every signal with the combined book's decision (NULL columns: none recorded yet), why an accepted
-- entry never filled (entry_unfilled_code), and its strategy's own book's decision (own_*).
CREATE VIEW signal_decisions AS
SELECT s.*, d.accepted AS accepted, d.code AS decision_code, d.reason AS decision_reason,
       d.ts_ms AS decision_ms, d.sz AS decision_sz, d.notional_usd AS decision_notional_usd,
       u.code AS entry_unfilled_code,
       o.accepted AS own_accepted, o.code AS own_decision_code, o.reason AS own_decision_reason
FROM signals s
LEFT JOIN risk_decisions d ON d.signal_id = s.id AND d.book = 'combined'
LEFT JOIN unfilled_orders u ON u.signal_id = s.id AND u.leg_index = 0 AND u.book = 'combined'
LEFT JOIN risk_decisions o ON o.signal_id = s.id AND o.book = s.strategy;
`,
};
