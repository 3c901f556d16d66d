/**
 * Builds a capture holding exactly what the live feed would have delivered for a market history:
 * the shape of the venue's data, not the history files' shape. Used by the live = replay parity
 * tests (never published).
 *
 * - Candles arrive as WebSocket `candle` frames of the FORMING bar only, with no "closed" flag:
 *   a first frame a while after the open (the bar so far: open price, no volume), the final
 *   values shortly before the close (for one market just AFTER the close, as the last trade's
 *   frame can), and then nothing for that bar. The first market's next bar starts a few ms after
 *   the hour (a liquid market: the next bar's frame closes the bar); the others start later, so
 *   their bars close on the grace.
 * - Funding arrives as the live poller's `info:fundingHistory` lines, 15 s after each hour, each
 *   holding the settlements since the previous poll.
 * - A pong every 30 s, as the live source's pings get (so the capture has no silent minute), at
 *   5 s and 35 s past each minute.
 * - Spot pairs are named `@N` on the wire, resolved by an `info:spotMeta` line at the start.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { gunzipSync, gzipSync } from "node:zlib";
import { formatHeaderLine } from "../src/replay/capture-format.ts";
import type { FixtureCandleRow } from "./hyperliquid-server/info-fixtures.ts";

const HOUR_MS = 3_600_000;
/** The funding poller asks 15 s after each UTC hour. */
const FUNDING_POLL_DELAY_MS = 15_000;
const PONG_EVERY_MS = 30_000;

/** A history candle row: the venue's `candleSnapshot` row without the trade count history files lack. */
type CandleRow = Omit<FixtureCandleRow, "n">;

interface FundingRow {
  readonly coin: string;
  readonly fundingRate: string;
  readonly premium: string | null;
  readonly time: number;
}

export interface LiveStyleInputs {
  /** History candle files (`t,T,s,i,o,c,h,l,v`, gzip'd CSV); spot files name the pair (`UBTC/USDC`) in `s`. */
  readonly candleFiles: readonly string[];
  /** History funding files (`coin,fundingRate,premium,time`, gzip'd CSV). */
  readonly fundingFiles: readonly string[];
  /** Keep only rows with a time in [fromMs, toMs) (candles by open time); default everything. */
  readonly fromMs?: number;
  readonly toMs?: number;
}

/** What was written. */
export interface LiveStyleCapture {
  readonly path: string;
  /** Candle frames written (forming bars only). */
  readonly candleFrames: number;
  /** `info:fundingHistory` lines written. */
  readonly fundingLines: number;
  /** Spot pair name → wire name (`UBTC/USDC` → `@1`). */
  readonly spotWireNames: Readonly<Record<string, string>>;
}

function csvRows(path: string): Record<string, string>[] {
  const text = (path.endsWith(".gz") ? gunzipSync(readFileSync(path)) : readFileSync(path)).toString("utf8");
  const lines = text.split("\n").filter((l) => l.length > 0);
  const header = (lines[0] ?? "").split(",");
  return lines.slice(1).map((line) => {
    const cells = line.split(",");
    return Object.fromEntries(header.map((h, i) => [h, cells[i] ?? ""]));
  });
}

