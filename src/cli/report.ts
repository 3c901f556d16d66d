/**
 * `strategy-monitor report --db <journal>`: reads the journal, builds the report (src/reports,
 * figures from src/analytics) and prints terminal tables, or JSON with `--json`; `--html FILE`
 * and `--csv FILE` write the page and the outcomes export; `--apply-lifecycle` writes the
 * verdicts' lifecycle moves into the journal. See docs/REPORTS.md.
 */
import { existsSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { countTrials, inWindow, resolveReportWindow } from "../analytics/index.ts";
import type { GateConfig, MarketCoverage, ReportWindow } from "../analytics/index.ts";
import { COMBINED_BOOK, DAY_MS, DataFileError } from "../core/index.ts";
import { Journal, OWN_BOOK, TrialRegistry, trialRegistryPath } from "../journal/index.ts";
import type { RegisteredTrial } from "../journal/index.ts";
import type { RiskDecision } from "../paper/index.ts";
import { thresholdSourceOf } from "../strategies/index.ts";
import { DEFAULT_STARTING_EQUITY_USD, buildReport, formatTerminal, outcomesCsv, renderHtml, reportJson, startingEquityFromJournal } from "../reports/index.ts";
import type { Completeness, LifecycleStep, ReportModel, SignalCounts, StartingEquitySource, TrialsSource } from "../reports/index.ts";
import { exportFormatOf } from "../exports/columnar.ts";
import { writeOutcomesColumnar } from "../exports/outcomes-columnar.ts";
import { CliUsageError } from "./errors.ts";
import { commandContext } from "./shared.ts";
import { gatesFromConfig } from "./trading-config.ts";
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
  /** First UTC day of the report window, YYYY-MM-DD (included). */
  readonly from?: string;
  /** Last UTC day of the report window, YYYY-MM-DD (included). */
  readonly to?: string;
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

/**
 * Parses a `--from` / `--to` value: a UTC calendar date YYYY-MM-DD. Returns the window bound in
 * ms: `--from` its 00:00 UTC (inclusive), `--to` the next day's 00:00 UTC (exclusive), so
 * `--to 2025-07-26` includes the whole of 26 July.
 * @throws CliUsageError naming the flag and the value when it is not a real date.
 */
export function parseReportDate(flag: "--from" | "--to", value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value.trim());
  const ms = m === null ? Number.NaN : Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  // Date.UTC rolls 2025-02-30 over to 2 March: a date that does not round-trip is not a date.
  if (m === null || !Number.isFinite(ms) || new Date(ms).toISOString().slice(0, 10) !== value.trim()) {
    throw new CliUsageError(`${flag} must be a UTC date YYYY-MM-DD such as 2025-07-21 (got ${JSON.stringify(value)})`);
  }
  return flag === "--from" ? ms : ms + DAY_MS;
}

/** The report window of `--from` / `--to`. @throws CliUsageError on a bad date or `--to` before `--from`. */
export function parseReportWindow(from: string | undefined, to: string | undefined): ReportWindow {
  const fromMs = parseReportDate("--from", from);
  const toMs = parseReportDate("--to", to);
  if (fromMs !== undefined && toMs !== undefined && toMs <= fromMs) {
    throw new CliUsageError(`--to ${JSON.stringify(to)} is before --from ${JSON.stringify(from)}: the window would be empty`);
  }
  return { fromMs, toMs };
}

interface MutableCounts {
  accepted: number;
  rejected: number;
  refusedByCode: Record<string, number>;
}

function count(c: MutableCounts, decision: RiskDecision | undefined): void {
  if (decision?.accepted === true) c.accepted += 1;
  else if (decision !== undefined) {
    c.rejected += 1;
    c.refusedByCode[decision.code] = (c.refusedByCode[decision.code] ?? 0) + 1;
  }
}

/**
 * Signals per strategy: fired, and accepted or refused (by code) in the combined book and in the
 * strategy's own (`own` null when the journal has no strategy books).
 */
