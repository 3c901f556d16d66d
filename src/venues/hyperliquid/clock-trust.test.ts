import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { MarketEvent } from "../../core/index.ts";
import { formatCaptureLine, formatHeaderLine } from "../../replay/capture-format.ts";
import { readCapture } from "../../replay/capture-reader.ts";
import { ReplayDiagnostics } from "../../replay/diagnostics.ts";
import { BarCloser } from "./bar-closer.ts";
import { ClockOffset, CLOCK_SKEW_TOLERANCE_MS } from "./clock-offset.ts";
import { HyperliquidParser } from "./parse.ts";
import { SpotResolver } from "./spot.ts";

/*
 * Time you can trust (docs/LIVE.md): a host clock that disagrees with the venue is measured and
 * corrected, not obeyed; a venue clock stepping back is forgiven on a new connection.
 * Hand-built frames; T0 = 2025-09-03T13:00:00Z, a minute boundary.
 */
const T0 = Date.UTC(2025, 8, 3, 13, 0);
const LEVELS = [[{ px: "111038.0", sz: "8.84885", n: 3 }], [{ px: "111039.0", sz: "0.0036", n: 1 }]];

const book = (time: number): string => JSON.stringify({ channel: "l2Book", data: { coin: "BTC", time, levels: LEVELS } });
const trade = (time: number, tid: number): string => JSON.stringify({ channel: "trades", data: [{ coin: "BTC", side: "B", px: "111038.5", sz: "0.01", time, tid }] });
const candle = (openTime: number, close: string): string =>
  JSON.stringify({ channel: "candle", data: { t: openTime, T: openTime + 59_999, s: "BTC", i: "1m", o: "111000", c: close, h: "111100", l: "110900", v: "1.5", n: 12 } });
const ctx = (): string => JSON.stringify({ channel: "activeAssetCtx", data: { coin: "BTC", ctx: { funding: "0.0000125", openInterest: "100", markPx: "111038.5", oraclePx: "111030" } } });

/** [venue time of the moment the frame left the venue, frame]. Forming candles and contexts carry no venue time of their own. */
const SESSION: readonly (readonly [number, string])[] = [
  [T0 + 10_000, book(T0 + 10_000)],
  [T0 + 20_000, candle(T0, "111010")],
  [T0 + 30_000, ctx()],
  [T0 + 50_000, trade(T0 + 50_000, 1)],
  [T0 + 55_000, book(T0 + 55_000)],
  // Within the bar's last 10 s: a host clock 10 s ahead reads these past close + 3 s grace.
  [T0 + 58_000, book(T0 + 58_000)],
  [T0 + 59_000, candle(T0, "111020")],
  [T0 + 59_500, trade(T0 + 59_500, 2)],
  [T0 + 62_000, book(T0 + 62_000)],
  // Close time T0 + 59 999 + grace 3 000 = T0 + 62 999: this book closes the bar by grace.
  [T0 + 63_500, book(T0 + 63_500)],
  [T0 + 64_000, ctx()],
];

/** Everything of each event except its receive time (which differs by the skew by construction). */
function replaySession(skewMs: number): { events: unknown[][]; rejects: string[]; parser: HyperliquidParser } {
  const parser = new HyperliquidParser({ spot: SpotResolver.empty() });
  const events: unknown[][] = [];
  const rejects: string[] = [];
  SESSION.forEach(([venueMs, raw], frame) => {
    const outcome = parser.parseFrame(raw, venueMs + skewMs);
    events.push(...outcome.events.map((e) => [frame, withoutReceiveTime(e)]));
    rejects.push(...outcome.rejects.map((r) => r.message));
  });
  return { events, rejects, parser };
}

function withoutReceiveTime(event: MarketEvent): unknown {
  const { tsInit, ...rest } = event;
  void tsInit;
  return rest;
}

