/** Outcomes export: one CSV row per closed position, units in the header names. Pure. */
import type { Outcome } from "../paper/index.ts";

/** The CSV columns, in order; a name ends with its unit (`_ms`, `_usd`, `_fraction`, `_utc` = ISO 8601 time). */
export const OUTCOME_CSV_COLUMNS = [
  "position_id",
  "signal_id",
  "strategy",
  "market",
  "side",
  "opened_utc",
  "opened_ms",
  "closed_utc",
  "closed_ms",
  "hold_ms",
  "entry_notional_usd",
  "pnl_usd",
  "pnl_fraction",
  "gross_pnl_usd",
  "fees_usd",
  "funding_usd",
  "slippage_usd",
  "exit_reason",
] as const;

/** A CSV field (RFC 4180): quoted when it holds a comma, quote, CR or LF. */
export function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One outcome as a CSV line (no newline). Numbers in JavaScript's shortest exact form; P&L is net, funding + = received, fees + = paid. */
export function outcomeCsvLine(o: Outcome): string {
  const cells = [
    o.positionId,
    o.signalId,
    o.strategy,
    o.market.key,
    o.side,
    new Date(o.openedMs).toISOString(),
    String(o.openedMs),
    new Date(o.closedMs).toISOString(),
    String(o.closedMs),
    String(o.holdMs),
    String(o.entryNotionalUsd),
    String(o.pnlUsd),
    String(o.pnlPct),
    String(o.grossPnlUsd),
    String(o.feesUsd),
    String(o.fundingUsd),
    String(o.slippageUsd),
    o.exitReason,
  ];
  return cells.map(csvField).join(",");
}

/** The whole export: header line, then one line per outcome in the given order, each ending in "\n". */
export function outcomesCsv(outcomes: readonly Outcome[]): string {
  return [OUTCOME_CSV_COLUMNS.join(","), ...outcomes.map(outcomeCsvLine)].map((l) => `${l}\n`).join("");
}
