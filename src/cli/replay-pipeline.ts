/**
 * `strategy-monitor replay <paths…> --db <file>`: merged history/capture sources → the trading
 * kernel (strategies → risk → paper broker) → the SQLite journal, one transaction per batch of
 * events with its checkpoint. Rerunning with the same `--db`, inputs and settings resumes: the
 * deterministic kernel recomputes the prefix up to the checkpoint without writing, checks that it
 * arrives at the checkpoint's record digest, and writes on from there. See docs/ENGINE.md.
 */
import { createHash } from "node:crypto";
import { stat } from "node:fs/promises";
import { resolve } from "node:path";
import { MarketDataSpan } from "../analytics/index.ts";
import type { MarketCoverage } from "../analytics/index.ts";
import { isCandleInterval } from "../core/index.ts";
import type { CandleInterval, MarketEvent } from "../core/index.ts";
import { DEFAULT_SPOT_LEG_FILTER, paperBrokerFactory, TradingKernel } from "../engine/index.ts";
import type { KernelRecord, KernelSummary, SpotLegFilterConfig } from "../engine/index.ts";
import { Journal, registerJournalTrials, trialRegistryPath } from "../journal/index.ts";
import type { Checkpoint, JournalOpenOptions } from "../journal/index.ts";
import { InMemoryOpenInterestSeries } from "../metrics/index.ts";
import type { OpenInterestSample, OpenInterestSeriesPort } from "../metrics/index.ts";
import { DEFAULT_BROKER_CONFIG } from "../paper/index.ts";
import { ReplayDiagnostics } from "../replay/diagnostics.ts";
import { mergeSources } from "../replay/merge.ts";
import { fileBytesRead } from "../replay/text-lines.ts";
import { nothingToReplay, openReplaySources } from "../replay/sources.ts";
import type { LifecycleState } from "../strategies/index.ts";
import { CliUsageError } from "./errors.ts";
import { replayProgress } from "./progress.ts";
import { commandContext, positiveInteger } from "./shared.ts";
import type { CommonOptions } from "./shared.ts";
import { effectiveRiskConfig, gatesFromConfig, parseStrategySubset, parseTradingSections, tradingSectionsFromConfig } from "./trading-config.ts";

/** The checkpoint name of replays in the journal. */
export const REPLAY_CHECKPOINT = "replay";
/** How a replay opens its journal (see docs/JOURNAL.md, "Durability"). */
export const REPLAY_JOURNAL_OPTIONS: JournalOpenOptions = { synchronous: "normal", walAutocheckpointPages: 16_384 };
/** Default events per journal batch (one transaction each). Part of a run's identity. */
export const DEFAULT_BATCH_EVENTS = 4096;

/**
 * Trading settings of a replay: the configuration's trading sections as written (validated by
 * {@link replayIntoJournal} with `parseTradingSections`; a bad one is a ConfigError naming the key
 * path), plus the command-line flags, which win over the `broker` section.
 */
export interface ReplayTradingSettings {
  /** The `strategies` section: strategy id → its settings. Default `{}` (every strategy's defaults). */
  readonly strategies?: Readonly<Record<string, unknown>>;
  /** The `risk` section. Default `{}`. */
  readonly risk?: Readonly<Record<string, unknown>>;
  /** The `broker` section (its `startingEquityUsd` and `barInterval` yield to the two settings below). Default `{}`. */
  readonly broker?: Readonly<Record<string, unknown>>;
  /** USD (`--equity`). Default `broker.startingEquityUsd`, else 10 000. */
  readonly startingEquityUsd?: number;
  /** Candles the bar fill model fills, marks and exits on (`--fill-interval`). Default `broker.barInterval`, else "1h". */
  readonly fillInterval?: CandleInterval;
  /** Default {@link DEFAULT_SPOT_LEG_FILTER}. */
  readonly spotLegFilter?: SpotLegFilterConfig;
  /** Strategy ids that keep paper trading while killed. */
  readonly paperTradeWhenKilled?: readonly string[];
  /** How the paper broker fills (`--fill-model`). Default `auto` ({@link replayFillModel}). */
  readonly fillModel?: ReplayFillModelChoice;
  /** Run only these strategy ids (`--strategies`). Default every strategy. */
  readonly onlyStrategies?: readonly string[];
}

