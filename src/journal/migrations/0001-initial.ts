import type { Migration } from "./migration.ts";

/**
 * The first schema. Units: prices USD per coin, sizes coins, money USD, times ms since epoch
 * (UTC), rates and ratios fractions. Markets are referenced by their key
 * (`hyperliquid:perp:BTC`) and described once in `markets`. `*_json` columns hold JSON text.
 *
 * Foreign keys are DEFERRABLE INITIALLY DEFERRED: they are checked at COMMIT, so the records of
 * one batch may arrive in any order (an order names its position before the position row is
 * written) while a batch that leaves a dangling reference still fails as a whole.
 */
export const migration0001: Migration = {
  version: 1,
  name: "initial",
  sql: `
CREATE TABLE markets (
  key TEXT PRIMARY KEY,
  venue TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('perp', 'spot')),
  symbol TEXT NOT NULL,
  base TEXT NOT NULL
) STRICT;

CREATE TABLE runs (
  run_id TEXT PRIMARY KEY,
  command TEXT NOT NULL,
  input_paths_json TEXT NOT NULL,
  config_json TEXT NOT NULL,
  started_ms INTEGER NOT NULL,
  finished_ms INTEGER
) STRICT;

CREATE TABLE signals (
  id TEXT PRIMARY KEY,
  strategy TEXT NOT NULL,
  market TEXT NOT NULL REFERENCES markets (key) DEFERRABLE INITIALLY DEFERRED,
  side TEXT NOT NULL CHECK (side IN ('long', 'short')),
  confidence TEXT NOT NULL CHECK (confidence IN ('HIGH', 'MEDIUM', 'LOW')),
  entry_px REAL NOT NULL,
  stop_px REAL NOT NULL,
  target_px REAL NOT NULL,
  max_hold_ms INTEGER NOT NULL,
  created_ms INTEGER NOT NULL,
  expiry_ms INTEGER NOT NULL,
  reason TEXT NOT NULL,
  inputs_json TEXT NOT NULL,
  legs_json TEXT NOT NULL,
  spread_json TEXT,
  executable INTEGER NOT NULL CHECK (executable IN (0, 1))
) STRICT;
CREATE INDEX signals_by_strategy_created ON signals (strategy, created_ms);
CREATE INDEX signals_by_created ON signals (created_ms);

CREATE TABLE risk_decisions (
  signal_id TEXT PRIMARY KEY REFERENCES signals (id) DEFERRABLE INITIALLY DEFERRED,
  ts_ms INTEGER NOT NULL,
  accepted INTEGER NOT NULL CHECK (accepted IN (0, 1)),
  code TEXT NOT NULL,
  reason TEXT NOT NULL,
  sz REAL,
  notional_usd REAL
) STRICT;

-- Every signal with its risk decision (NULL columns: no decision recorded yet).
CREATE VIEW signal_decisions AS
SELECT s.*, d.accepted AS accepted, d.code AS decision_code, d.reason AS decision_reason,
       d.ts_ms AS decision_ms, d.sz AS decision_sz, d.notional_usd AS decision_notional_usd
FROM signals s LEFT JOIN risk_decisions d ON d.signal_id = s.id;

CREATE TABLE positions (
  id TEXT PRIMARY KEY,
  signal_id TEXT NOT NULL REFERENCES signals (id) DEFERRABLE INITIALLY DEFERRED,
  strategy TEXT NOT NULL,
  legs_json TEXT NOT NULL,
  opened_ms INTEGER NOT NULL,
  stop_px REAL NOT NULL,
  target_px REAL NOT NULL,
  max_hold_ms INTEGER NOT NULL,
  entry_notional_usd REAL NOT NULL,
  fees_usd REAL NOT NULL,
  funding_usd REAL NOT NULL,
  slippage_usd REAL NOT NULL,
  closed_ms INTEGER,
  exit_reason TEXT
) STRICT;
CREATE INDEX positions_open ON positions (opened_ms) WHERE closed_ms IS NULL;
CREATE INDEX positions_by_strategy_opened ON positions (strategy, opened_ms);

CREATE TABLE orders (
  id TEXT PRIMARY KEY,
  signal_id TEXT NOT NULL REFERENCES signals (id) DEFERRABLE INITIALLY DEFERRED,
  position_id TEXT NOT NULL REFERENCES positions (id) DEFERRABLE INITIALLY DEFERRED,
  leg_index INTEGER NOT NULL,
  market TEXT NOT NULL REFERENCES markets (key) DEFERRABLE INITIALLY DEFERRED,
  side TEXT NOT NULL CHECK (side IN ('buy', 'sell')),
  sz REAL NOT NULL,
  ts_ms INTEGER NOT NULL,
  purpose TEXT NOT NULL CHECK (purpose IN ('entry', 'exit'))
) STRICT;
CREATE INDEX orders_by_position ON orders (position_id);

CREATE TABLE fills (
  id TEXT PRIMARY KEY,
  order_id TEXT NOT NULL REFERENCES orders (id) DEFERRABLE INITIALLY DEFERRED,
  position_id TEXT NOT NULL REFERENCES positions (id) DEFERRABLE INITIALLY DEFERRED,
  leg_index INTEGER NOT NULL,
  market TEXT NOT NULL REFERENCES markets (key) DEFERRABLE INITIALLY DEFERRED,
  side TEXT NOT NULL CHECK (side IN ('buy', 'sell')),
  px REAL NOT NULL,
  sz REAL NOT NULL,
  fee_usd REAL NOT NULL,
  liquidity TEXT NOT NULL CHECK (liquidity IN ('taker', 'maker')),
  slippage_usd REAL NOT NULL,
  ts_ms INTEGER NOT NULL,
  model TEXT NOT NULL CHECK (model IN ('book', 'bar')),
  partial INTEGER NOT NULL CHECK (partial IN (0, 1))
) STRICT;
CREATE INDEX fills_by_position ON fills (position_id);
CREATE INDEX fills_by_order ON fills (order_id);

CREATE TABLE outcomes (
  position_id TEXT PRIMARY KEY REFERENCES positions (id) DEFERRABLE INITIALLY DEFERRED,
  signal_id TEXT NOT NULL REFERENCES signals (id) DEFERRABLE INITIALLY DEFERRED,
  strategy TEXT NOT NULL,
  market TEXT NOT NULL REFERENCES markets (key) DEFERRABLE INITIALLY DEFERRED,
  side TEXT NOT NULL CHECK (side IN ('long', 'short')),
  opened_ms INTEGER NOT NULL,
  closed_ms INTEGER NOT NULL,
  hold_ms INTEGER NOT NULL,
  entry_notional_usd REAL NOT NULL,
  pnl_usd REAL NOT NULL,
  pnl_pct REAL NOT NULL,
  gross_pnl_usd REAL NOT NULL,
  fees_usd REAL NOT NULL,
  funding_usd REAL NOT NULL,
  slippage_usd REAL NOT NULL,
  exit_reason TEXT NOT NULL
) STRICT;
CREATE INDEX outcomes_by_strategy_closed ON outcomes (strategy, closed_ms);
CREATE INDEX outcomes_by_closed ON outcomes (closed_ms);

CREATE TABLE funding_payments (
  position_id TEXT NOT NULL REFERENCES positions (id) DEFERRABLE INITIALLY DEFERRED,
  ts_ms INTEGER NOT NULL,
  market TEXT NOT NULL REFERENCES markets (key) DEFERRABLE INITIALLY DEFERRED,
  rate REAL NOT NULL,
  oracle_px REAL NOT NULL,
  sz REAL NOT NULL,
  amount_usd REAL NOT NULL,
  PRIMARY KEY (position_id, ts_ms)
) STRICT, WITHOUT ROWID;
CREATE INDEX funding_payments_by_ts ON funding_payments (ts_ms);

-- ts_ms is the rowid: the table is stored in time order, which is the equity-by-time index.
CREATE TABLE equity_snapshots (
  ts_ms INTEGER PRIMARY KEY,
  equity_usd REAL NOT NULL,
  cash_usd REAL NOT NULL,
  unrealized_usd REAL NOT NULL,
  open_positions INTEGER NOT NULL,
  gross_exposure_usd REAL NOT NULL
) STRICT;

CREATE TABLE oi_history (
  coin TEXT NOT NULL,
  ts_ms INTEGER NOT NULL,
  open_interest REAL NOT NULL,
  PRIMARY KEY (coin, ts_ms)
) STRICT, WITHOUT ROWID;

CREATE TABLE strategy_lifecycle (
  strategy TEXT NOT NULL,
  since_ms INTEGER NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('candidate', 'forward-testing', 'validated', 'killed')),
  reason TEXT NOT NULL,
  PRIMARY KEY (strategy, since_ms)
) STRICT, WITHOUT ROWID;

CREATE TABLE strategy_variants (
  strategy TEXT NOT NULL,
  config_hash TEXT NOT NULL,
  config_json TEXT NOT NULL,
  first_seen_ms INTEGER NOT NULL,
  PRIMARY KEY (strategy, config_hash)
) STRICT, WITHOUT ROWID;

CREATE TABLE checkpoints (
  name TEXT PRIMARY KEY,
  ts_ms INTEGER NOT NULL,
  events_consumed INTEGER NOT NULL,
  last_event_ms INTEGER NOT NULL,
  state_json TEXT NOT NULL
) STRICT;
`,
};
