import { basename } from "node:path";
import { DataFileError } from "../core/index.ts";

/**
 * The file layouts the history reader understands, recognised by their header row (CSV) or
 * the keys of the first row object (JSON):
 *
 * | layout            | columns                                                        | events |
 * | ----------------- | -------------------------------------------------------------- | ------ |
 * | `candles`         | `t,T,s,i,o,c,h,l,v[,n]` (Hyperliquid `candleSnapshot`)          | closed `CandleEvent`s at `T` |
 * | `funding`         | `coin,fundingRate[,premium],time` (Hyperliquid `fundingHistory`) | `FundingSettlementEvent`s |
 * | `binance-funding` | `symbol,fundingRate,time` (8-hourly)                            | Binance perp funding, period 8 h |
 * | `l2-orderbooks`   | `timestamp[,sequence],exchange_timestamp,bid_price_0,…`         | `BookSnapshotEvent`s |
 * | `l2-trades`       | `timestamp,price,size,side,trade_id,exchange_timestamp`        | `TradeEvent`s |
 * | `l2-prices`       | `timestamp,price,size,side,exchange_timestamp`                 | none (best bid/ask only; the books carry it) |
 */
export type HistoryLayout = "candles" | "funding" | "binance-funding" | "l2-orderbooks" | "l2-trades" | "l2-prices";

const REQUIRED: readonly (readonly [HistoryLayout, readonly string[], readonly string[]])[] = [
  // [layout, required columns, allowed optional columns]
  ["candles", ["t", "T", "s", "i", "o", "c", "h", "l", "v"], ["n"]],
  ["funding", ["coin", "fundingRate", "time"], ["premium"]],
  ["binance-funding", ["symbol", "fundingRate", "time"], []],
  ["l2-trades", ["timestamp", "price", "size", "side", "trade_id", "exchange_timestamp"], []],
  ["l2-prices", ["timestamp", "price", "size", "side", "exchange_timestamp"], []],
];

/**
 * Which layout a header row (or JSON row keys) describes.
 * Exact column sets, not prefixes, so a file with unexpected extra columns is refused
 * instead of half-read.
 *
 * @throws DataFileError naming the file and the header when no layout matches
 */
export function detectLayout(columns: readonly string[], path: string): HistoryLayout {
  const set = new Set(columns);
  if (set.size === columns.length) {
    for (const [layout, required, optional] of REQUIRED) {
      if (required.every((c) => set.has(c)) && columns.every((c) => required.includes(c) || optional.includes(c))) {
        return layout;
      }
    }
    if (isOrderbookHeader(columns)) {
      return "l2-orderbooks";
    }
  }
  throw new DataFileError(path, `unknown file layout, header ${JSON.stringify(columns.join(",").slice(0, 200))}`);
}

/**
 * Where an orderbooks header puts the exchange time and the first level: `timestamp,sequence,
 * exchange_timestamp,bid_price_0,…` (the recorder's) or, without the unused `sequence`,
 * `timestamp,exchange_timestamp,bid_price_0,…`. `undefined` for any other header.
 */
export function orderbookColumnsOf(columns: readonly string[]): { readonly exchangeTimeAt: number; readonly firstLevelAt: number; readonly levels: number } | undefined {
  if (columns[0] !== "timestamp") {
    return undefined;
  }
  const exchangeTimeAt = columns[1] === "sequence" ? 2 : 1;
  if (columns[exchangeTimeAt] !== "exchange_timestamp") {
    return undefined;
  }
  const firstLevelAt = exchangeTimeAt + 1;
  const rest = columns.length - firstLevelAt;
  if (rest <= 0 || rest % 4 !== 0) {
    return undefined;
  }
  for (let level = 0; level < rest / 4; level += 1) {
    const at = firstLevelAt + level * 4;
    if (columns[at] !== `bid_price_${level}` || columns[at + 1] !== `bid_size_${level}` || columns[at + 2] !== `ask_price_${level}` || columns[at + 3] !== `ask_size_${level}`) {
      return undefined;
    }
  }
  return { exchangeTimeAt, firstLevelAt, levels: rest / 4 };
}

function isOrderbookHeader(columns: readonly string[]): boolean {
  return orderbookColumnsOf(columns) !== undefined;
}

/**
 * Whether a file holds Binance data (research-only reference): under a `cex/` folder or
 * named `binance*`. Only the venue comes from the path; the layout comes from the header.
 */
export function isBinancePath(path: string): boolean {
  const normalized = path.replaceAll("\\", "/");
  return normalized.includes("/cex/") || normalized.startsWith("cex/") || basename(normalized).toLowerCase().startsWith("binance");
}

/**
 * The Hyperliquid spot pair a history file is named after, or `undefined` for any other name:
 * `hl_spot_UBTC_USDC_1h.csv.gz` and `UBTC_USDC-1h.feather.csv` → `UBTC/USDC`, `@142_1h.csv` →
 * `@142`. Perp files (`hl_perp_BTC_1h`, freqtrade's `BTC_USDC_USDC-1h-futures`) are not spot.
 */
export function spotPairOfFileName(path: string): string | undefined {
  const name = basename(path.replaceAll("\\", "/"));
  if (/perp|futures|_USDC_USDC/i.test(name)) {
    return undefined;
  }
  const wire = /(?:^|[_\-.])(@\d+)(?=[_\-.]|$)/.exec(name);
  if (wire?.[1] !== undefined) {
    return wire[1];
  }
  const pair = /(?:^|[_\-.])([A-Za-z0-9]+)_(USDC|USDH|USDT0|USDE)(?=[_\-.]|$)/.exec(name.replace(/^hl_spot_/i, "_"));
  return pair?.[1] !== undefined && pair[2] !== undefined ? `${pair[1]}/${pair[2]}` : undefined;
}

/**
 * The coin of an l2_trades recording file, whose rows do not name it:
 * `orderbooks_BTC.csv.gz` → `BTC`, `trades_kPEPE.csv` → `kPEPE`.
 *
 * @throws DataFileError when the name does not end in `_<COIN>` before its extensions
 */
export function coinFromRecordingName(path: string): string {
  const name = basename(path).replace(/(\.(csv|json|gz))+$/i, "");
  const underscore = name.lastIndexOf("_");
  const coin = underscore < 0 ? "" : name.slice(underscore + 1);
  if (coin.length === 0) {
    throw new DataFileError(path, "cannot tell the coin from the file name (expected e.g. orderbooks_BTC.csv.gz)");
  }
  return coin;
}
