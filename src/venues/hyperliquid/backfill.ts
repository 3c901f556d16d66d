/**
 * Backfill: downloads Hyperliquid candles and funding history over REST into files in the
 * venue's own layouts, which history replay reads:
 *
 * | data          | file                                          | header                      |
 * | ------------- | --------------------------------------------- | --------------------------- |
 * | perp candles  | `DIR/candles/hl_perp_{COIN}_{interval}.csv`    | `t,T,s,i,o,c,h,l,v,n`       |
 * | spot candles  | `DIR/candles/hl_spot_{BASE}_{QUOTE}_{interval}.csv` (`s` = `UBTC/USDC`) | same |
 * | funding       | `DIR/funding/hl_funding_{COIN}.csv`            | `coin,fundingRate,premium,time` |
 *
 * Numbers are written as the venue's original strings. Only closed candles are written (a
 * forming bar would be frozen half-made into the file), so a rerun picks the bar up once done.
 *
 * Crash safety: every page is appended with one write and fsynced, so a kill leaves at most a
 * torn last line. A rerun truncates that line away, reads the time of the last complete row and
 * continues from time + 1: resuming is the same path as starting.
 */
import { mkdir, open, stat } from "node:fs/promises";
import type { FileHandle } from "node:fs/promises";
import { dirname, join } from "node:path";
import { DataFileError, VenueError, intervalMs, perp } from "../../core/index.ts";
import type { CandleInterval, Market, ParseError } from "../../core/index.ts";
import type { RawCandleRow, RawFundingRow } from "./parse.ts";
import type { HyperliquidRest } from "./rest.ts";
import type { SpotPair } from "./spot.ts";

/** The REST calls backfill makes; `HyperliquidRest` fits. */
export type BackfillRest = Pick<HyperliquidRest, "candleSnapshot" | "fundingHistory" | "spotMetaAndAssetCtxs">;

