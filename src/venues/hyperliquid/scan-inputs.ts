import { ParseError } from "../../core/index.ts";
import { requiredFinite, requiredTimeMs } from "./numbers.ts";

/**
 * The parts of venue answers the funding and basis scanner needs beyond what the shared parser
 * gives: the `predictedFundings` answer, and which perps `metaAndAssetCtxs` marks delisted.
 * Pure: bodies in, values out; numbers through the shared checked helpers.
 */

/** The venue name Hyperliquid uses for itself in `predictedFundings`. */
export const HL_PERP_VENUE = "HlPerp";

/** One venue's predicted next funding for one coin. */
export interface PredictedVenueFunding {
  /** `HlPerp`, `BinPerp`, `BybitPerp`, ... as the venue names them. */
  readonly venue: string;
  /** The predicted rate for one funding interval of that venue, fraction. */
  readonly rate: number;
  /** Hours per funding interval of that venue. */
  readonly intervalHours: number;
  /**
   * True when the answer did not say the interval (`fundingIntervalHours` absent) and it was
   * assumed: 1 h for `HlPerp`, 8 h for the others (their usual schedule; some coins pay every 4 h).
   */
  readonly intervalAssumed: boolean;
  /** `rate / intervalHours`: the rate per hour, fraction. */
  readonly ratePerHour: number;
  /** Time of the venue's next funding, ms. */
  readonly nextFundingTimeMs: number;
}

export interface PredictedFundingsParsed {
  /** Coin → every venue that publishes a prediction for it (venues answering `null` left out). */
  readonly byCoin: ReadonlyMap<string, readonly PredictedVenueFunding[]>;
  /** One per entry that could not be read; the others still come out. */
  readonly rejects: readonly ParseError[];
}

function isFields(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * `predictedFundings` → predictions per coin. The answer is
 * `[[coin, [[venue, {fundingRate, nextFundingTime, fundingIntervalHours?} | null], ...]], ...]`.
 * @throws ParseError when the body is not an array (nothing can be attributed then); a bad
 *   entry is a reject, not a failure of the whole answer.
 */
export function parsePredictedFundings(body: unknown): PredictedFundingsParsed {
  const root = "predictedFundings";
  if (!Array.isArray(body)) throw new ParseError(root, body, "must be an array of [coin, venues]");
  const byCoin = new Map<string, PredictedVenueFunding[]>();
  const rejects: ParseError[] = [];
  body.forEach((entry: unknown, i) => {
    const field = `${root}[${i}]`;
    try {
      if (!Array.isArray(entry) || entry.length !== 2 || typeof entry[0] !== "string" || entry[0] === "" || !Array.isArray(entry[1])) {
        throw new ParseError(field, entry, "must be [coin, [[venue, prediction | null], ...]]");
      }
      const coin = entry[0];
      const venues: PredictedVenueFunding[] = [];
      (entry[1] as unknown[]).forEach((item, j) => {
        const itemField = `${field}[1][${j}]`;
        if (!Array.isArray(item) || item.length !== 2 || typeof item[0] !== "string" || item[0] === "") {
          throw new ParseError(itemField, item, "must be [venue, prediction | null]");
        }
        const venue = item[0];
        const data: unknown = item[1];
        if (data === null) return;
        if (!isFields(data)) throw new ParseError(`${itemField}[1]`, data, "must be an object or null");
        const rate = requiredFinite(data["fundingRate"], `${itemField}[1].fundingRate`);
        const nextFundingTimeMs = requiredTimeMs(data["nextFundingTime"], `${itemField}[1].nextFundingTime`);
        const given: unknown = data["fundingIntervalHours"];
        let intervalHours: number;
        if (given === undefined || given === null) {
          intervalHours = venue === HL_PERP_VENUE ? 1 : 8;
        } else {
          intervalHours = requiredFinite(given, `${itemField}[1].fundingIntervalHours`);
          if (!(intervalHours > 0)) throw new ParseError(`${itemField}[1].fundingIntervalHours`, given, "must be a positive number of hours");
        }
        venues.push({ venue, rate, intervalHours, intervalAssumed: given === undefined || given === null, ratePerHour: rate / intervalHours, nextFundingTimeMs });
      });
      byCoin.set(coin, venues);
    } catch (error) {
      if (!(error instanceof ParseError)) throw error;
      rejects.push(error);
    }
  });
  return { byCoin, rejects };
}

/**
 * Names of the perps a `metaAndAssetCtxs` answer marks `isDelisted: true` (the venue keeps them
 * in the universe, with stale contexts, so that asset ids stay put). Anything unreadable gives
 * an empty set: the shared parser has already refused a malformed universe.
 */
export function delistedPerpNames(metaAndAssetCtxsBody: unknown): ReadonlySet<string> {
  const out = new Set<string>();
  const meta: unknown = Array.isArray(metaAndAssetCtxsBody) ? metaAndAssetCtxsBody[0] : undefined;
  const universe: unknown = isFields(meta) ? meta["universe"] : undefined;
  if (!Array.isArray(universe)) return out;
  for (const perp of universe as unknown[]) {
    if (isFields(perp) && perp["isDelisted"] === true && typeof perp["name"] === "string") out.add(perp["name"]);
  }
  return out;
}
