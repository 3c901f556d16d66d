/**
 * `npm run bench` (second part): per-event cost of the full metric set on the real data, next
 * to the JSON.parse baseline of the same events as venue frames. Prints figures; asserts
 * nothing. Best of N rounds (BENCH_ROUNDS, default 5) after one warm-up round.
 */
import { existsSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import type { MarketEvent } from "../src/core/index.ts";
import { MetricSet } from "../src/engine/index.ts";
import { ReplayDiagnostics } from "../src/replay/diagnostics.ts";
import { mergeSources } from "../src/replay/merge.ts";
import { openReplaySources } from "../src/replay/sources.ts";
import { HyperliquidParser } from "../src/venues/hyperliquid/parse.ts";
import { SpotResolver } from "../src/venues/hyperliquid/spot.ts";
import { loadFrameSources } from "./frames.ts";

const dataDir = resolve(process.env["SM_SHARED_DATA"] ?? "../shared/data/hyperliquid");
if (!existsSync(dataDir)) {
  process.stderr.write(`bench: real data folder ${dataDir} is missing (set SM_SHARED_DATA)\n`);
  process.exit(1);
}
const ROUNDS = Number(process.env["BENCH_ROUNDS"] ?? 5);

let sink = 0; // keeps results observable so the JIT cannot drop the work

function best(run: () => number): { ms: number; items: number } {
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

// The same events as the parse bench (perp candles of every interval, the l2 books and trades),
// read from the history files as replay reads them: candles CLOSED at their close time, which is
// what drives the candle metrics and the rows (venue candle frames parse as forming bars).
const sources = await loadFrameSources(dataDir);
const frames = sources.flatMap((s) => s.frames);
const files = [
  ...readdirSync(join(dataDir, "candles/perp")).map((f) => join(dataDir, "candles/perp", f)),
  ...readdirSync(join(dataDir, "l2_trades"))
    .filter((f) => f.startsWith("orderbooks_") || f.startsWith("trades_"))
    .map((f) => join(dataDir, "l2_trades", f)),
].sort();
const { sources: replaySources } = await openReplaySources(files, { diagnostics: new ReplayDiagnostics() });
const events: MarketEvent[] = [];
for await (const batch of mergeSources(replaySources)) for (const e of batch) events.push(e);

const jsonParse = best(() => {
  for (const f of frames) sink += (JSON.parse(f) as { channel: string }).channel.length;
  return frames.length;
});
const parse = best(() => {
  let n = 0;
  for (const s of sources) {
    const parser = new HyperliquidParser({ spot: SpotResolver.empty() });
    for (let k = 0; k < s.frames.length; k += 1) n += parser.parseFrame(s.frames[k]!, s.tsInit[k]!).events.length;
  }
  return n;
});
let rows = 0;
const metricsRun = (options: ConstructorParameters<typeof MetricSet>[0]) => () => {
  const set = new MetricSet(options);
  rows = 0;
  for (const e of events) rows += set.update(e).length;
  rows += set.flush().length;
  sink += rows;
  return events.length;
};
const metrics = best(metricsRun({}));
const metricsNoCorrelation = best(metricsRun({ correlations: false }));
// Live, books and trades are most events and bars are rare: the l2 recording alone shows that mix.
const live = events.filter((e) => e.kind === "book" || e.kind === "trade");
const liveFrames = sources.filter((s) => s.name.startsWith("l2_trades/")).flatMap((s) => s.frames);
const liveJson = best(() => {
  for (const f of liveFrames) sink += (JSON.parse(f) as { channel: string }).channel.length;
  return liveFrames.length;
});
const liveRun = best(() => {
  const set = new MetricSet();
  for (const e of live) sink += set.update(e).length;
  return live.length;
});

const ns = (f: { ms: number; items: number }): number => (f.ms * 1e6) / f.items;
const line = (label: string, f: { ms: number; items: number }): string =>
  `${label.padEnd(44)} ${ns(f).toFixed(0).padStart(7)} ns/event  (${f.items.toLocaleString("en-US")} items, best ${f.ms.toFixed(0)} ms)\n`;
process.stdout.write(`\nmetric set on ${events.length.toLocaleString("en-US")} real events (the same data as ${frames.length.toLocaleString("en-US")} venue frames), best of ${ROUNDS} rounds, node ${process.version}\n`);
process.stdout.write(line("JSON.parse of the frames (baseline)", jsonParse));
process.stdout.write(line("parse (JSON.parse + validation → events)", parse));
process.stdout.write(line(`metric set update (all metrics, ${rows.toLocaleString("en-US")} rows)`, metrics));
process.stdout.write(line("metric set without the pairwise correlations", metricsNoCorrelation));
process.stdout.write(line("JSON.parse of the l2 book + trade frames only", liveJson));
process.stdout.write(line("metric set on the l2 books + trades only", liveRun));
const verdict = (a: { ms: number; items: number }, b: { ms: number; items: number }): string =>
  `${(ns(a) / ns(b)).toFixed(2)}× (${ns(a) < ns(b) ? "cheaper" : "MORE EXPENSIVE"} than parsing the frames)`;
process.stdout.write(`metric set / JSON.parse per event: all events ${verdict(metrics, jsonParse)}; without correlations ${verdict(metricsNoCorrelation, jsonParse)}; books + trades ${verdict(liveRun, liveJson)}\n`);
if (sink === -1) process.stdout.write("\n");