function signalCounts(journal: Journal, withBooks: boolean): SignalCounts[] {
  const by = new Map<string, { fired: number } & MutableCounts & { own: MutableCounts }>();
  const entry = (strategy: string) => {
    let c = by.get(strategy);
    if (c === undefined) by.set(strategy, (c = { fired: 0, accepted: 0, rejected: 0, refusedByCode: {}, own: { accepted: 0, rejected: 0, refusedByCode: {} } }));
    return c;
  };
  for (const { signal, decision } of journal.signals()) {
    const c = entry(signal.strategy);
    c.fired += 1;
    count(c, decision);
  }
  if (withBooks) for (const { signal, decision } of journal.signals({ book: OWN_BOOK })) count(entry(signal.strategy).own, decision);
  return [...by.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([strategy, { own, ...c }]) => ({ strategy, ...c, own: withBooks ? own : null }));
}

/** The checkpoint name a replay writes (src/cli/replay-pipeline.ts). */
const REPLAY_CHECKPOINT = "replay";

/** What a journal's replay checkpoint says: whether the replay finished, and the market data span it consumed. */
export interface ReplayStatus {
  readonly complete: boolean;
  readonly batches: number;
  /** Venue time of the last event consumed, ms. */
  readonly lastEventMs: number;
  /** Undefined in a journal written before the span was kept. */
  readonly marketData: readonly MarketCoverage[] | undefined;
}

/** The journal's replay checkpoint, read; undefined when no replay wrote it (a live journal, or none yet). */
export function replayStatus(journal: Journal): ReplayStatus | undefined {
  const cp = journal.latestCheckpoint(REPLAY_CHECKPOINT);
  if (cp === undefined) return undefined;
  const state = (typeof cp.state === "object" && cp.state !== null ? cp.state : {}) as { complete?: unknown; batches?: unknown; marketData?: unknown };
  return {
    complete: state.complete === true,
    batches: typeof state.batches === "number" ? state.batches : 0,
    lastEventMs: cp.lastEventMs,
    marketData: Array.isArray(state.marketData) ? (state.marketData as MarketCoverage[]) : undefined,
  };
}

/** Provisional unless the replay that wrote the journal finished (a journal without a replay checkpoint is judged as it stands). */
export function completenessOf(status: ReplayStatus | undefined): Completeness {
  if (status === undefined || status.complete) return { complete: true, reason: null };
  const at = new Date(status.lastEventMs).toISOString().slice(0, 16).replace("T", " ");
  return {
    complete: false,
    reason: `the replay that wrote this journal did not finish: it stopped after batch ${status.batches}, with its inputs read up to ${at} UTC; the figures judge that prefix only. Run the same replay command again to finish it`,
  };
}

/**
 * The variant counts of the report (the deflated Sharpe's N): the trial registry's variants
 * together with the journal's own (a journal registered nowhere still counts its own), per strategy
 * and of all strategies; from the journal alone when there is no registry at `registryPath`.
 */
export function trialCounts(journal: Journal, registryPath: string | undefined): { counts: ReturnType<typeof countTrials>; source: TrialsSource } {
  const own = journal.variants();
  let registered: RegisteredTrial[] = [];
  let journals: number | null = null;
  if (registryPath !== undefined && existsSync(registryPath)) {
    const registry = TrialRegistry.open(registryPath, { readonly: true });
    try {
      registered = registry.trials();
      journals = registry.journalCount();
    } finally {
      registry.close();
    }
  }
  const source: TrialsSource = journals === null ? { source: "journal", registryPath: registryPath ?? null, journals: null } : { source: "registry", registryPath: registryPath ?? null, journals };
  return { counts: countTrials(registered, own), source };
}

/**
 * Reads everything the report needs from an open journal and builds it.
 * @param startingEquityFlag `--starting-equity`, already parsed.
 * @param window `--from` / `--to`, already parsed; default the whole journal.
 */