/** The logging surface backfill needs; a pino logger fits. */
export interface BackfillLogger {
  warn(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
}

export type BackfillKind = "candles" | "spotCandles" | "funding";

/** Reported after every page written. */
export interface BackfillProgress {
  /** The perp coin the series belongs to (for spot: the base coin, e.g. `BTC` for `UBTC/USDC`). */
  readonly coin: string;
  readonly kind: BackfillKind;
  readonly interval?: CandleInterval | undefined;
  /** Perp coin or readable spot pair name. */
  readonly symbol: string;
  /** Rows appended to this series' file in this run so far. */
  readonly rowsWritten: number;
  /** Where this run started the series, ms (after resume and the venue's candle horizon). */
  readonly fromTime: number;
  /** Time of the last row written (open time for candles), ms; `fromTime` until one is. */
  readonly toTime: number;
}

export interface BackfillOptions {
  readonly rest: BackfillRest;
  /** Perp coins, e.g. `["BTC", "ETH"]`. */
  readonly coins: readonly string[];
  readonly intervals: readonly CandleInterval[];
  /** Range start, ms (inclusive). */
  readonly startTime: number;
  /** Range end, ms (inclusive; candles are also limited to bars closed before now). */
  readonly endTime: number;
  readonly outDir: string;
  /** Also fetch the spot pair of each coin (resolved from `spotMetaAndAssetCtxs`). */
  readonly spot: boolean;
  readonly logger: BackfillLogger;
  readonly onProgress?: (progress: BackfillProgress) => void;
  /** Stops between pages (and inside a request); the files stay resumable. */
  readonly signal?: AbortSignal;
  /** Wall-clock time, ms; default `Date.now` (this is an edge). Sets the candle horizon. */
  readonly now?: () => number;
}

/** What one series (one file) got in this run. */
export interface BackfillSeriesResult {
  readonly kind: BackfillKind;
  readonly coin: string;
  readonly symbol: string;
  readonly interval: CandleInterval | undefined;
  readonly path: string;
  readonly rowsWritten: number;
  /** Time of the last complete row already in the file at start, ms; `undefined` for a new file. */
  readonly resumedAfter: number | undefined;
  /** Time of the last row in the file at the end, ms. */
  readonly lastTime: number | undefined;
}

export interface BackfillResult {
  readonly series: readonly BackfillSeriesResult[];
  /** Coins with no spot pair (reported, not an error). */
  readonly coinsWithoutSpot: readonly string[];
}

/** Hyperliquid keeps only the latest this many candles per coin and interval. */
export const VENUE_CANDLE_LIMIT = 5000;
/** Hyperliquid returns at most this many `fundingHistory` rows per response. */
export const VENUE_FUNDING_PAGE_ROWS = 500;

export const CANDLE_HEADER = "t,T,s,i,o,c,h,l,v,n";
export const FUNDING_HEADER = "coin,fundingRate,premium,time";

/** `DIR/candles/hl_perp_{COIN}_{interval}.csv` */
export function perpCandlePath(outDir: string, coin: string, interval: CandleInterval): string {
  return join(outDir, "candles", `hl_perp_${coin}_${interval}.csv`);
}

/** `DIR/candles/hl_spot_{BASE}_{QUOTE}_{interval}.csv`, with the pair's token names (`UBTC`, `USDC`). */
export function spotCandlePath(outDir: string, pair: SpotPair, interval: CandleInterval): string {
  return join(outDir, "candles", `hl_spot_${pair.baseToken}_${pair.quoteToken}_${interval}.csv`);
}

/** `DIR/funding/hl_funding_{COIN}.csv` */
export function fundingPath(outDir: string, coin: string): string {
  return join(outDir, "funding", `hl_funding_${coin}.csv`);
}

/**
 * Runs the backfill: per coin its funding history, its candles per interval and, with
 * `spot`, its spot pair's candles per interval.
 * @throws VenueError when the venue fails after retries; DataFileError when an existing
 *   output file is not one of ours (wrong header, unreadable last row); the abort reason when
 *   `signal` fires.
 */
export async function backfill(options: BackfillOptions): Promise<BackfillResult> {
  const now = options.now ?? Date.now;
  const series: BackfillSeriesResult[] = [];
  const coinsWithoutSpot: string[] = [];
  let spotPairs: Map<string, SpotPair> | undefined;
  if (options.spot && options.coins.length > 0) {
    const { resolver } = await options.rest.spotMetaAndAssetCtxs(signalOption(options.signal));
    spotPairs = new Map();
    for (const coin of options.coins) {
      const pair = resolver.byBase(coin);
      if (pair === undefined) {
        coinsWithoutSpot.push(coin);
        options.logger.info({ coin }, "no spot pair trades this coin; skipping its spot candles");
      } else {
        spotPairs.set(coin, pair);
      }
    }
  }
  for (const coin of options.coins) {
    series.push(await backfillFunding(options, coin));
    for (const interval of options.intervals) {
      series.push(await backfillCandles(options, now, { coin, kind: "candles", symbol: coin, wireName: coin, market: perp(coin), path: perpCandlePath(options.outDir, coin, interval) }, interval));
    }
    const pair = spotPairs?.get(coin);
    if (pair !== undefined) {
      for (const interval of options.intervals) {
        series.push(
          await backfillCandles(
            options,
            now,
            { coin, kind: "spotCandles", symbol: pair.pairName, wireName: pair.wireName, market: pair.market, path: spotCandlePath(options.outDir, pair, interval) },
            interval,
          ),
        );
      }
    }
  }
  return { series, coinsWithoutSpot };
}

interface CandleSeries {
  readonly coin: string;
  readonly kind: "candles" | "spotCandles";
  /** Written as `s`: the perp coin or the readable pair name. */
  readonly symbol: string;
  /** Sent to the venue: the perp coin or `@N`. */
  readonly wireName: string;
  readonly market: Market;
  readonly path: string;
}

async function backfillCandles(options: BackfillOptions, now: () => number, s: CandleSeries, interval: CandleInterval): Promise<BackfillSeriesResult> {
  const stepMs = intervalMs(interval);
  const file = await openSeries(s.path, CANDLE_HEADER, "first");
  try {
    const startNow = now();
    const end = Math.min(options.endTime, startNow);
    let from = file.lastTime === undefined ? options.startTime : file.lastTime + 1;
    // The venue keeps the latest 5000 bars: the oldest opens 4999 intervals before the
    // forming one. One interval of slack covers a local clock running ahead of the venue's.
    const oldestOpen = Math.floor(startNow / stepMs) * stepMs - (VENUE_CANDLE_LIMIT - 1) * stepMs;
    if (from < oldestOpen && from <= end) {
      options.logger.warn(
        {
          coin: s.symbol,
          interval,
          requestedFrom: new Date(from).toISOString(),
          earliestAvailable: new Date(oldestOpen).toISOString(),
          venueReachMs: VENUE_CANDLE_LIMIT * stepMs,
        },
        `${s.symbol} ${interval}: the venue serves only the latest ${VENUE_CANDLE_LIMIT} candles, back to ${new Date(oldestOpen).toISOString()} ` +
          `(${formatSpan(VENUE_CANDLE_LIMIT * stepMs)}); bars before that are unavailable`,
      );
      from = Math.max(from, oldestOpen - stepMs);
    }
    const fromTime = from;
    let lastTime = file.lastTime ?? -Infinity;
    let rowsWritten = 0;
    while (from <= end) {
      options.signal?.throwIfAborted();
      const windowEnd = Math.min(end, from + VENUE_CANDLE_LIMIT * stepMs - 1);
      const page = await options.rest.candleSnapshot(s.wireName, interval, from, windowEnd, { market: s.market, ...signalOption(options.signal) });
      reportRejects(options.logger, s.symbol, interval, page.rejects);
      const fresh = page.rows
        .map((row) => ({ row, t: Number(row.t) }))
        // Drop bars seen already (window boundaries, resume), forming bars and bars past the end.
        .filter(({ row, t }) => t > lastTime && t <= end && Number(row.T) < startNow)
        .sort((a, b) => a.t - b.t);
      if (fresh.length > 0) {
        await file.append(fresh.map(({ row }) => candleLine(row, s.symbol)).join(""));
        rowsWritten += fresh.length;
        lastTime = fresh[fresh.length - 1]!.t;
      }
      options.onProgress?.({ coin: s.coin, kind: s.kind, interval, symbol: s.symbol, rowsWritten, fromTime, toTime: Number.isFinite(lastTime) ? lastTime : fromTime });
      from = windowEnd + 1;
    }
    return result(s.kind, s.coin, s.symbol, interval, s.path, rowsWritten, file.lastTime, lastTime);
  } finally {
    await file.close();
  }
}

async function backfillFunding(options: BackfillOptions, coin: string): Promise<BackfillSeriesResult> {
  const path = fundingPath(options.outDir, coin);
  const file = await openSeries(path, FUNDING_HEADER, "last");
  try {
    let from = file.lastTime === undefined ? options.startTime : file.lastTime + 1;
    const fromTime = from;
    let lastTime = file.lastTime ?? -Infinity;
    let rowsWritten = 0;
    while (from <= options.endTime) {
      options.signal?.throwIfAborted();
      const page = await options.rest.fundingHistory(coin, from, options.endTime, signalOption(options.signal));
      reportRejects(options.logger, coin, undefined, page.rejects);
      const rows = page.rows.map((row) => ({ row, time: Number(row.time) })).sort((a, b) => a.time - b.time);
      // The venue's startTime is inclusive: a boundary row may come back twice.
      const fresh = rows.filter(({ time }) => time > lastTime && time <= options.endTime);
      if (fresh.length > 0) {
        await file.append(fresh.map(({ row }) => fundingLine(row)).join(""));
        rowsWritten += fresh.length;
        lastTime = fresh[fresh.length - 1]!.time;
      }
      options.onProgress?.({ coin, kind: "funding", symbol: coin, rowsWritten, fromTime, toTime: Number.isFinite(lastTime) ? lastTime : fromTime });
      if (page.rows.length + page.rejects.length < VENUE_FUNDING_PAGE_ROWS) {
        break;
      }
      const pageLast = rows.at(-1)?.time;
      if (pageLast === undefined || pageLast + 1 <= from) {
        throw new VenueError(`fundingHistory ${coin} from ${from}: a full page without a readable later row; cannot page on`);
      }
      from = pageLast + 1;
    }
    return result("funding", coin, coin, undefined, path, rowsWritten, file.lastTime, lastTime);
  } finally {
    await file.close();
  }
}

function result(
  kind: BackfillKind,
  coin: string,
  symbol: string,
  interval: CandleInterval | undefined,
  path: string,
  rowsWritten: number,
  resumedAfter: number | undefined,
  lastTime: number,
): BackfillSeriesResult {
  return { kind, coin, symbol, interval, path, rowsWritten, resumedAfter, lastTime: Number.isFinite(lastTime) ? lastTime : undefined };
}

function signalOption(signal: AbortSignal | undefined): { signal?: AbortSignal } {
  return signal === undefined ? {} : { signal };
}

function reportRejects(logger: BackfillLogger, symbol: string, interval: CandleInterval | undefined, rejects: readonly ParseError[]): void {
  const first = rejects[0];
  if (first !== undefined) {
    logger.warn({ coin: symbol, interval, rejected: rejects.length, first: first.message }, `${symbol}: the venue sent rows we refuse; they are not written`);
  }
}

function candleLine(row: RawCandleRow, symbol: string): string {
  return `${[row.t, row.T, symbol, row.i, row.o, row.c, row.h, row.l, row.v, row.n ?? ""].map(csvField).join(",")}\n`;
}

function fundingLine(row: RawFundingRow): string {
  return `${[row.coin, row.fundingRate, row.premium ?? "", row.time].map(csvField).join(",")}\n`;
}

/** A CSV field; venue strings never need quoting, but a stray comma must not shift columns. */
function csvField(value: string | number): string {
  const text = String(value);
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function formatSpan(ms: number): string {
  const days = ms / 86_400_000;
  return days >= 1 ? `about ${days.toFixed(1)} days` : `about ${(ms / 3_600_000).toFixed(1)} hours`;
}

/** An output file opened for appending, with the time of its last complete row. */
interface SeriesFile {
  readonly lastTime: number | undefined;
  append(text: string): Promise<void>;
  close(): Promise<void>;
}

/** Bytes read from the end of a file to find its last row; rows are far shorter. */
const TAIL_BYTES = 64 * 1024;

/**
 * Opens (creating with its header) an output file for appending. A torn last line is cut off
 * first; the time of the last complete row is read from the `first` or `last` column.
 */
async function openSeries(path: string, header: string, timeColumn: "first" | "last"): Promise<SeriesFile> {
  await mkdir(dirname(path), { recursive: true });
  const size = await stat(path).then(
    (s) => s.size,
    (error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT") {
        return -1;
      }
      throw new DataFileError(path, `cannot stat: ${error.message}`, { cause: error });
    },
  );
  let lastTime: number | undefined;
  if (size > 0) {
    lastTime = await repairAndReadLastTime(path, size, header, timeColumn);
  }
  const handle = await open(path, "a");
  if (size <= 0 || lastTime === undefined) {
    const written = (await handle.stat()).size;
    if (written === 0) {
      await handle.write(`${header}\n`);
      await handle.sync();
    }
  }
  return {
    lastTime,
    append: async (text: string) => {
      await handle.write(text);
      await handle.sync();
    },
    close: () => handle.close(),
  };
}

async function repairAndReadLastTime(path: string, size: number, header: string, timeColumn: "first" | "last"): Promise<number | undefined> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(path, "r+");
    const headBuffer = Buffer.alloc(Math.min(size, header.length + 1));
    await handle.read(headBuffer, 0, headBuffer.length, 0);
    const head = headBuffer.toString("utf8");
    if (size > header.length && head !== `${header}\n`) {
      throw new DataFileError(path, `does not start with the header ${header}`);
    }
    const tailStart = Math.max(0, size - TAIL_BYTES);
    const tailBuffer = Buffer.alloc(size - tailStart);
    await handle.read(tailBuffer, 0, tailBuffer.length, tailStart);
    const tail = tailBuffer.toString("utf8");
    const lastNewline = tail.lastIndexOf("\n");
    if (lastNewline < 0 && tailStart > 0) {
      throw new DataFileError(path, `no line break in the last ${TAIL_BYTES} bytes`);
    }
    const completeEnd = tailStart + lastNewline + 1; // 0 when nothing complete
    if (completeEnd < size) {
      // A torn last line from an interrupted run: cut it off.
      await handle.truncate(completeEnd);
      await handle.sync();
    }
    if (completeEnd <= header.length + 1) {
      // Only the header (or not even that, which openSeries rewrites).
      if (completeEnd > 0 && completeEnd !== header.length + 1) {
        throw new DataFileError(path, `does not start with the header ${header}`);
      }
      if (completeEnd === 0) {
        await handle.truncate(0);
      }
      return undefined;
    }
    const body = tail.slice(0, lastNewline);
    const line = body.slice(body.lastIndexOf("\n") + 1);
    const fields = line.split(",");
    const text = timeColumn === "first" ? fields[0] : fields[fields.length - 1];
    const time = Number(text);
    if (text === undefined || text === "" || !Number.isSafeInteger(time)) {
      throw new DataFileError(path, `last row has no readable time: ${line.slice(0, 120)}`);
    }
    return time;
  } catch (error) {
    if (error instanceof DataFileError) {
      throw error;
    }
    throw new DataFileError(path, `cannot read: ${(error as Error).message}`, { cause: error });
  } finally {
    await handle?.close();
  }
}
