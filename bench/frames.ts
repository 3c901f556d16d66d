/**
 * Builds Hyperliquid WebSocket frames (the exact JSON layout the venue sends) from the real
 * recorded data in ../shared, so that the parser is measured on real values. Numbers are
 * written as decimal strings, as the venue does.
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import type { BookSnapshotEvent, CandleEvent, MarketEvent, TradeEvent } from "../src/core/index.ts";
import { readHistoryFile } from "../src/replay/history-reader.ts";

/** One source of frames (one data file), in file order. */
export interface FrameSource {
  readonly name: string;
  readonly frames: string[];
  /** Receive time of each frame, ms. */
  readonly tsInit: number[];
}

const str = (n: number): string => String(n);

function candleFrame(e: CandleEvent): string {
  return JSON.stringify({
    channel: "candle",
    data: { t: e.openTime, T: e.closeTime, s: e.market.symbol, i: e.interval, o: str(e.open), c: str(e.close), h: str(e.high), l: str(e.low), v: str(e.volume), n: e.trades ?? 0 },
  });
}

function bookFrame(e: BookSnapshotEvent): string {
  const level = (l: { px: number; sz: number; orders: number | undefined }) => ({ px: str(l.px), sz: str(l.sz), n: l.orders ?? 1 });
  return JSON.stringify({ channel: "l2Book", data: { coin: e.market.symbol, time: e.tsEvent, levels: [e.bids.map(level), e.asks.map(level)] } });
}

function tradeFrame(e: TradeEvent): string {
  return JSON.stringify({
    channel: "trades",
    data: [{ coin: e.market.symbol, side: e.side === "buy" ? "B" : "A", px: str(e.px), sz: str(e.sz), time: e.tsEvent, hash: "0x0", tid: Number(e.tradeId) }],
  });
}

function frameOf(e: MarketEvent): string | undefined {
  switch (e.kind) {
    case "candle":
      return candleFrame(e);
    case "book":
      return bookFrame(e);
    case "trade":
      return tradeFrame(e);
    default:
      return undefined;
  }
}

/** Perp candle files and the l2/trades recording, as venue frames, one source per file. */
export async function loadFrameSources(dataDir: string): Promise<FrameSource[]> {
  const files = [
    ...readdirSync(join(dataDir, "candles/perp")).map((f) => join(dataDir, "candles/perp", f)),
    ...readdirSync(join(dataDir, "l2_trades"))
      .filter((f) => f.startsWith("orderbooks_") || f.startsWith("trades_"))
      .map((f) => join(dataDir, "l2_trades", f)),
  ].sort();
  const sources: FrameSource[] = [];
  for (const file of files) {
    const frames: string[] = [];
    const tsInit: number[] = [];
    for await (const batch of readHistoryFile(file)) {
      for (const event of batch) {
        const frame = frameOf(event);
        if (frame !== undefined) {
          frames.push(frame);
          tsInit.push(event.tsInit);
        }
      }
    }
    sources.push({ name: file.slice(dataDir.length + 1), frames, tsInit });
  }
  return sources;
}
