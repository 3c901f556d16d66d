/**
 * `npm run bench` (second part): per-event cost of the full metric set on the real data, next to
 * the cost of parsing the same events from the venue's JSON. Prints figures; asserts nothing.
 * Best of N rounds (BENCH_ROUNDS, default 5) after one warm-up round; within a round the runs take turns.
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

/**
 * Best time of each run over ROUNDS rounds after a warm-up round. The runs take turns within each
 * round, so a slower stretch of a shared machine hits them all alike and the ratios stay fair.
 */
function best<K extends string>(runs: Record<K, () => number>): Record<K, Figure> {
  const names = Object.keys(runs) as K[];
  for (const name of names) runs[name](); // warm-up round (JIT)
  const ms = new Map<K, number>(names.map((n) => [n, Infinity]));
  const items = new Map<K, number>();
  for (let i = 0; i < ROUNDS; i += 1) {
    for (const name of names) {
      const start = performance.now();
      items.set(name, runs[name]());
      ms.set(name, Math.min(ms.get(name) ?? Infinity, performance.now() - start));
    }
  }
  return Object.fromEntries(names.map((n) => [n, { ms: ms.get(n) ?? Infinity, items: items.get(n) ?? 0 }])) as Record<K, Figure>;
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

const historyJsonRun = (): number => {
  for (const f of candleFrames) sink += (JSON.parse(f.text) as { channel: string }).channel.length;
  for (const p of fundingPages) sink += (JSON.parse(p.text) as unknown[]).length;
  return historyItems;
};
const historyParseRun = (): number => {
  const parser = new HyperliquidParser({ spot: spotResolver });
  for (const f of candleFrames) sink += parser.parseFrame(f.text, f.tsInit).events.length;
  for (const p of fundingPages) for (const row of JSON.parse(p.text) as RawFundingRow[]) sink += parseFundingRow(row, p.market).rate;
  return historyItems;
};
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
let historyRows = 0;
const history = best({
  json: historyJsonRun,
  parse: historyParseRun,
  metrics: () => {
    const n = metricsOver(historyEvents, {})();
    historyRows = metricRows;
    return n;
  },
  noCorrelation: metricsOver(historyEvents, { correlations: false }),
});

// ---- (b) l2 books + trades recording ----------------------------------------------------------

const l2Events = await replayEvents(filesIn("l2_trades", (f) => f.startsWith("orderbooks_") || f.startsWith("trades_")));
const l2Sources = (await loadFrameSources(dataDir)).filter((s) => s.name.startsWith("l2_trades/"));
const l2FrameCount = l2Sources.reduce((n, s) => n + s.frames.length, 0);
const l2JsonRun = (): number => {
  for (let k = 0; k < REPEAT_SMALL; k += 1) for (const s of l2Sources) for (const f of s.frames) sink += (JSON.parse(f) as { channel: string }).channel.length;
  return l2FrameCount * REPEAT_SMALL;
};
const l2ParseRun = (): number => {
  let n = 0;
  for (let k = 0; k < REPEAT_SMALL; k += 1) {
    for (const s of l2Sources) {
      const parser = new HyperliquidParser({ spot: SpotResolver.empty() });
      for (let i = 0; i < s.frames.length; i += 1) n += parser.parseFrame(s.frames[i] ?? "", s.tsInit[i] ?? 0).events.length;
    }
  }
  sink += n;
  return l2FrameCount * REPEAT_SMALL;
};
const l2 = best({ json: l2JsonRun, parse: l2ParseRun, metrics: metricsOver(l2Events, {}, REPEAT_SMALL) });

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
out.write(line("JSON.parse of the frames (baseline)", history.json));
out.write(line("parse (JSON.parse + validation → events)", history.parse));
out.write(line(`metric set (all metrics, ${historyRows.toLocaleString("en-US")} metric rows)`, history.metrics));
out.write(line("metric set without the pairwise correlations", history.noCorrelation));
out.write(ratio("ratio metric set / parse", history.metrics, history.parse));
out.write(ratio("ratio metric set / JSON.parse", history.metrics, history.json));
out.write(`\n(b) l2 books + trades recording: ${l2Events.length.toLocaleString("en-US")} events as ${l2FrameCount.toLocaleString("en-US")} WebSocket frames, ×${REPEAT_SMALL} per round\n`);
out.write(line("JSON.parse of the frames (baseline)", l2.json));
out.write(line("parse (JSON.parse + validation → events)", l2.parse));
out.write(line("metric set (all metrics)", l2.metrics));
out.write(ratio("ratio metric set / parse", l2.metrics, l2.parse));
out.write(ratio("ratio metric set / JSON.parse", l2.metrics, l2.json));
if (sink === -1) out.write("\n");