/** The `--fill-model` choices: `book` walks the books, `bar` fills at candle opens, `auto` picks per input. */
export type ReplayFillModelChoice = "book" | "bar" | "auto";

/**
 * The fill model a replay uses. `auto` is `book` when every input is a capture (a recorded live
 * session: `run --record` and `record` always subscribe the books, so the replay fills as the live
 * session did), else `bar` (candle histories; a book-less market would never fill under `book`,
 * since the broker's model is one for all markets).
 */
export function replayFillModel(choice: ReplayFillModelChoice, inputLayouts: readonly string[]): "book" | "bar" {
  if (choice !== "auto") return choice;
  return inputLayouts.length > 0 && inputLayouts.every((l) => l === "capture") ? "book" : "bar";
}

/** Options of {@link runReplayPipeline} (the CLI's). */
export interface ReplayPipelineOptions extends CommonOptions {
  /** The journal file (created if missing; resumed if it holds an unfinished replay of the same inputs). */
  readonly db: string;
  readonly json?: boolean;
  /** Events per batch/transaction (`--batch-events`). Default 4096. */
  readonly batchEvents?: string | number;
  /** Candle interval of bar fills (`--fill-interval`). Default 1h. */
  readonly fillInterval?: string;
  /** `--fill-model book|bar|auto`. Default auto. */
  readonly fillModel?: string;
  /** Starting equity, USD (`--equity`). Default 10 000. */
  readonly equity?: string | number;
  /** `--strategies a,b`: run only these strategy ids. Default every strategy. */
  readonly strategies?: string;
}

/** What {@link replayIntoJournal} did. */
export interface ReplayPipelineSummary {
  readonly journal: string;
  /** Batches already in the journal when this run started (recomputed, not written). */
  readonly resumedFromBatch: number;
  readonly batches: number;
  /** True when the journal already held the complete replay: nothing was done. */
  readonly alreadyComplete: boolean;
  readonly kernel: KernelSummary;
  /** Records written by this run. */
  readonly recordsWritten: number;
  readonly rejects: number;
  readonly files: readonly { readonly path: string; readonly layout: string; readonly events: number; readonly error: string | undefined }[];
}

/** Inputs and settings that make a replay; a journal holds the replay of exactly one. */
interface RunIdentity {
  readonly inputs: readonly { readonly path: string; readonly bytes: number }[];
  readonly settings: unknown;
}

interface ReplayState {
  readonly identity: RunIdentity;
  /** SHA-256 chained over every batch's records (hex). */
  readonly digest: string;
  readonly batches: number;
  readonly complete: boolean;
  readonly summary: KernelSummary;
  /** The paper broker's state after the batch: for a live warm restart (a replay recomputes instead). */
  readonly broker: unknown;
  /** First and last market data time per market up to the checkpoint: the report's default period (absent in older journals). */
  readonly marketData?: readonly MarketCoverage[];
}

/** Progress of a replay, for a progress bar: events and file bytes read so far (never decreasing). */
export interface ReplayProgressReport {
  readonly filesDone: number;
  readonly filesTotal: number;
  readonly events: number;
  /** File bytes (as on disk) read so far, and the inputs' total. */
  readonly bytesRead: number;
  readonly bytesTotal: number;
}

/** Hooks for tests and the CLI. */
export interface ReplayHooks {
  readonly onProgress?: (progress: ReplayProgressReport) => void;
  /** Something the user should know before the run's end (a fill model that cannot fill these inputs). */
  readonly onWarning?: (message: string) => void;
  /** Called after each written batch (the crash test's child reports progress with it). */
  readonly afterBatch?: (batch: number) => void;
}

/**
 * The open-interest port a replay uses: samples live in memory (so the kernel sees exactly what an
 * uninterrupted run saw, never the journal's later samples), and appends reach the journal's port
 * only while batches are being written — so `oi_history` is written once, with its batch.
 */
class ReplayOpenInterestSeries implements OpenInterestSeriesPort {
  writing = false;
  private readonly memory = new InMemoryOpenInterestSeries();
  private readonly journal: OpenInterestSeriesPort;

  constructor(journal: OpenInterestSeriesPort) {
    this.journal = journal;
  }

  load(coin: string, fromMs: number): readonly OpenInterestSample[] {
    return this.memory.load(coin, fromMs);
  }

