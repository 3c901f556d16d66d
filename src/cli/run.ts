/**
 * `strategy-monitor run`: the live paper-trading monitor. Live Hyperliquid market events → the
 * same {@link TradingKernel} replay uses (strategies → risk → paper broker, book fill model) →
 * the SQLite journal, one transaction per batch with a `live` checkpoint. Funding settlements,
 * which the WebSocket does not carry, come from a REST poller ({@link FundingPoller}). Optionally
 * records the capture exactly like `record` (plus the polled `fundingHistory` rows), so the
 * session can be replayed later. See docs/LIVE.md.
 *
 * Warm restart is the same path as a first start: if the journal holds a `live` checkpoint, the
 * broker resumes from its snapshot (open positions, cash, pending entries and exits), the kernel
 * from what it held back (entry orders awaiting their position, the last equity snapshot), and the
 * open-interest tracker reads its 7 days back from `oi_history`; strategies' metric windows
 * warm up again from the live stream.
 */
import { existsSync } from "node:fs";
import type { ConnectionStatusEvent, Market, MarketEvent, MarketEventKind, ParseError } from "../core/index.ts";
import { COMBINED_BOOK, HOUR_MS, market } from "../core/index.ts";
import type { Config, Logger } from "../config/index.ts";
import { DEFAULT_SPOT_LEG_FILTER, paperBrokerFactory, TradingKernel } from "../engine/index.ts";
import type { KernelCarryState, KernelRecord, KernelSummary, SpotLegFilterConfig } from "../engine/index.ts";
import { Journal, registerJournalTrials, trialRegistryPath } from "../journal/index.ts";
import type { Checkpoint } from "../journal/index.ts";
import type { BrokerConfig, BrokerState, PaperOrder } from "../paper/index.ts";
import type { RiskConfig } from "../risk/index.ts";
import { CaptureWriter } from "../replay/capture-writer.ts";
import { SOURCE_STATUS, SOURCE_WS } from "../replay/capture-format.ts";
import { SOURCE_FUNDING_HISTORY, SOURCE_WARM_UP } from "../replay/capture-reader.ts";
import { warmUpEvents } from "../venues/hyperliquid/warm-up.ts";
import { fetchWarmUp } from "./warm-up.ts";
import type { LifecycleState, StrategyConfigs } from "../strategies/index.ts";
import { HyperliquidLiveSource } from "../venues/hyperliquid/live.ts";
import type { LiveSourceStats, LiveSubscriptionPlan } from "../venues/hyperliquid/live.ts";
import { HyperliquidParser } from "../venues/hyperliquid/parse.ts";
import { edgeHeader, edgeParserOptions } from "../venues/hyperliquid/edge.ts";
import { HyperliquidRest } from "../venues/hyperliquid/rest.ts";
import { LiveMetrics, SessionObserver, renderMetrics, setActiveLiveMetrics, startMetricsServer } from "../observability/index.ts";
import type { AlertTransport } from "../alerts/index.ts";
import { CliUsageError } from "./errors.ts";
import { FundingPoller, fundingResumePoints } from "./funding-poller.ts";
import { resolveMarkets } from "./markets.ts";
import { REPLAY_CHECKPOINT } from "./replay-pipeline.ts";
import { StoppedBeforeStartError, commandContext, endStoppedBeforeStart, logReject, positiveInteger, retryUntilStopped, unlessStopped, untilStopped } from "./shared.ts";
import { parseTradingSections, tradingSectionsFromConfig } from "./trading-config.ts";
import type { CommonOptions } from "./shared.ts";

/** The checkpoint name of live sessions (replay's is {@link REPLAY_CHECKPOINT}); a journal holds one or the other. */
export const LIVE_CHECKPOINT = "live";
/** Default: a batch closes after this many events… */
export const DEFAULT_LIVE_BATCH_EVENTS = 2_000;
/** …or once this much event time has passed since its first event, ms (whichever comes first). */
export const DEFAULT_LIVE_BATCH_MS = 1_000;
/** Status line cadence, ms (wall clock). */
export const STATUS_EVERY_MS = 60_000;
const DEFAULT_DB = "monitor.db";

/** Trading settings of a live session (defaults: each component's own). */
export interface LiveTradingSettings {
  readonly strategies?: StrategyConfigs;
  readonly risk?: Partial<RiskConfig>;
  /** USD, for a fresh journal only (a restart keeps the account it restores). Default 10 000. */
  readonly startingEquityUsd?: number;
  /** Default {@link DEFAULT_SPOT_LEG_FILTER}. */
  readonly spotLegFilter?: SpotLegFilterConfig;
  readonly paperTradeWhenKilled?: readonly string[];
  /** Paper-broker settings over its defaults; the fill model is always `book` live. */
  readonly broker?: Partial<Omit<BrokerConfig, "startingEquityUsd" | "fees" | "fillModel">>;
}

