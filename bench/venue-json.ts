/**
 * The venue's JSON for a list of history events, for the benches' JSON.parse floor: candles as the
 * WebSocket `candle` frames Hyperliquid sends (spot pairs by an `@N` wire name), funding
 * settlements as REST `fundingHistory` pages of up to 500 rows (the API's page; no frame carries
 * funding). Parsing these texts is the least any reader of the same events must do.
 */
import type { Market, MarketEvent } from "../src/core/index.ts";
import type { RawCandleRow, RawFundingRow } from "../src/venues/hyperliquid/parse.ts";

export interface VenueJson {
  /** One text per candle frame or funding page. */
  readonly texts: readonly string[];
  readonly candles: number;
  readonly settlements: number;
}

export function venueJsonOf(events: readonly MarketEvent[]): VenueJson {
  const str = (n: number): string => String(n);
  const spotPairs = [...new Set(events.flatMap((e) => (e.kind === "candle" && e.market.kind === "spot" ? [e.market.symbol] : [])))].sort();
  const wireName = new Map(spotPairs.map((pair, i) => [pair, `@${i + 1}`]));
  const texts: string[] = [];
  const pages = new Map<Market, RawFundingRow[]>();
  let candles = 0;
  let settlements = 0;
  for (const e of events) {
    if (e.kind === "candle") {
      const s = e.market.kind === "spot" ? (wireName.get(e.market.symbol) ?? e.market.symbol) : e.market.symbol;
      const data: RawCandleRow = { t: e.openTime, T: e.closeTime, s, i: e.interval, o: str(e.open), c: str(e.close), h: str(e.high), l: str(e.low), v: str(e.volume), n: e.trades ?? 0 };
      texts.push(JSON.stringify({ channel: "candle", data }));
      candles += 1;
    } else if (e.kind === "funding") {
      let rows = pages.get(e.market);
      if (rows === undefined || rows.length === 500) {
        if (rows !== undefined) texts.push(JSON.stringify(rows));
        rows = [];
        pages.set(e.market, rows);
      }
      rows.push({ coin: e.market.symbol, fundingRate: str(e.rate), premium: e.premium === undefined ? null : str(e.premium), time: e.tsEvent });
      settlements += 1;
    }
  }
  for (const rows of pages.values()) texts.push(JSON.stringify(rows));
  return { texts, candles, settlements };
}
