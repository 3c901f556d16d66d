/**
 * `strategy-monitor record`: live Hyperliquid frames → gzip capture files.
 *
 * At start it resolves the markets exactly as `run` does ({@link resolveMarkets}: the perp
 * universe and the spot pairs over REST, every requested coin checked, each coin's spot pair from
 * spotMeta, never hard-coded, its mid sanity-checked against the perp's oracle price). The spotMeta answer goes into the
 * capture so that replay resolves `@N` names exactly as this session did. Then it subscribes
 * and writes every raw frame with its receive time, plus connection-status lines.
 */
import type { ConnectionStatusEvent, MarketEvent, MarketEventKind, ParseError } from "../core/index.ts";
import type { Config, Logger } from "../config/index.ts";
import { CaptureWriter } from "../replay/capture-writer.ts";
import { SOURCE_STATUS, SOURCE_WS } from "../replay/capture-format.ts";
import { HyperliquidLiveSource } from "../venues/hyperliquid/live.ts";
import type { LiveSourceStats, LiveSubscriptionPlan } from "../venues/hyperliquid/live.ts";
import { HyperliquidParser } from "../venues/hyperliquid/parse.ts";
import { edgeHeader, edgeParserOptions } from "../venues/hyperliquid/edge.ts";
import { HyperliquidRest } from "../venues/hyperliquid/rest.ts";
import { resolveMarkets } from "./markets.ts";
import { StoppedBeforeStartError, commandContext, endStoppedBeforeStart, logReject, positiveInteger, retryUntilStopped, unlessStopped, untilStopped } from "./shared.ts";
import type { CommonOptions } from "./shared.ts";

export interface RecordOptions extends CommonOptions {
  readonly out?: string;
  readonly duration?: string;
}

const STATS_EVERY_MS = 60_000;

export async function runRecord(options: RecordOptions): Promise<void> {
  const durationS = positiveInteger("--duration", options.duration);
  const { config, logger } = commandContext(options, { "record.dir": options.out });
  const stopped = untilStopped(durationS);
  try {
    await recordSession({ config, logger, stopped });
  } catch (error) {
    if (error instanceof StoppedBeforeStartError) return endStoppedBeforeStart(error, stopped, logger);
    throw error;
  }
}

export interface RecordSessionOptions {
  readonly config: Config;
  readonly logger: Logger;
  /** The session ends when this resolves (in any state: a start still waiting for the venue ends too). */
  readonly stopped: Promise<unknown>;
  /** Sees every event the live source delivers (tests compare them with the replay). */
  readonly onEvent?: (event: MarketEvent) => void;
  /** Called once every subscription is made. */
  readonly onStarted?: () => void;
}

export interface RecordSummary {
  readonly files: readonly string[];
  readonly stats: LiveSourceStats;
  readonly events: Readonly<Partial<Record<MarketEventKind, number>>>;
}

/** One recording session: resolve markets, subscribe, write frames until `stopped` resolves. */
export async function recordSession(options: RecordSessionOptions): Promise<RecordSummary> {
  const { config, logger } = options;
  const log = logger.child({ component: "record" });

  const rest = new HyperliquidRest({ restUrl: config.restUrl, ...config.rest, logger: logger.child({ component: "rest" }) });
  // A venue outage at start waits with backoff (and says so) until the user stops.
  const { coins, spotPairs, resolver, spotMetaRaw } = await retryUntilStopped("metaAndAssetCtxs / spotMetaAndAssetCtxs", (signal) => resolveMarkets(config, rest, log, signal), { stopped: options.stopped, log });

  const writer = new CaptureWriter({
    dir: config.record.dir,
    maxBytes: config.record.rotateBytes,
    flushIntervalMs: config.record.flushIntervalMs,
    header: { network: config.network, coins, candleIntervals: config.candleIntervals, barCloseGraceMs: config.live.barCloseGraceMs, maxVenueTimeAheadMs: config.live.maxVenueTimeAheadMs, spotPairs: spotPairs.map((p) => p.pairName), ...edgeHeader(config.live) },
  });
  if (spotMetaRaw !== undefined) {
    writer.write(Date.now(), "info:spotMeta", spotMetaRaw);
  }

  const counts = new Map<MarketEventKind, number>();
  let rejects = 0;
  const parser = new HyperliquidParser({
    spot: resolver,
    barCloseGraceMs: config.live.barCloseGraceMs,
    maxVenueTimeAheadMs: config.live.maxVenueTimeAheadMs,
    ...edgeParserOptions(config.live, { perps: coins, spotPairs: spotPairs.map((p) => p.pairName) }),
  });
  const live = new HyperliquidLiveSource({ wsUrl: config.wsUrl, ...config.live, logger: logger.child({ component: "live" }) }, parser, {
    onFrame: (raw, tsInit) => writer.write(tsInit, SOURCE_WS, raw),
    onEvent: (event) => {
      counts.set(event.kind, (counts.get(event.kind) ?? 0) + 1);
      options.onEvent?.(event);
      if (event.kind === "status") {
        writer.write(event.tsInit, SOURCE_STATUS, statusLine(event));
        log.info({ state: event.state, gapFrom: event.gapFrom, gapTo: event.gapTo, detail: event.detail }, `connection ${event.state}`);
      }
    },
    onReject: (error: ParseError) => {
      rejects += 1;
      logReject(log, error, rejects);
    },
  });

  const plan: LiveSubscriptionPlan = { perps: coins, spotPairs, candleIntervals: config.candleIntervals };
  log.info({ coins, spotPairs: spotPairs.map((p) => `${p.pairName} (${p.wireName})`), intervals: config.candleIntervals, dir: config.record.dir }, "recording");
  try {
    // The socket may stay unreachable: a stop (signal, --duration) ends the wait.
    const started = await unlessStopped(live.start(plan), options.stopped);
    if (started.stopped) {
      await live.stop();
      throw new StoppedBeforeStartError(`stopped before the venue's WebSocket acknowledged every subscription (${live.stats.frames} frames)`);
    }
  } catch (error) {
    await writer.close();
    throw error;
  }
  options.onStarted?.();

  const stats = setInterval(
    () => log.info({ ...live.stats, duplicateTrades: parser.stats.duplicateTrades, events: Object.fromEntries(counts), files: writer.files.length }, "recording stats"),
    STATS_EVERY_MS,
  );
  stats.unref();
  await options.stopped;
  clearInterval(stats);
  await live.stop();
  await writer.close();
  const summary: RecordSummary = { files: [...writer.files], stats: { ...live.stats }, events: Object.fromEntries(counts) };
  log.info({ ...summary.stats, duplicateTrades: parser.stats.duplicateTrades, events: summary.events, files: summary.files }, "recording stopped");
  return summary;
}

function statusLine(event: ConnectionStatusEvent): string {
  return JSON.stringify({ state: event.state, gapFrom: event.gapFrom, gapTo: event.gapTo, detail: event.detail });
}


