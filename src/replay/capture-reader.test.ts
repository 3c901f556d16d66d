import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DataFileError, perp, spot } from "../core/index.ts";
import type { MarketEvent } from "../core/index.ts";
import { formatCaptureLine, formatHeaderLine } from "./capture-format.ts";
import { readCapture } from "./capture-reader.ts";
import { ReplayDiagnostics } from "./diagnostics.ts";

// Spot indices from the recorded mainnet spotMeta (2025-11-09): @142 = UBTC/USDC.
const SPOT_META = JSON.stringify({
  tokens: [
    { name: "USDC", index: 0 },
    { name: "UBTC", index: 197 },
  ],
  universe: [{ tokens: [197, 0], name: "@142", index: 142 }],
});
const T0 = 1_756_904_112_212;
const HEADER = `${formatHeaderLine({ startMs: T0, venue: "hyperliquid", network: "mainnet" })}\n`;

function book(coin: string, time: number): string {
  return JSON.stringify({ channel: "l2Book", data: { coin, time, levels: [[{ px: "111038.0", sz: "8.84885", n: 3 }], [{ px: "111039.0", sz: "0.0036", n: 1 }]] } });
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "sm-capread-"));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

async function all(batches: AsyncIterable<readonly MarketEvent[]>): Promise<MarketEvent[]> {
  const out: MarketEvent[] = [];
  for await (const batch of batches) out.push(...batch);
  return out;
}

function capture(name: string, lines: string[], gzip = true): string {
  const path = join(dir, name);
  const text = HEADER + lines.join("");
  writeFileSync(path, gzip ? gzipSync(text) : text);
  return path;
}

describe("readCapture", () => {
  it("resolves @N spot books through the spotMeta recorded before them", async () => {
    const path = capture("hyperliquid-2025-09-03.cap.gz", [
      formatCaptureLine(T0, "info:spotMeta", SPOT_META),
      formatCaptureLine(T0 + 10, "ws", book("@142", T0 + 5)),
      formatCaptureLine(T0 + 20, "ws", book("BTC", T0 + 15)),
    ]);
    const events = await all(readCapture(path));
    expect(events.map((e) => (e.kind === "book" ? [e.market, e.tsEvent, e.tsInit] : e.kind))).toEqual([
      [spot("UBTC/USDC", "BTC"), T0 + 5, T0 + 10],
      [perp("BTC"), T0 + 15, T0 + 20],
    ]);
  });

  it("reads a plain (not gzip) .cap file the same way", async () => {
    const path = capture("x-2025-09-03.cap", [formatCaptureLine(T0 + 20, "ws", book("BTC", T0 + 15))], false);
    expect((await all(readCapture(path))).map((e) => e.tsEvent)).toEqual([T0 + 15]);
  });

  it("counts the parser's rejects with file and line and carries on", async () => {
    const diagnostics = new ReplayDiagnostics();
    const path = capture("c-2025-09-03.cap.gz", [
      formatCaptureLine(T0, "ws", book("@142", T0)), // line 2: no spotMeta yet
      formatCaptureLine(T0 + 1, "ws", "{not json"), // line 3
      "garbage without tabs\n", // line 4
      formatCaptureLine(T0 + 2, "ws", book("BTC", T0 + 2)), // line 5
    ]);
    const events = await all(readCapture(path, { diagnostics }));
    expect(events).toHaveLength(1);
    expect(diagnostics.rejectCount).toBe(3);
    expect(diagnostics.rejects.map((r) => [r.file, r.line])).toEqual([
      [path, 2],
      [path, 3],
      [path, 4],
    ]);
    expect(diagnostics.rejects[0]!.message).toContain("@142");
  });

  it("skips a torn last line and notes it", async () => {
    const diagnostics = new ReplayDiagnostics();
    const whole = formatCaptureLine(T0, "ws", book("BTC", T0));
    const torn = formatCaptureLine(T0 + 1, "ws", book("BTC", T0 + 1)).slice(0, 40);
    const path = capture("c-2025-09-03.cap.gz", [whole, torn]);
    const events = await all(readCapture(path, { diagnostics }));
    expect(events.map((e) => e.tsEvent)).toEqual([T0]);
    expect(diagnostics.rejectCount).toBe(0);
    expect(diagnostics.notes).toEqual([{ file: path, message: "last line (3) was cut short (40 chars) and skipped" }]);
  });

  it("turns status lines and long silences into connection gap events", async () => {
    const path = capture("c-2025-09-03.cap.gz", [
      formatCaptureLine(T0, "ws", book("BTC", T0)),
      formatCaptureLine(T0 + 5_000, "status", JSON.stringify({ state: "gap", gapFrom: T0, gapTo: T0 + 5_000, detail: "reconnected" })),
      formatCaptureLine(T0 + 5_000 + 61_000, "ws", book("BTC", T0 + 66_000)),
    ]);
    const events = await all(readCapture(path));
    expect(events.filter((e) => e.kind === "status")).toEqual([
      { kind: "status", source: "c-2025-09-03.cap.gz", state: "gap", tsEvent: T0 + 5_000, tsInit: T0 + 5_000, gapFrom: T0, gapTo: T0 + 5_000, detail: "reconnected" },
      // 61 s without a frame > the 60 s silence the venue tolerates.
      { kind: "status", source: "c-2025-09-03.cap.gz", state: "gap", tsEvent: T0 + 66_000, tsInit: T0 + 66_000, gapFrom: T0 + 5_000, gapTo: T0 + 66_000, detail: "no frames for 61000 ms in the capture" },
    ]);
  });

  it("carries the spot resolver and stream times across rotated files read in sequence", async () => {
    const first = capture("c-2025-09-03.cap.gz", [formatCaptureLine(T0, "info:spotMeta", SPOT_META), formatCaptureLine(T0 + 1, "ws", book("@142", T0 + 1))]);
    const second = capture("c-2025-09-03.1.cap.gz", [formatCaptureLine(T0 + 2, "ws", book("@142", T0 + 2))]);
    const diagnostics = new ReplayDiagnostics();
    const events = await all(readCapture([first, second], { diagnostics }));
    expect(events.map((e) => e.tsEvent)).toEqual([T0 + 1, T0 + 2]);
    expect(diagnostics.rejectCount).toBe(0);
  });

  it("refuses a file without a capture header with a DataFileError naming it", async () => {
    const path = join(dir, "not-a-capture.cap");
    writeFileSync(path, "t,T,s\n1,2,3\n");
    await expect(all(readCapture(path))).rejects.toThrow(DataFileError);
    await expect(all(readCapture(path))).rejects.toThrow(path);
  });
});

