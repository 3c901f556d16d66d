import { basename } from "node:path";
import { DataFileError, ParseError } from "../core/index.ts";
import { perp } from "../core/index.ts";
import type { ConnectionState, ConnectionStatusEvent, FundingSettlementEvent, MarketEvent } from "../core/index.ts";
import { HyperliquidParser, parseFundingRow, parseSpotMetaAndAssetCtxs } from "../venues/hyperliquid/parse.ts";
import type { RawFundingRow } from "../venues/hyperliquid/parse.ts";
import { SpotResolver } from "../venues/hyperliquid/spot.ts";
import { warmUpEvents } from "../venues/hyperliquid/warm-up.ts";
import { edgeParserOptionsOfHeader } from "../venues/hyperliquid/edge.ts";
import { parseCaptureLine, parseHeaderLine, SOURCE_INFO_PREFIX, SOURCE_STATUS, SOURCE_WS } from "./capture-format.ts";
import type { CaptureLine } from "./capture-format.ts";
import { ReplayDiagnostics } from "./diagnostics.ts";
import { readTextLines } from "./text-lines.ts";
import type { LinesEnd } from "./text-lines.ts";

export interface CaptureReadOptions {
  /** Where rejects and notes go; a fresh one if not given. */
  readonly diagnostics?: ReplayDiagnostics;
  /** Spot token → base asset aliases for `SpotResolver` (default: the parser's). */
  readonly aliases?: Readonly<Record<string, string>>;
  /**
   * Emit a `gap` status event when two consecutive frames are further apart than this, ms
   * (default 60 000: the live source pings every 30 s and Hyperliquid drops a connection silent
   * for 60 s, so a longer silence means the connection was down). 0 disables.
   */
  readonly silenceGapMs?: number;
}

const CONNECTION_STATES: ReadonlySet<string> = new Set<ConnectionState>(["connected", "disconnected", "resubscribed", "gap"]);
const SPOT_META = `${SOURCE_INFO_PREFIX}spotMeta`;
const SPOT_META_AND_CTXS = `${SOURCE_INFO_PREFIX}spotMetaAndAssetCtxs`;
/**
 * Source tag of a live session's `fundingHistory` response (`run --record`): the raw text is the
 * JSON array of the venue's rows (`{coin, fundingRate, premium, time}`), written when the session
 * delivered them to its kernel.
 */
export const SOURCE_FUNDING_HISTORY = `${SOURCE_INFO_PREFIX}fundingHistory`;
/**
 * Source tag of a live session's warm-up (`run --record`): the JSON `WarmUpBody` of closed candles
 * and settlements fetched over REST at the session's start, written when the session fed them to
 * its kernel (before the frames that arrived meanwhile).
 */
export const SOURCE_WARM_UP = `${SOURCE_INFO_PREFIX}warmUp`;

/**
 * Replays capture files (`docs/CAPTURE.md`) through ONE `HyperliquidParser`, the same code
 * the live source uses, in batches of events (one batch per decompressed chunk of lines).
 *
 * Several paths are one recording read in sequence (rotated files of a session, in the
 * order given: sort them with `compareCaptureNames`): parser state (the spot resolver, the
 * per-stream time checks) carries across files exactly as it did live.
 *
 * - `ws` lines go to `parser.parseFrame(raw, tsInit)`; its rejects are counted with file:line.
 *   Its bar closer turns the forming `candle` frames into closed bars on the capture's receive
 *   clock, with the grace the first file's header names (`barCloseGraceMs`, as the live session
 *   used; the default for older captures), so the replay sees the closes the session saw. Its
 *   edge rules are the session's too: the header's price band, frame limit and subscribed markets
 *   (`coins`, `spotPairs`; a frame for any other market is dropped as it was live).
 * - `info:spotMeta` rebuilds the spot resolver; `info:spotMetaAndAssetCtxs` rebuilds it and
 *   emits the spot asset contexts it carries.
 * - `info:fundingHistory` rows become `FundingSettlementEvent`s (tsInit = the line's time), at the
 *   line's place in the stream — where the live kernel got them, after later live frames. A
 *   settlement at or before the latest one already emitted for its coin is dropped, as the live
 *   poller drops it, so the replay sees each settlement once; a line's rows in time order (the
 *   poller's delivery order: coin by coin, each in time order).
 * - `info:warmUp` (a live session's start-up history) becomes candles and settlements flagged
 *   `warmUp: true` (`warmUpEvents`, the code `run` used), which the kernel feeds to the strategies
 *   only, as it did live.
 * - Other `info:*` lines are noted and skipped.
 * - `status` lines become `ConnectionStatusEvent`s (source = the file's name).
 * - A silence longer than `silenceGapMs` between frames becomes a `gap` status event.
 * - A truncated gzip tail and a torn last line are tolerated: every complete line before the
 *   cut is replayed and the cut is noted.
 *
 * Events come in frame order (the live order), which is tsEvent order only up to the
 * venue's own skew between channels; the merge reports any out-of-order events.
 *
 * Batches rather than single events: the consumer is synchronous, so one `await` per batch
 * instead of per event keeps replay CPU-bound on parsing, not on promise machinery.
 *
 * @throws DataFileError when a file cannot be opened, is corrupt gzip, or has no valid header
 */
