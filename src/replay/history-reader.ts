import { DataFileError, HOUR_MS, market, ParseError, perp, spot } from "../core/index.ts";
import type { CandleEvent, Market, MarketEvent } from "../core/index.ts";
import { parseCandleRow, parseFundingRow } from "../venues/hyperliquid/parse.ts";
import type { RawCandleRow, RawFundingRow } from "../venues/hyperliquid/parse.ts";
import { baseOfPairName } from "../venues/hyperliquid/spot.ts";
import { ReplayDiagnostics } from "./diagnostics.ts";
import { coinFromRecordingName, detectLayout, isBinancePath, orderbookColumnsOf, spotPairOfFileName } from "./history-layout.ts";
import type { HistoryLayout } from "./history-layout.ts";
import { orderbookRow, tradeRow } from "./l2-rows.ts";
import { readTextLines, readWholeText } from "./text-lines.ts";
import type { LinesEnd } from "./text-lines.ts";

export interface HistoryReadOptions {
  /** Where rejects and notes go; a fresh one if not given. */
  readonly diagnostics?: ReplayDiagnostics;
  /** Spot token → base asset aliases for Hyperliquid spot pairs (default: the parser's). */
  readonly aliases?: Readonly<Record<string, string>>;
  /** The venue of candle/funding files; default from the path (`cex/` or `binance*` → Binance). */
  readonly venue?: "hyperliquid" | "binance";
  /** The market of an l2_trades file; default `perp(<coin from the file name>)`. */
  readonly market?: Market;
  /** Told the layout once the header is read (before any event). */
  readonly onLayout?: (layout: HistoryLayout) => void;
}

/** Trade ids remembered per file to drop re-sent trades (a resubscribe re-sends at most a few hundred). */
const RECENT_TRADE_IDS = 100_000;

/** Binance funding settles every 8 hours. */
export const BINANCE_FUNDING_PERIOD_MS = 8 * HOUR_MS;

const BINANCE_QUOTES = ["USDT", "USDC", "FDUSD", "BUSD"] as const;

/** One row in, one event (or none) out; throws ParseError for a bad row. */
type RowConverter = (fields: readonly unknown[]) => MarketEvent | undefined;

/**
 * Reads one history file in Hyperliquid's own API layouts (CSV with a header row, or JSON:
 * an array of row objects as the API returns them; either optionally gzip) and yields its
 * events in file order, in batches. The layout comes from the header (see `detectLayout`).
 *
 * - candles → closed `CandleEvent`s via the venue parser's `parseCandleRow`, each stamped
 *   at its close time: tsEvent = tsInit = `T`, so a bar is never seen before it ended.
 * - funding → `FundingSettlementEvent`s via `parseFundingRow`; Binance funding (8 h) → the
 *   Binance perp with `periodMs` 8 h.
 * - l2_trades orderbooks/trades → books and trades (`l2-rows.ts`); `prices_*` yields nothing.
 *
 * Markets: Hyperliquid `s`/`coin` `BTC` → `perp("BTC")`, `UBTC/USDC` → `spot(pair, base)`;
 * Binance `BTC/USDT` → Binance spot, `BTC/USDT:USDT` (and funding `BTCUSDT`) → Binance perp.
 *
 * A bad row is a counted reject (file:line and the parser's message), never an exception.
 * A trade repeated with the same id and values (re-sent by the venue after a resubscribe) is
 * dropped and counted in `diagnostics.duplicatesIn(path)`.
 * CSV is streamed; a JSON file is parsed whole (API responses are at most a few MB).
 *
 * @throws DataFileError when the file cannot be read, or its layout is unknown (naming file and header)
 */