/** Totals over every session of a journal, kept in the checkpoint. */
export interface LiveTotals {
  /** Events fed to the kernel (status events included). */
  readonly events: number;
  readonly eventsByKind: Readonly<Partial<Record<MarketEventKind, number>>>;
  readonly signals: number;
  readonly positionsOpened: number;
  readonly outcomes: number;
  readonly rejects: number;
  readonly reconnects: number;
  readonly batches: number;
  readonly sessions: number;
}

/** What a `live` checkpoint's `state` holds. */
export interface LiveCheckpointState {
  readonly kind: "live";
  readonly version: 1;
  /** The account's starting equity, USD (fixed when the journal was created). */
  readonly startingEquityUsd: number;
  /** The combined book's paper broker snapshot ({@link BrokerState}). */
  readonly broker: unknown;
  /**
   * Each strategy book's paper broker snapshot, by book (strategy id); absent in checkpoints
   * written before books existed, whose restart opens every strategy book afresh.
   */
  readonly books?: Readonly<Record<string, unknown>>;
  readonly totals: LiveTotals;
  /** This session's kernel counters at the checkpoint. */
  readonly session: KernelSummary;
  /**
   * What the kernel held back at the checkpoint (entry orders awaiting their position, the last
   * instant's equity snapshot); absent in checkpoints written before it was kept.
   */
  readonly kernel?: KernelCarryState;
}

/** What {@link monitorSession}'s `onBatch` sees after each committed batch. */
export interface LiveBatchInfo {
  /** Batch number over the journal's life (1-based). */
  readonly batch: number;
  readonly records: number;
  readonly checkpoint: Checkpoint;
}

/** Options of {@link monitorSession}. */
export interface MonitorSessionOptions {
  readonly config: Config;
  readonly logger: Logger;
  /** The session flushes and ends when this resolves. */
  readonly stopped: Promise<unknown>;
  /** The journal file (created if missing; a live journal is resumed, a replay journal refused). */
  readonly dbPath: string;
  /** Write the capture (raw frames + status lines, as `record` does) into this directory. */
  readonly recordDir?: string;
  /** Events per batch at most. Default {@link DEFAULT_LIVE_BATCH_EVENTS}. */
  readonly batchEvents?: number;
  /** Event time per batch at most, ms. Default {@link DEFAULT_LIVE_BATCH_MS}. */
  readonly batchMs?: number;
  /**
   * Wall-clock backstop, ms: a non-empty batch older than this is committed even when no further
   * event arrives (a quiet feed must not keep records out of the journal). Default `batchMs`.
   */
  readonly idleFlushMs?: number;
  readonly trading?: LiveTradingSettings;
  /**
   * Every strategy's effective configuration, by id: recorded as the variants tried
   * (`journal.recordVariant`) so the deflated Sharpe ratio counts them. Default: none recorded.
   */
  readonly variants?: Readonly<Record<string, unknown>>;
  /** Status line cadence, ms. Default {@link STATUS_EVERY_MS}. */
  readonly statusEveryMs?: number;
  /** Called after each committed batch. */
  readonly onBatch?: (info: LiveBatchInfo) => void;
  /** Sees every event the live source delivers, before the kernel. */
  readonly onEvent?: (event: MarketEvent) => void;
  /** Called once every subscription is made. */
  readonly onStarted?: () => void;
  /**
   * The funding-settlement poller's timing ({@link FundingPoller}): `delayMs` after each
   * `periodMs` boundary (defaults 15 s after every UTC hour), or `false` for none.
   */
  readonly fundingPoll?: { readonly delayMs?: number; readonly periodMs?: number } | false;
  /**
   * The session's Prometheus metrics (docs/LIVE.md, "Metrics"); default a new one. It becomes the
   * process's active one, which `renderMetrics()` renders, while the session runs.
   */
  readonly metrics?: LiveMetrics;
  /** Tests: the alerts' HTTP transport (default `fetch`) and staleness check cadence, ms. */
  readonly alertTransport?: AlertTransport;
  readonly alertCheckEveryMs?: number;
}

/** What {@link monitorSession} did. */
export interface MonitorSummary {
  readonly journal: string;
  /** True when the session resumed a `live` checkpoint. */
  readonly restored: boolean;
  /** Open positions restored from the checkpoint. */
  readonly restoredPositions: number;
  /** Batches committed by this session. */
  readonly batches: number;
  readonly recordsWritten: number;
  /** Events by kind delivered by the live source in this session (status events included). */
  readonly events: Readonly<Partial<Record<MarketEventKind, number>>>;
  readonly stats: LiveSourceStats;
  readonly kernel: KernelSummary;
  /** Capture files written (with `recordDir`). */
  readonly files: readonly string[];
  /** Open positions at the end (kept in the journal; a restart restores them). */
  readonly openPositions: number;
}