export async function* readCapture(paths: string | readonly string[], options: CaptureReadOptions = {}): AsyncGenerator<MarketEvent[]> {
  const diagnostics = options.diagnostics ?? new ReplayDiagnostics();
  const aliases = options.aliases;
  const silenceGapMs = options.silenceGapMs ?? 60_000;
  let parser = new HyperliquidParser({ spot: SpotResolver.empty() });
  let spot = SpotResolver.empty();
  /** The session's tolerance for venue times ahead of receive times (header; default the parser's). */
  let maxAheadMs: number | undefined;
  let firstHeader = true;
  const list = typeof paths === "string" ? [paths] : paths;
  let lastTsInit: number | undefined;
  const lastSettlementMs = new Map<string, number>();

  for (const path of list) {
    const name = basename(path);
    const end: LinesEnd = { tornTail: undefined, lines: 0 };
    let headerSeen = false;
    for await (const chunk of readTextLines(path, end)) {
      const batch: MarketEvent[] = [];
      for (let i = 0; i < chunk.lines.length; i += 1) {
        const line = chunk.lines[i] ?? "";
        const lineNo = chunk.firstLine + i;
        if (!headerSeen) {
          const header = parseHeaderLine(line);
          if (!header.ok) {
            throw new DataFileError(path, `not a capture file: ${header.reason}`);
          }
          headerSeen = true;
          if (firstHeader) {
            // Bars close, and venue times are checked, as they were live: the session's settings
            // from the header (older captures: the defaults).
            firstHeader = false;
            const grace = header.header.barCloseGraceMs;
            const ahead = header.header.maxVenueTimeAheadMs;
            parser = new HyperliquidParser({
              spot: SpotResolver.empty(),
              ...(typeof grace === "number" && Number.isFinite(grace) && grace >= 0 ? { barCloseGraceMs: grace } : {}),
              ...(typeof ahead === "number" && Number.isFinite(ahead) && ahead > 0 ? { maxVenueTimeAheadMs: ahead } : {}),
              // The session's price band, frame limit and subscribed markets (docs/LIVE.md "Sanity at the edge").
              ...edgeParserOptionsOfHeader(header.header),
            });
            if (typeof ahead === "number" && Number.isFinite(ahead) && ahead > 0) maxAheadMs = ahead;
          }
          continue;
        }
        if (line.length === 0 || line.startsWith("#")) {
          continue;
        }
        const frame = parseCaptureLine(line);
        if (typeof frame === "string") {
          diagnostics.reject(path, lineNo, frame);
          continue;
        }
        const { tsInit, source, raw } = frame;
        if (source === SOURCE_WARM_UP) {
          let body: unknown;
          try {
            body = JSON.parse(raw);
          } catch (error) {
            diagnostics.reject(path, lineNo, `info:warmUp: ${messageOf(error)}`);
            continue;
          }
          const warm = warmUpEvents(body, spot, tsInit, maxAheadMs);
          for (const e of warm.events) batch.push(e);
          for (const error of warm.rejects) diagnostics.reject(path, lineNo, error.message);
          continue;
        }
        if (source === SOURCE_FUNDING_HISTORY) {
          const parsed = fundingSettlements(raw, tsInit, lastSettlementMs, maxAheadMs);
          for (const e of parsed.events) batch.push(e);
          for (const reason of parsed.rejects) diagnostics.reject(path, lineNo, reason);
          continue;
        }
        if (silenceGapMs > 0 && lastTsInit !== undefined && tsInit - lastTsInit > silenceGapMs) {
          batch.push(statusEvent(name, "gap", tsInit, lastTsInit, tsInit, `no frames for ${tsInit - lastTsInit} ms in the capture`));
        }
        if (lastTsInit === undefined || tsInit > lastTsInit) {
          lastTsInit = tsInit;
        }
        if (source === SOURCE_WS) {
          const outcome = parser.parseFrame(raw, tsInit);
          for (const event of outcome.events) {
            batch.push(event);
          }
          for (const error of outcome.rejects) {
            diagnostics.reject(path, lineNo, error.message);
          }
        } else if (source === SPOT_META) {
          try {
            spot = aliases === undefined ? SpotResolver.fromSpotMeta(JSON.parse(raw)) : SpotResolver.fromSpotMeta(JSON.parse(raw), aliases);
            parser.setSpotResolver(spot);
          } catch (error) {
            diagnostics.reject(path, lineNo, `info:spotMeta: ${messageOf(error)}`);
          }
        } else if (source === SPOT_META_AND_CTXS) {
          let body: unknown;
          try {
            body = JSON.parse(raw);
          } catch (error) {
            diagnostics.reject(path, lineNo, `info:spotMetaAndAssetCtxs: ${messageOf(error)}`);
            continue;
          }
          try {
            const result = aliases === undefined ? parseSpotMetaAndAssetCtxs(body, tsInit) : parseSpotMetaAndAssetCtxs(body, tsInit, aliases);
            spot = result.resolver;
            parser.setSpotResolver(spot);
            for (const event of result.contexts) {
              batch.push(event);
            }
            for (const error of result.rejects) {
              diagnostics.reject(path, lineNo, error.message);
            }
          } catch (error) {
            diagnostics.reject(path, lineNo, `info:spotMetaAndAssetCtxs: ${messageOf(error)}`);
          }
        } else if (source === SOURCE_STATUS) {
          const status = parseStatus(raw, tsInit, name);
          if (typeof status === "string") {
            diagnostics.reject(path, lineNo, status);
          } else {
            // Where the live source reset its stream times (docs/LIVE.md "Time you can trust").
            if (status.state === "connected") parser.resetStreamTimes();
            batch.push(status);
          }
        } else {
          diagnostics.note(path, `line ${lineNo}: source ${JSON.stringify(source)} is not replayed`);
        }
      }
      if (batch.length > 0) {
        yield batch;
      }
    }
    if (!headerSeen) {
      diagnostics.note(path, end.tornTail === undefined ? "empty capture file" : "capture file cut short inside its header line");
    } else if (end.tornTail !== undefined) {
      diagnostics.note(path, `last line (${end.lines + 1}) was cut short (${end.tornTail.length} chars) and skipped`);
    }
  }
}

