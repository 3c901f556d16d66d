/**
 * `strategy-monitor scan`: the funding and basis scanner across the whole venue. This file is
 * the edge: it reads the venue over REST (the shared client: weight limiter, retries), turns
 * the answers into a `ScanInput`, lets the pure `src/scan` rank it with the wall clock's `now`,
 * and prints a terminal table, JSON or CSV — once, or every interval with `--watch`.
 *
 * One pass asks, in this order: `metaAndAssetCtxs`, `spotMetaAndAssetCtxs`, `predictedFundings`
 * (20 weight each), then for every perp that passes the filters its `l2Book` (2) and its spot
 * pair's `l2Book` (2), and its last 10 h of `fundingHistory` (20 + 1). With `--watch` the
 * funding history of a coin is asked again only after the next hourly settlement.
 */
import { HOUR_MS, VenueError, perp as perpMarket } from "../core/index.ts";
import type { BookSnapshotEvent, FundingSettlementEvent, ParseError } from "../core/index.ts";
import type { Config, Logger } from "../config/index.ts";
import { DEFAULT_RISK_CONFIG } from "../risk/index.ts";
import { SCAN_CSV_TABLES, formatScanCsv, formatScanJson, formatScanTerminal, scanVenue, selectPerps } from "../scan/index.ts";
import type { ScanCsvTable, ScanInput, ScanPerp, ScanReport, ScanSettings, ScanSpotPair, VenueFunding } from "../scan/index.ts";
import { HyperliquidRest } from "../venues/hyperliquid/rest.ts";
import { delistedPerpNames } from "../venues/hyperliquid/scan-inputs.ts";
import { SpotResolver } from "../venues/hyperliquid/spot.ts";
import type { SpotPair } from "../venues/hyperliquid/spot.ts";
import { MAX_SPOT_ORACLE_DEVIATION } from "./markets.ts";
import { parseRiskSection } from "./trading-config.ts";
import { CliUsageError, commandContext } from "./shared.ts";
import type { CommonOptions } from "./shared.ts";

/** How far back each pass reads settlements: FundingVelocity needs 8 h (± 30 min) before the newest. */
export const SCAN_HISTORY_MS = 10 * HOUR_MS;

/** Requests sent at once; the weight limiter still orders and paces them. */
const CONCURRENCY = 4;

/** The REST calls a scan makes (the real client, or a stand-in in tests). */
export type ScanRest = Pick<HyperliquidRest, "metaAndAssetCtxs" | "spotMetaAndAssetCtxs" | "predictedFundings" | "l2Book" | "fundingHistory">;

/** Funding settlements per coin from an earlier pass, with the UTC hour they were read in. */
export type FundingHistoryCache = Map<string, { readonly hour: number; readonly events: readonly FundingSettlementEvent[] }>;

export interface GatherOptions {
  readonly rest: ScanRest;
  readonly settings: ScanSettings;
  /** Spot token → perp coin (`spot.baseAliases`). */
  readonly aliases: Readonly<Record<string, string>>;
  /** Wall clock, ms (the edge's). */
  readonly now: () => number;
  readonly log?: Pick<Logger, "info" | "warn">;
  readonly signal?: AbortSignal;
  /** Keeps funding history between passes of `--watch`. */
  readonly historyCache?: FundingHistoryCache;
}

/** What one pass read, and how much request weight it cost by the venue's table. */
export interface GatherResult {
  readonly input: ScanInput;
  readonly requests: number;
  readonly weight: number;
}

/** `metaAndAssetCtxs[1][7].funding` → 7. */
function contextIndexOf(error: ParseError): number | undefined {
  const match = /^metaAndAssetCtxs\[1\]\[(\d+)\]/.exec(error.field);
  return match === null ? undefined : Number(match[1]);
}

/** Runs `work` over `items`, `CONCURRENCY` at a time, results in item order. */
async function pool<T, R>(items: readonly T[], work: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < items.length; i = next++) out[i] = await work(items[i] as T);
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, items.length) }, worker));
  return out;
}

/**
 * Reads one pass from the venue.
 * @throws VenueError when a request fails after the client's retries (the perp and spot metas
 *   are needed; a failed `predictedFundings`, book or history only leaves its rows out, logged).
 */
