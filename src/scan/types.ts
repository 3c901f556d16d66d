import type { AssetContextEvent, BookSnapshotEvent, FundingSettlementEvent } from "../core/index.ts";
import type { FeeRates } from "../risk/index.ts";

/**
 * The funding and basis scanner's inputs, settings and rows. Units are in the names; rates and
 * costs are fractions unless a name says `Bps`; money is USD; times are ms since the epoch and
 * ages are seconds.
 */

/** What the scanner assumes for every row; each row repeats the part it depends on. */
export interface ScanSettings {
  /** Notional of each leg, USD: the book walks and fees are computed at this size. */
  readonly sizeUsd: number;
  /** Hold the net figures assume, hours. */
  readonly holdHours: number;
  /** Hyperliquid fee rates per side (both legs pay taker). */
  readonly fees: FeeRates;
  /** How the fees were chosen, for the rows: `tier 0`, `tier 3`, `custom`. */
  readonly feeTier: string;
  /** Taker fee per side assumed on the other venue of a cross-venue row, fraction. */
  readonly otherVenueTakerFee: number;
  /** Perp coins to scan; empty = every listed perp. */
  readonly coins: readonly string[];
  readonly minDayVolumeUsd: number;
  /** Open interest × oracle price, USD. */
  readonly minOpenInterestUsd: number;
  /** |funding × 8760| at or above this flags a funding row, fraction a year. */
  readonly extremeFundingApr: number;
  /** |basis| at or above this flags a basis row, bps. */
  readonly extremeBasisBps: number;
  /** |acceleration| at or above this flags a funding row, fraction per hour per hour. */
  readonly extremeAccelerationPerHour: number;
  /** A spot mid further than this from the perp's oracle is not the same asset: no carry, basis row marked. Fraction. */
  readonly maxSpotOracleDeviation: number;
}

/** One perp of the venue's universe with its current context. */
export interface ScanPerp {
  readonly coin: string;
  /** Marked `isDelisted` in the universe: skipped. */
  readonly delisted: boolean;
  /** The context, or `undefined` when the parser refused it (skipped, with the reason). */
  readonly ctx: AssetContextEvent | undefined;
  readonly rejectReason?: string;
}

/** The spot pair the venue's `spotMeta` maps to a perp coin, with its context. */
export interface ScanSpotPair {
  /** What the API calls it: `@142`. */
  readonly wireName: string;
  /** Readable: `UBTC/USDC`. */
  readonly pairName: string;
  readonly ctx: AssetContextEvent | undefined;
}

/** One venue's predicted next funding for a coin (from `predictedFundings`). */
export interface VenueFunding {
  readonly venue: string;
  readonly ratePerHour: number;
  readonly intervalHours: number;
  /** The answer did not give the interval; it was assumed (1 h Hyperliquid, 8 h others). */
  readonly intervalAssumed: boolean;
}

/** Everything one scan pass read from the venue. */
export interface ScanInput {
  readonly perps: readonly ScanPerp[];
  /** Perp coin → its spot pair, for perps the venue lists one for. */
  readonly spotPairs: ReadonlyMap<string, ScanSpotPair>;
  /** Perp coin → its L2 book. */
  readonly perpBooks: ReadonlyMap<string, BookSnapshotEvent>;
  /** Perp coin → the L2 book of its spot pair. */
  readonly spotBooks: ReadonlyMap<string, BookSnapshotEvent>;
  /** Coin → predictions per venue. */
  readonly predicted: ReadonlyMap<string, readonly VenueFunding[]>;
  /** When the predictions arrived, ms; `undefined` when none were read. */
  readonly predictedAtMs: number | undefined;
  /** Perp coin → recent settlements, oldest first. */
  readonly fundingHistory: ReadonlyMap<string, readonly FundingSettlementEvent[]>;
}

/** Why a perp is not in the tables. */
export interface SkippedPerp {
  readonly coin: string;
  readonly reason: string;
}

/** The assumptions every row of a table shares. */
export interface RowAssumptions {
  readonly sizeUsd: number;
  readonly holdHours: number;
  readonly feeTier: string;
}

/** Perp–spot carry: long the spot pair, short the perp, both taker, in and out. */
export interface CarryRow extends RowAssumptions {
  readonly coin: string;
  readonly spotWireName: string;
  readonly spotPairName: string;
  /** Current (accruing) funding, fraction per hour; positive = longs pay shorts, so the short perp receives. */
  readonly fundingRatePerHour: number;
  /** fundingRatePerHour × 8760, fraction a year (simple). */
  readonly fundingApr: number;
  /** Size of each leg, coins: sizeUsd / perp mid. */
  readonly sz: number;
  /** sz × oracle × fundingRatePerHour, USD per hour. */
  readonly fundingUsdPerHour: number;
  /** Taker fees of the four fills, USD. */
  readonly feesUsd: number | undefined;
  /** Spread and depth paid crossing both books in and out: Σ legs sz × (buy walk − sell walk), USD. */
  readonly bookCostUsd: number | undefined;
  /** feesUsd + bookCostUsd, USD. */
  readonly roundTripCostUsd: number | undefined;
  /** roundTripCostUsd / sizeUsd × 1e4, bps of one leg's notional. */
  readonly roundTripCostBps: number | undefined;
  /** fundingUsdPerHour × holdHours − roundTripCostUsd, USD. */
  readonly netCarryUsd: number | undefined;
  /** roundTripCostUsd / fundingUsdPerHour, hours; `undefined` when funding does not pay the short perp. */
  readonly breakEvenHours: number | undefined;
  /** Age of the oldest input (context, either book), s. */
  readonly dataAgeS: number;
  /** What stops or qualifies the row ("" when nothing). */
  readonly note: string;
}