/** One `info:fundingHistory` line's settlements, after the latest already emitted per coin (updated). */
function fundingSettlements(raw: string, tsInit: number, lastMs: Map<string, number>, maxAheadMs: number | undefined): { events: FundingSettlementEvent[]; rejects: string[] } {
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch (error) {
    return { events: [], rejects: [`info:fundingHistory: ${messageOf(error)}`] };
  }
  if (!Array.isArray(body)) return { events: [], rejects: ["info:fundingHistory: not a JSON array of rows"] };
  const parsed: FundingSettlementEvent[] = [];
  const rejects: string[] = [];
  for (const item of body as unknown[]) {
    const row = item as RawFundingRow | null;
    if (row === null || typeof row !== "object" || typeof row.coin !== "string" || row.coin === "") {
      rejects.push(`info:fundingHistory: a row without a coin (${JSON.stringify(item).slice(0, 100)})`);
      continue;
    }
    let event: FundingSettlementEvent;
    try {
      event = parseFundingRow(row, perp(row.coin), tsInit, maxAheadMs);
    } catch (error) {
      rejects.push(messageOf(error));
      continue;
    }
    parsed.push(event);
  }
  const events: FundingSettlementEvent[] = [];
  for (const event of parsed.sort((a, b) => a.tsEvent - b.tsEvent)) {
    const last = lastMs.get(event.market.symbol);
    if (last !== undefined && event.tsEvent <= last) continue;
    lastMs.set(event.market.symbol, event.tsEvent);
    events.push(event);
  }
  return { events, rejects };
}