/** Why a session cannot use a journal; thrown before anything is subscribed. */
function liveCheckpointState(journal: Journal, dbPath: string): LiveCheckpointState | undefined {
  if (journal.latestCheckpoint(REPLAY_CHECKPOINT) !== undefined) {
    throw new CliUsageError(`${dbPath} holds a replay's journal (checkpoint "${REPLAY_CHECKPOINT}"); a live session needs its own --db`);
  }
  const checkpoint = journal.latestCheckpoint(LIVE_CHECKPOINT);
  if (checkpoint === undefined) return undefined;
  const state = checkpoint.state as Partial<LiveCheckpointState> | null;
  if (state === null || typeof state !== "object" || state.kind !== "live" || state.version !== 1 || typeof state.startingEquityUsd !== "number" || state.totals === undefined) {
    throw new CliUsageError(`${dbPath}: the "${LIVE_CHECKPOINT}" checkpoint is not one this version wrote; use a new --db`);
  }
  return state as LiveCheckpointState;
}

/**
 * The kernel's carried records for a checkpoint written before checkpoints held them (no
 * `kernel` field): the entry orders the restored broker still has pending, rebuilt from its
 * snapshot, so their fills do not reach the journal without their order rows.
 */
function carryFromBrokerState(state: BrokerState | undefined): KernelCarryState {
  const heldEntries = (state?.pendingEntries ?? []).map((e) => ({
    positionId: e.positionId,
    orders: e.legs.map((l): PaperOrder => {
      const m: Market = market(l.market.venue, l.market.kind, l.market.symbol, l.market.base);
      return { id: l.orderId, signalId: e.signalId, positionId: e.positionId, legIndex: l.legIndex, market: m, side: l.side === "long" ? "buy" : "sell", sz: l.sz, tsMs: e.placedMs, purpose: "entry" };
    }),
    fills: [],
  }));
  return { heldEntries, pendingEquity: null };
}

/**
 * One monitor session: open the journal (refusing a replay's), restore a live checkpoint if
 * there is one, resolve markets over REST, subscribe, feed every event to the kernel and commit
 * its records in batches until `stopped` resolves; then stop the source, commit the last batch
 * with its checkpoint and close the capture. Open positions stay open across sessions.
 * @throws CliUsageError for a replay journal or a foreign live checkpoint; ConfigError for an
 *   unknown coin; VenueError when REST fails; JournalError when a batch cannot be written (the
 *   session stops at once: the journal keeps the last committed checkpoint).
 */