/** Cross-venue funding: long the perp where funding is lower, short it where it is higher. */
export interface CrossVenueRow extends RowAssumptions {
  readonly coin: string;
  /** The other venue: `BinPerp`, `BybitPerp`, ... */
  readonly venue: string;
  /** Hyperliquid's predicted rate, fraction per hour. */
  readonly hlRatePerHour: number;
  /** The other venue's predicted rate per hour (its interval rate / its interval hours). */
  readonly otherRatePerHour: number;
  /** Hours per funding interval of the other venue. */
  readonly otherIntervalHours: number;
  /** The answer did not give the interval; it was assumed (8 h). */
  readonly otherIntervalAssumed: boolean;
  /** otherRatePerHour − hlRatePerHour, fraction per hour. */
  readonly diffPerHour: number;
  /** diffPerHour × 8760, fraction a year (simple). */
  readonly diffApr: number;
  /** `long HL / short BinPerp` when diff > 0, else `short HL / long BinPerp`. */
  readonly direction: string;
  /** |diffPerHour| × sizeUsd × holdHours, USD. */
  readonly grossUsd: number;
  /** Hyperliquid leg: taker fees in and out plus the perp book walk, USD. */
  readonly hlCostUsd: number | undefined;
  /** 2 × otherVenueTakerFee × sizeUsd, USD (its spread is not known here and not included). */
  readonly otherFeesUsd: number;
  /** grossUsd − hlCostUsd − otherFeesUsd, USD. */
  readonly netUsd: number | undefined;
  /** (hlCostUsd + otherFeesUsd) / (|diffPerHour| × sizeUsd), hours. */
  readonly breakEvenHours: number | undefined;
  readonly dataAgeS: number;
  readonly note: string;
}

/** One perp's funding: level, slope, acceleration. */
export interface FundingRow {
  readonly coin: string;
  /** Current (accruing) funding, fraction per hour. */
  readonly fundingRatePerHour: number;
  /** × 8760, fraction a year (simple). */
  readonly fundingApr: number;
  /** The context's premium, fraction of oracle. */
  readonly premium: number | undefined;
  /** Funding velocity over 4 h from settlements (src/metrics FundingVelocity), fraction per hour per hour. */
  readonly velocity4hPerHour: number | undefined;
  /** velocity4h − velocity8h, fraction per hour per hour; `undefined` until 8 h of settlements. */
  readonly accelerationPerHour: number | undefined;
  /** Open interest × oracle, USD. */
  readonly openInterestUsd: number;
  readonly dayVolumeUsd: number;
  /** The spot pair: `@142 UBTC/USDC` (wire name, readable name), `PURR/USDC`, or `none`. */
  readonly spot: string;
  /** `apr` and/or `accel` when past the configured thresholds. */
  readonly flags: readonly string[];
  readonly dataAgeS: number;
}

/** Perp mid against its spot pair's mid. */
export interface BasisRow {
  readonly coin: string;
  readonly spotWireName: string;
  readonly spotPairName: string;
  readonly perpMidPx: number;
  readonly spotMidPx: number;
  /** (perp mid / spot mid − 1) × 1e4, bps. */
  readonly basisBps: number;
  /** Where the mids came from: `book` (L2 best bid/ask) or `ctx` (asset context midPx). */
  readonly source: "book" | "ctx";
  /** The spot mid lies within the configured deviation of the perp's oracle. */
  readonly mappingOk: boolean;
  readonly flags: readonly string[];
  readonly dataAgeS: number;
}

/** One scan pass, ranked. */
export interface ScanReport {
  readonly generatedAtMs: number;
  readonly assumptions: {
    readonly sizeUsd: number;
    readonly holdHours: number;
    readonly feeTier: string;
    readonly fees: FeeRates;
    readonly otherVenueTakerFee: number;
  };
  /** Best net carry first. */
  readonly carry: readonly CarryRow[];
  /** Best net first. */
  readonly crossVenue: readonly CrossVenueRow[];
  /** Every scanned perp, largest |funding| first. */
  readonly funding: readonly FundingRow[];
  /** Largest |basis| first. */
  readonly basis: readonly BasisRow[];
  /** Scanned perps the venue lists no spot pair for. */
  readonly noSpotPair: readonly string[];
  readonly skipped: readonly SkippedPerp[];
}
