import type { AssetContextEvent, BookSnapshotEvent } from "../core/index.ts";
import { HOURS_PER_YEAR_SIMPLE } from "./units.ts";
import { FundingVelocity, bpsOf, bookMid } from "../metrics/index.ts";
import { legRoundTrip } from "./costs.ts";
import type {
  BasisRow,
  CarryRow,
  CrossVenueRow,
  FundingRow,
  RowAssumptions,
  ScanInput,
  ScanPerp,
  ScanReport,
  ScanSettings,
  ScanSpotPair,
  SkippedPerp,
} from "./types.ts";

/**
 * The scanner's ranking: pure functions of what one pass read (`ScanInput`), the settings and
 * `nowMs` (passed in: this code reads no clock).
 */

/** A perp that passed the filters: its context has what every table needs. */
export interface SelectedPerp {
  readonly coin: string;
  readonly ctx: AssetContextEvent;
  readonly fundingRatePerHour: number;
  readonly oraclePx: number;
  readonly openInterestUsd: number;
  readonly dayVolumeUsd: number;
}

/** The venue name Hyperliquid gives itself in `predictedFundings`. */
const HL_VENUE = "HlPerp";

/**
 * Which perps to scan: the configured coins (all when none), minus delisted ones, ones whose
 * context was refused or lacks funding or oracle, and ones below the volume and open-interest
 * filters. Each perp left out says why; coins the configuration names but the venue does not
 * list are reported too. Perps outside a non-empty coin list are simply not scanned.
 */
export function selectPerps(perps: readonly ScanPerp[], settings: ScanSettings): { readonly selected: readonly SelectedPerp[]; readonly skipped: readonly SkippedPerp[] } {
  const wanted = settings.coins.length === 0 ? undefined : new Set(settings.coins);
  const selected: SelectedPerp[] = [];
  const skipped: SkippedPerp[] = [];
  const listed = new Set<string>();
  for (const perp of perps) {
    listed.add(perp.coin);
    if (wanted !== undefined && !wanted.has(perp.coin)) continue;
    if (perp.delisted) {
      skipped.push({ coin: perp.coin, reason: "delisted" });
      continue;
    }
    const ctx = perp.ctx;
    if (ctx === undefined) {
      skipped.push({ coin: perp.coin, reason: `context refused: ${perp.rejectReason ?? "unreadable"}` });
      continue;
    }
    if (ctx.fundingRatePerHour === undefined || ctx.oraclePx === undefined || !(ctx.oraclePx > 0)) {
      skipped.push({ coin: perp.coin, reason: "context has no funding rate or oracle price" });
      continue;
    }
    const dayVolumeUsd = ctx.dayNotionalVolumeUsd ?? 0;
    if (dayVolumeUsd < settings.minDayVolumeUsd) {
      skipped.push({ coin: perp.coin, reason: `day volume ${Math.round(dayVolumeUsd)} USD < ${settings.minDayVolumeUsd}` });
      continue;
    }
    const openInterestUsd = (ctx.openInterest ?? 0) * ctx.oraclePx;
    if (openInterestUsd < settings.minOpenInterestUsd) {
      skipped.push({ coin: perp.coin, reason: `open interest ${Math.round(openInterestUsd)} USD < ${settings.minOpenInterestUsd}` });
      continue;
    }
    selected.push({ coin: perp.coin, ctx, fundingRatePerHour: ctx.fundingRatePerHour, oraclePx: ctx.oraclePx, openInterestUsd, dayVolumeUsd });
  }
  for (const coin of settings.coins) {
    if (!listed.has(coin)) skipped.push({ coin, reason: "not listed by the venue" });
  }
  return { selected, skipped };
}