export async function* readHistoryFile(path: string, options: HistoryReadOptions = {}): AsyncGenerator<MarketEvent[]> {
  const diagnostics = options.diagnostics ?? new ReplayDiagnostics();
  const end: LinesEnd = { tornTail: undefined, lines: 0 };
  let convert: RowConverter | undefined;
  let width = 0;
  let lastLine = 0;
  let lastLineText = "";

  for await (const chunk of readTextLines(path, end)) {
    let start = 0;
    if (convert === undefined) {
      const first = chunk.lines[0] ?? "";
      const trimmed = first.trimStart();
      if (trimmed.startsWith("[") || trimmed.startsWith("{")) {
        break; // JSON: parsed whole below
      }
      const header = splitCsv(first);
      const layout = detectLayout(header, path);
      options.onLayout?.(layout);
      convert = converterFor(layout, header, path, options, diagnostics);
      width = header.length;
      start = 1;
    }
    const batch: MarketEvent[] = [];
    for (let i = start; i < chunk.lines.length; i += 1) {
      const line = chunk.lines[i] ?? "";
      lastLine = chunk.firstLine + i;
      convertCsvLine(line, lastLine, width, convert, path, diagnostics, batch);
    }
    lastLineText = chunk.lines[chunk.lines.length - 1] ?? lastLineText;
    if (batch.length > 0) {
      yield batch;
    }
  }

  if (convert === undefined) {
    const text = await readWholeText(path);
    if (text.trim().length === 0) {
      diagnostics.note(path, "empty file");
      return;
    }
    yield* readJsonRows(text, path, options, diagnostics);
    return;
  }
  if (end.truncated === true) {
    // The rows before the cut were read and kept (as for a capture cut by a crash); a torn last
    // row is not parsed: "111038.0" cut to "1110" would still be a number.
    throw new DataFileError(path, `gzip data ends early (file truncated): the last good row is line ${lastLine}${lastLine > 0 ? ` ${JSON.stringify(lastLineText.slice(0, 120))}` : ""}; the rows before it were read`);
  }
  if (end.tornTail !== undefined) {
    // A CSV may simply lack a final newline; the row is used if it parses.
    const batch: MarketEvent[] = [];
    convertCsvLine(end.tornTail, lastLine + 1, width, convert, path, diagnostics, batch);
    if (batch.length > 0) {
      yield batch;
    }
  }
}

function convertCsvLine(line: string, lineNo: number, width: number, convert: RowConverter, path: string, diagnostics: ReplayDiagnostics, batch: MarketEvent[]): void {
  if (line.length === 0) {
    return;
  }
  const fields = splitCsv(line);
  if (fields.length !== width) {
    diagnostics.reject(path, lineNo, `expected ${width} fields, got ${fields.length}`);
    return;
  }
  try {
    const event = convert(fields);
    if (event !== undefined) {
      batch.push(event);
    }
  } catch (error) {
    if (!(error instanceof ParseError)) throw error;
    diagnostics.reject(path, lineNo, error.message);
  }
}

function* readJsonRows(text: string, path: string, options: HistoryReadOptions, diagnostics: ReplayDiagnostics): Generator<MarketEvent[]> {
  let rows: unknown;
  try {
    rows = JSON.parse(text);
  } catch (error) {
    throw new DataFileError(path, `unreadable JSON: ${(error as Error).message}`, { cause: error });
  }
  if (!Array.isArray(rows)) {
    throw new DataFileError(path, "JSON history file must be an array of row objects");
  }
  const first: unknown = rows[0];
  if (typeof first !== "object" || first === null || Array.isArray(first)) {
    if (rows.length === 0) {
      diagnostics.note(path, "empty JSON array");
      return;
    }
    throw new DataFileError(path, `JSON rows must be objects, first row is ${JSON.stringify(first)?.slice(0, 80) ?? typeof first}`);
  }
  const columns = Object.keys(first);
  const layout = detectLayout(columns, path);
  options.onLayout?.(layout);
  const convert = converterFor(layout, columns, path, options, diagnostics);
  const batch: MarketEvent[] = [];
  for (let i = 0; i < rows.length; i += 1) {
    const row: unknown = rows[i];
    try {
      if (typeof row !== "object" || row === null || Array.isArray(row)) {
        throw new ParseError(`[${i}]`, row, "must be a row object");
      }
      const record = row as Record<string, unknown>;
      const event = convert(columns.map((c) => record[c]));
      if (event !== undefined) {
        batch.push(event);
      }
    } catch (error) {
      if (!(error instanceof ParseError)) throw error;
      diagnostics.reject(path, i + 1, error.message);
    }
  }
  if (batch.length > 0) {
    yield batch;
  }
}

