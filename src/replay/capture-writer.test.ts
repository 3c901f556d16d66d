import { mkdtempSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { gunzipSync } from "node:zlib";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { formatCaptureLine, formatHeaderLine } from "./capture-format.ts";
import { readCaptureFrames } from "./capture-reader.ts";
import { CaptureWriter } from "./capture-writer.ts";
import type { FlushScheduler } from "./capture-writer.ts";

// 2025-09-03T12:55:12.212Z, the start of the l2_trades recording.
const T0 = 1_756_904_112_212;
const BOOK = '{"channel":"l2Book","data":{"coin":"BTC","time":1756904112212,"levels":[[{"px":"111038.0","sz":"8.84885","n":3}],[{"px":"111039.0","sz":"0.0036","n":1}]]}}';
const TRADE = '{"channel":"trades","data":[{"coin":"BTC","side":"B","px":"111039.0","sz":"0.00091","time":1756904102005,"hash":"0x0","tid":1062032029372010}]}';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "sm-capture-"));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** A scheduler the test fires by hand. */
function manualScheduler(): FlushScheduler & { fire(): void; intervals: number[] } {
  let callback: (() => void) | undefined;
  const intervals: number[] = [];
  return {
    intervals,
    setInterval(fn, ms) {
      callback = fn;
      intervals.push(ms);
      return 1;
    },
    clearInterval() {
      callback = undefined;
    },
    fire() {
      callback?.();
    },
  };
}

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i += 1) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe("CaptureWriter", () => {
  it("writes frames that read back identical, after a header naming venue and network", async () => {
    const writer = new CaptureWriter({ dir, scheduler: null, header: { network: "testnet", coins: ["BTC"] } });
    const frames = [
      { tsInit: T0, source: "info:spotMeta", raw: '{"tokens":[],"universe":[]}' },
      { tsInit: T0 + 1, source: "ws", raw: BOOK },
      { tsInit: T0 + 2, source: "ws", raw: TRADE },
      { tsInit: T0 + 3, source: "ws", raw: "Websocket connection established." },
      { tsInit: T0 + 4, source: "ws", raw: 'tabs\tinside\tare kept' },
    ];
    for (const f of frames) writer.write(f.tsInit, f.source, f.raw);
    await writer.close();

    expect(writer.files.map((f) => basename(f))).toEqual(["hyperliquid-2025-09-03.cap.gz"]);
    const contents = await readCaptureFrames(writer.files[0]!);
    expect(contents.frames).toEqual(frames);
    expect(contents.header).toEqual({ startMs: T0, venue: "hyperliquid", network: "testnet", coins: ["BTC"] });
    expect(contents.tornTail).toBeUndefined();
    // close() ends the gzip stream properly: a strict gunzip (no tolerance for a cut tail) accepts it.
    expect(() => gunzipSync(readFileSync(writer.files[0]!))).not.toThrow();
  });

  it("writes a line break inside a frame as a space so that one frame stays one line", async () => {
    const writer = new CaptureWriter({ dir, scheduler: null });
    writer.write(T0, "ws", '{"channel":\n"pong"}');
    await writer.close();
    const contents = await readCaptureFrames(writer.files[0]!);
    expect(contents.frames).toEqual([{ tsInit: T0, source: "ws", raw: '{"channel": "pong"}' }]);
  });

  it("keeps every line flushed before a crash readable when the file is cut mid-gzip", async () => {
    const writer = new CaptureWriter({ dir, scheduler: null });
    // Equal times: no frame-time flush, so exactly what flush() hands over is on disk.
    for (let i = 0; i < 50; i += 1) writer.write(T0, "ws", `{"channel":"pong","n":${i}}`);
    await writer.flush();
    const path = writer.files[0]!;
    const flushedLength = statSync(path).size;
    for (let i = 50; i < 100; i += 1) writer.write(T0, "ws", `{"channel":"pong","n":${i}}`);
    await writer.flush();
    const secondLength = statSync(path).size;
    expect(secondLength).toBeGreaterThan(flushedLength);
    const bytes = readFileSync(path);
    await writer.close();

    // As if killed (-9) right after the first flush: no gzip trailer, nothing more.
    writeFileSync(path, bytes.subarray(0, flushedLength));
    const cutAtFlush = await readCaptureFrames(path);
    expect(cutAtFlush.frames.map((f) => f.raw)).toEqual(Array.from({ length: 50 }, (_, i) => `{"channel":"pong","n":${i}}`));

    // Cut in the middle of the second flush's deflate block: the first 50 lines at least,
    // then only whole lines, in order.
    writeFileSync(path, bytes);
    truncateSync(path, flushedLength + Math.floor((secondLength - flushedLength) / 2));
    const cutMidBlock = await readCaptureFrames(path);
    expect(cutMidBlock.frames.length).toBeGreaterThanOrEqual(50);
    expect(cutMidBlock.frames.map((f) => f.raw)).toEqual(Array.from({ length: cutMidBlock.frames.length }, (_, i) => `{"channel":"pong","n":${i}}`));
  });

  it("flushes by frame time once flushIntervalMs has passed since the last flush", async () => {
    const writer = new CaptureWriter({ dir, scheduler: null, flushIntervalMs: 1000 });
    writer.write(T0, "ws", '{"channel":"pong"}');
    writer.write(T0 + 999, "ws", '{"channel":"pong"}');
    const path = writer.files[0]!;
    expect(statSync(path).size).toBe(0);
    writer.write(T0 + 1000, "ws", '{"channel":"pong"}');
    await until(() => statSync(path).size > 10);
    expect((await readCaptureFrames(path)).frames.map((f) => f.tsInit)).toEqual([T0, T0 + 999, T0 + 1000]);
    await writer.close();
  });

  it("flushes on the injected scheduler while frames are quiet", async () => {
    const scheduler = manualScheduler();
    const writer = new CaptureWriter({ dir, scheduler, flushIntervalMs: 250 });
    writer.write(T0, "ws", '{"channel":"pong"}');
    expect(scheduler.intervals).toEqual([250]);
    const path = writer.files[0]!;
    expect(statSync(path).size).toBe(0);
    scheduler.fire();
    await until(() => statSync(path).size > 10);
    expect((await readCaptureFrames(path)).frames).toHaveLength(1);
    await writer.close();
  });

  it("rotates when the next line would pass maxBytes, numbering files of the same day", async () => {
    const line = formatCaptureLine(T0, "ws", '{"channel":"pong"}');
    const header = `${formatHeaderLine({ startMs: T0, venue: "hyperliquid", network: "mainnet" })}\n`;
    // Room for the header and exactly two frames per file (all ASCII: chars = bytes).
    const writer = new CaptureWriter({ dir, scheduler: null, maxBytes: header.length + 2 * line.length, stickySources: [] });
    for (let i = 0; i < 5; i += 1) writer.write(T0, "ws", '{"channel":"pong"}');
    await writer.close();
    expect(writer.files.map((f) => basename(f))).toEqual(["hyperliquid-2025-09-03.cap.gz", "hyperliquid-2025-09-03.1.cap.gz", "hyperliquid-2025-09-03.2.cap.gz"]);
    const counts = await Promise.all(writer.files.map(async (f) => (await readCaptureFrames(f)).frames.length));
    expect(counts).toEqual([2, 2, 1]);
  });

  it("puts one frame larger than maxBytes in a file of its own instead of looping", async () => {
    const writer = new CaptureWriter({ dir, scheduler: null, maxBytes: 10 });
    writer.write(T0, "ws", '{"channel":"pong"}');
    writer.write(T0, "ws", '{"channel":"pong"}');
    await writer.close();
    expect(writer.files).toHaveLength(2);
  });

  it("rotates at midnight UTC of the frames' receive time", async () => {
    const writer = new CaptureWriter({ dir, scheduler: null });
    const beforeMidnight = Date.UTC(2025, 8, 3, 23, 59, 59, 500);
    writer.write(beforeMidnight, "ws", '{"channel":"pong"}');
    writer.write(beforeMidnight + 600, "ws", '{"channel":"pong"}');
    await writer.close();
    expect(writer.files.map((f) => basename(f))).toEqual(["hyperliquid-2025-09-03.cap.gz", "hyperliquid-2025-09-04.cap.gz"]);
    expect((await readCaptureFrames(writer.files[1]!)).frames.map((f) => f.tsInit)).toEqual([beforeMidnight + 600]);
  });

  it("repeats the latest spotMeta at the top of a rotated file so that it replays alone", async () => {
    const writer = new CaptureWriter({ dir, scheduler: null });
    const midnight = Date.UTC(2025, 8, 4);
    writer.write(midnight - 10, "info:spotMeta", '{"v":1}');
    writer.write(midnight - 5, "ws", '{"channel":"pong"}');
    writer.write(midnight + 5, "ws", '{"channel":"pong"}');
    await writer.close();
    const second = await readCaptureFrames(writer.files[1]!);
    expect(second.frames).toEqual([
      { tsInit: midnight - 10, source: "info:spotMeta", raw: '{"v":1}' },
      { tsInit: midnight + 5, source: "ws", raw: '{"channel":"pong"}' },
    ]);
  });

  it("never overwrites: a second session on the same day continues with the next index", async () => {
    const first = new CaptureWriter({ dir, scheduler: null });
    first.write(T0, "ws", '{"channel":"pong"}');
    await first.close();
    const second = new CaptureWriter({ dir, scheduler: null });
    second.write(T0 + 60_000, "ws", '{"channel":"pong"}');
    await second.close();
    expect(basename(second.files[0]!)).toBe("hyperliquid-2025-09-03.1.cap.gz");
    expect((await readCaptureFrames(first.files[0]!)).frames.map((f) => f.tsInit)).toEqual([T0]);
  });

  it("refuses a write after close and a source with a tab (both caller bugs)", async () => {
    const writer = new CaptureWriter({ dir, scheduler: null });
    expect(() => writer.write(T0, "w\ts", "{}")).toThrow(/source/);
    await writer.close();
    expect(() => writer.write(T0, "ws", "{}")).toThrow(/after close/);
  });
});