/** Writes the live-style capture of the inputs to `path` (gzip'd, one file). */
export function writeLiveStyleCapture(inputs: LiveStyleInputs, path: string): LiveStyleCapture {
  const from = inputs.fromMs ?? Number.NEGATIVE_INFINITY;
  const to = inputs.toMs ?? Number.POSITIVE_INFINITY;
  const lines: { tsInit: number; order: number; text: string }[] = [];
  let order = 0;
  const add = (tsInit: number, source: string, raw: string): void => {
    lines.push({ tsInit, order: order++, text: `${tsInit}\t${source}\t${raw}` });
  };

  // Spot pairs: one token each against USDC (token 0), pair index = position + 1.
  const series: CandleRow[][] = [];
  const spotPairs: string[] = [];
  for (const file of inputs.candleFiles) {
    const rows = csvRows(file)
      .map((r) => ({ t: Number(r["t"]), T: Number(r["T"]), s: r["s"] ?? "", i: r["i"] ?? "", o: r["o"] ?? "", c: r["c"] ?? "", h: r["h"] ?? "", l: r["l"] ?? "", v: r["v"] ?? "" }))
      .filter((r) => r.t >= from && r.t < to);
    if (rows.length === 0) continue;
    const name = rows[0]?.s ?? "";
    if (name.includes("/") && !spotPairs.includes(name)) spotPairs.push(name);
    series.push(rows);
  }
  const wire: Record<string, string> = {};
  spotPairs.forEach((pair, i) => (wire[pair] = `@${i + 1}`));
  const tokens = [{ name: "USDC", szDecimals: 8, weiDecimals: 8, index: 0, isCanonical: true }];
  const universe = spotPairs.map((pair, i) => {
    tokens.push({ name: pair.split("/")[0] ?? pair, szDecimals: 5, weiDecimals: 10, index: i + 1, isCanonical: false });
    return { tokens: [i + 1, 0], name: `@${i + 1}`, index: i + 1, isCanonical: false };
  });

  let firstMs = Number.POSITIVE_INFINITY;
  let lastMs = Number.NEGATIVE_INFINITY;
  let candleFrames = 0;
  series.forEach((rows, k) => {
    for (const r of rows) {
      const len = r.T + 1 - r.t;
      const coin = wire[r.s] ?? r.s;
      const bar = (o: string, c: string, h: string, l: string, v: string): string => JSON.stringify({ channel: "candle", data: { t: r.t, T: r.T, s: coin, i: r.i, o, c, h, l, v, n: 1 } });
      // The bar so far, a while after the open: its open price, no volume yet. The first market is
      // liquid (its next bar's first frame comes right after the open and closes the bar before it).
      const early = r.t + (k === 0 ? 20 : Math.min(5_000, Math.floor(len / 4))) + k;
      add(early, "ws", bar(r.o, r.o, r.o, r.o, "0.0"));
      // The final values: shortly before the close; for the second market just after it (the last
      // trade's frame can arrive after the hour), still within the grace.
      const last = k === 1 ? r.T + 40 : r.T - Math.min(1_000, Math.floor(len / 10)) + k;
      add(last, "ws", bar(r.o, r.c, r.h, r.l, r.v));
      candleFrames += 2;
      firstMs = Math.min(firstMs, early);
      lastMs = Math.max(lastMs, last);
    }
  });

  const funding: FundingRow[] = [];
  for (const file of inputs.fundingFiles) {
    for (const r of csvRows(file)) {
      const time = Number(r["time"]);
      if (time < from || time >= to) continue;
      funding.push({ coin: r["coin"] ?? "", fundingRate: r["fundingRate"] ?? "", premium: r["premium"] === "" || r["premium"] === undefined ? null : r["premium"], time });
    }
  }
  const polls = new Map<number, FundingRow[]>();
  for (const row of funding) {
    const poll = Math.floor(row.time / HOUR_MS) * HOUR_MS + FUNDING_POLL_DELAY_MS;
    const list = polls.get(poll) ?? [];
    list.push(row);
    polls.set(poll, list);
  }
  let fundingLines = 0;
  for (const [poll, rows] of [...polls].sort((a, b) => a[0] - b[0])) {
    // The poller asks coin by coin; each coin's rows in time order.
    rows.sort((a, b) => (a.coin < b.coin ? -1 : a.coin > b.coin ? 1 : a.time - b.time));
    add(poll, "info:fundingHistory", JSON.stringify(rows));
    fundingLines += 1;
    lastMs = Math.max(lastMs, poll);
  }

  if (Number.isFinite(firstMs)) {
    // At 5 s and 35 s past each minute: one lands 5 s after every hour, within the poller's 15 s,
    // as the book frames of a live session would (a quiet market's last bar closes on it).
    const phase = 5_000;
    const first = Math.ceil((firstMs - phase) / PONG_EVERY_MS) * PONG_EVERY_MS + phase;
    for (let t = first; t <= lastMs + 2 * PONG_EVERY_MS; t += PONG_EVERY_MS) add(t, "ws", '{"channel":"pong","data":null}');
  }
  lines.sort((a, b) => a.tsInit - b.tsInit || a.order - b.order);
  const start = lines[0]?.tsInit ?? 0;
  const text = [
    formatHeaderLine({ startMs: start, venue: "hyperliquid", network: "mainnet" }),
    `${start}\tinfo:spotMeta\t${JSON.stringify({ tokens, universe })}`,
    ...lines.map((l) => l.text),
  ].join("\n");
  writeFileSync(path, gzipSync(`${text}\n`, { level: 1 }));
  return { path, candleFrames, fundingLines, spotWireNames: wire };
}

/**
 * Copies the rows of history files (gzip'd CSV with a header; candles by open time `t`, funding by
 * `time`) within [fromMs, toMs) into `dir` under the same names, so that the history route and
 * the live-style route of a parity test read one period.
 */
export function writeHistoryWindow(files: readonly string[], fromMs: number, toMs: number, dir: string): string[] {
  return files.map((file) => {
    const text = gunzipSync(readFileSync(file)).toString("utf8");
    const lines = text.split("\n").filter((l) => l.length > 0);
    const header = lines[0] ?? "";
    const column = header.split(",").indexOf(header.split(",").includes("t") ? "t" : "time");
    const kept = lines.slice(1).filter((line) => {
      const ms = Number(line.split(",")[column]);
      return ms >= fromMs && ms < toMs;
    });
    const out = `${dir}/${file.split("/").pop() ?? "history.csv.gz"}`;
    writeFileSync(out, gzipSync(`${[header, ...kept].join("\n")}\n`, { level: 1 }));
    return out;
  });
}
