/**
 * `npm run bench`: throughput on the real data in ../shared (or SM_SHARED_DATA).
 * Prints figures; asserts nothing. Each measurement runs several rounds and reports the best
 * (least disturbed) round, plus the median.
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { performance } from "node:perf_hooks";
import type { MarketEvent } from "../src/core/index.ts";
import { mergeSources } from "../src/replay/merge.ts";
import type { ReplaySource } from "../src/replay/merge.ts";
import { HyperliquidParser } from "../src/venues/hyperliquid/parse.ts";
import { SpotResolver } from "../src/venues/hyperliquid/spot.ts";
import { loadFrameSources } from "./frames.ts";
import type { FrameSource } from "./frames.ts";

const dataDir = resolve(process.env["SM_SHARED_DATA"] ?? "../shared/data/hyperliquid");
if (!existsSync(dataDir)) {
  process.stderr.write(`bench: real data folder ${dataDir} is missing (set SM_SHARED_DATA)\n`);
  process.exit(1);
}
const ROUNDS = Number(process.env["BENCH_ROUNDS"] ?? 5);

interface Figure {
  readonly label: string;
  readonly items: number;
  readonly bestMs: number;
  readonly medianMs: number;
}

async function measure(label: string, run: () => number | Promise<number>): Promise<Figure> {
  const times: number[] = [];
  let items = 0;
  await run(); // warm-up round (JIT)
  for (let i = 0; i < ROUNDS; i += 1) {
    const start = performance.now();
    items = await run();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return { label, items, bestMs: times[0] ?? 0, medianMs: times[Math.floor(times.length / 2)] ?? 0 };
}

function rate(f: Figure): string {
  return `${Math.round((f.items / f.bestMs) * 1000).toLocaleString("en-US")}/s`;
}

let sink = 0; // keeps results observable so the JIT cannot drop the work

function jsonParseOnly(sources: readonly FrameSource[]): number {
  let frames = 0;
  for (const source of sources) {
    for (const frame of source.frames) {
      const parsed = JSON.parse(frame) as { channel: string };
      sink += parsed.channel.length;
      frames += 1;
    }
  }
  return frames;
}

// The real recording repeats 53 trades after a resubscription; the history reader that builds
// these frames already drops them, so the parser should see none. Rejects and duplicates are
// counted and printed, not hidden.
let rejects = 0;
let duplicates = 0;

function parseOnly(sources: readonly FrameSource[]): number {
  let events = 0;
  rejects = 0;
  duplicates = 0;
  for (const source of sources) {
    const parser = new HyperliquidParser({ spot: SpotResolver.empty() });
    for (let i = 0; i < source.frames.length; i += 1) {
      const outcome = parser.parseFrame(source.frames[i]!, source.tsInit[i]!);
      events += outcome.events.length;
      rejects += outcome.rejects.length;
    }
    duplicates += parser.stats.duplicateTrades;
  }
  return events;
}

// Parsing needs no I/O, but mergeSources takes async sources (files are read asynchronously).
// eslint-disable-next-line @typescript-eslint/require-await
async function* parsedBatches(source: FrameSource, batchSize: number): AsyncGenerator<MarketEvent[]> {
  const parser = new HyperliquidParser({ spot: SpotResolver.empty() });
  let batch: MarketEvent[] = [];
  for (let i = 0; i < source.frames.length; i += 1) {
    for (const event of parser.parseFrame(source.frames[i]!, source.tsInit[i]!).events) batch.push(event);
    if (batch.length >= batchSize) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

async function parseAndMerge(sources: readonly FrameSource[]): Promise<number> {
  const replaySources: ReplaySource[] = sources.map((s) => ({ name: s.name, batches: parsedBatches(s, 4096) }));
  let events = 0;
  for await (const batch of mergeSources(replaySources)) {
    events += batch.length;
    sink += batch.length;
  }
  return events;
}

const loadStart = performance.now();
const sources = await loadFrameSources(dataDir);
const frameCount = sources.reduce((n, s) => n + s.frames.length, 0);
const byteCount = sources.reduce((n, s) => n + s.frames.reduce((m, f) => m + f.length, 0), 0);
process.stdout.write(
  `input: ${frameCount.toLocaleString("en-US")} Hyperliquid WS frames (${(byteCount / 1e6).toFixed(1)} MB) built from ${sources.length} real files in ${dataDir} ` +
    `(perp candles, l2 books, trades) in ${((performance.now() - loadStart) / 1000).toFixed(1)} s; best of ${ROUNDS} rounds, node ${process.version}\n\n`,
);

const figures = [
  await measure("JSON.parse alone (baseline)", () => jsonParseOnly(sources)),
  await measure("parse (JSON.parse + validation → events)", () => parseOnly(sources)),
  await measure("parse + merge (k-way, time-ordered)", () => parseAndMerge(sources)),
];
const baseline = figures[0]!;
for (const f of figures) {
  const ratio = f === baseline ? "1.00×" : `${(f.bestMs / baseline.bestMs).toFixed(2)}× the baseline time`;
  process.stdout.write(
    `${f.label.padEnd(44)} ${rate(f).padStart(14)}  (${f.items.toLocaleString("en-US")} items, best ${f.bestMs.toFixed(0)} ms, median ${f.medianMs.toFixed(0)} ms; ${ratio})\n`,
  );
}
process.stdout.write(`\nper pass: ${rejects} parser rejects, ${duplicates} repeated trades dropped by trade id\n`);
if (sink === -1) process.stdout.write("\n");