function messageOf(error: unknown): string {
  if (error instanceof ParseError || error instanceof SyntaxError) {
    return error.message;
  }
  throw error;
}

function statusEvent(source: string, state: ConnectionState, ts: number, gapFrom: number | undefined, gapTo: number | undefined, detail: string): ConnectionStatusEvent {
  return { kind: "status", source, state, tsEvent: ts, tsInit: ts, gapFrom, gapTo, detail };
}

function optionalMs(value: unknown): number | undefined | string {
  if (value === undefined || value === null) return undefined;
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0 ? value : `must be a time in ms (got ${JSON.stringify(value)})`;
}

/** A `status` line: `{"state": ..., "gapFrom"?: ms, "gapTo"?: ms, "detail"?: string}`. */
function parseStatus(raw: string, tsInit: number, source: string): ConnectionStatusEvent | string {
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch (error) {
    return `status: ${(error as Error).message}`;
  }
  if (typeof body !== "object" || body === null) {
    return "status: not a JSON object";
  }
  const record = body as Record<string, unknown>;
  const state = record["state"];
  if (typeof state !== "string" || !CONNECTION_STATES.has(state)) {
    return `status.state: must be one of ${[...CONNECTION_STATES].join(", ")} (got ${JSON.stringify(state)})`;
  }
  const gapFrom = optionalMs(record["gapFrom"]);
  if (typeof gapFrom === "string") return `status.gapFrom: ${gapFrom}`;
  const gapTo = optionalMs(record["gapTo"]);
  if (typeof gapTo === "string") return `status.gapTo: ${gapTo}`;
  const detail = typeof record["detail"] === "string" ? record["detail"] : "";
  return statusEvent(source, state as ConnectionState, tsInit, gapFrom, gapTo, detail);
}

/** A whole capture file's frames, unparsed. */
export interface CaptureContents {
  readonly header: Readonly<Record<string, unknown>>;
  readonly frames: readonly CaptureLine[];
  /** Malformed lines (1-based line numbers). */
  readonly badLines: readonly number[];
  /** The torn last line's text, if the file was cut mid-line. */
  readonly tornTail: string | undefined;
}

/**
 * Reads the raw frames of one capture file into memory, without parsing them: for
 * inspection tools and tests (replay uses `readCapture`, which streams).
 *
 * @throws DataFileError when the file cannot be read or has no valid header
 */
export async function readCaptureFrames(path: string): Promise<CaptureContents> {
  const end: LinesEnd = { tornTail: undefined, lines: 0 };
  let header: Record<string, unknown> | undefined;
  const frames: CaptureLine[] = [];
  const badLines: number[] = [];
  for await (const chunk of readTextLines(path, end)) {
    chunk.lines.forEach((line, i) => {
      if (header === undefined) {
        const parsed = parseHeaderLine(line);
        if (!parsed.ok) {
          throw new DataFileError(path, `not a capture file: ${parsed.reason}`);
        }
        header = parsed.header;
        return;
      }
      if (line.length === 0 || line.startsWith("#")) return;
      const frame = parseCaptureLine(line);
      if (typeof frame === "string") {
        badLines.push(chunk.firstLine + i);
      } else {
        frames.push(frame);
      }
    });
  }
  if (header === undefined) {
    throw new DataFileError(path, "not a capture file: no complete header line");
  }
  return { header, frames, badLines, tornTail: end.tornTail };
}
