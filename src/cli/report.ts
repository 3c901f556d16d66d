/**
 * `strategy-monitor report --db <journal>`: reads the journal, builds the report (src/reports,
 * figures from src/analytics) and prints terminal tables, or JSON with `--json`; `--html FILE`
 * and `--csv FILE` write the page and the outcomes export; `--apply-lifecycle` writes the
 * verdicts' lifecycle moves into the journal. See docs/REPORTS.md.
 */
import { existsSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { DataFileError } from "../core/index.ts";
import { Journal } from "../journal/index.ts";
import { DEFAULT_STARTING_EQUITY_USD, buildReport, formatTerminal, outcomesCsv, renderHtml, reportJson, startingEquityFromJournal } from "../reports/index.ts";
import type { LifecycleStep, ReportModel, SignalCounts, StartingEquitySource } from "../reports/index.ts";
import { CliUsageError } from "./errors.ts";
import { commandContext } from "./shared.ts";
import type { CommonOptions } from "./shared.ts";

/** Options of `strategy-monitor report`. */
export interface ReportCliOptions extends CommonOptions {
  /** The journal file (must exist; opened read-only unless `applyLifecycle`). */
  readonly db: string;
  /** Print the report as JSON instead of tables. */
  readonly json?: boolean;
  /** Write the HTML page here. */
  readonly html?: string;
  /** Write the outcomes CSV here. */
  readonly csv?: string;
  /** Capital the returns are measured on, USD; default: derived from the journal, else 10 000. */
  readonly startingEquity?: string;
  /** Write the recommended lifecycle moves into the journal. */
  readonly applyLifecycle?: boolean;
}

/** What one `--apply-lifecycle` step did. */
export interface AppliedStep {
  readonly step: LifecycleStep;
  readonly ok: boolean;
  /** The journal's refusal, when not ok. */
  readonly reason: string | undefined;
}

/** Parses `--starting-equity`: a positive finite number of USD. */
export function parseStartingEquity(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const x = Number(value);
  if (value.trim() === "" || !Number.isFinite(x) || x <= 0) throw new CliUsageError(`--starting-equity must be a positive number of USD (got ${JSON.stringify(value)})`);
  return x;
}

/** Signals per strategy: fired, accepted and rejected by the risk layer. */
function signalCounts(journal: Journal): SignalCounts[] {
  const by = new Map<string, { fired: number; accepted: number; rejected: number }>();
  for (const { signal, decision } of journal.signals()) {
    const c = by.get(signal.strategy) ?? { fired: 0, accepted: 0, rejected: 0 };
    c.fired += 1;
    if (decision?.accepted === true) c.accepted += 1;
    else if (decision !== undefined) c.rejected += 1;
    by.set(signal.strategy, c);
  }
  return [...by.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([strategy, c]) => ({ strategy, ...c }));
}

/**
 * Reads everything the report needs from an open journal and builds it.
 * @param startingEquityFlag `--starting-equity`, already parsed.
 */
export function reportFromJournal(journal: Journal, startingEquityFlag: number | undefined): ReportModel {
  const outcomes = journal.outcomes();
  const equity = journal.equitySnapshots();
  const derived = startingEquityFromJournal(equity, outcomes);
  const [startingEquityUsd, startingEquitySource]: [number, StartingEquitySource] =
    startingEquityFlag !== undefined ? [startingEquityFlag, "flag"] : derived !== undefined ? [derived, "journal"] : [DEFAULT_STARTING_EQUITY_USD, "default"];
  const strategies = [...new Set(outcomes.map((o) => o.strategy))];
  return buildReport({
    journalPath: journal.path,
    startingEquityUsd,
    startingEquitySource,
    outcomes,
    equity,
    variantCounts: Object.fromEntries(strategies.map((s) => [s, journal.variantCount(s)])),
    lifecycle: journal.lifecycle(),
    signals: signalCounts(journal),
    openPositions: journal.openPositions().length,
  });
}

/** Writes the plan's moves in order; a refused move stops that strategy's remaining moves. */
export function applyLifecycle(journal: Journal, model: ReportModel): AppliedStep[] {
  const applied: AppliedStep[] = [];
  for (const plan of model.lifecycle) {
    for (const step of plan.steps) {
      const result = journal.setLifecycle(step.strategy, step.to, step.tsMs, step.reason);
      applied.push({ step, ok: result.ok, reason: result.ok ? undefined : result.reason });
      if (!result.ok) break;
    }
  }
  return applied;
}

/** One line per applied step, e.g. "lifecycle: flow-toxicity candidate → forward-testing (…)". */
export function formatApplied(applied: readonly AppliedStep[]): string {
  if (applied.length === 0) return "lifecycle: no change\n";
  return applied
    .map(({ step, ok, reason }) => `lifecycle: ${step.strategy} ${step.from ?? "(none)"} → ${step.to}${ok ? "" : ` REFUSED: ${reason ?? ""}`} (${step.reason})\n`)
    .join("");
}

/** Runs the command. @throws DataFileError when the journal does not exist; CliUsageError on a bad flag; JournalError when it is not a journal. */
export async function runReport(options: ReportCliOptions): Promise<void> {
  if (typeof options.db !== "string" || options.db === "") throw new CliUsageError("report needs --db <journal file>");
  const startingEquity = parseStartingEquity(options.startingEquity);
  // Journal.open would create a missing file: a typo must not report on an empty new journal.
  if (!existsSync(options.db)) throw new DataFileError(options.db, "no such journal (run `strategy-monitor replay … --db` first)");
  const { logger } = commandContext(options);
  const apply = options.applyLifecycle === true;
  const journal = Journal.open(options.db, { readonly: !apply });
  try {
    const model = reportFromJournal(journal, startingEquity);
    // With --json, stdout carries only the JSON; everything else goes to stderr.
    const info = options.json === true ? process.stderr : process.stdout;
    process.stdout.write(options.json === true ? reportJson(model) : formatTerminal(model));
    if (apply) info.write(formatApplied(applyLifecycle(journal, model)));
    if (options.html !== undefined) {
      await writeFile(options.html, renderHtml(model));
      info.write(`wrote ${options.html}\n`);
    }
    if (options.csv !== undefined) {
      await writeFile(options.csv, outcomesCsv(journal.outcomes()));
      info.write(`wrote ${options.csv} (${model.performance.combined.figures.trades.trades} outcomes)\n`);
    }
    logger.debug({ db: options.db, trades: model.performance.combined.figures.trades.trades, strategies: model.performance.strategies.length }, "report built");
  } finally {
    journal.close();
  }
}