describe("a host clock that disagrees with the venue", () => {
  it("measures the offset as the median of recent books' receive − venue time", () => {
    const offset = new ClockOffset(5);
    expect(offset.medianMs()).toBeUndefined();
    // Samples 450, 490, 470, 9 000 (one late frame), 480 → sorted 450 470 480 490 9000 → 480.
    for (const [venue, recv] of [[1_000, 1_450], [2_000, 2_490], [3_000, 3_470], [4_000, 13_000], [5_000, 5_480]] as const) offset.add(venue, recv);
    expect(offset.medianMs()).toBe(480);
    // Latency alone is not skew: nothing is corrected within the 2 s tolerance.
    expect(CLOCK_SKEW_TOLERANCE_MS).toBe(2_000);
    expect(offset.correctionMs()).toBe(0);
    // The ring keeps the last 5: five samples of 10 000 replace them all.
    for (let i = 0; i < 5; i++) offset.add(10_000 * i, 10_000 * i + 10_000);
    expect(offset.medianMs()).toBe(10_000);
    expect(offset.correctionMs()).toBe(10_000);
    // Beyond the bound (the parser's 60 s) it is a recording served again, not a live clock.
    expect(offset.correctionMs(2_000, 60_000)).toBe(10_000);
    expect(offset.correctionMs(2_000, 9_999)).toBe(0);
    // An even count takes the lower median: 3 000, 5 000 → 3 000.
    const even = new ClockOffset(2);
    even.add(0, 3_000);
    even.add(0, 5_000);
    expect(even.medianMs()).toBe(3_000);
  });

  it("closes bars at the same frames and yields the same events with receive times 10 s ahead", () => {
    const straight = replaySession(0);
    const skewed = replaySession(10_000);
    expect(skewed.rejects).toEqual([]);
    expect(straight.rejects).toEqual([]);
    expect(skewed.events).toEqual(straight.events);
    expect(skewed.parser.clockOffset.medianMs()).toBe(10_000);
    expect(straight.parser.clockOffset.medianMs()).toBe(0);
    // The bar closed by grace at frame 9 (book T0 + 63 500) with its last update (close 111020).
    const closed = straight.events.filter(([, e]) => (e as MarketEvent).kind === "candle" && (e as { closed: boolean }).closed);
    expect(closed).toHaveLength(1);
    expect(closed[0]?.[0]).toBe(9);
    expect(closed[0]?.[1]).toMatchObject({ close: 111_020, tsEvent: T0 + 59_999, openTime: T0 });
    expect(skewed.parser.bars.stats).toEqual({ closedByNextBar: 0, closedByGrace: 1, lateUpdates: 0 });
    // Contexts and forming bars are stamped with the venue's clock, not the host's.
    const contexts = skewed.events.filter(([, e]) => (e as MarketEvent).kind === "assetCtx").map(([, e]) => (e as MarketEvent).tsEvent);
    expect(contexts).toEqual([T0 + 30_000, T0 + 64_000]);
  });

  it("would close the bar 10 s early on the raw receive clock (what the correction prevents)", () => {
    const closer = new BarCloser();
    const out: MarketEvent[] = [];
    const parser = new HyperliquidParser({ spot: SpotResolver.empty() });
    const forming = parser.parseFrame(candle(T0, "111010"), T0 + 20_000).events;
    expect(forming).toEqual([]); // held by the parser's own closer
    const bar = { ...(parser.bars.formingBars()[0] as MarketEvent & { kind: "candle" }) };
    closer.onForming(bar, T0 + 30_000, out);
    // The book of venue time T0 + 58 000 arrives at host time T0 + 68 000 ≥ T0 + 62 999.
    closer.advance(T0 + 68_000, out);
    expect(out).toHaveLength(1);
    expect(() => closer.onForming({ ...bar, close: 111_020 }, T0 + 69_000, [])).toThrow(/already closed/);
    // Read on the venue's clock (receive − 10 s) it stays open.
    const fixed = new BarCloser();
    const none: MarketEvent[] = [];
    fixed.onForming(bar, T0 + 30_000, none);
    fixed.advance(T0 + 68_000, none, T0 + 58_000);
    expect(none).toEqual([]);
  });
});

