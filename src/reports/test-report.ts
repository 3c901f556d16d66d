/**
 * A small hand-built journal for the report tests: two strategies, five trades over three UTC
 * days, every figure easy to check by hand. Used by tests only.
 *
 * Starting equity 10 000 USD. Closes (net P&L, USD):
 *   day 1 (2025-09-03): vwap-reversion −40 at 11:00, flow-toxicity +200 at 12:00
 *   day 2:              flow-toxicity −100 at 12:00
 *   day 3:              flow-toxicity +50 at 12:00, vwap-reversion +80 at 14:00
 * Account equity after each close (no position open between trades):
 *   9 960, 10 160, 10 060, 10 110, 10 190.
 */
import { parseGateConfig } from "../analytics/index.ts";
import { perp } from "../core/index.ts";
import type { EquitySnapshot, Outcome } from "../paper/index.ts";
import type { ReportInput } from "./report-model.ts";

/** 2025-09-03 00:00 UTC. */
export const DAY0 = Date.UTC(2025, 8, 3);
export const HOUR = 3_600_000;
export const DAY = 86_400_000;

/** A closed trade with net P&L `pnlUsd`, held two hours until `closedMs`, fees 1 USD, funding −0.5 USD. */
export function trade(strategy: string, pnlUsd: number, closedMs: number, id: string): Outcome {
  const openedMs = closedMs - 2 * HOUR;
  return {
    positionId: id,
    signalId: `sig-${id}`,
    strategy,
    market: perp("BTC"),
    side: "long",
    openedMs,
    closedMs,
    holdMs: closedMs - openedMs,
    entryNotionalUsd: 5_000,
    pnlUsd,
    pnlPct: pnlUsd / 5_000,
    grossPnlUsd: pnlUsd + 1.5,
    feesUsd: 1,
    fundingUsd: -0.5,
    slippageUsd: 0.25,
    exitReason: pnlUsd > 0 ? "target" : "stop",
  };
}

export const OUTCOMES: readonly Outcome[] = [
  trade("vwap-reversion", -40, DAY0 + 11 * HOUR, "p1"),
  trade("flow-toxicity", 200, DAY0 + 12 * HOUR, "p2"),
  trade("flow-toxicity", -100, DAY0 + DAY + 12 * HOUR, "p3"),
  trade("flow-toxicity", 50, DAY0 + 2 * DAY + 12 * HOUR, "p4"),
  trade("vwap-reversion", 80, DAY0 + 2 * DAY + 14 * HOUR, "p5"),
];

const snap = (tsMs: number, equityUsd: number): EquitySnapshot => ({ tsMs, equityUsd, cashUsd: equityUsd, unrealizedUsd: 0, openPositions: 0, grossExposureUsd: 0 });

export const SNAPSHOTS: readonly EquitySnapshot[] = [
  snap(DAY0 + 11 * HOUR, 9_960),
  snap(DAY0 + 12 * HOUR, 10_160),
  snap(DAY0 + DAY + 12 * HOUR, 10_060),
  snap(DAY0 + 2 * DAY + 12 * HOUR, 10_110),
  snap(DAY0 + 2 * DAY + 14 * HOUR, 10_190),
];

/** The report input of the fixture (200 resamples keep the tests fast). */
export function fixtureInput(overrides: Partial<ReportInput> = {}): ReportInput {
  return {
    journalPath: "fixture.db",
    startingEquityUsd: 10_000,
    startingEquitySource: "flag",
    outcomes: OUTCOMES,
    equity: SNAPSHOTS,
    variantCounts: { "flow-toxicity": 3, "vwap-reversion": 1 },
    lifecycle: [{ strategy: "flow-toxicity", state: "candidate", sinceMs: DAY0 }],
    signals: [
      { strategy: "flow-toxicity", fired: 5, accepted: 3, rejected: 2, refusedByCode: { cooldown: 2 }, own: null },
      { strategy: "liquidity", fired: 4, accepted: 0, rejected: 4, refusedByCode: { cooldown: 1, stop_too_tight: 3 }, own: null },
      { strategy: "vwap-reversion", fired: 2, accepted: 2, rejected: 0, refusedByCode: {}, own: null },
    ],
    openPositions: 0,
    config: parseGateConfig({ resamples: 200 }),
    ...overrides,
  };
}

/**
 * The terminal report read back for assertions: wrapped text columns joined onto their row
 * (a continuation line starts with 10 or more spaces), and a figure row's cells gathered from
 * every block of the FIGURES table (`figureRow(text, "total P&L (net)")` →
 * `["total P&L (net)", "150.00 USD", "40.00 USD", "190.00 USD"]`).
 */
export function unwrapTerminal(text: string): string {
  return text.replace(/\n {10,}/g, " ");
}

/** The cells of the figure row `label` across every block of the FIGURES table, label first. */
export function figureRow(text: string, label: string): string[] | undefined {
  const figures = unwrapTerminal(text).split("\nGATES")[0] ?? "";
  const lines = figures.split("\n").filter((line) => line.startsWith(`${label} `) || line === label);
  if (lines.length === 0) return undefined;
  return [label, ...lines.flatMap((line) => line.slice(label.length).trim().split(/\s{2,}/).filter((cell) => cell !== ""))];
}
