/**
 * freqtrade data directories (`freqtrade download-data --exchange hyperliquid`, default
 * `--data-format-ohlcv feather`): one Arrow IPC file (Feather v2, LZ4-compressed by pandas) per
 * pair, timeframe and candle type. Naming, columns and units: docs/FREQTRADE.md.
 *
 * | file (under `data/hyperliquid/`)           | holds                                   | events |
 * | ------------------------------------------ | --------------------------------------- | ------ |
 * | `HYPE_USDC-1h.feather`                     | spot candles of `HYPE/USDC`             | closed spot `CandleEvent`s |
 * | `futures/BTC_USDC_USDC-1h-futures.feather` | perp candles of `BTC/USDC:USDC`         | closed perp `CandleEvent`s |
 * | `futures/BTC_USDC_USDC-1h-funding_rate.feather` | funding settlements, rate in `open` | `FundingSettlementEvent`s |
 * | `…-mark`, `…-index`, `…-premiumIndex`, `…-trades` | mark/index candles, trades       | none (noted): not used |
 *
 * Rows go through the same venue row parsers as Hyperliquid's own history files
 * (`parseCandleRow`, `parseFundingRow`), so the same checks apply at the edge.
 */
import { readFile, stat } from "node:fs/promises";
import { basename } from "node:path";
import { compressionRegistry, CompressionType, DataType, tableFromIPC, Type } from "apache-arrow";
import type { Table, Vector } from "apache-arrow";
import { DataFileError, intervalMs, isCandleInterval, ParseError, perp, spot } from "../core/index.ts";
import type { CandleEvent, CandleInterval, Market, MarketEvent } from "../core/index.ts";
import { parseCandleRow, parseFundingRow } from "../venues/hyperliquid/parse.ts";
import { baseOfPairName } from "../venues/hyperliquid/spot.ts";
import { ReplayDiagnostics } from "./diagnostics.ts";
import { decodeLz4Frames } from "./lz4-frame.ts";

// pandas writes Feather with LZ4 frames by default (freqtrade asks for it explicitly); the Arrow
// JS reader decompresses through this registry. Decoding only: nothing here writes LZ4.
compressionRegistry.set(CompressionType.LZ4_FRAME, { decode: decodeLz4Frames });

/** freqtrade's candle types as they appear in file names (`CandleType.__str__`: the enum name lower-cased). */
export type FreqtradeCandleType = "spot" | "futures" | "mark" | "index" | "premiumindex" | "funding_rate" | "trades";

/** What a freqtrade data file's name says. */
export interface FreqtradeFileName {
  /** The pair rebuilt from the file name: `BTC/USDC:USDC` (perp), `HYPE/USDC` (spot). */
  readonly pair: string;
  /** Base asset: `BTC`, `HYPE`. */
  readonly base: string;
  /** Our interval (`1Mo` in the name → `1M`); undefined for trades files. */
  readonly interval: CandleInterval | undefined;
  readonly candleType: FreqtradeCandleType;
}

const CANDLE_FILE = /^(.+)-(\d+(?:m|h|d|w|Mo|M))(?:-(futures|mark|index|premiumindex|funding_rate))?\.feather$/i;
const TRADES_FILE = /^(.+)-trades\.feather$/i;

/**
 * Parses a freqtrade Feather file name (`<pair>-<timeframe>[-<candle type>].feather`, pair with
 * `/` and `:` written as `_`), or `undefined` when the name is not one.
 * The pair is rebuilt as freqtrade does: the first `_` after the base is `/`, the next `:`.
 */
export function freqtradeFileOf(path: string): FreqtradeFileName | undefined {
  const name = basename(path.replaceAll("\\", "/"));
  const trades = TRADES_FILE.exec(name);
  const candles = trades === null ? CANDLE_FILE.exec(name) : null;
  const pairPart = trades?.[1] ?? candles?.[1];
  if (pairPart === undefined) return undefined;
  const pair = pairPart.replace("_", "/").replace("_", ":");
  const base = pair.split("/")[0] ?? pair;
  if (trades !== null) return { pair, base, interval: undefined, candleType: "trades" };
  const timeframe = (candles?.[2] ?? "").replace(/mo$/i, "M");
  const typeText = (candles?.[3] ?? "").toLowerCase();
  const candleType: FreqtradeCandleType = typeText === "" ? (pair.includes(":") ? "futures" : "spot") : (typeText as FreqtradeCandleType);
  return { pair, base, interval: isCandleInterval(timeframe) ? timeframe : undefined, candleType };
}

/** Options of {@link readFreqtradeFile}. */
export interface FreqtradeReadOptions {
  readonly diagnostics?: ReplayDiagnostics;
  /** Spot token → base asset aliases for spot pairs (default: the parser's). */
  readonly aliases?: Readonly<Record<string, string>>;
  /** Told the layout once the file is recognised: `freqtrade-candles`, `freqtrade-funding`, or `freqtrade-<type>` for skipped types. */
  readonly onLayout?: (layout: string) => void;
}

const OHLCV = ["date", "open", "high", "low", "close", "volume"] as const;
/** Rows per yielded batch. */
const BATCH_ROWS = 8_192;

/**
 * Reads one freqtrade Feather file and yields its events in file order:
 * - spot / futures candles → closed `CandleEvent`s of the spot pair / the perp, stamped at their
 *   close (`date` is the open; close = open + interval − 1 ms, Hyperliquid's `T`), volume in base units;
 * - funding_rate → one `FundingSettlementEvent` per row at `date`, the rate (fraction per
 *   settlement: per hour on Hyperliquid) from `open`;
 * - mark, index, premiumIndex and trades files → nothing, with a note.
 * A candle whose close is after the file's modification time was still forming when the file was
 * written: it is skipped and noted. A bad row is a counted reject (row number = 1-based row index).
 *
 * @throws DataFileError when the file cannot be read, is not an Arrow IPC file, lacks freqtrade's
 * columns, or its name is not a freqtrade data file name
 */