  append(coin: string, sample: OpenInterestSample): void {
    this.memory.append(coin, sample);
    if (this.writing) this.journal.append(coin, sample);
  }
}

/**
 * Replays `paths` into the journal at `dbPath` (see the file comment).
 * @throws CliUsageError when the journal holds a replay of other inputs or settings (naming what
 *   differs), or another command's checkpoint; DataFileError when a path does not exist;
 *   Error when the recomputed prefix does not reach the checkpoint's digest (a determinism bug).
 */
export async function replayIntoJournal(
  paths: readonly string[],
  dbPath: string,
  options: {
    readonly trading?: ReplayTradingSettings;
    readonly batchEvents?: number;
    readonly aliases?: Readonly<Record<string, string>>;
    /** The trial registry the variants are registered in (`journal.trialRegistry`; relative: from the journal's directory). Default `trials.db`. */
    readonly trialRegistry?: string;
  } = {},
  hooks: ReplayHooks = {},
): Promise<ReplayPipelineSummary> {
  const batchEvents = options.batchEvents ?? DEFAULT_BATCH_EVENTS;
  const trading = options.trading ?? {};
  // Before any file is opened: a bad setting is the user's to fix, not a half-written journal.
  const parsed = parseTradingSections(trading);
  const { startingEquityUsd: brokerEquity, barInterval: brokerInterval, ...brokerRest } = parsed.broker;
  const { fillModel: _fillModel, fees: _fees, startingEquityUsd: _equity, barInterval: _interval, ...brokerDefaults } = DEFAULT_BROKER_CONFIG;
  const diagnostics = new ReplayDiagnostics();
  const { sources, files, skipped } = await openReplaySources(paths, options.aliases === undefined ? { diagnostics } : { diagnostics, aliases: options.aliases });
  if (files.length === 0) throw nothingToReplay(paths, skipped, files);
  const inputs = await Promise.all(files.flatMap((f) => f.paths).map(async (p) => ({ path: resolve(p), bytes: (await stat(p)).size })));
  const bytesTotal = files.reduce((sum, f) => sum + f.bytes, 0);
  const bytesBefore = fileBytesRead();
  let filesDone = 0;
  let events = 0;
  let pending: MarketEvent[] = [];
  const progress = (): void =>
    hooks.onProgress?.({ filesDone, filesTotal: files.length, events: events + pending.length, bytesRead: Math.min(bytesTotal, fileBytesRead() - bytesBefore), bytesTotal });
  progress();
  // The first merged batch is read before the journal is opened: every source has then read its
  // header, so inputs with nothing in them fail without leaving a journal behind, and the fill
  // model can be checked against what the inputs hold.
  const merged = mergeSources(sources, {
    onSourceDone: () => {
      filesDone += 1;
      progress();
    },
  });
  const first = await merged.next();
  if (first.done === true) throw nothingToReplay(paths, skipped, files);
  const fillModel = replayFillModel(trading.fillModel ?? "auto", files.map((f) => f.layout));
  if (fillModel === "book" && !files.some((f) => BOOK_LAYOUTS.has(f.layout))) {
    hooks.onWarning?.(
      `--fill-model book: no input holds order books (layouts: ${[...new Set(files.map((f) => f.layout))].join(", ")}), so no entry can fill; use --fill-model bar (or auto) for candle histories`,
    );
  }
  const journal = Journal.open(dbPath, REPLAY_JOURNAL_OPTIONS);
  try {
    const lifecycle: Record<string, LifecycleState> = Object.fromEntries(journal.lifecycle().map((l) => [l.strategy, l.state]));
    // Effective values (defaults filled in), so a run configured to the defaults matches one that
    // was not configured, and a changed default is a changed setting.
    const settings = {
      strategies: trading.onlyStrategies === undefined ? parsed.variants : Object.fromEntries(Object.entries(parsed.variants).filter(([id]) => trading.onlyStrategies?.includes(id) === true)),
      risk: effectiveRiskConfig(parsed.risk),
      broker: { ...brokerDefaults, ...brokerRest },
      startingEquityUsd: trading.startingEquityUsd ?? brokerEquity ?? 10_000,
      fillModel,
      fillInterval: trading.fillInterval ?? brokerInterval ?? "1h",
      spotLegFilter: trading.spotLegFilter ?? DEFAULT_SPOT_LEG_FILTER,
      paperTradeWhenKilled: parsed.paperTradeWhenKilled,
      lifecycle,
      ...(trading.onlyStrategies === undefined ? {} : { onlyStrategies: [...trading.onlyStrategies].sort() }),
      aliases: options.aliases ?? null,
      batchEvents,
    };
    const identity: RunIdentity = { inputs, settings: JSON.parse(JSON.stringify(settings)) as unknown };
    const live = journal.latestCheckpoint("live");
    if (live !== undefined) throw new CliUsageError(`${dbPath} holds a live session's journal (checkpoint "live"); replay into a new --db`);
    const previous = journal.latestCheckpoint(REPLAY_CHECKPOINT);
    const prior = previous === undefined ? undefined : (previous.state as ReplayState);
    if (prior !== undefined) {
      const differences = identityDifferences(prior.identity, identity);
      if (differences.length > 0) {
        throw new CliUsageError(`${dbPath} holds a replay of other inputs or settings; refusing to mix them (${differences.join("; ")}). Use a new --db.`);
      }
      if (prior.complete) {
        return { journal: dbPath, resumedFromBatch: prior.batches, batches: prior.batches, alreadyComplete: true, kernel: prior.summary, recordsWritten: 0, rejects: 0, files };
      }
    }
    const startedMs = Date.now();
    const runId = `replay-${startedMs}-${process.pid}`;
    journal.startRun({ runId, command: "replay", inputPaths: inputs.map((i) => i.path), config: identity.settings, startedMs });

    const oi = new ReplayOpenInterestSeries(journal.openInterestSeries());
    const kernel = new TradingKernel({
      broker: paperBrokerFactory({ ...settings.broker, fillModel: settings.fillModel, barInterval: settings.fillInterval }),
      strategies: parsed.strategies,
      risk: parsed.risk,
      startingEquityUsd: settings.startingEquityUsd,
      lifecycle,
      paperTradeWhenKilled: settings.paperTradeWhenKilled,
      spotLegFilter: settings.spotLegFilter,
      oiSeries: oi,
      ...(trading.onlyStrategies === undefined ? {} : { only: trading.onlyStrategies }),
    });
    const skipBatches = prior?.batches ?? 0;
    let digest = "";
    let batchNo = 0;
    let lastEventMs = 0;
    let firstEventMs: number | undefined;
    const marketData = new MarketDataSpan();
    let recordsWritten = 0;
    oi.writing = skipBatches === 0;

    const commit = (records: readonly KernelRecord[], complete: boolean): void => {
      digest = createHash("sha256").update(digest).update(JSON.stringify(records)).digest("hex");
      if (batchNo <= skipBatches) {
        if (batchNo === skipBatches) {
          verifyPrefix(prior, digest, batchNo, dbPath);
          oi.writing = true;
        }
        return;
      }
      if (batchNo === skipBatches + 1) {
        // Every variant tried counts for the deflated Sharpe ratio. Seen at the data's first event,
        // not the wall clock, so a resumed or repeated replay writes the same rows.
        // Only the strategies that ran are trials: a subset run adds no variant of the others.
        for (const [strategy, config] of Object.entries(parsed.variants)) {
          if (trading.onlyStrategies === undefined || trading.onlyStrategies.includes(strategy)) journal.recordVariant(strategy, config, firstEventMs ?? 0);
        }
        // And across journals: a changed config goes to a new journal, but stays a trial (docs/JOURNAL.md).
        registerJournalTrials(journal, trialRegistryPath(dbPath, options.trialRegistry));
      }
      const state: ReplayState = { identity, digest, batches: batchNo, complete, summary: kernel.summary(), broker: kernel.brokerSnapshot(), marketData: marketData.coverage() };
      const checkpoint: Checkpoint = { name: REPLAY_CHECKPOINT, tsMs: kernel.clock.now(), eventsConsumed: events, lastEventMs, state };
      journal.writeBatch(records, checkpoint);
      recordsWritten += records.length;
      hooks.afterBatch?.(batchNo);
    };

    for (let next: IteratorResult<MarketEvent[]> = first; next.done !== true; next = await merged.next()) {
      for (const event of next.value) {
        firstEventMs ??= event.tsEvent;
        marketData.observe(event);
        pending.push(event);
        if (pending.length === batchEvents) {
          batchNo += 1;
          events += pending.length;
          lastEventMs = event.tsEvent;
          commit(kernel.onEvents(pending), false);
          pending = [];
        }
      }
      progress();
    }
    // The last batch: the remaining events and the end-of-data records, marked complete.
    batchNo += 1;
    events += pending.length;
    lastEventMs = pending.at(-1)?.tsEvent ?? lastEventMs;
    const last = pending.length > 0 ? kernel.onEvents(pending) : [];
    if (skipBatches >= batchNo) {
      throw new Error(`${dbPath}: the checkpoint says ${skipBatches} batches were written, but the inputs give only ${batchNo}`);
    }
    commit([...last, ...kernel.finish()], true);
    journal.finishRun(runId, Date.now());
    return { journal: dbPath, resumedFromBatch: skipBatches, batches: batchNo, alreadyComplete: false, kernel: kernel.summary(), recordsWritten, rejects: diagnostics.rejectCount, files };
  } finally {
    journal.close();
    await merged.return(undefined);
  }
}

