import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { MarketEvent } from "../../src/core/index.ts";
import { CaptureWriter, readCapture, ReplayDiagnostics } from "../../src/replay/index.ts";
import { HyperliquidParser } from "../../src/venues/hyperliquid/parse.ts";
import { SpotResolver } from "../../src/venues/hyperliquid/spot.ts";

/*
 * Record → replay gives the events the live source produced. A hand-written session in
 * Hyperliquid's wire format (values from the real recordings named in the data PROVENANCE:
 * BTC book and trades of 2025-09-03, the nautilus BTC context, @142 = UBTC/USDC from the
 * mainnet spotMeta) is fed frame by frame to a HyperliquidParser, as the live loop does,
 * while a CaptureWriter records it; the capture reader must then give back the same events
 * and the same rejects.
 */
const SPOT_META = JSON.stringify({
  tokens: [
    { name: "USDC", szDecimals: 8, weiDecimals: 8, index: 0, isCanonical: true },
    { name: "UBTC", szDecimals: 5, weiDecimals: 10, index: 197, isCanonical: false },
  ],
  universe: [{ tokens: [197, 0], name: "@142", index: 142, isCanonical: false }],
});
const T0 = 1_756_904_112_212; // 2025-09-03 12:55:12.212 UTC

function ws(channel: string, data: unknown): string {
  return JSON.stringify({ channel, data });
}
function book(coin: string, time: number, bid: string, ask: string): string {
  return ws("l2Book", {
    coin,
    time,
    levels: [
      [
        { px: bid, sz: "8.84885", n: 3 },
        { px: String(Number(bid) - 1), sz: "0.38041", n: 2 },
      ],
      [
        { px: ask, sz: "0.0036", n: 1 },
        { px: String(Number(ask) + 1), sz: "0.00011", n: 1 },
      ],
    ],
  });
}

/** [receive time, source, raw] in the order a live session received them. */
const SESSION: readonly (readonly [number, string, string])[] = [
  [T0 - 400, "ws", "Websocket connection established."],
  [T0 - 300, "info:spotMeta", SPOT_META],
  [T0 - 200, "ws", ws("subscriptionResponse", { method: "subscribe", subscription: { type: "l2Book", coin: "BTC" } })],
  [T0 - 100, "ws", ws("trades", [
    { coin: "BTC", side: "B", px: "111039.0", sz: "0.00091", time: 1_756_904_102_005, hash: "0x00", tid: 1_062_032_029_372_010 },
    { coin: "BTC", side: "A", px: "111038.0", sz: "1.0", time: 1_756_904_103_412, hash: "0x00", tid: 840_625_993_692_607 },
  ])],
  [T0 + 35, "ws", book("BTC", T0, "111038.0", "111039.0")],
  [T0 + 40, "ws", book("@142", T0 + 2, "111020.0", "111060.0")],
  [T0 + 50, "ws", ws("candle", { t: 1_756_904_100_000, T: 1_756_904_159_999, s: "BTC", i: "1m", o: "111030.0", c: "111039.0", h: "111045.0", l: "111020.0", v: "12.5", n: 431 })],
  [T0 + 60, "ws", ws("activeAssetCtx", { coin: "BTC", ctx: { funding: "-0.0000015186", openInterest: "27353.17682", prevDayPx: "76317.0", dayNtlVlm: "1516669192.1953897476", premium: "-0.0005927453", oraclePx: "77605.0", markPx: "77562.0", midPx: "77558.5", impactPxs: ["77558.0", "77559.0"], dayBaseVlm: "19707.77457" } })],
  [T0 + 70, "ws", ws("activeSpotAssetCtx", { coin: "@142", ctx: { prevDayPx: "101838.0", dayNtlVlm: "56516360.5443699583", markPx: "103922.0", midPx: "103921.5", circulatingSupply: "20999999.9986163229", coin: "@142", totalSupply: "20999999.9986163229", dayBaseVlm: "552.25675" } })],
  // A trade older than the last one seen: the parser rejects it, live and in replay alike.
  [T0 + 80, "ws", ws("trades", [{ coin: "BTC", side: "B", px: "111040.0", sz: "0.5", time: 1_756_904_100_000, hash: "0x00", tid: 5 }])],
  [T0 + 90, "ws", ws("pong", {})],
  [T0 + 1_300, "ws", book("BTC", T0 + 1_200, "111040.0", "111041.0")],
  [T0 + 1_310, "ws", ws("trades", [{ coin: "@142", side: "A", px: "111030.0", sz: "0.01", time: T0 + 1_250, hash: "0x00", tid: 77 }])],
  // The 1m bar's close (…159 999) + 3 s of grace has passed: this pong's receive time closes it.
  [1_756_904_163_000, "ws", ws("pong", {})],
];

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "sm-record-replay-"));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe("record → replay", () => {
  it("replays a recorded session into exactly the events and rejects the live parser produced", async () => {
    const live = new HyperliquidParser({ spot: SpotResolver.empty() });
    const liveEvents: MarketEvent[] = [];
    const liveRejects: string[] = [];
    const writer = new CaptureWriter({ dir, scheduler: null, flushIntervalMs: 1000 });
    for (const [tsInit, source, raw] of SESSION) {
      writer.write(tsInit, source, raw);
      if (source === "info:spotMeta") {
        live.setSpotResolver(SpotResolver.fromSpotMeta(JSON.parse(raw)));
        continue;
      }
      const outcome = live.parseFrame(raw, tsInit);
      liveEvents.push(...outcome.events);
      liveRejects.push(...outcome.rejects.map((r) => r.message));
    }
    await writer.close();

    const diagnostics = new ReplayDiagnostics();
    const replayed: MarketEvent[] = [];
    for await (const batch of readCapture(writer.files, { diagnostics })) replayed.push(...batch);

    // 2 trades + 2 books + 2 contexts + 1 book + 1 spot trade + the bar, closed once its grace passed.
    expect(liveEvents).toHaveLength(9);
    expect(liveEvents.map((e) => `${e.kind}:${e.kind === "status" ? "" : e.market.key}`)).toEqual([
      "trade:hyperliquid:perp:BTC",
      "trade:hyperliquid:perp:BTC",
      "book:hyperliquid:perp:BTC",
      "book:hyperliquid:spot:UBTC/USDC",
      "assetCtx:hyperliquid:perp:BTC",
      "assetCtx:hyperliquid:spot:UBTC/USDC",
      "book:hyperliquid:perp:BTC",
      "trade:hyperliquid:spot:UBTC/USDC",
      "candle:hyperliquid:perp:BTC",
    ]);
    expect(liveEvents[8]).toMatchObject({ closed: true, tsEvent: 1_756_904_159_999, tsInit: 1_756_904_163_000, close: 111_039 });
    expect(replayed).toEqual(liveEvents);
    expect(liveRejects).toHaveLength(1);
    expect(diagnostics.rejects.map((r) => r.message)).toEqual(liveRejects);
    // Line 11 of the file: header, then the session's 10th frame.
    expect(diagnostics.rejects.map((r) => [r.file, r.line])).toEqual([[writer.files[0], 11]]);
    expect(diagnostics.notes).toEqual([]);
  });
});