/** Splits one CSV line; quotes are honoured only when present (none of our files use them). */
export function splitCsv(line: string): string[] {
  if (!line.includes('"')) {
    return line.split(",");
  }
  const fields: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < line.length; i += 1) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (ch === '"') {
        quoted = false;
      } else {
        field += ch;
      }
    } else if (ch === '"') {
      quoted = true;
    } else if (ch === ",") {
      fields.push(field);
      field = "";
    } else {
      field += ch;
    }
  }
  fields.push(field);
  return fields;
}

function text(value: unknown): string {
  return typeof value === "string" ? value : typeof value === "number" ? String(value) : "";
}

function converterFor(layout: HistoryLayout, columns: readonly string[], path: string, options: HistoryReadOptions, diagnostics: ReplayDiagnostics): RowConverter {
  const at = (name: string): number => columns.indexOf(name);
  const binance = options.venue === undefined ? isBinancePath(path) : options.venue === "binance";
  switch (layout) {
    case "candles": {
      const [t, T, s, i, o, c, h, l, v, n] = ["t", "T", "s", "i", "o", "c", "h", "l", "v", "n"].map(at) as [number, number, number, number, number, number, number, number, number, number];
      const markets = new Map<string, Market>();
      const filePair = binance ? undefined : spotPairOfFileName(path);
      return (fields) => {
        const symbol = text(fields[s]);
        let candleMarket = markets.get(symbol);
        if (candleMarket === undefined) {
          candleMarket = candleMarketOf(symbol, binance, options.aliases, filePair);
          markets.set(symbol, candleMarket);
        }
        const rawClose = fields[T];
        const closeMs = typeof rawClose === "number" ? rawClose : Number(text(rawClose));
        if (!Number.isSafeInteger(closeMs) || closeMs < 0) {
          throw new ParseError("T", rawClose, "must be a time in ms (non-negative integer)");
        }
        const row = { t: fields[t], T: rawClose, s: symbol, i: fields[i], o: fields[o], c: fields[c], h: fields[h], l: fields[l], v: fields[v] } as unknown as RawCandleRow;
        if (n >= 0 && text(fields[n]) !== "") {
          (row as unknown as Record<string, unknown>)["n"] = fields[n];
        }
        const event = parseCandleRow(row, candleMarket, { closed: true, tsInit: closeMs });
        return stampAtClose(event);
      };
    }
    case "funding": {
      const [coinAt, rateAt, premiumAt, timeAt] = ["coin", "fundingRate", "premium", "time"].map(at) as [number, number, number, number];
      const markets = new Map<string, Market>();
      return (fields) => {
        const coin = text(fields[coinAt]);
        if (coin.length === 0) {
          throw new ParseError("coin", fields[coinAt], "must be a coin name");
        }
        let fundingMarket = markets.get(coin);
        if (fundingMarket === undefined) {
          fundingMarket = binance ? binancePerpOf(coin) : perp(coin);
          markets.set(coin, fundingMarket);
        }
        const premium = premiumAt < 0 ? null : fields[premiumAt];
        const row = { coin, fundingRate: fields[rateAt], premium: premium === "" || premium === undefined ? null : premium, time: fields[timeAt] } as RawFundingRow;
        return parseFundingRow(row, fundingMarket);
      };
    }
    case "binance-funding": {
      const [symbolAt, rateAt, timeAt] = ["symbol", "fundingRate", "time"].map(at) as [number, number, number];
      const markets = new Map<string, Market>();
      return (fields) => {
        const symbol = text(fields[symbolAt]);
        let fundingMarket = markets.get(symbol);
        if (fundingMarket === undefined) {
          fundingMarket = binancePerpOf(symbol);
          markets.set(symbol, fundingMarket);
        }
        const row = { coin: symbol, fundingRate: fields[rateAt], premium: null, time: fields[timeAt] } as RawFundingRow;
        const event = parseFundingRow(row, fundingMarket);
        return event.periodMs === BINANCE_FUNDING_PERIOD_MS ? event : { ...event, periodMs: BINANCE_FUNDING_PERIOD_MS };
      };
    }
    case "l2-orderbooks": {
      const bookMarket = options.market ?? perp(coinFromRecordingName(path));
      const layoutColumns = orderbookColumnsOf(columns);
      if (layoutColumns === undefined) throw new DataFileError(path, "not an orderbooks header");
      return (fields) => orderbookRow(fields.map(text), layoutColumns, bookMarket);
    }
    case "l2-trades": {
      const tradeMarket = options.market ?? perp(coinFromRecordingName(path));
      // The recorder logged the venue's re-sent recent trades after each resubscribe: the same
      // trade (id and values) twice. Counting it twice would double its volume, so a repeat is
      // dropped and counted as a duplicate; a repeated id with other values is a reject.
      const seen = new Map<string, string>();
      return (fields) => {
        const trade = tradeRow(fields.map(text), tradeMarket);
        const signature = `${trade.tsEvent},${trade.px},${trade.sz},${trade.side}`;
        const earlier = seen.get(trade.tradeId);
        if (earlier !== undefined) {
          if (earlier !== signature) {
            throw new ParseError("trade_id", trade.tradeId, `repeats an earlier trade with other values (${earlier})`);
          }
          diagnostics.duplicate(path);
          return undefined;
        }
        seen.set(trade.tradeId, signature);
        if (seen.size > RECENT_TRADE_IDS) {
          const oldest = seen.keys().next();
          if (oldest.done !== true) seen.delete(oldest.value);
        }
        return trade;
      };
    }
    case "l2-prices":
      return () => undefined;
  }
}