/** Ranks every opportunity of one pass. */
export function scanVenue(input: ScanInput, settings: ScanSettings, nowMs: number): ScanReport {
  const { selected, skipped } = selectPerps(input.perps, settings);
  const assumptions: RowAssumptions = { sizeUsd: settings.sizeUsd, holdHours: settings.holdHours, feeTier: settings.feeTier };
  const carry: CarryRow[] = [];
  const crossVenue: CrossVenueRow[] = [];
  const funding: FundingRow[] = [];
  const basis: BasisRow[] = [];
  const noSpotPair: string[] = [];
  for (const perp of selected) {
    const pair = input.spotPairs.get(perp.coin);
    const perpBook = input.perpBooks.get(perp.coin);
    const spotBook = input.spotBooks.get(perp.coin);
    funding.push(fundingRow(perp, pair, input, settings, nowMs));
    crossVenue.push(...crossVenueRows(perp, perpBook, input, settings, assumptions, nowMs));
    if (pair === undefined) {
      noSpotPair.push(perp.coin);
      continue;
    }
    const b = basisRow(perp, pair, perpBook, spotBook, settings, nowMs);
    if (b !== undefined) basis.push(b);
    carry.push(carryRow(perp, pair, perpBook, spotBook, b?.mappingOk ?? true, settings, assumptions, nowMs));
  }
  carry.sort((a, b) => byDefinedDesc(a.netCarryUsd, b.netCarryUsd) || b.fundingRatePerHour - a.fundingRatePerHour || a.coin.localeCompare(b.coin));
  crossVenue.sort((a, b) => byDefinedDesc(a.netUsd, b.netUsd) || Math.abs(b.diffPerHour) - Math.abs(a.diffPerHour) || a.coin.localeCompare(b.coin) || a.venue.localeCompare(b.venue));
  funding.sort((a, b) => Math.abs(b.fundingRatePerHour) - Math.abs(a.fundingRatePerHour) || a.coin.localeCompare(b.coin));
  basis.sort((a, b) => Math.abs(b.basisBps) - Math.abs(a.basisBps) || a.coin.localeCompare(b.coin));
  return {
    generatedAtMs: nowMs,
    assumptions: { ...assumptions, fees: settings.fees, otherVenueTakerFee: settings.otherVenueTakerFee },
    carry,
    crossVenue,
    funding,
    basis,
    noSpotPair,
    skipped,
  };
}

/** Descending with `undefined` last. */
function byDefinedDesc(a: number | undefined, b: number | undefined): number {
  if (a === undefined) return b === undefined ? 0 : 1;
  if (b === undefined) return -1;
  return b - a;
}

/** Seconds from the oldest of `times` to now (0 when none). */
function ageS(nowMs: number, ...times: (number | undefined)[]): number {
  const known = times.filter((t): t is number => t !== undefined);
  return known.length === 0 ? 0 : Math.max(0, (nowMs - Math.min(...known)) / 1000);
}

/** The perp's mid: its book's, else its context's, else the oracle. */
function perpMidOf(perp: SelectedPerp, book: BookSnapshotEvent | undefined): number {
  return (book === undefined ? undefined : bookMid(book)) ?? perp.ctx.midPx ?? perp.oraclePx;
}

function spotLabel(pair: ScanSpotPair | undefined): string {
  if (pair === undefined) return "none";
  return pair.wireName === pair.pairName ? pair.pairName : `${pair.wireName} ${pair.pairName}`;
}

/**
 * Long spot, short perp, `sizeUsd / perp mid` coins each, in and out as taker through the
 * current books, held `holdHours` at the current funding rate (payment = size × oracle × rate,
 * as the venue pays it). The reverse (short spot) would need a spot borrow Hyperliquid does not
 * offer, so negative funding is a negative carry here, not a trade the other way.
 */
