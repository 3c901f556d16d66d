import { closeSync, existsSync, mkdirSync, openSync, writeSync } from "node:fs";
import { join } from "node:path";
import { constants as zlibConstants, createGzip } from "node:zlib";
import type { Gzip } from "node:zlib";
import { DataFileError } from "../core/index.ts";
import { captureFileName, formatCaptureLine, formatHeaderLine, SOURCE_INFO_PREFIX, utcDate } from "./capture-format.ts";

/** A timer facility, injectable so that tests (and the live edge) decide what "every second" means. */
export interface FlushScheduler {
  setInterval(callback: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

/** Node's timers, unref'd so that an idle writer does not keep the process alive. */
export const NODE_SCHEDULER: FlushScheduler = {
  setInterval(callback, ms) {
    const handle = setInterval(callback, ms);
    handle.unref();
    return handle;
  },
  clearInterval(handle) {
    clearInterval(handle as NodeJS.Timeout);
  },
};

export interface CaptureWriterOptions {
  /** Directory for the capture files; created if missing. */
  readonly dir: string;
  /** File name prefix, default `hyperliquid`. */
  readonly prefix?: string;
  /**
   * Rotate when a file's uncompressed content would exceed this many bytes (default
   * 256 MiB). Uncompressed bytes are counted because they are exact at write time, whereas
   * the compressed size is only known after deflate has flushed. A single frame larger than
   * the limit still goes into one file.
   */
  readonly maxBytes?: number;
  /**
   * Flush (Z_SYNC_FLUSH + write to the file) at least this often, ms (default 1000). Checked
   * against frame times on every write and by the scheduler while frames are quiet.
   */
  readonly flushIntervalMs?: number;
  /** Extra header fields; `venue` and `network` default to `hyperliquid` / `mainnet`. */
  readonly header?: Readonly<Record<string, unknown>>;
  /** Timer for the periodic flush; default Node's timers. `null` disables the timer. */
  readonly scheduler?: FlushScheduler | null;
  /**
   * Sources whose latest line is repeated at the top of every new file after a rotation,
   * default `["info:spotMeta"]`, so that any one file can be replayed alone and still
   * resolve `@N` spot names.
   */
  readonly stickySources?: readonly string[];
}

interface OpenFile {
  readonly path: string;
  readonly date: string;
  readonly gzip: Gzip;
  readonly fd: number;
  /** Uncompressed bytes handed to this file so far (header included). */
  bytes: number;
  /** Frames written by `write` (not the header or repeated sticky lines). */
  frames: number;
  /** Lines not yet handed to gzip. */
  pending: string[];
  /** Resolves when the gzip stream has ended and the file is closed. */
  closed: Promise<void> | undefined;
}

const DEFAULT_MAX_BYTES = 256 * 1024 * 1024;
const DEFAULT_FLUSH_MS = 1000;
/** Hand pending lines to deflate once this many characters are waiting, to bound memory. */
const PENDING_CHARS_LIMIT = 1 << 20;

/**
 * Appends raw frames to gzip capture files (format: `docs/CAPTURE.md`), rotating by UTC day
 * of the frames' `tsInit` and by size, and flushing with Z_SYNC_FLUSH so that a file cut
 * short by a crash is readable up to its last flushed line.
 *
 * Time comes only from the frames (`tsInit`); the periodic flush timer is injected.
 * Write errors (disk full, permissions) are kept and rethrown as `DataFileError` by the next
 * `write`, `flush` or `close`.
 */
export class CaptureWriter {
  private readonly dir: string;
  private readonly prefix: string;
  private readonly maxBytes: number;
  private readonly flushIntervalMs: number;
  private readonly headerExtra: Readonly<Record<string, unknown>>;
  private readonly scheduler: FlushScheduler | null;
  private readonly sticky: ReadonlySet<string>;
  private readonly stickyLines = new Map<string, string>();
  private readonly closing: Promise<void>[] = [];
  private readonly fileList: string[] = [];
  private current: OpenFile | undefined;
  private lastFlushTs: number | undefined;
  private pendingChars = 0;
  private timer: unknown;
  private failure: DataFileError | undefined;
  private closed = false;

  constructor(options: CaptureWriterOptions) {
    this.dir = options.dir;
    this.prefix = options.prefix ?? "hyperliquid";
    this.maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
    this.flushIntervalMs = options.flushIntervalMs ?? DEFAULT_FLUSH_MS;
    this.headerExtra = options.header ?? {};
    this.scheduler = options.scheduler === undefined ? NODE_SCHEDULER : options.scheduler;
    this.sticky = new Set(options.stickySources ?? [`${SOURCE_INFO_PREFIX}spotMeta`]);
    mkdirSync(this.dir, { recursive: true });
  }

  /** Paths of every file opened so far, oldest first. */
  get files(): readonly string[] {
    return this.fileList;
  }

  /**
   * Appends one frame. Synchronous: the line is buffered and handed to deflate at the next
   * flush (at most `flushIntervalMs` of frame time later).
   *
   * @param tsInit local receive time of the frame, ms since epoch
   * @param source `ws` or `info:<type>` (or `status`)
   * @param raw the frame text exactly as received
   * @throws DataFileError if an earlier write to disk failed; Error if called after `close()`
   */
  write(tsInit: number, source: string, raw: string): void {
    this.throwIfFailed();
    if (this.closed) {
      throw new Error("CaptureWriter.write after close()");
    }
    const line = formatCaptureLine(tsInit, source, raw);
    const lineBytes = Buffer.byteLength(line);
    const date = utcDate(tsInit);
    let file = this.current;
    if (file === undefined || file.date !== date || (file.bytes + lineBytes > this.maxBytes && file.frames > 0)) {
      file = this.rotate(tsInit, date);
    }
    file.pending.push(line);
    file.bytes += lineBytes;
    file.frames += 1;
    this.pendingChars += line.length;
    if (this.sticky.has(source)) {
      this.stickyLines.set(source, line);
    }
    this.lastFlushTs ??= tsInit;
    if (tsInit - this.lastFlushTs >= this.flushIntervalMs || this.pendingChars >= PENDING_CHARS_LIMIT) {
      this.lastFlushTs = tsInit;
      void this.flushFile(file).catch(() => undefined);
    }
  }

  /**
   * Hands buffered lines to deflate with Z_SYNC_FLUSH and writes the output to the file.
   * Resolves when the bytes are in the file (the OS's page cache; no fsync).
   */
  async flush(): Promise<void> {
    this.throwIfFailed();
    if (this.current !== undefined) {
      await this.flushFile(this.current);
    }
    this.throwIfFailed();
  }

  /** Flushes, ends the gzip stream properly (trailer with CRC) and closes every file. */
  async close(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      if (this.timer !== undefined && this.scheduler !== null) {
        this.scheduler.clearInterval(this.timer);
        this.timer = undefined;
      }
      if (this.current !== undefined) {
        this.closing.push(this.endFile(this.current));
        this.current = undefined;
      }
    }
    await Promise.all(this.closing);
    this.throwIfFailed();
  }

  private rotate(tsInit: number, date: string): OpenFile {
    if (this.current !== undefined) {
      this.closing.push(this.endFile(this.current));
    }
    let rotation = 0;
    let path = join(this.dir, captureFileName(this.prefix, date, rotation));
    // Never overwrite: a restart on the same day continues with the next free index.
    while (existsSync(path) || this.fileList.includes(path)) {
      rotation += 1;
      path = join(this.dir, captureFileName(this.prefix, date, rotation));
    }
    let fd: number;
    try {
      fd = openSync(path, "wx");
    } catch (error) {
      throw new DataFileError(path, `cannot create capture file: ${(error as Error).message}`, { cause: error });
    }
    const gzip = createGzip();
    const file: OpenFile = { path, date, gzip, fd, bytes: 0, frames: 0, pending: [], closed: undefined };
    gzip.on("data", (chunk: Buffer) => {
      try {
        writeSync(fd, chunk);
      } catch (error) {
        this.failure ??= new DataFileError(path, `write failed: ${(error as Error).message}`, { cause: error });
      }
    });
    gzip.on("error", (error) => {
      this.failure ??= new DataFileError(path, `gzip failed: ${error.message}`, { cause: error });
    });
    const header = formatHeaderLine({ startMs: tsInit, venue: "hyperliquid", network: "mainnet", ...this.headerExtra }) + "\n";
    file.pending.push(header);
    file.bytes += Buffer.byteLength(header);
    for (const line of this.stickyLines.values()) {
      file.pending.push(line);
      file.bytes += Buffer.byteLength(line);
    }
    this.fileList.push(path);
    this.current = file;
    this.startTimer();
    return file;
  }

  private startTimer(): void {
    if (this.timer === undefined && this.scheduler !== null) {
      this.timer = this.scheduler.setInterval(() => {
        if (this.current !== undefined && this.current.pending.length > 0) {
          void this.flushFile(this.current).catch(() => undefined);
        }
      }, this.flushIntervalMs);
    }
  }

  private handOver(file: OpenFile): void {
    if (file.pending.length > 0) {
      const text = file.pending.join("");
      file.pending = [];
      this.pendingChars = 0;
      file.gzip.write(text);
    }
  }

  private flushFile(file: OpenFile): Promise<void> {
    if (file.closed !== undefined) {
      return file.closed;
    }
    this.handOver(file);
    return new Promise((resolve) => {
      // The callback runs after deflate has pushed the flushed block, and the data handler
      // writes synchronously, so the bytes are in the file when this resolves.
      file.gzip.flush(zlibConstants.Z_SYNC_FLUSH, () => resolve());
    });
  }

  private endFile(file: OpenFile): Promise<void> {
    if (file.closed !== undefined) {
      return file.closed;
    }
    this.handOver(file);
    file.closed = new Promise<void>((resolve) => {
      const finish = (): void => {
        try {
          closeSync(file.fd);
        } catch (error) {
          this.failure ??= new DataFileError(file.path, `close failed: ${(error as Error).message}`, { cause: error });
        }
        resolve();
      };
      file.gzip.once("end", finish);
      file.gzip.once("error", finish);
      file.gzip.end();
    });
    return file.closed;
  }

  private throwIfFailed(): void {
    if (this.failure !== undefined) {
      throw this.failure;
    }
  }
}