/** Closed bars become knowable at their close: tsEvent = tsInit = closeTime. */
function stampAtClose(event: CandleEvent): CandleEvent {
  return event.tsEvent === event.closeTime && event.tsInit === event.closeTime ? event : { ...event, tsEvent: event.closeTime, tsInit: event.closeTime };
}

/**
 * The market of a candle row's `s`. Hyperliquid spot is never a perp: a pair name
 * (`UBTC/USDC`) or a wire name (`@142`) in `s`, or a file named after a spot pair
 * (`hl_spot_UBTC_USDC_1h.csv.gz`, `UBTC_USDC-1h.csv`, `@142_1h.csv`), makes the row spot.
 * A wire name is replaced by the file's pair name when the file has one (history files carry no
 * spotMeta to resolve `@N`); otherwise the market is the spot pair `@N` itself (base `@N`).
 */
function candleMarketOf(symbol: string, binance: boolean, aliases: Readonly<Record<string, string>> | undefined, filePair?: string): Market {
  if (symbol.length === 0) {
    throw new ParseError("s", symbol, "must be a symbol");
  }
  const slash = symbol.indexOf("/");
  if (!binance && slash < 0 && (symbol.startsWith("@") || filePair !== undefined)) {
    const pair = filePair !== undefined && filePair.includes("/") ? filePair : symbol.startsWith("@") ? symbol : (filePair ?? symbol);
    return spot(pair, pair.startsWith("@") ? pair : aliases === undefined ? baseOfPairName(pair) : baseOfPairName(pair, aliases));
  }
  if (binance) {
    if (slash <= 0) {
      throw new ParseError("s", symbol, "a Binance symbol must look like BTC/USDT or BTC/USDT:USDT");
    }
    return market("binance", symbol.includes(":") ? "perp" : "spot", symbol, symbol.slice(0, slash));
  }
  if (slash < 0) {
    return perp(symbol);
  }
  return spot(symbol, aliases === undefined ? baseOfPairName(symbol) : baseOfPairName(symbol, aliases));
}

/** `BTCUSDT` (funding files) or `BTC/USDT:USDT` (candle files) → the one Binance perp market `BTC/USDT:USDT`. */
function binancePerpOf(symbol: string): Market {
  if (symbol.includes("/")) {
    const slash = symbol.indexOf("/");
    return market("binance", "perp", symbol.includes(":") ? symbol : `${symbol}:${symbol.slice(slash + 1)}`, symbol.slice(0, slash));
  }
  for (const quote of BINANCE_QUOTES) {
    if (symbol.length > quote.length && symbol.endsWith(quote)) {
      const base = symbol.slice(0, -quote.length);
      return market("binance", "perp", `${base}/${quote}:${quote}`, base);
    }
  }
  throw new ParseError("symbol", symbol, `must end in a known quote (${BINANCE_QUOTES.join(", ")})`);
}