export async function gatherScanInput(options: GatherOptions): Promise<GatherResult> {
  const { rest, settings, log } = options;
  const signal = options.signal === undefined ? {} : { signal: options.signal };
  let requests = 0;
  let weight = 0;
  const count = (w: number): void => {
    requests += 1;
    weight += w;
  };

  const meta = await rest.metaAndAssetCtxs(signal);
  count(20);
  const delisted = delistedPerpNames(meta.body);
  const ctxOf = new Map(meta.contexts.map((c) => [c.market.symbol, c]));
  const rejectOf = new Map<number, string>();
  for (const reject of meta.rejects) {
    const index = contextIndexOf(reject);
    if (index !== undefined && !rejectOf.has(index)) rejectOf.set(index, reject.message);
  }
  const perps: ScanPerp[] = meta.universe.map((p) => {
    const reason = rejectOf.get(p.index);
    return { coin: p.name, delisted: delisted.has(p.name), ctx: ctxOf.get(p.name), ...(reason === undefined ? {} : { rejectReason: reason }) };
  });

  const spot = await rest.spotMetaAndAssetCtxs(signal);
  count(20);
  const spotMeta: unknown = Array.isArray(spot.body) ? spot.body[0] : undefined;
  const resolver = SpotResolver.fromSpotMeta(spotMeta, options.aliases);
  const spotCtxOf = new Map(spot.contexts.map((c) => [c.market.symbol, c]));

  const predicted = new Map<string, readonly VenueFunding[]>();
  let predictedAtMs: number | undefined;
  try {
    const answer = await rest.predictedFundings(signal);
    count(20);
    predictedAtMs = answer.receivedAtMs;
    for (const [coin, venues] of answer.byCoin) predicted.set(coin, venues);
    if (answer.rejects.length > 0) log?.warn({ rejects: answer.rejects.length, first: answer.rejects[0]?.message }, "predictedFundings: entries refused");
  } catch (error) {
    if (!(error instanceof VenueError)) throw error;
    log?.warn({ error: error.message }, "predictedFundings failed; no cross-venue rows this pass");
  }

  const { selected } = selectPerps(perps, settings);
  const spotPairs = new Map<string, ScanSpotPair>();
  const pairOf = new Map<string, SpotPair>();
  for (const p of selected) {
    const pair = resolver.byBase(p.coin);
    if (pair === undefined) continue;
    pairOf.set(p.coin, pair);
    spotPairs.set(p.coin, { wireName: pair.wireName, pairName: pair.pairName, ctx: spotCtxOf.get(pair.pairName) });
  }
  log?.info(
    { perps: perps.length, scanned: selected.length, spotPairs: spotPairs.size, weight: 60 + selected.length * 23 + spotPairs.size * 2 },
    "scan: reading books and funding history (request weight shown; the venue allows 1200 a minute)",
  );

  const book = async (coin: string, market: SpotPair["market"] | undefined): Promise<BookSnapshotEvent | undefined> => {
    try {
      const answer = await rest.l2Book(coin, { ...signal, ...(market === undefined ? {} : { market }) });
      count(2);
      if (!answer.ok) {
        // `null` is the venue's "no such book" (a pair without one); anything else is malformed.
        if (answer.body === null) log?.info({ coin }, "l2Book: the venue has no book for this coin");
        else log?.warn({ coin, error: answer.reject.message }, "l2Book refused");
        return undefined;
      }
      return answer.book;
    } catch (error) {
      if (!(error instanceof VenueError)) throw error;
      log?.warn({ coin, error: error.message }, "l2Book failed");
      return undefined;
    }
  };
  const perpBooks = new Map<string, BookSnapshotEvent>();
  const spotBooks = new Map<string, BookSnapshotEvent>();
  const bookJobs = [...selected.map((p) => ({ coin: p.coin, wire: p.coin, spot: false })), ...[...pairOf].map(([coin, pair]) => ({ coin, wire: pair.wireName, spot: true }))];
  await pool(bookJobs, async (job) => {
    const b = await book(job.wire, job.spot ? pairOf.get(job.coin)?.market : perpMarket(job.coin));
    if (b !== undefined) (job.spot ? spotBooks : perpBooks).set(job.coin, b);
  });

  const nowMs = options.now();
  const hour = Math.floor(nowMs / HOUR_MS);
  const cache: FundingHistoryCache = options.historyCache ?? new Map<string, { readonly hour: number; readonly events: readonly FundingSettlementEvent[] }>();
  const fundingHistory = new Map<string, readonly FundingSettlementEvent[]>();
  await pool(selected, async (p) => {
    const cached = cache.get(p.coin);
    if (cached !== undefined && cached.hour === hour) {
      fundingHistory.set(p.coin, cached.events);
      return;
    }
    try {
      const answer = await rest.fundingHistory(p.coin, nowMs - SCAN_HISTORY_MS, undefined, signal);
      count(20 + Math.ceil(answer.rows.length / 20));
      cache.set(p.coin, { hour, events: answer.events });
      fundingHistory.set(p.coin, answer.events);
    } catch (error) {
      if (!(error instanceof VenueError)) throw error;
      log?.warn({ coin: p.coin, error: error.message }, "fundingHistory failed; no velocity for this coin this pass");
    }
  });

  return { input: { perps, spotPairs, perpBooks, spotBooks, predicted, predictedAtMs, fundingHistory }, requests, weight };
}

/**
 * The scanner's settings from the configuration: the `scan` section, and the fees of
 * `risk.feeTier` / `risk.fees` (validated as the paper broker's are).
 * @throws ConfigError naming the key when the risk section is invalid.
 */
