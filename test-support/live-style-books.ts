/**
 * Builds the capture a live session would have written for an l2_trades recording
 * (djienne/Hyperliquid_data_collector layout: `orderbooks_<COIN>`, `trades_<COIN>` CSVs, see the
 * shared data PROVENANCE): the venue's WebSocket frames, not the recorder's rows. Used by the
 * live = replay parity tests of the book and trade channels (never published).
 *
 * - Each orderbooks row → one `l2Book` frame `{coin, time: exchange_timestamp, levels:
 *   [[{px, sz}, …], [{px, sz}, …]]}` (prices and sizes as the recorder's decimal text; no
 *   `n`, which the recorder did not keep and the parser treats as optional), received at
 *   `timestamp` (seconds → ms, rounded as the history reader rounds it).
 * - Trades rows sharing a receive `timestamp` arrived in one frame: one `trades` frame each
 *   `[{coin, side: "B"|"A" (aggressor buy|sell), px, sz, time, hash, tid}]`, in file order. The
 *   trades the recorder logged twice (the venue's re-sent snapshot) are written twice, as the venue
 *   sent them: the parser must drop them exactly as the history reader does.
 * - A pong every 30 s, as the live source's pings get.
 *
 * The capture holds no `bbo` frames: the recording's `prices_*` files are the best bid/ask, which
 * the history reader does not turn into events either.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { basename } from "node:path";
import { gunzipSync, gzipSync } from "node:zlib";
import { formatHeaderLine } from "../src/replay/capture-format.ts";

const PONG_EVERY_MS = 30_000;

export interface LiveStyleBooksInputs {
  /** `orderbooks_<COIN>.csv[.gz]` files. */
  readonly orderbookFiles: readonly string[];
  /** `trades_<COIN>.csv[.gz]` files. */
  readonly tradeFiles: readonly string[];
}

export interface LiveStyleBooksCapture {
  readonly path: string;
  readonly bookFrames: number;
  readonly tradeFrames: number;
  /** Trades written, re-sent ones included. */
  readonly trades: number;
}

function csvLines(path: string): { header: string[]; rows: string[][] } {
  const text = (path.endsWith(".gz") ? gunzipSync(readFileSync(path)) : readFileSync(path)).toString("utf8");
  const lines = text.split("\n").map((l) => (l.endsWith("\r") ? l.slice(0, -1) : l)).filter((l) => l.length > 0);
  return { header: (lines[0] ?? "").split(","), rows: lines.slice(1).map((l) => l.split(",")) };
}

function coinOf(path: string): string {
  const name = basename(path).replace(/(\.(csv|json|gz))+$/i, "");
  return name.slice(name.lastIndexOf("_") + 1);
}

/** Receive time in ms from the recorder's seconds, rounded as `secondsAsMsField` rounds it. */
function receiveMs(seconds: string): number {
  return Math.round(Number(seconds) * 1000);
}

/** Writes the live-style capture of the recording files to `path` (gzip'd, one file). */
export function writeLiveStyleBooksCapture(inputs: LiveStyleBooksInputs, path: string): LiveStyleBooksCapture {
  const lines: { tsInit: number; order: number; text: string }[] = [];
  let order = 0;
  const add = (tsInit: number, raw: string): void => {
    lines.push({ tsInit, order: order++, text: `${tsInit}\tws\t${raw}` });
  };

  let bookFrames = 0;
  for (const file of inputs.orderbookFiles) {
    const coin = coinOf(file);
    const { header, rows } = csvLines(file);
    const exchangeAt = header.indexOf("exchange_timestamp");
    const firstLevelAt = exchangeAt + 1;
    const levels = (header.length - firstLevelAt) / 4;
    for (const r of rows) {
      const bids: { px: string; sz: string }[] = [];
      const asks: { px: string; sz: string }[] = [];
      for (let level = 0; level < levels; level += 1) {
        const at = firstLevelAt + level * 4;
        const [bp, bs, ap, as] = [r[at] ?? "", r[at + 1] ?? "", r[at + 2] ?? "", r[at + 3] ?? ""];
        if (bp !== "" || bs !== "") bids.push({ px: bp, sz: bs });
        if (ap !== "" || as !== "") asks.push({ px: ap, sz: as });
      }
      add(receiveMs(r[0] ?? ""), JSON.stringify({ channel: "l2Book", data: { coin, time: Number(r[exchangeAt]), levels: [bids, asks] } }));
      bookFrames += 1;
    }
  }

  let tradeFrames = 0;
  let trades = 0;
  for (const file of inputs.tradeFiles) {
    const coin = coinOf(file);
    const { header, rows } = csvLines(file);
    const at = (name: string): number => header.indexOf(name);
    const [ts, px, sz, side, tid, time] = [at("timestamp"), at("price"), at("size"), at("side"), at("trade_id"), at("exchange_timestamp")];
    let frame: unknown[] = [];
    let frameTs: string | undefined;
    const flush = (): void => {
      if (frameTs === undefined || frame.length === 0) return;
      // tid as a JSON number, as the venue sends it (the recording's ids are below 2^53).
      const raw = JSON.stringify({ channel: "trades", data: frame }).replace(/"tid":"(\d+)"/g, '"tid":$1');
      add(receiveMs(frameTs), raw);
      tradeFrames += 1;
      frame = [];
    };
    for (const r of rows) {
      if (r[ts] !== frameTs) {
        flush();
        frameTs = r[ts];
      }
      const id = r[tid] ?? "";
      frame.push({ coin, side: r[side] === "buy" ? "B" : "A", px: r[px], sz: r[sz], time: Number(r[time]), hash: `0x${BigInt(id).toString(16).padStart(64, "0")}`, tid: id });
      trades += 1;
    }
    flush();
  }

  lines.sort((a, b) => a.tsInit - b.tsInit || a.order - b.order);
  const first = lines[0]?.tsInit ?? 0;
  const last = lines.at(-1)?.tsInit ?? 0;
  for (let t = first + PONG_EVERY_MS; t <= last; t += PONG_EVERY_MS) add(t, '{"channel":"pong","data":null}');
  lines.sort((a, b) => a.tsInit - b.tsInit || a.order - b.order);
  const text = [formatHeaderLine({ startMs: first, venue: "hyperliquid", network: "mainnet" }), ...lines.map((l) => l.text)].join("\n");
  writeFileSync(path, gzipSync(`${text}\n`, { level: 1 }));
  return { path, bookFrames, tradeFrames, trades };
}

/**
 * An event as comparable text: kind, market key, tsEvent, tsInit and every value, keys sorted
 * (the two routes build their objects with different key orders). Status events are not market data.
 */
export function eventKey(event: { readonly kind: string }): string {
  return JSON.stringify(event, (key, value: unknown) => {
    if (key === "market" && typeof value === "object" && value !== null) return (value as { key: string }).key;
    if (typeof value === "object" && value !== null && !Array.isArray(value)) {
      return Object.fromEntries(Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    }
    return value;
  });
}
