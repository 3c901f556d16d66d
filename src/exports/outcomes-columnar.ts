/**
 * `report --csv FILE.arrow | .feather | .parquet`: the outcomes export of `src/reports/csv.ts` (one
 * row per closed position, the same columns in the same order) as a typed columnar table.
 * `*_utc` columns are UTC timestamps (ms), `*_ms` int64, money and fractions float64, the rest
 * strings. See docs/REPORTS.md for each column.
 */
import type { Outcome } from "../paper/index.ts";
import { OUTCOME_CSV_COLUMNS } from "../reports/csv.ts";
import { writeColumnarFile } from "./columnar.ts";
import type { ColumnSpec, ColumnType, ColumnValues } from "./columnar.ts";

type OutcomeColumn = (typeof OUTCOME_CSV_COLUMNS)[number];

/** Each CSV column's typed form and its value. */
const OUTCOME_COLUMNS: Readonly<Record<OutcomeColumn, readonly [ColumnType, (o: Outcome) => string | number]>> = {
  position_id: ["utf8", (o) => o.positionId],
  signal_id: ["utf8", (o) => o.signalId],
  strategy: ["utf8", (o) => o.strategy],
  market: ["utf8", (o) => o.market.key],
  side: ["utf8", (o) => o.side],
  opened_utc: ["timestamp-ms", (o) => o.openedMs],
  opened_ms: ["int64", (o) => o.openedMs],
  closed_utc: ["timestamp-ms", (o) => o.closedMs],
  closed_ms: ["int64", (o) => o.closedMs],
  hold_ms: ["int64", (o) => o.holdMs],
  entry_notional_usd: ["float64", (o) => o.entryNotionalUsd],
  pnl_usd: ["float64", (o) => o.pnlUsd],
  pnl_fraction: ["float64", (o) => o.pnlPct],
  gross_pnl_usd: ["float64", (o) => o.grossPnlUsd],
  fees_usd: ["float64", (o) => o.feesUsd],
  funding_usd: ["float64", (o) => o.fundingUsd],
  slippage_usd: ["float64", (o) => o.slippageUsd],
  exit_reason: ["utf8", (o) => o.exitReason],
};

/** The typed schema of the outcomes export, in the CSV's column order. */
export const OUTCOME_COLUMNAR_SCHEMA: readonly ColumnSpec[] = OUTCOME_CSV_COLUMNS.map((name) => ({ name, type: OUTCOME_COLUMNS[name][0] }));

/**
 * Writes `outcomes` (in the given order) to `path` as an Arrow IPC file or Parquet.
 *
 * @throws Error when the file cannot be written
 */
export async function writeOutcomesColumnar(path: string, format: "arrow" | "parquet", outcomes: readonly Outcome[]): Promise<void> {
  const columns: ColumnValues[] = OUTCOME_CSV_COLUMNS.map((name) => {
    const [type, value] = OUTCOME_COLUMNS[name];
    return type === "utf8" ? outcomes.map((o) => String(value(o))) : outcomes.map((o) => Number(value(o)));
  });
  await writeColumnarFile(path, format, OUTCOME_COLUMNAR_SCHEMA, { rows: outcomes.length, columns });
}