export function reportFromJournal(
  journal: Journal,
  startingEquityFlag: number | undefined,
  window: ReportWindow = {},
  gates: GateConfig | undefined = undefined,
  trialRegistry: string | undefined = undefined,
): ReportModel {
  const outcomes = journal.outcomes();
  const equity = journal.equitySnapshots();
  // Each strategy's own book (journals from before books have only the combined one).
  const strategyBooks = journal.books().filter((b) => b !== COMBINED_BOOK);
  const books = strategyBooks.length === 0 ? undefined : Object.fromEntries(strategyBooks.map((book) => [book, { outcomes: journal.outcomes({ book }), equity: journal.equitySnapshots({ book }) }]));
  const derived = startingEquityFromJournal(equity, outcomes);
  const [startingEquityUsd, startingEquitySource]: [number, StartingEquitySource] =
    startingEquityFlag !== undefined ? [startingEquityFlag, "flag"] : derived !== undefined ? [derived, "journal"] : [DEFAULT_STARTING_EQUITY_USD, "default"];
  const strategies = [...new Set(outcomes.map((o) => o.strategy))];
  const status = replayStatus(journal);
  const lastCloseMs = outcomes.length === 0 ? undefined : Math.max(...outcomes.map((o) => o.closedMs));
  const resolved = resolveReportWindow(window, status?.marketData, lastCloseMs);
  const { counts, source } = trialCounts(journal, trialRegistryPath(journal.path, trialRegistry));
  return buildReport({
    journalPath: journal.path,
    startingEquityUsd,
    startingEquitySource,
    outcomes,
    equity,
    variantCounts: Object.fromEntries(strategies.map((s) => [s, counts.byStrategy[s] ?? journal.variantCount(s)])),
    combinedTrials: counts.total,
    trialsSource: source,
    completeness: completenessOf(status),
    periodBasis: { basis: resolved.basis, why: resolved.why },
    lifecycle: journal.lifecycle(),
    signals: signalCounts(journal, books !== undefined),
    thresholdSources: new Map(journal.signals().map(({ signal }) => [signal.id, thresholdSourceOf(signal.thresholds)])),
    books,
    openPositions: journal.openPositions().length,
    window: resolved.window,
    config: gates,
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


/** Runs the command. @throws DataFileError when the journal does not exist; CliUsageError on a bad flag (`--starting-equity`, `--from`, `--to`); JournalError when it is not a journal. */
export async function runReport(options: ReportCliOptions): Promise<void> {
  if (typeof options.db !== "string" || options.db === "") throw new CliUsageError("report needs --db <journal file>");
  const startingEquity = parseStartingEquity(options.startingEquity);
  const window = parseReportWindow(options.from, options.to);
  // Journal.open would create a missing file: a typo must not report on an empty new journal.
  if (!existsSync(options.db)) throw new DataFileError(options.db, "no such journal (run `strategy-monitor replay … --db` first)");
  const { config, logger } = commandContext(options);
  // The gates come from the config's `analytics` section (defaults: the memo's gates).
  const gates = gatesFromConfig(config);
  const apply = options.applyLifecycle === true;
  const journal = apply ? Journal.open(options.db) : Journal.openForReading(options.db, (path) => process.stderr.write(`migrated ${path} to this version's journal schema\n`));
  try {
    const model = reportFromJournal(journal, startingEquity, window, gates, config.journal.trialRegistry);
    // With --json, stdout carries only the JSON; everything else goes to stderr.
    const info = options.json === true ? process.stderr : process.stdout;
    process.stdout.write(options.json === true ? reportJson(model) : formatTerminal(model));
    // A verdict on part of the data must not kill or validate a strategy in the journal.
    if (apply) info.write(model.completeness.complete ? formatApplied(applyLifecycle(journal, model)) : `lifecycle: not applied: the verdicts are provisional (${model.completeness.reason ?? ""})\n`);
    if (options.html !== undefined) {
      await writeFile(options.html, renderHtml(model));
      info.write(`wrote ${options.html}\n`);
    }
    if (options.csv !== undefined) {
      // The same outcomes the figures use: those closed in the window.
      const outcomes = journal.outcomes().filter((o) => inWindow(o.closedMs, { fromMs: model.period.fromMs ?? undefined, toMs: model.period.toMs ?? undefined }));
      // The extension picks the format: .arrow/.feather/.ipc (Arrow IPC) or .parquet; anything else CSV.
      const format = exportFormatOf(options.csv);
      if (format === "csv") await writeFile(options.csv, outcomesCsv(outcomes));
      else await writeOutcomesColumnar(options.csv, format, outcomes);
      info.write(`wrote ${options.csv} (${model.performance.combined.figures.trades.trades} outcomes; period ${model.period.text})\n`);
    }
    logger.debug({ db: options.db, trades: model.performance.combined.figures.trades.trades, strategies: model.performance.strategies.length }, "report built");
  } finally {
    journal.close();
  }
}
