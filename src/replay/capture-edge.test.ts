import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { MarketEvent } from "../core/index.ts";
import { formatCaptureLine, formatHeaderLine } from "./capture-format.ts";
import { readCapture } from "./capture-reader.ts";
import { ReplayDiagnostics } from "./diagnostics.ts";

/*
 * A capture replays with the edge rules of the session that wrote it (live = replay): the markets
 * its header lists (`coins`, `spotPairs`), its price band and its frame limit.
 */
const T0 = 1_756_904_112_212;

function book(coin: string, time: number, bid: number): string {
  return JSON.stringify({ channel: "l2Book", data: { coin, time, levels: [[{ px: String(bid), sz: "1", n: 1 }], [{ px: String(bid + 1), sz: "1", n: 1 }]] } });
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "sm-capedge-"));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

async function replay(header: Record<string, unknown>, lines: string[]): Promise<{ events: MarketEvent[]; diagnostics: ReplayDiagnostics }> {
  const path = join(dir, "hyperliquid-2025-09-03.cap.gz");
  writeFileSync(path, gzipSync(`${formatHeaderLine({ startMs: T0, venue: "hyperliquid", network: "mainnet", ...header })}\n${lines.join("")}`));
  const diagnostics = new ReplayDiagnostics();
  const events: MarketEvent[] = [];
  for await (const batch of readCapture(path, { diagnostics })) events.push(...batch);
  return { events, diagnostics };
}

describe("readCapture applies the session's edge rules from the header", () => {
  const frames = [
    formatCaptureLine(T0 + 10, "ws", book("BTC", T0 + 5, 100_000)),
    formatCaptureLine(T0 + 20, "ws", book("DOGE", T0 + 15, 1)),
    formatCaptureLine(T0 + 30, "ws", book("DOGE", T0 + 25, 1)),
    // −20 %: beyond the default 10 % band, within a 25 % one.
    formatCaptureLine(T0 + 40, "ws", book("BTC", T0 + 35, 80_000)),
  ];

  it("drops frames for coins the session did not subscribe (reported once) and quarantines with the default band", async () => {
    const { events, diagnostics } = await replay({ coins: ["BTC"], spotPairs: [] }, frames);
    expect(events.map((e) => (e.kind === "book" ? `${e.market.symbol}@${e.tsInit - T0}` : e.kind))).toEqual(["BTC@10"]);
    expect(diagnostics.rejectCount).toBe(2);
  });

  it("uses the header's band: ±25 % lets the −20 % book through", async () => {
    const { events } = await replay({ coins: ["BTC"], spotPairs: [], priceBandFraction: 0.25, priceConfirmFrames: 5, priceConfirmMs: 2000, maxFrameChars: 1_048_576 }, frames);
    expect(events.map((e) => (e.kind === "book" ? `${e.market.symbol}@${e.tsInit - T0}` : e.kind))).toEqual(["BTC@10", "BTC@40"]);
  });

  it("keeps every market of a capture whose header lists no coins (captures of other tools)", async () => {
    const { events } = await replay({}, frames.slice(0, 2));
    expect(events.map((e) => (e.kind === "book" ? e.market.symbol : e.kind))).toEqual(["BTC", "DOGE"]);
  });

  it("uses the header's frame limit", async () => {
    const { events, diagnostics } = await replay({ maxFrameChars: 65_536 }, [formatCaptureLine(T0 + 10, "ws", `{"channel":"trades","data":"${"x".repeat(70_000)}"}`)]);
    expect(events).toEqual([]);
    expect(diagnostics.rejectCount).toBe(1);
  });
});