export async function monitorSession(options: MonitorSessionOptions): Promise<MonitorSummary> {
  const { config, logger, dbPath } = options;
  const log = logger.child({ component: "run" });
  const batchEvents = options.batchEvents ?? DEFAULT_LIVE_BATCH_EVENTS;
  const batchMs = options.batchMs ?? DEFAULT_LIVE_BATCH_MS;
  const idleFlushMs = options.idleFlushMs ?? batchMs;
  const trading = options.trading ?? {};

  const journal = Journal.open(dbPath);
  let writer: CaptureWriter | undefined;
  let observerRef: SessionObserver | undefined;
  try {
    const prior = liveCheckpointState(journal, dbPath);
    const priorCheckpoint = prior === undefined ? undefined : journal.latestCheckpoint(LIVE_CHECKPOINT);
    const brokerState = prior?.broker as BrokerState | undefined;
    const startingEquityUsd = prior?.startingEquityUsd ?? trading.startingEquityUsd ?? 10_000;
    if (prior !== undefined && trading.startingEquityUsd !== undefined && trading.startingEquityUsd !== prior.startingEquityUsd) {
      log.warn({ requested: trading.startingEquityUsd, kept: prior.startingEquityUsd }, "the journal's account keeps its starting equity; use a new --db for another");
    }
    const lifecycle: Record<string, LifecycleState> = Object.fromEntries(journal.lifecycle().map((l) => [l.strategy, l.state]));
    // Variants are stamped with the session's start on the receive clock (live has no replayable input).
    for (const [strategy, variant] of Object.entries(options.variants ?? {})) journal.recordVariant(strategy, variant, Date.now());
    // And across journals, for the deflated Sharpe's N (docs/JOURNAL.md, "Trial registry").
    if (options.variants !== undefined) registerJournalTrials(journal, trialRegistryPath(dbPath, config.journal.trialRegistry));
    const kernel = new TradingKernel({
      broker: paperBrokerFactory({ ...trading.broker, fillModel: "book" }, (book) => (book === COMBINED_BOOK ? brokerState : (prior?.books?.[book] as BrokerState | undefined))),
      ...(trading.strategies === undefined ? {} : { strategies: trading.strategies }),
      ...(trading.risk === undefined ? {} : { risk: trading.risk }),
      startingEquityUsd,
      lifecycle,
      paperTradeWhenKilled: trading.paperTradeWhenKilled ?? [],
      spotLegFilter: trading.spotLegFilter ?? DEFAULT_SPOT_LEG_FILTER,
      oiSeries: journal.openInterestSeries(),
      ...(prior === undefined ? {} : { carry: prior.kernel ?? carryFromBrokerState(brokerState) }),
    });
    if (priorCheckpoint !== undefined) {
      // Signal ids and equity snapshots are keyed by ms: the restarted kernel must not reuse an
      // instant the journal already holds, so its clock starts just after the checkpoint's.
      kernel.clock.advance(priorCheckpoint.tsMs + 1);
    }
    const restoredPositions = brokerState?.positions.length ?? 0;
    if (prior !== undefined) {
      log.info(
        { restoredPositions, pendingEntries: brokerState?.pendingEntries.length ?? 0, cashUsd: brokerState?.cashUsd, strategyBooks: Object.keys(prior.books ?? {}).length, checkpointMs: priorCheckpoint?.tsMs, sessions: prior.totals.sessions },
        "warm restart: broker restored from the live checkpoint; strategies warm up again",
      );
    }

    const rest = new HyperliquidRest({ restUrl: config.restUrl, ...config.rest, maxVenueTimeAheadMs: config.live.maxVenueTimeAheadMs, logger: logger.child({ component: "rest" }) });
    // A venue outage at start waits with backoff (and says so) until the user stops.
    const markets = await retryUntilStopped("metaAndAssetCtxs / spotMetaAndAssetCtxs", (signal) => resolveMarkets(config, rest, log, signal), { stopped: options.stopped, log });

    const runId = `live-${Date.now()}-${process.pid}`;
    journal.startRun({ runId, command: "run", inputPaths: [], config: { coins: markets.coins, candleIntervals: config.candleIntervals, spotPairs: markets.spotPairs.map((p) => p.pairName), batchEvents, batchMs, startingEquityUsd, record: options.recordDir ?? null }, startedMs: Date.now() });

    if (options.recordDir !== undefined) {
      writer = new CaptureWriter({
        dir: options.recordDir,
        maxBytes: config.record.rotateBytes,
        flushIntervalMs: config.record.flushIntervalMs,
        header: { network: config.network, coins: markets.coins, candleIntervals: config.candleIntervals, barCloseGraceMs: config.live.barCloseGraceMs, maxVenueTimeAheadMs: config.live.maxVenueTimeAheadMs, spotPairs: markets.spotPairs.map((p) => p.pairName), ...edgeHeader(config.live) },
      });
      if (markets.spotMetaRaw !== undefined) writer.write(Date.now(), "info:spotMeta", markets.spotMetaRaw);
    }
    const capture = writer;

    // Metrics and alerts: hooks that return at once and never throw into the pipeline.
    const observer = new SessionObserver({
      logger,
      ...(options.metrics === undefined ? {} : { metrics: options.metrics }),
      alerts: config.alerts,
      readLifecycle: () => journal.lifecycle(),
      ...(options.alertTransport === undefined ? {} : { alertTransport: options.alertTransport }),
      ...(options.alertCheckEveryMs === undefined ? {} : { alertCheckEveryMs: options.alertCheckEveryMs }),
    });
    observerRef = observer;
    setActiveLiveMetrics(observer.metrics);

    // --- batching --------------------------------------------------------------------------
    const priorTotals = prior?.totals;
    const counts: Partial<Record<MarketEventKind, number>> = {};
    let pending: KernelRecord[] = [];
    let batchEventsSeen = 0;
    let batchStartMs = 0;
    let sessionEvents = 0;
    let batches = 0;
    let recordsWritten = 0;
    let rejects = 0;
    let lastCommitWallMs = Date.now();
    let lastEventMs = kernel.clock.now();
    let fatal: Error | undefined;
    let stopNow!: () => void;
    const failed = new Promise<void>((resolve) => (stopNow = resolve));

    const totals = (reconnects: number): LiveTotals => {
      const k = kernel.summary();
      const sum = (r: Readonly<Record<string, number>>): number => Object.values(r).reduce((a, b) => a + b, 0);
      const byKind: Partial<Record<MarketEventKind, number>> = { ...priorTotals?.eventsByKind };
      for (const [kind, n] of Object.entries(counts) as [MarketEventKind, number][]) byKind[kind] = (byKind[kind] ?? 0) + n;
      return {
        events: (priorTotals?.events ?? 0) + sessionEvents,
        eventsByKind: byKind,
        signals: (priorTotals?.signals ?? 0) + sum(k.signalsByStrategy),
        positionsOpened: (priorTotals?.positionsOpened ?? 0) + sum(k.positionsByStrategy),
        outcomes: (priorTotals?.outcomes ?? 0) + Object.values(k.outcomesByStrategy).reduce((a, o) => a + o.count, 0),
        rejects: (priorTotals?.rejects ?? 0) + rejects,
        reconnects: (priorTotals?.reconnects ?? 0) + reconnects,
        batches: (priorTotals?.batches ?? 0) + batches,
        sessions: (priorTotals?.sessions ?? 0) + 1,
      };
    };

    const commit = (): void => {
      if (fatal !== undefined || (batchEventsSeen === 0 && pending.length === 0)) return;
      batches += 1;
      const state: LiveCheckpointState = {
        kind: "live",
        version: 1,
        startingEquityUsd,
        broker: kernel.brokerSnapshot(),
        books: kernel.bookSnapshots(),
        totals: totals(source.stats.reconnects),
        session: kernel.summary(),
        kernel: kernel.carryState(),
      };
      // tsMs is the kernel's clock (1 ms past the last event after the stop's flush); lastEventMs the latest event time seen.
      const checkpoint: Checkpoint = { name: LIVE_CHECKPOINT, tsMs: kernel.clock.now(), eventsConsumed: state.totals.events, lastEventMs, state };
      const records = pending;
      try {
        const writeStartMs = performance.now();
        journal.writeBatch(records, checkpoint);
        observer.onJournalWrite(performance.now() - writeStartMs);
      } catch (error) {
        batches -= 1;
        fatal = error instanceof Error ? error : new Error(String(error));
        log.error({ err: error, records: records.length }, "journal write failed; stopping (the journal keeps the last committed checkpoint)");
        stopNow();
        return;
      }
      recordsWritten += records.length;
      pending = [];
      batchEventsSeen = 0;
      lastCommitWallMs = Date.now();
      options.onBatch?.({ batch: state.totals.batches, records: records.length, checkpoint });
    };

    // While the warm-up runs, what the live feed delivers (frames to record, events, funding) waits
    // here in arrival order; it is released after the warm-up, so the kernel and the capture see
    // warm-up first and the live feed after it, in the order a replay of the capture will.
    let held: (() => void)[] | undefined = [];
    const inOrder = (action: () => void): void => {
      if (held === undefined) action();
      else held.push(action);
    };

    const onEvent = (event: MarketEvent): void => {
      if (fatal !== undefined) return;
      counts[event.kind] = (counts[event.kind] ?? 0) + 1;
      options.onEvent?.(event);
      observer.onEvent(event);
      if (event.kind === "status") {
        capture?.write(event.tsInit, SOURCE_STATUS, statusLine(event));
        logStatus(log, event);
      }
      const records = kernel.onEvents([event]);
      // The kernel processes an instant once the next begins: its clock may lag this event by one.
      lastEventMs = Math.max(lastEventMs, kernel.clock.now(), event.tsEvent);
      for (const r of records) pending.push(r);
      observer.onRecords(records);
      sessionEvents += 1;
      if (batchEventsSeen === 0) batchStartMs = lastEventMs;
      batchEventsSeen += 1;
      if (batchEventsSeen >= batchEvents || lastEventMs - batchStartMs >= batchMs) commit();
    };

    const parser = new HyperliquidParser({
      spot: markets.resolver,
      barCloseGraceMs: config.live.barCloseGraceMs,
      maxVenueTimeAheadMs: config.live.maxVenueTimeAheadMs,
      ...edgeParserOptions(config.live, { perps: markets.coins, spotPairs: markets.spotPairs.map((p) => p.pairName) }),
    });
    const source = new HyperliquidLiveSource({ wsUrl: config.wsUrl, ...config.live, logger: logger.child({ component: "live" }) }, parser, {
      ...(capture === undefined ? {} : { onFrame: (raw: string, tsInit: number) => inOrder(() => capture.write(tsInit, SOURCE_WS, raw)) }),
      onEvent: (event: MarketEvent) => inOrder(() => onEvent(event)),
      onReject: (error: ParseError) => {
        rejects += 1;
        observer.onReject();
        logReject(log, error, rejects);
      },
    });

    const plan: LiveSubscriptionPlan = { perps: markets.coins, spotPairs: markets.spotPairs, candleIntervals: config.candleIntervals };
    log.info(
      { coins: markets.coins, spotPairs: markets.spotPairs.map((p) => `${p.pairName} (${p.wireName})`), intervals: config.candleIntervals, db: dbPath, record: options.recordDir ?? false, batchEvents, batchMs },
      "monitoring",
    );
    // The socket may be unreachable for as long as the venue is down: the source retries with
    // backoff, and a stop (signal, --duration) ends the wait instead of being swallowed.
    const startedSource = await unlessStopped(source.start(plan), options.stopped);
    if (startedSource.stopped) {
      await source.stop();
      if (capture !== undefined) await capture.close();
      writer = undefined;
      journal.finishRun(runId, Date.now());
      throw new StoppedBeforeStartError(`stopped before the venue's WebSocket acknowledged every subscription (${source.stats.reconnects} reconnects, ${source.stats.frames} frames)`);
    }

    // Settlements come over REST (the WebSocket has none). They are stamped ~hh:00:00.05 and arrive
    // after later live events: the kernel's clock does not go back (it stays at the latest event),
    // the broker pays each settlement with its own time on the perp legs opened strictly before it
    // and ignores a settlement time it already applied (so restarts cannot pay one twice).
    // A restart asks for every settlement since the last one paid, or since the oldest open
    // position's open time when that is later (a journal that has paid none yet still owes them).
    const lastSettlementMs = fundingResumePoints(brokerState, markets.coins, (c) => market("hyperliquid", "perp", c, c).key);
    const fundingPoll = options.fundingPoll;
    const poller =
      fundingPoll === false
        ? undefined
        : new FundingPoller({
            rest,
            coins: markets.coins,
            lastSettlementMs,
            // A coin with no settlement paid and no open position starts with the session: nothing before it is due.
            startMs: Date.now(),
            logger: log,
            ...(fundingPoll?.delayMs === undefined ? {} : { delayMs: fundingPoll.delayMs }),
            ...(fundingPoll?.periodMs === undefined ? {} : { periodMs: fundingPoll.periodMs }),
            // The capture line is written at the moment of delivery, so a replay meets the settlements where the kernel did.
            ...(capture === undefined
              ? {}
              : {
                  onResponse: (_coin: string, rows: readonly unknown[]) => {
                    const tsInit = Date.now();
                    inOrder(() => capture.write(tsInit, SOURCE_FUNDING_HISTORY, JSON.stringify(rows)));
                  },
                }),
            deliver: (events) => inOrder(() => {
              for (const e of events) onEvent(e);
            }),
          });
    poller?.start();

    // Warm-up: closed bars and settlements over REST, fed to the strategies only (the kernel
    // discards their signals), recorded as one info:warmUp line; then the held live feed.
    const warmUpStop = new AbortController();
    void options.stopped.then(() => warmUpStop.abort());
    const warm = await fetchWarmUp(
      rest,
      { coins: markets.coins, spotPairs: markets.spotPairs, intervals: config.candleIntervals, bars: config.live.warmUpBars, fundingHours: config.live.warmUpFundingHours, maxWeight: 2 * config.rest.weightPerMinute },
      Date.now(),
      log,
      warmUpStop.signal,
    );
    const warmTsInit = Date.now();
    capture?.write(warmTsInit, SOURCE_WARM_UP, JSON.stringify(warm.body));
    const warmEvents = warmUpEvents(warm.body, markets.resolver, warmTsInit, config.live.maxVenueTimeAheadMs);
    for (const error of warmEvents.rejects) {
      rejects += 1;
      logReject(log, error, rejects);
    }
    // Straight to the kernel: warm-up is history, not live events (not counted as such, not handed
    // to onEvent observers); whatever it returns (nothing but counters today) is journaled.
    for (const r of kernel.onEvents(warmEvents.events)) pending.push(r);
    const released = held;
    held = undefined;
    for (const action of released) action();
    log.info(
      { bars: warm.bars, settlements: warm.settlements, failures: warm.failures, skippedCoins: warm.skippedCoins.length, tookMs: warm.tookMs, heldLiveItems: released.length, signalsDiscarded: kernel.summary().warmUpSignalsDiscarded },
      "warm-up done: strategies fed the history they need; live events follow",
    );
    options.onStarted?.();

    const sessionStartMs = Date.now();
    let clockOffsetWarned = false;
    const statusLineLog = (): void => {
      const k = kernel.summary();
      const clockOffsetMs = parser.clockOffset.medianMs();
      if (!clockOffsetWarned && clockOffsetMs !== undefined && Math.abs(clockOffsetMs) > config.live.clockOffsetWarnMs) {
        clockOffsetWarned = true;
        log.warn(
          { clockOffsetMs, warnAboveMs: config.live.clockOffsetWarnMs },
          `books arrive ${clockOffsetMs} ms after their venue time (median; ~500 ms is network latency): this host's clock disagrees with the venue's. Bars close and contexts are stamped on the venue's clock (receive time − this offset); fix the host clock (NTP) for trustworthy receive times`,
        );
      }
      const warmth = strategyWarmth(kernel, Date.now(), sessionStartMs);
      const t = totals(source.stats.reconnects);
      log.info(
        {
          events: { ...counts },
          signals: t.signals,
          openPositions: openPositionsOf(kernel),
          equityUsd: k.equityUsd,
          decisions: k.decisionsByCode,
          rejects,
          reconnects: source.stats.reconnects,
          gaps: source.stats.gaps,
          silentChannels: source.stats.silentChannels,
          subscribeRetries: source.stats.subscribeRetries,
          clockOffsetMs,
          venueTimeWentBack: parser.stats.timeWentBack,
          batches: t.batches,
          ...(poller === undefined ? {} : { funding: { polls: poller.polls, settlements: poller.delivered, failures: poller.failures } }),
          ...observer.statusFields(),
          warm: warmth.warm,
          waiting: warmth.waiting,
        },
        "monitor status",
      );
    };
    observer.start(() => {
      const books = kernel.summary().books;
      const snapshots = kernel.bookSnapshots();
      const openPositionsByBook: Record<string, number> = { [COMBINED_BOOK]: openPositionsOf(kernel) };
      for (const [book, state] of Object.entries(snapshots)) openPositionsByBook[book] = (state as BrokerState).positions.length;
      const equityUsdByBook: Record<string, number> = {};
      for (const [book, b] of Object.entries(books)) if (b.equityUsd !== undefined) equityUsdByBook[book] = b.equityUsd;
      return { openPositionsByBook, equityUsdByBook, reconnects: source.stats.reconnects, gaps: source.stats.gaps };
    });
    const statusTimer = setInterval(statusLineLog, options.statusEveryMs ?? STATUS_EVERY_MS);
    statusTimer.unref();
    const idleTimer = setInterval(() => {
      if (batchEventsSeen > 0 && Date.now() - lastCommitWallMs >= idleFlushMs) commit();
    }, idleFlushMs);
    idleTimer.unref();

    await Promise.race([options.stopped, failed]);
    clearInterval(statusTimer);
    clearInterval(idleTimer);
    // Alerts still queued get a few seconds to go out; the journal stays open for the lifecycle read until then.
    await observer.close();
    await poller?.stop();
    await source.stop();
    // The last batch and its checkpoint: what a restart resumes from. Nothing arrives after stop(),
    // so the equity snapshot of the last instant is released now (the clock moves 1 ms on; the
    // restart's clock starts after the checkpoint's, so that instant is never reused).
    if (fatal === undefined) {
      const flushed = kernel.flushPending(kernel.clock.now() + 1);
      for (const r of flushed) pending.push(r);
    }
    if (batchEventsSeen > 0 || pending.length > 0) commit();
    if (capture !== undefined) await capture.close();
    writer = undefined;
    if (fatal !== undefined) throw fatal;
    journal.finishRun(runId, Date.now());
    statusLineLog();
    const summary: MonitorSummary = {
      journal: dbPath,
      restored: prior !== undefined,
      restoredPositions,
      batches,
      recordsWritten,
      events: { ...counts },
      stats: { ...source.stats },
      kernel: kernel.summary(),
      files: capture === undefined ? [] : [...capture.files],
      openPositions: openPositionsOf(kernel),
    };
    log.info({ batches, recordsWritten, openPositions: summary.openPositions, files: summary.files }, "monitor stopped; open positions stay in the journal for the next start");
    return summary;
  } finally {
    // Stops the alert timers (they read the journal) on every path; a no-op after the normal close.
    await observerRef?.close(0);
    if (writer !== undefined) await writer.close();
    journal.close();
  }
}

