import { createReadStream } from "node:fs";
import { open, readFile } from "node:fs/promises";
import type { Readable } from "node:stream";
import { constants as zlibConstants, createGunzip, gunzipSync } from "node:zlib";
import { DataFileError } from "../core/index.ts";

/** A run of complete lines and the 1-based number of the first one. */
export interface LineChunk {
  readonly firstLine: number;
  readonly lines: readonly string[];
}

/** How a text file ended. */
export interface LinesEnd {
  /** The last line had no newline: a writer was cut short mid-line. Its text is not yielded. */
  tornTail: string | undefined;
  /** Total complete lines yielded. */
  lines: number;
  /**
   * Set to `true` when a gzip file ended before its trailer (a writer cut short, a partial
   * download): every line before the cut was yielded. Captures expect this after a crash;
   * a history file must not be taken for complete. Left unset for plain text.
   */
  truncated?: boolean;
}

let bytesRead = 0;

/**
 * File bytes (compressed, as on disk) read so far by {@link readTextLines} and
 * {@link readWholeText} in this process: monotonic, for progress bars. A replay's progress is
 * this minus its value at the start, over the inputs' total size.
 */
export function fileBytesRead(): number {
  return bytesRead;
}

/** True if the file starts with the gzip magic bytes (1f 8b), whatever its name. */
export async function isGzipFile(path: string): Promise<boolean> {
  let handle;
  try {
    handle = await open(path, "r");
  } catch (error) {
    throw new DataFileError(path, `cannot open: ${(error as Error).message}`, { cause: error });
  }
  try {
    const probe = Buffer.alloc(2);
    const { bytesRead } = await handle.read(probe, 0, 2, 0);
    return bytesRead === 2 && probe[0] === 0x1f && probe[1] === 0x8b;
  } finally {
    await handle.close();
  }
}

/**
 * Streams a text file (plain or gzip, detected by magic bytes) as chunks of complete lines,
 * holding at most one read chunk (64 KiB compressed) plus one partial line in memory.
 *
 * A gzip stream cut short (a writer killed with `kill -9`) is read up to the last byte that
 * inflates: `finishFlush: Z_SYNC_FLUSH` makes zlib return what it has instead of failing on
 * the missing trailer. A last line without a newline is treated as torn and reported in
 * `end.tornTail` instead of being yielded: a half-written frame must not be parsed as a whole one.
 * Lines keep no trailing `\r`.
 *
 * @throws DataFileError when the file cannot be opened or its gzip data is corrupt (not merely cut short)
 */
export async function* readTextLines(path: string, end: LinesEnd): AsyncGenerator<LineChunk> {
  const gzip = await isGzipFile(path);
  const file = createReadStream(path, { highWaterMark: 1 << 16 });
  let stream: Readable = file;
  if (gzip) {
    const gunzip = createGunzip({ finishFlush: zlibConstants.Z_SYNC_FLUSH });
    file.on("error", (error) => gunzip.destroy(error));
    stream = file.pipe(gunzip);
  }
  stream.setEncoding("utf8");
  let carry = "";
  let lineNo = 0;
  let counted = 0;
  // Inflated bytes, to check against the gzip trailer (whole characters: the decoder holds a split one back).
  let inflatedBytes = 0;
  try {
    for await (const piece of stream as AsyncIterable<string>) {
      if (gzip) inflatedBytes += Buffer.byteLength(piece, "utf8");
      bytesRead += file.bytesRead - counted;
      counted = file.bytesRead;
      const text = carry.length > 0 ? carry + piece : piece;
      const lastNl = text.lastIndexOf("\n");
      if (lastNl < 0) {
        carry = text;
        continue;
      }
      carry = text.slice(lastNl + 1);
      const lines = text.slice(0, lastNl).split("\n");
      for (let i = 0; i < lines.length; i += 1) {
        const line = lines[i];
        if (line !== undefined && line.endsWith("\r")) {
          lines[i] = line.slice(0, -1);
        }
      }
      const firstLine = lineNo + 1;
      lineNo += lines.length;
      yield { firstLine, lines };
    }
  } catch (error) {
    throw new DataFileError(path, `unreadable${gzip ? " gzip" : ""} data after line ${lineNo}: ${(error as Error).message}`, { cause: error });
  } finally {
    bytesRead += file.bytesRead - counted;
    file.destroy();
    stream.destroy();
  }
  end.lines = lineNo;
  end.tornTail = carry.length > 0 ? carry : undefined;
  if (gzip) {
    end.truncated = !(await gzipComplete(path, inflatedBytes));
  }
}

/** Above this size a gzip file is not inflated a second time to check it (memory). */
const STRICT_INFLATE_MAX_BYTES = 64 * 1024 * 1024;

/**
 * Whether a gzip file holds its whole stream. A complete (single-member) file ends with the
 * inflated length mod 2^32 (ISIZE, little-endian); a file cut short ends in compressed data
 * that matches it by chance with odds 2^-32. Only on a mismatch (a cut, or a multi-member
 * file whose last member's ISIZE covers that member only) is the file inflated strictly to
 * tell the two apart, and only when it is below 64 MiB (a larger mismatching file counts as cut).
 */
async function gzipComplete(path: string, inflatedBytes: number): Promise<boolean> {
  const handle = await open(path, "r");
  let isize: number | undefined;
  let size: number;
  try {
    size = (await handle.stat()).size;
    if (size >= 18) {
      const tail = Buffer.alloc(4);
      await handle.read(tail, 0, 4, size - 4);
      isize = tail.readUInt32LE(0);
    }
  } finally {
    await handle.close();
  }
  if (isize === inflatedBytes % 2 ** 32) {
    return true;
  }
  if (size >= STRICT_INFLATE_MAX_BYTES) {
    return false;
  }
  try {
    gunzipSync(await readFile(path));
    return true;
  } catch {
    return false;
  }
}

/**
 * Reads a whole text file (plain or gzip), for formats that must be parsed in one piece
 * (JSON arrays). Tolerates a cut gzip tail like `readTextLines`.
 *
 * @throws DataFileError when the file cannot be read or inflated
 */
export async function readWholeText(path: string): Promise<string> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
    bytesRead += bytes.length;
  } catch (error) {
    throw new DataFileError(path, `cannot read: ${(error as Error).message}`, { cause: error });
  }
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      bytes = gunzipSync(bytes, { finishFlush: zlibConstants.Z_SYNC_FLUSH });
    } catch (error) {
      throw new DataFileError(path, `unreadable gzip data: ${(error as Error).message}`, { cause: error });
    }
  }
  return bytes.toString("utf8");
}