function carryRow(
  perp: SelectedPerp,
  pair: ScanSpotPair,
  perpBook: BookSnapshotEvent | undefined,
  spotBook: BookSnapshotEvent | undefined,
  mappingOk: boolean,
  settings: ScanSettings,
  assumptions: RowAssumptions,
  nowMs: number,
): CarryRow {
  const rate = perp.fundingRatePerHour;
  const sz = settings.sizeUsd / perpMidOf(perp, perpBook);
  const fundingUsdPerHour = sz * perp.oraclePx * rate;
  const base = {
    ...assumptions,
    coin: perp.coin,
    spotWireName: pair.wireName,
    spotPairName: pair.pairName,
    fundingRatePerHour: rate,
    fundingApr: rate * HOURS_PER_YEAR_SIMPLE,
    sz,
    fundingUsdPerHour,
    dataAgeS: ageS(nowMs, perp.ctx.tsInit, perpBook?.tsEvent, spotBook?.tsEvent),
  };
  const without = (note: string): CarryRow => ({
    ...base,
    feesUsd: undefined,
    bookCostUsd: undefined,
    roundTripCostUsd: undefined,
    roundTripCostBps: undefined,
    netCarryUsd: undefined,
    breakEvenHours: undefined,
    note,
  });
  if (!mappingOk) return without(`spot mid is over ${settings.maxSpotOracleDeviation * 100} % from the oracle: not the same asset?`);
  if (perpBook === undefined) return without("no perp book");
  if (spotBook === undefined) return without("no spot book");
  const perpLeg = legRoundTrip(perpBook, sz, settings.fees.perpTaker);
  if (!perpLeg.ok) return without(perpLeg.reason);
  const spotLeg = legRoundTrip(spotBook, sz, settings.fees.spotTaker);
  if (!spotLeg.ok) return without(spotLeg.reason);
  const feesUsd = perpLeg.leg.feesUsd + spotLeg.leg.feesUsd;
  const bookCostUsd = perpLeg.leg.bookCostUsd + spotLeg.leg.bookCostUsd;
  const roundTripCostUsd = feesUsd + bookCostUsd;
  return {
    ...base,
    feesUsd,
    bookCostUsd,
    roundTripCostUsd,
    roundTripCostBps: (roundTripCostUsd / settings.sizeUsd) * 1e4,
    netCarryUsd: fundingUsdPerHour * settings.holdHours - roundTripCostUsd,
    breakEvenHours: fundingUsdPerHour > 0 ? roundTripCostUsd / fundingUsdPerHour : undefined,
    note: rate > 0 ? "" : "funding <= 0: the short perp pays (short spot is not possible)",
  };
}

/**
 * One row per other venue publishing a prediction for the coin: long the perp where funding is
 * lower, short it where higher, `sizeUsd` each, held `holdHours` at the predicted rates. The
 * Hyperliquid leg pays taker fees and its book walk in and out; the other venue is charged
 * `otherVenueTakerFee` in and out and nothing for its spread (not known here).
 */
function crossVenueRows(
  perp: SelectedPerp,
  perpBook: BookSnapshotEvent | undefined,
  input: ScanInput,
  settings: ScanSettings,
  assumptions: RowAssumptions,
  nowMs: number,
): CrossVenueRow[] {
  const venues = input.predicted.get(perp.coin);
  if (venues === undefined) return [];
  const hl = venues.find((v) => v.venue === HL_VENUE);
  const hlRatePerHour = hl?.ratePerHour ?? perp.fundingRatePerHour;
  const sz = settings.sizeUsd / perpMidOf(perp, perpBook);
  const hlLeg = perpBook === undefined ? undefined : legRoundTrip(perpBook, sz, settings.fees.perpTaker);
  const hlCostUsd = hlLeg?.ok === true ? hlLeg.leg.feesUsd + hlLeg.leg.bookCostUsd : undefined;
  const otherFeesUsd = 2 * settings.otherVenueTakerFee * settings.sizeUsd;
  const rows: CrossVenueRow[] = [];
  for (const other of venues) {
    if (other.venue === HL_VENUE) continue;
    const diffPerHour = other.ratePerHour - hlRatePerHour;
    const earnUsdPerHour = Math.abs(diffPerHour) * settings.sizeUsd;
    const grossUsd = earnUsdPerHour * settings.holdHours;
    const costUsd = hlCostUsd === undefined ? undefined : hlCostUsd + otherFeesUsd;
    const notes: string[] = [];
    if (hl === undefined) notes.push("HL rate from the context");
    if (hlLeg === undefined) notes.push("no perp book");
    else if (!hlLeg.ok) notes.push(hlLeg.reason);
    rows.push({
      ...assumptions,
      coin: perp.coin,
      venue: other.venue,
      hlRatePerHour,
      otherRatePerHour: other.ratePerHour,
      otherIntervalHours: other.intervalHours,
      otherIntervalAssumed: other.intervalAssumed,
      diffPerHour,
      diffApr: diffPerHour * HOURS_PER_YEAR_SIMPLE,
      direction: diffPerHour >= 0 ? `long HL / short ${other.venue}` : `short HL / long ${other.venue}`,
      grossUsd,
      hlCostUsd,
      otherFeesUsd,
      netUsd: costUsd === undefined ? undefined : grossUsd - costUsd,
      breakEvenHours: costUsd === undefined || !(earnUsdPerHour > 0) ? undefined : costUsd / earnUsdPerHour,
      dataAgeS: ageS(nowMs, input.predictedAtMs, perpBook?.tsEvent),
      note: notes.join("; "),
    });
  }
  return rows;
}

