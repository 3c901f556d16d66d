/**
 * `npm run bench` (second part): per-event cost of the full metric set on the real data, next to
 * the cost of parsing the same events from the venue's JSON. Prints figures; asserts nothing.
 * Best of N rounds (BENCH_ROUNDS, default 5) after one warm-up round.
 *
 * Two data sets, each printed with JSON.parse ns/event, parse ns/event, metric-set ns/event and
 * the ratio metric set / parse (below 1: the metrics cost less than parsing the frames):
 * (a) the whole real candle + funding history (perp and spot candles of every interval, funding
 *     settlements): candles as the venue's WebSocket `candle` frames through the frame parser,
 *     funding as REST `fundingHistory` pages of 500 rows (no frame carries it) through the row
 *     parser; the metric set gets the events replay reads from the same files;
 * (b) the l2 book + trade recording, as WebSocket frames (`l2Book`, `trades`) parsed by the frame
 *     parser; small (≈5 000 events), so each round repeats it REPEAT_SMALL times.
 */
import { existsSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import type { Market, MarketEvent } from "../src/core/index.ts";
import { MetricSet } from "../src/engine/index.ts";
import { ReplayDiagnostics } from "../src/replay/diagnostics.ts";
import { mergeSources } from "../src/replay/merge.ts";
import { openReplaySources } from "../src/replay/sources.ts";
import { HyperliquidParser, parseFundingRow } from "../src/venues/hyperliquid/parse.ts";
import type { RawCandleRow, RawFundingRow } from "../src/venues/hyperliquid/parse.ts";
import { SpotResolver } from "../src/venues/hyperliquid/spot.ts";
import { loadFrameSources } from "./frames.ts";

const dataDir = resolve(process.env["SM_SHARED_DATA"] ?? "../shared/data/hyperliquid");
if (!existsSync(dataDir)) {
  process.stderr.write(`bench: real data folder ${dataDir} is missing (set SM_SHARED_DATA)\n`);
  process.exit(1);
}
const ROUNDS = Number(process.env["BENCH_ROUNDS"] ?? 5);
const REPEAT_SMALL = 20;

let sink = 0; // keeps results observable so the JIT cannot drop the work

interface Figure {
  readonly ms: number;
  readonly items: number;
}

function best(run: () => number): Figure {
  run(); // warm-up round (JIT)
  let ms = Infinity;
  let items = 0;
  for (let i = 0; i < ROUNDS; i += 1) {
    const start = performance.now();
    items = run();
    ms = Math.min(ms, performance.now() - start);
  }
  return { ms, items };
}

const filesIn = (folder: string, keep: (name: string) => boolean = () => true): string[] =>
  readdirSync(join(dataDir, folder))
    .filter(keep)
    .map((f) => join(dataDir, folder, f));

async function replayEvents(files: readonly string[]): Promise<MarketEvent[]> {
  const { sources } = await openReplaySources([...files].sort(), { diagnostics: new ReplayDiagnostics() });
  const events: MarketEvent[] = [];
  for await (const batch of mergeSources(sources)) for (const e of batch) events.push(e);
  return events;
}

// ---- (a) candle + funding history -------------------------------------------------------------

const historyEvents = await replayEvents([...filesIn("candles/perp"), ...filesIn("candles/spot"), ...filesIn("funding")]);

// The venue's frames for these events: candles as WebSocket `candle` frames (spot pairs by their
// `@N` wire name, resolved through a spotMeta of the pairs seen), funding settlements as REST
// `fundingHistory` responses of up to 500 rows (the API's page; there is no funding frame).
const str = (n: number): string => String(n);
const spotPairs = [...new Set(historyEvents.filter((e) => e.kind === "candle" && e.market.kind === "spot").map((e) => (e.kind === "candle" ? e.market.symbol : "")))].sort();
const wireName = new Map(spotPairs.map((pair, i) => [pair, `@${i + 1}`]));
const spotMeta = {
  tokens: [{ name: "USDC", index: 0 }, ...spotPairs.map((pair, i) => ({ name: pair.split("/")[0] ?? pair, index: i + 1 }))],
  universe: spotPairs.map((pair, i) => ({ name: `@${i + 1}`, tokens: [i + 1, 0], index: i + 1 })),
};
const spotResolver = SpotResolver.fromSpotMeta(spotMeta);
const candleFrames: { text: string; tsInit: number }[] = [];
const fundingPages: { text: string; market: Market }[] = [];
const pages = new Map<Market, RawFundingRow[]>();
let candleCount = 0;
let fundingCount = 0;
for (const e of historyEvents) {
  if (e.kind === "candle") {
    const s = e.market.kind === "spot" ? (wireName.get(e.market.symbol) ?? e.market.symbol) : e.market.symbol;
    const data: RawCandleRow = { t: e.openTime, T: e.closeTime, s, i: e.interval, o: str(e.open), c: str(e.close), h: str(e.high), l: str(e.low), v: str(e.volume), n: e.trades ?? 0 };
    candleFrames.push({ text: JSON.stringify({ channel: "candle", data }), tsInit: e.tsInit });
    candleCount += 1;
  } else if (e.kind === "funding") {
    let rows = pages.get(e.market);
    if (rows === undefined || rows.length === 500) {
      if (rows !== undefined) fundingPages.push({ text: JSON.stringify(rows), market: e.market });
      rows = [];
      pages.set(e.market, rows);
    }
    rows.push({ coin: e.market.symbol, fundingRate: str(e.rate), premium: e.premium === undefined ? null : str(e.premium), time: e.tsEvent });
    fundingCount += 1;
  }
}
for (const [market, rows] of pages) fundingPages.push({ text: JSON.stringify(rows), market });
const historyItems = candleCount + fundingCount;

const historyJson = best(() => {
  for (const f of candleFrames) sink += (JSON.parse(f.text) as { channel: string }).channel.length;
  for (const p of fundingPages) sink += (JSON.parse(p.text) as unknown[]).length;
  return historyItems;
});
const historyParse = best(() => {
  const parser = new HyperliquidParser({ spot: spotResolver });
  for (const f of candleFrames) sink += parser.parseFrame(f.text, f.tsInit).events.length;
  for (const p of fundingPages) for (const row of JSON.parse(p.text) as RawFundingRow[]) sink += parseFundingRow(row, p.market).rate;
  return historyItems;
});
let metricRows = 0;
const metricsOver = (events: readonly MarketEvent[], options: ConstructorParameters<typeof MetricSet>[0], repeat = 1) => (): number => {
  metricRows = 0;
  for (let k = 0; k < repeat; k += 1) {
    const set = new MetricSet(options);
    for (const e of events) metricRows += set.update(e).length;
    metricRows += set.flush().length;
  }
  sink += metricRows;
  return events.length * repeat;
};
const historyMetrics = best(metricsOver(historyEvents, {}));
const historyRows = metricRows;
const historyNoCorrelation = best(metricsOver(historyEvents, { correlations: false }));

// ---- (b) l2 books + trades recording ----------------------------------------------------------

const l2Events = await replayEvents(filesIn("l2_trades", (f) => f.startsWith("orderbooks_") || f.startsWith("trades_")));
const l2Sources = (await loadFrameSources(dataDir)).filter((s) => s.name.startsWith("l2_trades/"));
const l2FrameCount = l2Sources.reduce((n, s) => n + s.frames.length, 0);
const l2Json = best(() => {
  for (let k = 0; k < REPEAT_SMALL; k += 1) for (const s of l2Sources) for (const f of s.frames) sink += (JSON.parse(f) as { channel: string }).channel.length;
  return l2FrameCount * REPEAT_SMALL;
});
const l2Parse = best(() => {
  let n = 0;
  for (let k = 0; k < REPEAT_SMALL; k += 1) {
    for (const s of l2Sources) {
      const parser = new HyperliquidParser({ spot: SpotResolver.empty() });
      for (let i = 0; i < s.frames.length; i += 1) n += parser.parseFrame(s.frames[i] ?? "", s.tsInit[i] ?? 0).events.length;
    }
  }
  sink += n;
  return l2FrameCount * REPEAT_SMALL;
});
const l2Metrics = best(metricsOver(l2Events, {}, REPEAT_SMALL));

// ---- report -----------------------------------------------------------------------------------

const ns = (f: Figure): number => (f.ms * 1e6) / f.items;
const line = (label: string, f: Figure, unit = "event"): string =>
  `  ${label.padEnd(50)} ${ns(f).toFixed(0).padStart(7)} ns/${unit}  (${f.items.toLocaleString("en-US")} items, best ${f.ms.toFixed(0)} ms)\n`;
const ratio = (label: string, a: Figure, b: Figure): string =>
  `  ${label.padEnd(50)} ${(ns(a) / ns(b)).toFixed(2).padStart(7)}×  (${ns(a) < ns(b) ? "cheaper than" : "MORE EXPENSIVE than"} parsing)\n`;
const out = process.stdout;
out.write(`\nmetric set vs parsing on the real data, best of ${ROUNDS} rounds, node ${process.version}\n`);
out.write(
  `\n(a) candle + funding history: ${historyEvents.length.toLocaleString("en-US")} events: ${candleCount.toLocaleString("en-US")} perp + spot candles of every interval as WebSocket frames, ${fundingCount.toLocaleString("en-US")} funding settlements as ${fundingPages.length.toLocaleString("en-US")} fundingHistory pages\n`,
);
out.write(line("JSON.parse of the frames (baseline)", historyJson));
out.write(line("parse (JSON.parse + validation → events)", historyParse));
out.write(line(`metric set (all metrics, ${historyRows.toLocaleString("en-US")} metric rows)`, historyMetrics));
out.write(line("metric set without the pairwise correlations", historyNoCorrelation));
out.write(ratio("ratio metric set / parse", historyMetrics, historyParse));
out.write(ratio("ratio metric set / JSON.parse", historyMetrics, historyJson));
out.write(`\n(b) l2 books + trades recording: ${l2Events.length.toLocaleString("en-US")} events as ${l2FrameCount.toLocaleString("en-US")} WebSocket frames, ×${REPEAT_SMALL} per round\n`);
out.write(line("JSON.parse of the frames (baseline)", l2Json));
out.write(line("parse (JSON.parse + validation → events)", l2Parse));
out.write(line("metric set (all metrics)", l2Metrics));
out.write(ratio("ratio metric set / parse", l2Metrics, l2Parse));
out.write(ratio("ratio metric set / JSON.parse", l2Metrics, l2Json));
if (sink === -1) out.write("\n");
