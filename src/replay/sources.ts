import { readdir, stat } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { DataFileError } from "../core/index.ts";
import type { MarketEvent } from "../core/index.ts";
import { compareCaptureNames } from "./capture-format.ts";
import { readCapture } from "./capture-reader.ts";
import type { ReplayDiagnostics } from "./diagnostics.ts";
import { readFreqtradeFile } from "./freqtrade.ts";
import { readHistoryFile } from "./history-reader.ts";
import type { ReplaySource } from "./merge.ts";

/** One planned input: a history file, or the files of one rotated capture, read in order. */
export interface SourceFile {
  /** The file, or the first file of a rotated capture group. */
  readonly path: string;
  readonly paths: readonly string[];
  /** Size of its files on disk, bytes (compressed where they are): what progress is measured in. */
  readonly bytes: number;
  /** `capture`, or the history layout once its header was read (`unknown` before). */
  layout: string;
  /** Events read so far. */
  events: number;
  /** Why the source stopped early (unknown layout, unreadable file); the other sources go on. */
  error: string | undefined;
}

/** What {@link openReplaySources} found under the given paths. */
export interface ReplaySources {
  /** One per entry of `files`, same order: ready for `mergeSources`. */
  readonly sources: readonly ReplaySource[];
  /** Filled in while the sources are read. */
  readonly files: readonly SourceFile[];
  /** Paths found but not data files, with why. */
  readonly skipped: readonly { readonly path: string; readonly reason: string }[];
}

/** Options of {@link openReplaySources}. */
export interface ReplaySourcesOptions {
  /** Where every reader reports rejects and notes. */
  readonly diagnostics: ReplayDiagnostics;
  /** Spot token → base asset aliases (default: the parser's). */
  readonly aliases?: Readonly<Record<string, string>>;
}

const CAPTURE_FILE = /\.cap(\.gz)?$/;
const HISTORY_FILE = /\.(csv|json)(\.gz)?$/i;
/** freqtrade's data files (Arrow IPC / Feather v2): docs/FREQTRADE.md. */
const FEATHER_FILE = /\.feather$/i;

/**
 * Expands `paths` (files, and directories recursively in name order) into replay sources, the
 * one implementation for replay and `replayDry`: rotated captures of one recording (`<prefix>-<date>[.<n>].cap.gz`
 * in one folder) are one source in writing order; every history file and every freqtrade
 * `.feather` file (a `download-data` directory as it is) is its own source; other
 * files are skipped. A source whose file turns out unreadable or of unknown layout ends with
 * `error` set instead of failing the whole replay.
 *
 * @throws DataFileError when a given path does not exist
 */
export async function openReplaySources(paths: readonly string[], options: ReplaySourcesOptions): Promise<ReplaySources> {
  const found: [path: string, bytes: number][] = [];
  for (const path of paths) await expand(path, found);
  const skipped: { path: string; reason: string }[] = [];
  const planned = plan(
    found.map(([path]) => path),
    skipped,
  );
  const sizes = new Map(found);
  const files: SourceFile[] = planned.map((p) => ({
    path: p.paths[0] ?? "",
    paths: p.paths,
    bytes: p.paths.reduce((sum, path) => sum + (sizes.get(path) ?? 0), 0),
    layout: p.capture ? "capture" : "unknown",
    events: 0,
    error: undefined,
  }));
  const { diagnostics, aliases } = options;
  const withAliases = aliases === undefined ? {} : { aliases };

  async function* guarded(source: PlannedSource, entry: SourceFile): AsyncGenerator<MarketEvent[]> {
    try {
      const onLayout = (layout: string): void => {
        entry.layout = layout;
      };
      const batches = source.capture
        ? readCapture(source.paths, { diagnostics, ...withAliases })
        : FEATHER_FILE.test(entry.path)
          ? readFreqtradeFile(entry.path, { diagnostics, ...withAliases, onLayout })
          : readHistoryFile(entry.path, { diagnostics, ...withAliases, onLayout });
      for await (const batch of batches) {
        entry.events += batch.length;
        yield batch;
      }
    } catch (error) {
      if (!(error instanceof DataFileError)) throw error;
      entry.error = error.message;
    }
  }

  const sources: ReplaySource[] = planned.map((p, i) => ({ name: p.paths[0] ?? "", batches: guarded(p, files[i] as SourceFile) }));
  return { sources, files, skipped };
}

interface PlannedSource {
  readonly paths: readonly string[];
  readonly capture: boolean;
}

async function expand(path: string, into: [path: string, bytes: number][]): Promise<void> {
  let info;
  try {
    info = await stat(path);
  } catch (error) {
    throw new DataFileError(path, `not found: ${(error as Error).message}`, { cause: error });
  }
  if (!info.isDirectory()) {
    into.push([path, info.size]);
    return;
  }
  const entries = await readdir(path, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const child = join(path, entry.name);
    if (entry.isDirectory() || entry.isFile()) await expand(child, into);
  }
}

function plan(found: readonly string[], skipped: { path: string; reason: string }[]): PlannedSource[] {
  const captureGroups = new Map<string, string[]>();
  const planned: PlannedSource[] = [];
  for (const path of found) {
    const name = basename(path);
    if (CAPTURE_FILE.test(name)) {
      const prefix = /^(.*)-\d{4}-\d{2}-\d{2}(\.\d+)?\.cap(\.gz)?$/.exec(name)?.[1] ?? name;
      const key = `${dirname(path)}\u0000${prefix}`;
      const group = captureGroups.get(key);
      if (group === undefined) {
        const grouped = [path];
        captureGroups.set(key, grouped);
        planned.push({ paths: grouped, capture: true });
      } else {
        group.push(path);
      }
    } else if (HISTORY_FILE.test(name) || FEATHER_FILE.test(name)) {
      planned.push({ paths: [path], capture: false });
    } else {
      skipped.push({ path, reason: "not a capture (.cap[.gz]) or history (.csv/.json[.gz]) file" });
    }
  }
  for (const group of captureGroups.values()) group.sort((a, b) => compareCaptureNames(basename(a), basename(b)));
  return planned;
}

/**
 * The error for inputs that hold not a single event (an empty folder, only files that are not
 * data, files of unknown layout): names what was skipped or failed, and why.
 */
export function nothingToReplay(
  paths: readonly string[],
  skipped: readonly { readonly path: string; readonly reason: string }[],
  files: readonly { readonly path: string; readonly error: string | undefined }[],
): DataFileError {
  const why = [...files.filter((f) => f.error !== undefined).map((f) => `${f.error ?? ""}`), ...skipped.map((s) => `${s.path}: ${s.reason}`)];
  const shown = why.slice(0, 5).join("; ");
  const more = why.length > 5 ? `; and ${why.length - 5} more` : "";
  return new DataFileError(
    paths.join(" "),
    `nothing to replay: no events in ${files.length === 0 ? "any capture (.cap[.gz]) or history (.csv/.json[.gz]) file" : "the files given"}${why.length > 0 ? ` (${shown}${more})` : " (no files)"}`,
  );
}