describe("a frame stamped an hour ahead", () => {
  it("is refused and moves neither the stream's time, the clock offset nor any event time", () => {
    const parser = new HyperliquidParser({ spot: SpotResolver.empty() });
    parser.parseFrame(book(T0), T0 + 470);
    const ahead = parser.parseFrame(book(T0 + 3_600_000), T0 + 1_000);
    expect(ahead.events).toEqual([]);
    expect(ahead.rejects.map((r) => r.field)).toEqual(["l2Book.time"]);
    expect(parser.clockOffset.medianMs()).toBe(470);
    // The next honest book is accepted (the future one did not become the stream's last time).
    expect(parser.parseFrame(book(T0 + 1_500), T0 + 1_970).events).toHaveLength(1);
    const stamped = parser.parseFrame(ctx(), T0 + 2_000).events.map((e) => e.tsEvent);
    expect(stamped).toEqual([T0 + 2_000]);
  });
});

describe("a venue clock stepping back", () => {
  it("rejects books and trades behind the stream's time within a connection, counted", () => {
    const parser = new HyperliquidParser({ spot: SpotResolver.empty() });
    expect(parser.parseFrame(book(T0), T0 + 500).events).toHaveLength(1);
    expect(parser.parseFrame(trade(T0, 1), T0 + 500).events).toHaveLength(1);
    const back = parser.parseFrame(book(T0 - 120_000), T0 + 1_000);
    expect(back.rejects.map((r) => r.message)).toEqual([`l2Book.time: venue time went backwards (last ${T0}) (got ${T0 - 120_000})`]);
    expect(parser.parseFrame(trade(T0 - 119_000, 2), T0 + 1_500).rejects).toHaveLength(1);
    expect(parser.stats.timeWentBack).toBe(2);
  });

  it("is accepted from the first frame of a new connection, the repeats still dropped", () => {
    const parser = new HyperliquidParser({ spot: SpotResolver.empty() });
    parser.parseFrame(book(T0), T0 + 500);
    parser.parseFrame(trade(T0, 1), T0 + 500);
    parser.resetStreamTimes();
    expect(parser.stats.streamTimeResets).toBe(1);
    expect(parser.parseFrame(book(T0 - 120_000), T0 + 15_000).events.map((e) => e.tsEvent)).toEqual([T0 - 120_000]);
    // The resubscription snapshot repeats trade 1: dropped; a new trade at the stepped-back time passes.
    const trades = parser.parseFrame(JSON.stringify({ channel: "trades", data: [JSON.parse(trade(T0, 1)).data[0], JSON.parse(trade(T0 - 119_000, 2)).data[0]] }), T0 + 15_500);
    expect(trades.rejects).toEqual([]);
    expect(trades.events.map((e) => e.tsEvent)).toEqual([T0 - 119_000]);
    expect(parser.stats.duplicateTrades).toBe(1);
  });

  describe("in a replayed capture", () => {
    let dir: string;
    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), "sm-clock-"));
    });
    afterEach(() => {
      rmSync(dir, { recursive: true, force: true });
    });

    it("resets at the capture's connected line, where the live source reset", async () => {
      const path = join(dir, "hyperliquid-2025-09-03.cap");
      const text = [
        formatHeaderLine({ startMs: T0, venue: "hyperliquid", network: "mainnet" }),
        formatCaptureLine(T0, "status", JSON.stringify({ state: "connected", detail: "connected" })),
        formatCaptureLine(T0 + 500, "ws", book(T0)),
        formatCaptureLine(T0 + 1_000, "ws", book(T0 - 120_000)),
        formatCaptureLine(T0 + 2_000, "status", JSON.stringify({ state: "disconnected", detail: "venue restart" })),
        formatCaptureLine(T0 + 5_000, "status", JSON.stringify({ state: "connected", detail: "connected" })),
        formatCaptureLine(T0 + 5_500, "ws", book(T0 - 115_000)),
      ].join("\n");
      writeFileSync(path, `${text}\n`);
      const diagnostics = new ReplayDiagnostics();
      const events: MarketEvent[] = [];
      for await (const batch of readCapture(path, { diagnostics })) events.push(...batch);
      // The step back within the first connection is refused; after the reconnect it is the stream's time.
      expect(events.filter((e) => e.kind === "book").map((e) => e.tsEvent)).toEqual([T0, T0 - 115_000]);
    });
  });
});