/**
 * Per strategy: warm on how many of its markets, and for those still cold what they wait for and
 * since when (the session's start: warm-up over REST covers bars and funding; books, trades and
 * open interest only come live).
 */
export function strategyWarmth(
  kernel: TradingKernel,
  nowMs: number,
  sinceMs: number,
): { readonly warm: Record<string, string>; readonly waiting: Record<string, { readonly markets: string; readonly for: string; readonly needs: string }> } {
  const byId = new Map<string, { warm: number; total: number; needs: string }>();
  for (const { strategy, retired } of kernel.strategies()) {
    if (retired) continue;
    const entry = byId.get(strategy.id) ?? { warm: 0, total: 0, needs: strategy.warmUp };
    entry.total += 1;
    if (strategy.isWarm(nowMs)) entry.warm += 1;
    byId.set(strategy.id, entry);
  }
  const warm: Record<string, string> = {};
  const waiting: Record<string, { markets: string; for: string; needs: string }> = {};
  const minutes = Math.max(0, Math.round((nowMs - sinceMs) / 60_000));
  for (const [id, e] of [...byId].sort(([a], [b]) => a.localeCompare(b))) {
    warm[id] = `${e.warm}/${e.total}`;
    if (e.warm < e.total) waiting[id] = { markets: `${e.total - e.warm} of ${e.total}`, for: `${minutes} min`, needs: e.needs };
  }
  return { warm, waiting };
}