/** Layouts that carry order books: what `--fill-model book` walks. */
const BOOK_LAYOUTS: ReadonlySet<string> = new Set(["capture", "l2-orderbooks"]);

function verifyPrefix(prior: ReplayState | undefined, digest: string, batch: number, dbPath: string): void {
  if (prior === undefined) return;
  if (prior.digest !== digest) {
    throw new Error(
      `${dbPath}: recomputing the first ${batch} batches gave record digest ${digest.slice(0, 16)}…, but the checkpoint holds ${prior.digest.slice(0, 16)}… — the replay is not deterministic, or the inputs changed in content at equal sizes`,
    );
  }
}

/** What differs between two run identities, in words (empty when equal). */
export function identityDifferences(before: RunIdentity, now: RunIdentity): string[] {
  const out: string[] = [];
  const was = new Map(before.inputs.map((i) => [i.path, i.bytes]));
  const is = new Map(now.inputs.map((i) => [i.path, i.bytes]));
  const removed = [...was.keys()].filter((p) => !is.has(p));
  const added = [...is.keys()].filter((p) => !was.has(p));
  const resized = [...is.entries()].filter(([p, b]) => was.has(p) && was.get(p) !== b).map(([p, b]) => `${p} (${was.get(p)} → ${b} bytes)`);
  if (removed.length > 0) out.push(`inputs no longer given: ${removed.join(", ")}`);
  if (added.length > 0) out.push(`new inputs: ${added.join(", ")}`);
  if (resized.length > 0) out.push(`inputs changed size: ${resized.join(", ")}`);
  settingDifferences(before.settings ?? {}, now.settings ?? {}, "", out);
  return out;
}

