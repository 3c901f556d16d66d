import { ParseError, perp } from "../../core/index.ts";
import type { CandleEvent, FundingSettlementEvent, Market, MarketEvent } from "../../core/index.ts";
import { parseCandleRow, parseFundingRow } from "./parse.ts";
import type { RawCandleRow, RawFundingRow } from "./parse.ts";
import type { SpotResolver } from "./spot.ts";

/**
 * What a live session fetched over REST at its start to warm its strategies up, in the venue's
 * own row shapes: closed candles per (coin, interval) from `candleSnapshot` and settlements from
 * `fundingHistory`. `run` builds it, feeds {@link warmUpEvents} of it to the kernel and writes it
 * to the capture as one `info:warmUp` line, so a replay of the capture warms up alike.
 */
export interface WarmUpBody {
  /** `coin` is the wire name (`BTC`, `@142`); rows are `candleSnapshot` rows of closed bars. */
  readonly candles: readonly { readonly coin: string; readonly interval: string; readonly rows: readonly RawCandleRow[] }[];
  /** `fundingHistory` rows (`coin` in each row). */
  readonly funding: readonly RawFundingRow[];
}

/**
 * A warm-up body → events flagged `warmUp: true`, in time order (stable: bars before settlements
 * at one time, then the body's order). Closed bars are stamped as history is (tsEvent = close
 * time), `tsInit` = the time the body was delivered. Spot wire names resolve through `spot`.
 * Pure: the same body gives the same events live and in replay. `maxVenueTimeAheadMs`: the
 * session's tolerance for venue times ahead of `tsInit` (default the parser's minute).
 * @returns bad rows as `rejects` naming the field; the good ones still come out.
 */
export function warmUpEvents(body: unknown, spot: SpotResolver, tsInit: number, maxVenueTimeAheadMs?: number): { readonly events: MarketEvent[]; readonly rejects: ParseError[] } {
  const rejects: ParseError[] = [];
  if (body === null || typeof body !== "object" || !Array.isArray((body as WarmUpBody).candles) || !Array.isArray((body as WarmUpBody).funding)) {
    return { events: [], rejects: [new ParseError("info:warmUp", body, "must be an object with candles and funding arrays")] };
  }
  const { candles, funding } = body as WarmUpBody;
  const bars: CandleEvent[] = [];
  for (const series of candles) {
    const coin = typeof series.coin === "string" ? series.coin : "";
    const market: Market | undefined = coin.startsWith("@") || coin.includes("/") ? spot.byWireName(coin)?.market : coin === "" ? undefined : perp(coin);
    if (market === undefined || !Array.isArray(series.rows)) {
      rejects.push(new ParseError("info:warmUp.candles.coin", series.coin, "must be a perp coin or a known spot pair with rows"));
      continue;
    }
    for (const row of series.rows as readonly RawCandleRow[]) {
      try {
        bars.push({ ...parseCandleRow(row, market, { closed: true, tsInit, ...(maxVenueTimeAheadMs === undefined ? {} : { maxVenueTimeAheadMs }) }), warmUp: true });
      } catch (error) {
        if (!(error instanceof ParseError)) throw error;
        rejects.push(error);
      }
    }
  }
  const settlements: FundingSettlementEvent[] = [];
  for (const row of funding) {
    const coin = typeof (row as { coin?: unknown } | null)?.coin === "string" ? row.coin : "";
    if (coin === "") {
      rejects.push(new ParseError("info:warmUp.funding.coin", (row as { coin?: unknown } | null)?.coin, "must be a perp coin"));
      continue;
    }
    try {
      settlements.push({ ...parseFundingRow(row, perp(coin), tsInit, maxVenueTimeAheadMs), warmUp: true });
    } catch (error) {
      if (!(error instanceof ParseError)) throw error;
      rejects.push(error);
    }
  }
  const events: MarketEvent[] = [...bars, ...settlements];
  // Array.prototype.sort is stable: equal times keep bars first, then the body's order.
  events.sort((a, b) => a.tsEvent - b.tsEvent);
  return { events, rejects };
}