export function scanSettingsFrom(config: Config): ScanSettings {
  const risk = parseRiskSection(config.risk);
  const tier = config.risk["feeTier"];
  const feeTier = typeof tier === "number" ? `tier ${tier}` : config.risk["fees"] !== undefined ? "custom" : "tier 0";
  const s = config.scan;
  return {
    sizeUsd: s.sizeUsd,
    holdHours: s.holdHours,
    fees: risk.fees ?? DEFAULT_RISK_CONFIG.fees,
    feeTier,
    otherVenueTakerFee: s.otherVenueTakerFee,
    coins: s.coins,
    minDayVolumeUsd: s.minDayVolumeUsd,
    minOpenInterestUsd: s.minOpenInterestUsd,
    extremeFundingApr: s.extremeFundingApr,
    extremeBasisBps: s.extremeBasisBps,
    extremeAccelerationPerHour: s.extremeAccelerationPerHour,
    maxSpotOracleDeviation: MAX_SPOT_ORACLE_DEVIATION,
  };
}

export interface ScanCliOptions extends CommonOptions {
  readonly size?: string;
  readonly hold?: string;
  readonly minVolume?: string;
  readonly minOi?: string;
  readonly rows?: string;
  readonly json?: boolean;
  /** `true` for a bare `--csv` (the carry table), else the table's name. */
  readonly csv?: boolean | string;
  /** `true` for a bare `--watch` (the configured interval), else seconds. */
  readonly watch?: boolean | string;
}

/** The output a pass prints. */
type Output = { readonly kind: "terminal" } | { readonly kind: "json" } | { readonly kind: "csv"; readonly table: ScanCsvTable };

function outputOf(options: ScanCliOptions): Output {
  if (options.json === true && options.csv !== undefined) throw new CliUsageError("--json and --csv: choose one");
  if (options.json === true) return { kind: "json" };
  if (options.csv === undefined) return { kind: "terminal" };
  const table = typeof options.csv === "string" ? options.csv : "carry";
  if (!(SCAN_CSV_TABLES as readonly string[]).includes(table)) throw new CliUsageError(`--csv ${table}: one of ${SCAN_CSV_TABLES.join(", ")}`);
  return { kind: "csv", table: table as ScanCsvTable };
}

function render(report: ScanReport, output: Output, rows: number, watching: boolean): string {
  switch (output.kind) {
    case "json":
      // Under --watch one document per line (JSON Lines); once, indented.
      return `${formatScanJson(report, { pretty: !watching })}\n`;
    case "csv":
      return formatScanCsv(report, output.table);
    case "terminal":
      return formatScanTerminal(report, { rows });
  }
}

/** Sleeps `ms`, or less when `signal` fires. */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
  });
}

export async function runScan(options: ScanCliOptions): Promise<void> {
  const output = outputOf(options);
  const { coins, ...common } = options;
  const { config, logger } = commandContext(common, {
    "scan.coins": coins,
    "scan.sizeUsd": options.size,
    "scan.holdHours": options.hold,
    "scan.minDayVolumeUsd": options.minVolume,
    "scan.minOpenInterestUsd": options.minOi,
    "scan.rows": options.rows,
  });
  const log = logger.child({ component: "scan" });
  const settings = scanSettingsFrom(config);
  let intervalMs: number | undefined;
  if (options.watch === true) intervalMs = config.scan.watchIntervalMs;
  else if (options.watch !== undefined) {
    const seconds = Number(options.watch);
    if (!Number.isFinite(seconds) || seconds < 5) throw new CliUsageError(`--watch must be a number of seconds, at least 5 (got ${JSON.stringify(options.watch)})`);
    intervalMs = seconds * 1000;
  }
  const rest = new HyperliquidRest({ restUrl: config.restUrl, ...config.rest, logger: logger.child({ component: "rest" }) });
  const abort = new AbortController();
  const stop = (): void => abort.abort(new Error("stopped"));
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  const historyCache: FundingHistoryCache = new Map();
  try {
    for (;;) {
      try {
        const started = Date.now();
        const { input, requests, weight } = await gatherScanInput({ rest, settings, aliases: config.spot.baseAliases, now: Date.now, log, signal: abort.signal, historyCache });
        const report = scanVenue(input, settings, Date.now());
        log.info({ requests, weight, ms: Date.now() - started }, "scan pass done");
        if (intervalMs !== undefined && output.kind === "terminal" && process.stdout.isTTY) process.stdout.write("\x1b[2J\x1b[H");
        process.stdout.write(render(report, output, config.scan.rows, intervalMs !== undefined));
      } catch (error) {
        if (abort.signal.aborted) return;
        // Once: fail loudly. Watching: a venue outage costs one refresh, not the session.
        if (intervalMs === undefined || !(error instanceof VenueError)) throw error;
        log.error({ error: error.message }, "scan pass failed; trying again at the next refresh");
      }
      if (intervalMs === undefined) return;
      await pause(intervalMs, abort.signal);
      if (abort.signal.aborted) return;
    }
  } finally {
    process.off("SIGINT", stop);
    process.off("SIGTERM", stop);
  }
}