describe("readCapture with a live session's fundingHistory lines", () => {
  const H = 3_600_000;
  const HOUR = Math.ceil(T0 / H) * H;
  const row = (coin: string, time: number, fundingRate: string) => ({ coin, fundingRate, premium: "0.0001", time });

  it("turns each line's rows into settlements at the line's place (after later frames), once per settlement across lines and files", async () => {
    const first = capture("hyperliquid-2025-09-03.cap.gz", [
      formatCaptureLine(HOUR + 10_000, "ws", book("BTC", HOUR + 9_000)),
      // The poll 15 s after the hour: the settlement stamped 48 ms after it comes after the 9 s book.
      formatCaptureLine(HOUR + 15_020, "info:fundingHistory", JSON.stringify([row("BTC", HOUR + 48, "0.0000125")])),
      formatCaptureLine(HOUR + 15_040, "info:fundingHistory", JSON.stringify([row("ETH", HOUR + 51, "-0.00002")])),
      formatCaptureLine(HOUR + 16_000, "ws", book("BTC", HOUR + 15_900)),
    ]);
    // A restarted session's first poll overlapped the last settlement: it is not delivered again.
    const second = capture("hyperliquid-2025-09-03.1.cap.gz", [
      formatCaptureLine(HOUR + H + 15_000, "info:fundingHistory", JSON.stringify([row("BTC", HOUR + H + 60, "0.00001"), row("BTC", HOUR + 48, "0.0000125")])),
    ]);
    const diagnostics = new ReplayDiagnostics();
    const events = await all(readCapture([first, second], { diagnostics }));
    expect(events.map((e) => [e.kind, e.kind === "status" ? e.state : e.market?.symbol, e.tsEvent, e.tsInit])).toEqual([
      ["book", "BTC", HOUR + 9_000, HOUR + 10_000],
      ["funding", "BTC", HOUR + 48, HOUR + 15_020],
      ["funding", "ETH", HOUR + 51, HOUR + 15_040],
      ["book", "BTC", HOUR + 15_900, HOUR + 16_000],
      ["funding", "BTC", HOUR + H + 60, HOUR + H + 15_000],
    ]);
    const btc = events[1];
    expect(btc?.kind === "funding" && [btc.rate, btc.market]).toEqual([0.0000125, perp("BTC")]);
    expect(diagnostics.rejectCount).toBe(0);
  });

  it("rejects a malformed line or row with its place, and keeps the good rows", async () => {
    const path = capture("hyperliquid-2025-09-03.cap.gz", [
      formatCaptureLine(HOUR + 15_000, "info:fundingHistory", "[{"),
      formatCaptureLine(HOUR + 15_010, "info:fundingHistory", JSON.stringify([{ fundingRate: "0.1", time: HOUR }, row("BTC", HOUR + 48, "0.00001")])),
    ]);
    const diagnostics = new ReplayDiagnostics();
    const events = await all(readCapture(path, { diagnostics }));
    expect(events.map((e) => e.tsEvent)).toEqual([HOUR + 48]);
    expect(diagnostics.rejectCount).toBe(2);
  });
});