function openPositionsOf(kernel: TradingKernel): number {
  return (kernel.brokerSnapshot() as BrokerState).positions.length;
}

function statusLine(event: ConnectionStatusEvent): string {
  return JSON.stringify({ state: event.state, gapFrom: event.gapFrom, gapTo: event.gapTo, detail: event.detail });
}

function logStatus(log: Logger, event: ConnectionStatusEvent): void {
  const fields = { state: event.state, gapFrom: event.gapFrom, gapTo: event.gapTo, gapMs: event.gapFrom !== undefined && event.gapTo !== undefined ? event.gapTo - event.gapFrom : undefined, detail: event.detail };
  if (event.state === "gap" || event.state === "disconnected") log.warn(fields, `connection ${event.state}`);
  else log.info(fields, `connection ${event.state}`);
}


/** Options of {@link runMonitor} (the CLI's). */
export interface RunOptions extends CommonOptions {
  /** Journal file (`--db`). Default `monitor.db`. */
  readonly db?: string;
  /** Also write the capture (`--record`), into `--out` or the config's `record.dir`. */
  readonly record?: boolean;
  readonly out?: string;
  /** `--batch-events`: events per batch at most. */
  readonly batchEvents?: string | number;
  /** `--batch-ms`: event time per batch at most, ms. */
  readonly batchMs?: string | number;
  /** `--equity`: starting equity of a new journal's account, USD. */
  readonly equity?: string | number;
  /** `--duration`: stop after this many seconds. */
  readonly duration?: string;
  /** `--funding-delay`: poll fundingHistory this many ms after each UTC hour. Default 15 000. */
  readonly fundingDelay?: string | number;
  /** `--metrics-port`: serve the Prometheus text at http://127.0.0.1:<port>/metrics (0 = a free port). */
  readonly metricsPort?: string | number;
}