export async function* readFreqtradeFile(path: string, options: FreqtradeReadOptions = {}): AsyncGenerator<MarketEvent[]> {
  const diagnostics = options.diagnostics ?? new ReplayDiagnostics();
  const file = freqtradeFileOf(path);
  if (file === undefined) throw new DataFileError(path, "not a freqtrade data file name (expected <PAIR>-<timeframe>[-<candle type>].feather, e.g. BTC_USDC_USDC-1h-futures.feather)");
  const kind = file.candleType === "funding_rate" ? "funding" : file.candleType === "spot" || file.candleType === "futures" ? "candles" : file.candleType;
  options.onLayout?.(`freqtrade-${kind}`);
  if (kind !== "candles" && kind !== "funding") {
    diagnostics.note(path, `freqtrade ${file.candleType} file: not used (only spot/futures candles and funding_rate are read)`);
    return;
  }
  const interval = file.interval;
  if (interval === undefined) throw new DataFileError(path, "the timeframe in the file name is not a Hyperliquid candle interval (1m … 1M)");

  let table: Table;
  let modifiedMs: number;
  try {
    const [bytes, info] = await Promise.all([readFile(path), stat(path)]);
    modifiedMs = info.mtimeMs;
    table = tableFromIPC(bytes);
  } catch (error) {
    throw new DataFileError(path, `unreadable Feather (Arrow IPC) file: ${(error as Error).message}`, { cause: error });
  }
  const names = table.schema.fields.map((f) => f.name);
  const missing = OHLCV.filter((c) => !names.includes(c));
  if (missing.length > 0) throw new DataFileError(path, `not a freqtrade OHLCV table: missing column(s) ${missing.join(", ")} (has ${names.join(", ")})`);
  const column = (name: string): Vector => table.getChild(name) as Vector;
  const date = timeColumn(column("date"), path);
  const [open, high, low, close, volume] = (["open", "high", "low", "close", "volume"] as const).map((c) => numberColumn(column(c)));

  const market: Market = file.candleType === "spot" ? spot(file.pair, options.aliases === undefined ? baseOfPairName(file.pair) : baseOfPairName(file.pair, options.aliases)) : perp(file.base);
  const rows = table.numRows;
  let forming = 0;
  let batch: MarketEvent[] = [];
  for (let i = 0; i < rows; i += 1) {
    try {
      const openMs = date(i);
      if (kind === "funding") {
        batch.push(parseFundingRow({ coin: file.base, fundingRate: open?.(i) ?? null, premium: null, time: openMs } as never, market));
      } else {
        const closeMs = closeTimeOf(openMs, interval);
        if (closeMs >= modifiedMs) {
          forming += 1;
          continue;
        }
        const row = { t: openMs, T: closeMs, s: file.pair, i: interval, o: open?.(i), c: close?.(i), h: high?.(i), l: low?.(i), v: volume?.(i) };
        batch.push(stampAtClose(parseCandleRow(row as never, market, { closed: true, tsInit: closeMs })));
      }
    } catch (error) {
      if (!(error instanceof ParseError)) throw error;
      diagnostics.reject(path, i + 1, error.message);
    }
    if (batch.length >= BATCH_ROWS) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
  if (forming > 0) diagnostics.note(path, `${forming} candle(s) closing after the file was written (still forming then) skipped`);
}

/** A number column's value at row i, `null` for a null (the parser rejects it, naming the field). */
function numberColumn(vector: Vector): (i: number) => number | null {
  if (!DataType.isFloat(vector.type) && !DataType.isInt(vector.type)) {
    return () => null;
  }
  return (i) => {
    const x: unknown = vector.get(i);
    return typeof x === "number" ? x : typeof x === "bigint" ? Number(x) : null;
  };
}

/**
 * The `date` column as ms since epoch: an Arrow timestamp of any unit (pandas writes
 * `timestamp[ns, tz=UTC]` or `[ms]`), or an integer column of ms.
 */
function timeColumn(vector: Vector, path: string): (i: number) => number {
  const type = vector.type as DataType;
  if (DataType.isTimestamp(type) || DataType.isInt(type) || DataType.isDate(type)) {
    // Arrow JS returns timestamps of every unit as ms since epoch (a float for sub-ms units).
    return (i) => {
      const x: unknown = vector.get(i);
      if (x === null || x === undefined) throw new ParseError("date", x, "must be a time");
      const ms = typeof x === "bigint" ? Number(x) : x instanceof Date ? x.getTime() : (x as number);
      return Math.floor(ms);
    };
  }
  throw new DataFileError(path, `column date has type ${Type[type.typeId]}, expected a timestamp`);
}

/** Close time of the bar opening at `openMs`, Hyperliquid's `T`: the next open − 1 ms (calendar months for 1M). */
function closeTimeOf(openMs: number, interval: CandleInterval): number {
  if (interval === "1M") {
    const d = new Date(openMs);
    return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1) - 1;
  }
  return openMs + intervalMs(interval) - 1;
}

function stampAtClose(event: CandleEvent): CandleEvent {
  return event.tsEvent === event.closeTime && event.tsInit === event.closeTime ? event : { ...event, tsEvent: event.closeTime, tsInit: event.closeTime };
}
