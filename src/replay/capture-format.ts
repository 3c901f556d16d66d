/**
 * The capture file format (see `docs/CAPTURE.md`): one line per raw frame,
 * `<tsInit ms>\t<source>\t<raw frame text>\n`, after a first header line
 * `#strategy-monitor-capture v1 <json header>`.
 *
 * Kept free of I/O so that the writer, the reader and tests share one definition.
 */

/** Magic prefix of the first line of every capture file. */
export const CAPTURE_MAGIC = "#strategy-monitor-capture";

/** Format version written by this code. */
export const CAPTURE_VERSION = "v1";

/** Source tag of a WebSocket frame. */
export const SOURCE_WS = "ws";

/** Prefix of the source tag of a REST `/info` response (`info:spotMeta`). */
export const SOURCE_INFO_PREFIX = "info:";

/**
 * Source tag of a connection-status line written by the live source: the raw text is JSON
 * `{"state": "gap"|"connected"|..., "gapFrom"?: ms, "gapTo"?: ms, "detail"?: string}`.
 */
export const SOURCE_STATUS = "status";

/** What the header line says about a capture. */
export interface CaptureHeader {
  /** Time of the first frame the file was opened for, ms since epoch (UTC). */
  readonly startMs: number;
  readonly venue: string;
  /** `mainnet` or `testnet`, as the recorder was configured. */
  readonly network: string;
  /** Anything else the recorder wants to keep (coins, config hash, ...). */
  readonly [extra: string]: unknown;
}

/** One frame line, split into its three fields. */
export interface CaptureLine {
  /** Local receive time, ms since epoch. */
  readonly tsInit: number;
  readonly source: string;
  readonly raw: string;
}

/** The header line (without the trailing newline). */
export function formatHeaderLine(header: CaptureHeader): string {
  return `${CAPTURE_MAGIC} ${CAPTURE_VERSION} ${JSON.stringify(header)}`;
}

/**
 * Parses a header line. Returns `undefined` when the line is not a capture header, or a
 * reason string when it is one of an unsupported version or with unreadable JSON.
 */
export function parseHeaderLine(line: string): { ok: true; header: Record<string, unknown> } | { ok: false; reason: string } {
  if (!line.startsWith(`${CAPTURE_MAGIC} `)) {
    return { ok: false, reason: `first line does not start with ${CAPTURE_MAGIC}` };
  }
  const rest = line.slice(CAPTURE_MAGIC.length + 1);
  const space = rest.indexOf(" ");
  const version = space < 0 ? rest : rest.slice(0, space);
  if (version !== CAPTURE_VERSION) {
    return { ok: false, reason: `unsupported capture version ${JSON.stringify(version)} (this code reads ${CAPTURE_VERSION})` };
  }
  try {
    const parsed: unknown = JSON.parse(space < 0 ? "{}" : rest.slice(space + 1));
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
      return { ok: false, reason: "header JSON is not an object" };
    }
    return { ok: true, header: parsed as Record<string, unknown> };
  } catch (error) {
    return { ok: false, reason: `header JSON unreadable: ${(error as Error).message}` };
  }
}

/**
 * Formats one frame line, newline included.
 *
 * A raw frame never contains a line break on the wire in practice (Hyperliquid sends
 * compact JSON); if one does, each CR/LF is written as a space. Inside JSON a literal line
 * break can only be whitespace between tokens, so the frame still parses to the same value.
 *
 * @throws Error when `source` contains a tab or line break, or `tsInit` is not a
 *   non-negative integer: both are bugs in the caller, not bad venue data.
 */
export function formatCaptureLine(tsInit: number, source: string, raw: string): string {
  if (!Number.isSafeInteger(tsInit) || tsInit < 0) {
    throw new Error(`capture tsInit must be a non-negative integer ms, got ${tsInit}`);
  }
  if (source.length === 0 || /[\t\r\n]/.test(source)) {
    throw new Error(`capture source must be non-empty without tabs or line breaks, got ${JSON.stringify(source)}`);
  }
  const text = raw.includes("\n") || raw.includes("\r") ? raw.replace(/[\r\n]/g, " ") : raw;
  return `${tsInit}\t${source}\t${text}\n`;
}

/**
 * Splits one frame line (without its newline). The raw text may itself contain tabs: only
 * the first two separate fields. Returns a reason string for a malformed line.
 */
export function parseCaptureLine(line: string): CaptureLine | string {
  const first = line.indexOf("\t");
  const second = first < 0 ? -1 : line.indexOf("\t", first + 1);
  if (second < 0) {
    return "line has fewer than three tab-separated fields";
  }
  const tsText = line.slice(0, first);
  const tsInit = Number(tsText);
  if (tsText.length === 0 || !Number.isSafeInteger(tsInit) || tsInit < 0) {
    return `tsInit is not a non-negative integer ms (got ${JSON.stringify(tsText.slice(0, 40))})`;
  }
  return { tsInit, source: line.slice(first + 1, second), raw: line.slice(second + 1) };
}

/** `YYYY-MM-DD` of a time, UTC. */
export function utcDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/**
 * File name of a capture: `<prefix>-<UTC date>.cap.gz`, then `<prefix>-<date>.<n>.cap.gz`
 * for the n-th size rotation of that day.
 */
export function captureFileName(prefix: string, dateUtc: string, rotation: number): string {
  return rotation === 0 ? `${prefix}-${dateUtc}.cap.gz` : `${prefix}-${dateUtc}.${rotation}.cap.gz`;
}

const CAPTURE_NAME = /^(.*)-(\d{4}-\d{2}-\d{2})(?:\.(\d+))?\.cap(?:\.gz)?$/;

/**
 * Orders capture file names as they were written: by prefix, UTC date, then rotation index
 * (plain string order would put `x-2025-09-03.1.cap.gz` before `x-2025-09-03.cap.gz`).
 * Names that do not follow the pattern sort after, by string order.
 */
export function compareCaptureNames(a: string, b: string): number {
  const ma = CAPTURE_NAME.exec(a);
  const mb = CAPTURE_NAME.exec(b);
  if (ma === null || mb === null) {
    if (ma !== null) return -1;
    if (mb !== null) return 1;
    return a < b ? -1 : a > b ? 1 : 0;
  }
  const ka = `${ma[1] ?? ""}\u0000${ma[2] ?? ""}`;
  const kb = `${mb[1] ?? ""}\u0000${mb[2] ?? ""}`;
  if (ka !== kb) {
    return ka < kb ? -1 : 1;
  }
  return Number(ma[3] ?? 0) - Number(mb[3] ?? 0);
}