/** The CLI entry: `run [--db monitor.db] [--record [--out dir]] [--coins …] [--intervals …] [--batch-events n] [--batch-ms ms] [--equity usd] [--funding-delay ms] [--duration s]`. */
export async function runMonitor(options: RunOptions): Promise<void> {
  const durationS = positiveInteger("--duration", options.duration);
  const batchEvents = positiveInteger("--batch-events", options.batchEvents);
  const batchMs = positiveInteger("--batch-ms", options.batchMs);
  const equity = options.equity === undefined ? undefined : Number(options.equity);
  if (equity !== undefined && !(equity > 0 && Number.isFinite(equity))) throw new CliUsageError(`--equity must be a positive number of USD (got ${JSON.stringify(options.equity)})`);
  const fundingDelayMs = options.fundingDelay === undefined ? undefined : Number(options.fundingDelay);
  if (fundingDelayMs !== undefined && !(Number.isInteger(fundingDelayMs) && fundingDelayMs >= 0 && fundingDelayMs < HOUR_MS)) {
    throw new CliUsageError(`--funding-delay must be a whole number of ms from 0 to 3599999 (got ${JSON.stringify(options.fundingDelay)})`);
  }
  const { config, logger } = commandContext(options, { "record.dir": options.out });
  // The config file's strategies / risk / broker sections, validated by their own layers (errors
  // name the full key); live always fills on the book, so the bar settings do not apply.
  const parsed = parseTradingSections(tradingSectionsFromConfig(config));
  const { startingEquityUsd: configEquity, barInterval: _barInterval, ...broker } = parsed.broker;
  const startingEquityUsd = equity ?? configEquity;
  const trading: LiveTradingSettings = {
    strategies: parsed.strategies,
    risk: parsed.risk,
    broker,
    paperTradeWhenKilled: parsed.paperTradeWhenKilled,
    ...(startingEquityUsd === undefined ? {} : { startingEquityUsd }),
  };
  const metricsPort = options.metricsPort === undefined ? undefined : Number(options.metricsPort);
  if (metricsPort !== undefined && !(Number.isInteger(metricsPort) && metricsPort >= 0 && metricsPort <= 65_535)) {
    throw new CliUsageError(`--metrics-port must be a TCP port from 0 to 65535 (got ${JSON.stringify(options.metricsPort)})`);
  }
  const dbPath = options.db ?? DEFAULT_DB;
  const created = !existsSync(dbPath);
  const stopped = untilStopped(durationS);
  const metrics = new LiveMetrics();
  setActiveLiveMetrics(metrics);
  const metricsServer = metricsPort === undefined ? undefined : await startMetricsServer({ port: metricsPort, render: renderMetrics });
  if (metricsServer !== undefined) logger.info({ url: `http://${metricsServer.host}:${metricsServer.port}/metrics` }, "Prometheus metrics served");
  try {
    await monitorSession({
      config,
      logger,
      stopped,
      dbPath,
      ...(options.record === true ? { recordDir: config.record.dir } : {}),
      ...(batchEvents === undefined ? {} : { batchEvents }),
      ...(batchMs === undefined ? {} : { batchMs }),
      trading,
      variants: parsed.variants,
      ...(fundingDelayMs === undefined ? {} : { fundingPoll: { delayMs: fundingDelayMs } }),
      metrics,
    });
  } catch (error) {
    // A start that failed before its run began (offline, an unknown coin) leaves no journal it created.
    if (created) Journal.removeIfNeverRun(dbPath);
    if (error instanceof StoppedBeforeStartError) return endStoppedBeforeStart(error, stopped, logger);
    throw error;
  } finally {
    await metricsServer?.close();
  }
}