const isPlainObject = (x: unknown): x is Record<string, unknown> => typeof x === "object" && x !== null && !Array.isArray(x);

// Names the leaf that differs (`setting strategies.flow-toxicity.threshold: 2 → 3`), not the whole section.
function settingDifferences(a: unknown, b: unknown, path: string, out: string[]): void {
  if (path !== "" && !(isPlainObject(a) && isPlainObject(b))) {
    const x = JSON.stringify(a);
    const y = JSON.stringify(b);
    if (x !== y) out.push(`setting ${path}: ${x ?? "unset"} → ${y ?? "unset"}`);
    return;
  }
  const x = isPlainObject(a) ? a : {};
  const y = isPlainObject(b) ? b : {};
  for (const key of [...new Set([...Object.keys(x), ...Object.keys(y)])].sort()) settingDifferences(x[key], y[key], path === "" ? key : `${path}.${key}`, out);
}

/** The CLI entry: `replay <paths…> --db <file> [--batch-events n] [--fill-model auto|book|bar] [--fill-interval 1h] [--equity usd] [--json]`. */
export async function runReplayPipeline(paths: readonly string[], options: ReplayPipelineOptions): Promise<void> {
  const { config } = commandContext(options);
  // The whole configuration is checked at start, gates too, though only `report` uses them.
  gatesFromConfig(config);
  const batchEvents = positiveInteger("--batch-events", options.batchEvents);
  const equity = options.equity === undefined ? undefined : Number(options.equity);
  if (equity !== undefined && !(equity > 0 && Number.isFinite(equity))) throw new CliUsageError(`--equity must be a positive number of USD (got ${JSON.stringify(options.equity)})`);
  const fillInterval = options.fillInterval;
  if (fillInterval !== undefined && !isCandleInterval(fillInterval)) throw new CliUsageError(`--fill-interval must be a candle interval such as 1m or 1h (got ${JSON.stringify(fillInterval)})`);
  const fillModel = options.fillModel;
  if (fillModel !== undefined && fillModel !== "book" && fillModel !== "bar" && fillModel !== "auto") throw new CliUsageError(`--fill-model must be book, bar or auto (got ${JSON.stringify(fillModel)})`);
  const trading: ReplayTradingSettings = {
    ...tradingSectionsFromConfig(config),
    ...(fillModel === undefined ? {} : { fillModel }),
    ...(equity === undefined ? {} : { startingEquityUsd: equity }),
    ...(fillInterval === undefined ? {} : { fillInterval }),
    ...(options.strategies === undefined ? {} : { onlyStrategies: parseStrategySubset(options.strategies) }),
  };
  const bar = replayProgress("replay", options.json !== true && process.stderr.isTTY);
  let summary: ReplayPipelineSummary;
  try {
    summary = await replayIntoJournal(
      paths,
      options.db,
      { trading, aliases: config.spot.baseAliases, trialRegistry: config.journal.trialRegistry, ...(batchEvents === undefined ? {} : { batchEvents }) },
      { onProgress: (p) => bar.update(p), onWarning: (message) => bar.note(`strategy-monitor: warning: ${message}`) },
    );
  } finally {
    bar.stop();
  }
  process.stdout.write(options.json === true ? `${JSON.stringify(summary, null, 2)}\n` : formatReplaySummary(summary));
  if (summary.files.some((f) => f.error !== undefined)) process.exitCode = 1;
}

