/**
 * A decoder for the LZ4 frame format (lz4_Frame_format.md v1.6.x), the codec pyarrow and pandas
 * use for `to_feather(compression="lz4")` — freqtrade's default for its Feather files. Arrow IPC
 * compresses each buffer as one LZ4 frame (`CompressionType.LZ4_FRAME`).
 *
 * Decoding only; block and content checksums (xxHash32) are skipped, not verified: the Arrow
 * reader checks the decoded buffers' lengths against the batch's layout, and every value is
 * checked at the edge like any other history row. Dictionary IDs (never written by Arrow) are
 * refused.
 */

const FRAME_MAGIC = 0x184d2204;
/** Skippable frames: magic 0x184D2A50 … 0x184D2A5F, then a 4-byte length. */
const SKIPPABLE_MASK = 0xfffffff0;
const SKIPPABLE_MAGIC = 0x184d2a50;

/** Thrown for input that is not a well-formed LZ4 frame. */
export class Lz4FormatError extends Error {
  override readonly name = "Lz4FormatError";
}

/** A growable output buffer: back-references read from it, so it is one contiguous array. */
export class Lz4Output {
  bytes: Uint8Array;
  length = 0;
  /** @param capacity initial size in bytes (at least 64; grows by doubling) */
  constructor(capacity = 64) {
    this.bytes = new Uint8Array(Math.max(64, Math.ceil(capacity) || 64));
  }
  ensure(extra: number): void {
    const needed = this.length + extra;
    if (needed <= this.bytes.length) return;
    let capacity = this.bytes.length * 2;
    while (capacity < needed) capacity *= 2;
    const grown = new Uint8Array(capacity);
    grown.set(this.bytes.subarray(0, this.length));
    this.bytes = grown;
  }
}

const u32 = (input: Uint8Array, at: number): number => {
  if (at + 4 > input.length) throw new Lz4FormatError(`LZ4 data ends inside a 4-byte field at byte ${at}`);
  return ((input[at] as number) | ((input[at + 1] as number) << 8) | ((input[at + 2] as number) << 16) | ((input[at + 3] as number) << 24)) >>> 0;
};

/**
 * Decodes one or more concatenated LZ4 frames (skippable frames are skipped).
 *
 * @throws Lz4FormatError on a bad magic number, an unsupported version or flag, a block that
 * runs past the input, or a match offset reaching before the start of the output
 */
export function decodeLz4Frames(input: Uint8Array): Uint8Array {
  const out = new Lz4Output(input.length * 4);
  let at = 0;
  while (at < input.length) {
    const magic = u32(input, at);
    if ((magic & SKIPPABLE_MASK) >>> 0 === SKIPPABLE_MAGIC) {
      at += 8 + u32(input, at + 4);
      continue;
    }
    if (magic !== FRAME_MAGIC) throw new Lz4FormatError(`not an LZ4 frame: magic 0x${magic.toString(16)} at byte ${at}`);
    at = decodeFrame(input, at + 4, out);
  }
  return out.bytes.slice(0, out.length);
}

/** Decodes one frame whose header starts at `at` (after the magic); returns the offset after it. */
function decodeFrame(input: Uint8Array, start: number, out: Lz4Output): number {
  let at = start;
  if (at + 3 > input.length) throw new Lz4FormatError("LZ4 frame header cut short");
  const flg = input[at] as number;
  if (flg >> 6 !== 1) throw new Lz4FormatError(`unsupported LZ4 frame version ${flg >> 6}`);
  const blockChecksum = (flg & 0x10) !== 0;
  const contentSize = (flg & 0x08) !== 0;
  const contentChecksum = (flg & 0x04) !== 0;
  if ((flg & 0x01) !== 0) throw new Lz4FormatError("LZ4 frames with a dictionary ID are not supported");
  at += 2; // FLG, BD
  if (contentSize) {
    const size = u32(input, at) + u32(input, at + 4) * 2 ** 32;
    out.ensure(size);
    at += 8;
  }
  at += 1; // header checksum
  for (;;) {
    const word = u32(input, at);
    at += 4;
    if (word === 0) break; // EndMark
    const size = word & 0x7fffffff;
    if (at + size > input.length) throw new Lz4FormatError(`LZ4 block of ${size} bytes runs past the end of the data`);
    if ((word & 0x80000000) !== 0) {
      out.ensure(size);
      out.bytes.set(input.subarray(at, at + size), out.length);
      out.length += size;
    } else {
      decodeBlock(input, at, at + size, out);
    }
    at += size + (blockChecksum ? 4 : 0);
  }
  return at + (contentChecksum ? 4 : 0);
}

/**
 * One LZ4 block (the sequence format): token (literal length, match length − 4), extra length
 * bytes of 255 …, literals, 2-byte little-endian offset, extra match length bytes. Matches may
 * reach into earlier blocks of the frame (linked blocks): the output is one array.
 */
export function decodeBlock(input: Uint8Array, start: number, end: number, out: Lz4Output): void {
  let at = start;
  while (at < end) {
    const token = input[at++] as number;
    let literals = token >> 4;
    if (literals === 15) {
      let b: number;
      do {
        if (at >= end) throw new Lz4FormatError("LZ4 literal length runs past the block");
        b = input[at++] as number;
        literals += b;
      } while (b === 255);
    }
    if (at + literals > end) throw new Lz4FormatError("LZ4 literals run past the block");
    out.ensure(literals);
    out.bytes.set(input.subarray(at, at + literals), out.length);
    out.length += literals;
    at += literals;
    if (at >= end) break; // the last sequence has literals only
    if (at + 2 > end) throw new Lz4FormatError("LZ4 match offset cut short");
    const offset = (input[at] as number) | ((input[at + 1] as number) << 8);
    at += 2;
    if (offset === 0 || offset > out.length) throw new Lz4FormatError(`LZ4 match offset ${offset} reaches before the data (at ${out.length} bytes)`);
    let matchLength = (token & 0x0f) + 4;
    if ((token & 0x0f) === 15) {
      let b: number;
      do {
        if (at >= end) throw new Lz4FormatError("LZ4 match length runs past the block");
        b = input[at++] as number;
        matchLength += b;
      } while (b === 255);
    }
    out.ensure(matchLength);
    const bytes = out.bytes;
    let from = out.length - offset;
    let to = out.length;
    // Byte by byte: an offset shorter than the length repeats the bytes just written.
    for (let i = 0; i < matchLength; i += 1) bytes[to++] = bytes[from++] as number;
    out.length = to;
  }
}
