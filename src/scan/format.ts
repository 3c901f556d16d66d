import { csvField, textTable } from "../reports/index.ts";
import type { BasisRow, CarryRow, CrossVenueRow, FundingRow, ScanReport, SkippedPerp } from "./types.ts";

/**
 * The scan as text: terminal tables that fit {@link TERMINAL_WIDTH} columns, CSV per table and
 * JSON. Pure: strings out. docs/SCANNER.md explains every column and its unit.
 */

/** Widest terminal line, characters. */
export const TERMINAL_WIDTH = 100;

/** The tables `--csv` can write. */
export const SCAN_CSV_TABLES = ["carry", "cross-venue", "funding", "basis", "skipped"] as const;
export type ScanCsvTable = (typeof SCAN_CSV_TABLES)[number];

const dash = "-";

/** `n` with `digits` decimals, `-` when undefined. */
function fixed(n: number | undefined, digits: number): string {
  return n === undefined || !Number.isFinite(n) ? dash : n.toFixed(digits);
}

/** A fraction per hour in basis points per hour (1.25e-5 → 0.125). */
const bpPerHour = (n: number | undefined): string => fixed(n === undefined ? undefined : n * 1e4, 3);
/** A fraction as a percent (0.1095 → 10.9). */
const pct = (n: number | undefined, digits = 1): string => fixed(n === undefined ? undefined : n * 100, digits);

/** A USD amount in millions (2_500_000 → 2.5). */
const musd = (n: number): string => (n / 1e6).toFixed(n >= 1e8 ? 0 : 1);

/** A price with 5 significant digits at least, no exponent. */
function price(px: number): string {
  if (px >= 1e5) return px.toFixed(0);
  return Number(px.toPrecision(6)).toString();
}

/** Cuts a cell to `width` characters, ending with `…` when cut. */
function cut(text: string, width: number): string {
  const chars = [...text];
  return chars.length <= width ? text : `${chars.slice(0, width - 1).join("")}…`;
}

/** Cuts every line to the terminal width. */
function fit(text: string): string {
  return text
    .split("\n")
    .map((line) => cut(line, TERMINAL_WIDTH))
    .join("\n");
}

/** `10k 24h t0`: size, hold and fee tier, the row's assumptions in one short cell. */
function assumes(row: { readonly sizeUsd: number; readonly holdHours: number; readonly feeTier: string }): string {
  const size = row.sizeUsd >= 1000 && row.sizeUsd % 1000 === 0 ? `${row.sizeUsd / 1000}k` : String(row.sizeUsd);
  const tier = row.feeTier.startsWith("tier ") ? `t${row.feeTier.slice(5)}` : row.feeTier;
  return `${size} ${row.holdHours}h ${tier}`;
}

const age = (s: number): string => s.toFixed(0);

/** `@142 UBTC/USDC`; a pair the API names by its readable name (`PURR/USDC`) once. */
function pairLabel(row: { readonly spotWireName: string; readonly spotPairName: string }): string {
  return row.spotWireName === row.spotPairName ? row.spotPairName : `${row.spotWireName} ${row.spotPairName}`;
}

function limit<T>(rows: readonly T[], count: number): readonly T[] {
  return count === 0 ? rows : rows.slice(0, count);
}

function more(total: number, shown: number): string {
  return total > shown ? `  … ${total - shown} more (--json or --csv for every row)` : "";
}

/** Coins as a comma list that fits one terminal line after `prefix`, with `(+N)` for the rest. */
function coinLine(prefix: string, coins: readonly string[]): string {
  let line = prefix;
  for (let i = 0; i < coins.length; i += 1) {
    const tail = i === coins.length - 1 ? "" : ` … (+${coins.length - i - 1})`;
    const next = `${line}${i === 0 ? "" : ", "}${coins[i]}`;
    if ([...next].length + tail.length > TERMINAL_WIDTH) return `${line} … (+${coins.length - i})`;
    line = next;
  }
  return line;
}

/** Skip reasons grouped by kind (the number in a filter reason differs per coin). */
function skippedLines(skipped: readonly SkippedPerp[]): string[] {
  const groups = new Map<string, string[]>();
  for (const s of skipped) {
    const kind = s.reason.startsWith("day volume") ? "below the day-volume filter" : s.reason.startsWith("open interest") ? "below the open-interest filter" : s.reason;
    groups.set(kind, [...(groups.get(kind) ?? []), s.coin]);
  }
  return [...groups].map(([kind, coins]) => coinLine(`skipped, ${kind} (${coins.length}): `, coins));
}