const usd = (x: number): string => `${x >= 0 ? "+" : ""}${x.toFixed(2)} USD`;

/** The replay summary as text: events, signals, positions, outcomes and P&L per strategy, the journal. */
export function formatReplaySummary(s: ReplayPipelineSummary): string {
  const k = s.kernel;
  const out: string[] = [];
  out.push(`journal ${s.journal}: ${s.alreadyComplete ? "already complete, nothing to do" : `${s.batches} batches${s.resumedFromBatch > 0 ? ` (resumed after batch ${s.resumedFromBatch})` : ""}, ${s.recordsWritten.toLocaleString("en-US")} records written`}`);
  out.push(`events ${k.events.toLocaleString("en-US")}, markets ${k.markets.length}, spot bars dropped ${JSON.stringify(k.spotBarsDropped)}, rejects ${s.rejects}`);
  const strategies = [...new Set([...Object.keys(k.signalsByStrategy), ...Object.keys(k.outcomesByStrategy)])].sort();
  // Each strategy in its own book (alone in its account), then its part of the combined book.
  out.push("                                       own book                   combined book");
  out.push("strategy                      signals  positions  P&L            positions  P&L");
  let total = 0;
  for (const id of strategies) {
    const o = k.outcomesByStrategy[id] ?? { count: 0, pnlUsd: 0 };
    const own = k.books[id];
    const ownOutcome = own?.outcomesByStrategy[id] ?? { count: 0, pnlUsd: 0 };
    total += o.pnlUsd;
    out.push(
      `${id.padEnd(28)}  ${String(k.signalsByStrategy[id] ?? 0).padStart(7)}  ${String(own?.positionsByStrategy[id] ?? 0).padStart(9)}  ${usd(ownOutcome.pnlUsd).padEnd(13)}  ${String(k.positionsByStrategy[id] ?? 0).padStart(9)}  ${usd(o.pnlUsd)}`,
    );
  }
  out.push(`combined book: P&L ${usd(total)}; equity ${k.equityUsd === undefined ? "-" : k.equityUsd.toFixed(2)} USD; decisions ${JSON.stringify(k.decisionsByCode)}`);
  out.push(`unfilled entries ${k.unfilledEntries} ${JSON.stringify(k.unfilledByCode)}`);
  for (const f of s.files.filter((x) => x.error !== undefined)) out.push(`failed: ${f.path}: ${f.error ?? ""}`);
  return `${out.join("\n")}\n`;
}