/** Funding level, velocity and acceleration (the settled rates through src/metrics' FundingVelocity). */
function fundingRow(perp: SelectedPerp, pair: ScanSpotPair | undefined, input: ScanInput, settings: ScanSettings, nowMs: number): FundingRow {
  const velocity = new FundingVelocity({ market: perp.ctx.market });
  const history = input.fundingHistory.get(perp.coin) ?? [];
  for (const event of history) velocity.update(event);
  const v = velocity.value(nowMs);
  const fundingApr = perp.fundingRatePerHour * HOURS_PER_YEAR_SIMPLE;
  const flags: string[] = [];
  if (Math.abs(fundingApr) >= settings.extremeFundingApr) flags.push("apr");
  if (v !== undefined && Math.abs(v.accelerationPerHour) >= settings.extremeAccelerationPerHour) flags.push("accel");
  return {
    coin: perp.coin,
    fundingRatePerHour: perp.fundingRatePerHour,
    fundingApr,
    premium: perp.ctx.premium,
    velocity4hPerHour: v?.velocity4hPerHour,
    accelerationPerHour: v?.accelerationPerHour,
    openInterestUsd: perp.openInterestUsd,
    dayVolumeUsd: perp.dayVolumeUsd,
    spot: spotLabel(pair),
    flags,
    dataAgeS: ageS(nowMs, perp.ctx.tsInit),
  };
}

/**
 * Perp mid against spot mid: from both books when both exist (same moment), else from both
 * contexts (`midPx`, spot `markPx` when the pair has no mid). `undefined` when a mid is missing.
 */
function basisRow(
  perp: SelectedPerp,
  pair: ScanSpotPair,
  perpBook: BookSnapshotEvent | undefined,
  spotBook: BookSnapshotEvent | undefined,
  settings: ScanSettings,
  nowMs: number,
): BasisRow | undefined {
  const fromBooks = perpBook !== undefined && spotBook !== undefined ? [bookMid(perpBook), bookMid(spotBook)] : [undefined, undefined];
  const useBooks = fromBooks[0] !== undefined && fromBooks[1] !== undefined;
  const perpMidPx = useBooks ? fromBooks[0] : perp.ctx.midPx;
  const spotMidPx = useBooks ? fromBooks[1] : (pair.ctx?.midPx ?? pair.ctx?.markPx);
  if (perpMidPx === undefined || spotMidPx === undefined) return undefined;
  const basisBps = bpsOf(perpMidPx, spotMidPx);
  if (basisBps === undefined) return undefined;
  const mappingOk = Math.abs(spotMidPx / perp.oraclePx - 1) <= settings.maxSpotOracleDeviation;
  const flags: string[] = [];
  if (Math.abs(basisBps) >= settings.extremeBasisBps) flags.push("basis");
  if (!mappingOk) flags.push("mapping?");
  return {
    coin: perp.coin,
    spotWireName: pair.wireName,
    spotPairName: pair.pairName,
    perpMidPx,
    spotMidPx,
    basisBps,
    source: useBooks ? "book" : "ctx",
    mappingOk,
    flags,
    dataAgeS: useBooks ? ageS(nowMs, perpBook?.tsEvent, spotBook?.tsEvent) : ageS(nowMs, perp.ctx.tsInit, pair.ctx?.tsInit),
  };
}