/** The whole scan for a terminal, every line at most {@link TERMINAL_WIDTH} characters. */
export function formatScanTerminal(report: ScanReport, options: { readonly rows: number }): string {
  const a = report.assumptions;
  const out: string[] = [];
  const scanned = report.funding.length;
  out.push(`Hyperliquid funding and basis scan, ${new Date(report.generatedAtMs).toISOString().replace("T", " ").slice(0, 19)} UTC; perps scanned: ${scanned}`);
  out.push(`assumes ${a.sizeUsd} USD a leg, a ${a.holdHours} h hold, taker fees ${a.feeTier}: perp ${pct(a.fees.perpTaker, 3)} %, spot ${pct(a.fees.spotTaker, 3)} %;`);
  out.push(`other venues ${pct(a.otherVenueTakerFee, 3)} % (their spread not included); rates in bp = 0.01 %`);
  out.push("");

  out.push("PERP-SPOT CARRY: long spot + short perp, taker in and out through the books; net over the hold");
  const carry = limit(report.carry, options.rows);
  out.push(
    textTable(
      [
        ["coin", "spot", "fund bp/h", "APR %", "cost bp", "net USD", "b/e h", "assumes", "age s", "note"],
        ...carry.map((r: CarryRow) => [
          cut(r.coin, 10),
          cut(pairLabel(r), 16),
          bpPerHour(r.fundingRatePerHour),
          pct(r.fundingApr),
          fixed(r.roundTripCostBps, 1),
          fixed(r.netCarryUsd, 2),
          fixed(r.breakEvenHours, 1),
          assumes(r),
          age(r.dataAgeS),
          r.note,
        ]),
      ],
      new Set([2, 3, 4, 5, 6, 8]),
    ),
  );
  if (carry.length === 0) out.push("  (no scanned perp has a spot pair)");
  out.push(more(report.carry.length, carry.length));
  if (report.noSpotPair.length > 0) out.push(coinLine(`no spot pair (${report.noSpotPair.length}): `, report.noSpotPair));
  out.push("");

  out.push("CROSS-VENUE FUNDING: predicted rates per hour; net over the hold after both legs' fees");
  const cross = limit(report.crossVenue, options.rows);
  out.push(
    textTable(
      [
        ["coin", "venue", "HL bp/h", "oth bp/h", "int h", "Δ APR %", "HL", "net USD", "b/e h", "assumes", "age s", "note"],
        ...cross.map((r: CrossVenueRow) => [
          cut(r.coin, 10),
          cut(r.venue, 10),
          bpPerHour(r.hlRatePerHour),
          bpPerHour(r.otherRatePerHour),
          `${r.otherIntervalHours}${r.otherIntervalAssumed ? "?" : ""}`,
          pct(r.diffApr),
          r.diffPerHour >= 0 ? "long" : "short",
          fixed(r.netUsd, 2),
          fixed(r.breakEvenHours, 1),
          assumes(r),
          age(r.dataAgeS),
          r.note,
        ]),
      ],
      new Set([2, 3, 4, 5, 7, 8, 10]),
    ),
  );
  if (cross.length === 0) out.push("  (no predicted fundings from other venues)");
  out.push(more(report.crossVenue.length, cross.length));
  out.push("");

  out.push("FUNDING: largest |rate| first; velocity and acceleration from the last settlements");
  const fundingTable = (rows: readonly FundingRow[]): string =>
    textTable(
      [
        ["coin", "fund bp/h", "APR %", "vel bp/h²", "acc bp/h²", "OI M$", "vol M$", "spot", "flags", "age s"],
        ...rows.map((r) => [
          cut(r.coin, 10),
          bpPerHour(r.fundingRatePerHour),
          pct(r.fundingApr),
          bpPerHour(r.velocity4hPerHour),
          bpPerHour(r.accelerationPerHour),
          musd(r.openInterestUsd),
          musd(r.dayVolumeUsd),
          cut(r.spot.split(" ")[0] ?? r.spot, 10),
          r.flags.join(","),
          age(r.dataAgeS),
        ]),
      ],
      new Set([1, 2, 3, 4, 5, 6, 9]),
    );
  const funding = limit(report.funding, options.rows);
  out.push(fundingTable(funding));
  out.push(more(report.funding.length, funding.length));
  const accelerating = report.funding.filter((r) => r.accelerationPerHour !== undefined);
  if (accelerating.length > 0) {
    out.push("");
    out.push("FUNDING ACCELERATION: largest |acceleration| first");
    const byAcceleration = [...accelerating].sort((x, y) => Math.abs(y.accelerationPerHour ?? 0) - Math.abs(x.accelerationPerHour ?? 0) || x.coin.localeCompare(y.coin));
    const shown = limit(byAcceleration, options.rows);
    out.push(fundingTable(shown));
    out.push(more(byAcceleration.length, shown.length));
  }
  out.push("");

  out.push("BASIS: perp mid vs its spot pair's mid (spot pair as the venue's spotMeta maps it)");
  const basis = limit(report.basis, options.rows);
  out.push(
    textTable(
      [
        ["coin", "spot", "perp mid", "spot mid", "basis bp", "from", "flags", "age s"],
        ...basis.map((r: BasisRow) => [
          cut(r.coin, 10),
          cut(pairLabel(r), 20),
          price(r.perpMidPx),
          price(r.spotMidPx),
          fixed(r.basisBps, 1),
          r.source,
          r.flags.join(","),
          age(r.dataAgeS),
        ]),
      ],
      new Set([2, 3, 4, 7]),
    ),
  );
  if (basis.length === 0) out.push("  (no scanned perp has a spot pair with a mid)");
  out.push(more(report.basis.length, basis.length));
  out.push(...skippedLines(report.skipped));
  return `${fit(out.filter((line, i, all) => !(line === "" && all[i - 1] === "")).join("\n").trimEnd())}\n`;
}

