import type { MarketEventKind } from "../core/index.ts";
import { ReplayDiagnostics } from "./diagnostics.ts";
import type { FileNote, RejectRecord } from "./diagnostics.ts";
import type { Gap } from "./gaps.ts";
import { GapDetector } from "./gaps.ts";
import { mergeSources, MergeReport } from "./merge.ts";
import { openReplaySources } from "./sources.ts";
import { fileBytesRead } from "./text-lines.ts";

/** Progress of a dry run, for a progress bar. */
export interface DryRunProgress {
  /** Sources (files, or a rotated capture group) finished so far. */
  readonly filesDone: number;
  readonly filesTotal: number;
  /** Events read so far. */
  readonly events: number;
  /** File bytes (as on disk) read so far, and the inputs' total: the share of the work done. */
  readonly bytesRead: number;
  readonly bytesTotal: number;
}

export interface DryRunOptions {
  /** Called when a source finishes and every `progressEvery` events. */
  readonly onProgress?: (progress: DryRunProgress) => void;
  /** Events between progress calls (default 100 000). */
  readonly progressEvery?: number;
  /** Spot token → base asset aliases (default: the parser's). */
  readonly aliases?: Readonly<Record<string, string>>;
  /** How many gaps, rejects and notes to list (counts are always complete; default 20). */
  readonly maxListed?: number;
}

/** First and last event of one (market, kind[, interval]). */
export interface DryRunRange {
  /** Market key, or the status source for connection events. */
  readonly key: string;
  readonly kind: MarketEventKind;
  readonly interval: string | undefined;
  readonly count: number;
  /** First and last tsEvent, ms. */
  readonly firstMs: number;
  readonly lastMs: number;
}

/** One input source of the dry run. */
export interface DryRunFile {
  /** The file, or the first file of a rotated capture group. */
  readonly path: string;
  /** All files of the source (several for a rotated capture). */
  readonly paths: readonly string[];
  /** `capture`, or the history layout (`candles`, `funding`, `l2-trades`, ...). */
  readonly layout: string;
  readonly events: number;
  readonly rejects: number;
  /** Why the source stopped early (unknown layout, unreadable file). */
  readonly error: string | undefined;
}

/** What a dry run found. Pure data: the CLI prints it. */
export interface DryRunReport {
  readonly files: readonly DryRunFile[];
  /** Paths found but not read (not a data file), with why. */
  readonly skipped: readonly { readonly path: string; readonly reason: string }[];
  readonly events: number;
  readonly countsByKind: Readonly<Partial<Record<MarketEventKind, number>>>;
  /** Events per market key (connection events under `status:<source>`). */
  readonly countsByMarket: Readonly<Record<string, number>>;
  readonly ranges: readonly DryRunRange[];
  readonly gaps: { readonly count: number; readonly missing: number; readonly listed: readonly Gap[] };
  readonly rejects: { readonly count: number; readonly listed: readonly RejectRecord[] };
  readonly notes: readonly FileNote[];
  /** Events that came out earlier than their predecessor (an unsorted source). */
  readonly outOfOrder: number;
}

/**
 * Reads everything under `paths` (files, and directories recursively) through the same
 * readers and merge a replay uses, without running the pipeline, and reports what is there:
 * counts by kind and market, time ranges, gaps, rejects and files read.
 *
 * Rotated capture files of one recording (`<prefix>-<date>[.<n>].cap.gz` in one folder) are
 * read as one source, in writing order. A file of unknown layout or unreadable data is
 * listed with its error; the others are still read.
 *
 * @throws DataFileError when a given path does not exist
 */
export async function replayDry(paths: readonly string[], options: DryRunOptions = {}): Promise<DryRunReport> {
  const maxListed = options.maxListed ?? 20;
  const progressEvery = options.progressEvery ?? 100_000;
  const diagnostics = new ReplayDiagnostics(maxListed);
  const report = new MergeReport(new GapDetector(maxListed));
  // The same expansion, capture grouping and per-source error handling as a replay.
  const { sources, files, skipped } = await openReplaySources(paths, options.aliases === undefined ? { diagnostics } : { diagnostics, aliases: options.aliases });

  const countsByKind: Partial<Record<MarketEventKind, number>> = {};
  const countsByMarket: Record<string, number> = {};
  const ranges = new Map<string, { key: string; kind: MarketEventKind; interval: string | undefined; count: number; firstMs: number; lastMs: number }>();
  let filesDone = 0;
  let events = 0;
  let nextProgress = progressEvery;
  const bytesTotal = files.reduce((sum, f) => sum + f.bytes, 0);
  const bytesBefore = fileBytesRead();
  const progress = (): void => options.onProgress?.({ filesDone, filesTotal: files.length, events, bytesRead: Math.min(bytesTotal, fileBytesRead() - bytesBefore), bytesTotal });
  progress();

  for await (const batch of mergeSources(sources, {
    report,
    onSourceDone: () => {
      filesDone += 1;
      progress();
    },
  })) {
    for (const event of batch) {
      countsByKind[event.kind] = (countsByKind[event.kind] ?? 0) + 1;
      const key = event.kind === "status" ? `status:${event.source}` : event.market.key;
      countsByMarket[key] = (countsByMarket[key] ?? 0) + 1;
      const interval = event.kind === "candle" ? event.interval : undefined;
      const rangeKey = `${key}|${event.kind}|${interval ?? ""}`;
      const range = ranges.get(rangeKey);
      if (range === undefined) {
        ranges.set(rangeKey, { key, kind: event.kind, interval, count: 1, firstMs: event.tsEvent, lastMs: event.tsEvent });
      } else {
        range.count += 1;
        if (event.tsEvent < range.firstMs) range.firstMs = event.tsEvent;
        if (event.tsEvent > range.lastMs) range.lastMs = event.tsEvent;
      }
    }
    events += batch.length;
    if (events >= nextProgress) {
      nextProgress = events + progressEvery;
      progress();
    }
  }
  progress();

  return {
    files: files.map((f) => ({ path: f.path, paths: f.paths, layout: f.layout, events: f.events, rejects: f.paths.reduce((sum, p) => sum + diagnostics.rejectsIn(p), 0), error: f.error })),
    skipped,
    events,
    countsByKind,
    countsByMarket,
    ranges: [...ranges.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : (a.interval ?? "") < (b.interval ?? "") ? -1 : 1)),
    gaps: { count: report.gaps.count, missing: report.gaps.missing, listed: report.gaps.gaps },
    rejects: { count: diagnostics.rejectCount, listed: diagnostics.rejects },
    notes: diagnostics.notes,
    outOfOrder: report.outOfOrder,
  };
}