/** The report as JSON: every row, missing figures as `null` (never dropped keys). */
export function formatScanJson(report: ScanReport, options: { readonly pretty: boolean }): string {
  return JSON.stringify(report, (_key, value: unknown) => (value === undefined ? null : value), options.pretty ? 2 : undefined);
}

type Cell = string | number | boolean | undefined | readonly string[];

function csv(header: readonly string[], rows: readonly (readonly Cell[])[]): string {
  const cell = (c: Cell): string => (c === undefined ? "" : Array.isArray(c) ? csvField(c.join(" ")) : csvField(String(c)));
  return [header.join(","), ...rows.map((r) => r.map(cell).join(","))].join("\n") + "\n";
}

/** One table as CSV; column names end with their unit (`_usd`, `_per_hour` = fraction per hour, `_bps`, `_s`). */
export function formatScanCsv(report: ScanReport, table: ScanCsvTable): string {
  switch (table) {
    case "carry":
      return csv(
        ["coin", "spot_wire_name", "spot_pair", "funding_rate_per_hour", "funding_apr", "size_usd", "hold_hours", "fee_tier", "sz_coins", "funding_usd_per_hour", "fees_usd", "book_cost_usd", "round_trip_cost_usd", "round_trip_cost_bps", "net_carry_usd", "break_even_hours", "data_age_s", "note"],
        report.carry.map((r) => [r.coin, r.spotWireName, r.spotPairName, r.fundingRatePerHour, r.fundingApr, r.sizeUsd, r.holdHours, r.feeTier, r.sz, r.fundingUsdPerHour, r.feesUsd, r.bookCostUsd, r.roundTripCostUsd, r.roundTripCostBps, r.netCarryUsd, r.breakEvenHours, r.dataAgeS, r.note]),
      );
    case "cross-venue":
      return csv(
        ["coin", "venue", "hl_rate_per_hour", "other_rate_per_hour", "other_interval_hours", "other_interval_assumed", "diff_per_hour", "diff_apr", "direction", "size_usd", "hold_hours", "fee_tier", "gross_usd", "hl_cost_usd", "other_fees_usd", "net_usd", "break_even_hours", "data_age_s", "note"],
        report.crossVenue.map((r) => [r.coin, r.venue, r.hlRatePerHour, r.otherRatePerHour, r.otherIntervalHours, r.otherIntervalAssumed, r.diffPerHour, r.diffApr, r.direction, r.sizeUsd, r.holdHours, r.feeTier, r.grossUsd, r.hlCostUsd, r.otherFeesUsd, r.netUsd, r.breakEvenHours, r.dataAgeS, r.note]),
      );
    case "funding":
      return csv(
        ["coin", "funding_rate_per_hour", "funding_apr", "premium", "velocity_4h_per_hour_per_hour", "acceleration_per_hour_per_hour", "open_interest_usd", "day_volume_usd", "spot", "flags", "data_age_s"],
        report.funding.map((r) => [r.coin, r.fundingRatePerHour, r.fundingApr, r.premium, r.velocity4hPerHour, r.accelerationPerHour, r.openInterestUsd, r.dayVolumeUsd, r.spot, r.flags, r.dataAgeS]),
      );
    case "basis":
      return csv(
        ["coin", "spot_wire_name", "spot_pair", "perp_mid_px", "spot_mid_px", "basis_bps", "source", "mapping_ok", "flags", "data_age_s"],
        report.basis.map((r) => [r.coin, r.spotWireName, r.spotPairName, r.perpMidPx, r.spotMidPx, r.basisBps, r.source, r.mappingOk, r.flags, r.dataAgeS]),
      );
    case "skipped":
      return csv(["coin", "reason"], [...report.skipped.map((s) => [s.coin, s.reason]), ...report.noSpotPair.map((coin) => [coin, "no spot pair (scanned: perp only)"])]);
  }
}
