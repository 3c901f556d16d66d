/**
 * A silent channel's gap reaches the capture and `replay --dry` (issue 13, "Failed" 4): `record`
 * against the local servers, the BTC book channel silenced until resubscribed.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { recordSession } from "../../src/cli/record.ts";
import { createMemoryLogger, loadConfig } from "../../src/config/index.ts";
import type { ConnectionStatusEvent, MarketEvent } from "../../src/core/index.ts";
import { readCapture } from "../../src/replay/capture-reader.ts";
import { replayDry } from "../../src/replay/dry-run.ts";
import { META_AND_ASSET_CTXS, SPOT_META_AND_ASSET_CTXS } from "../../test-support/hyperliquid-server/info-fixtures.ts";
import { startInfoServer } from "../../test-support/hyperliquid-server/info-server.ts";
import type { InfoServer } from "../../test-support/hyperliquid-server/info-server.ts";
import { startWsServer } from "../../test-support/hyperliquid-server/ws-server.ts";
import type { HyperliquidWsServer } from "../../test-support/hyperliquid-server/ws-server.ts";

async function waitFor(condition: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe("a silent channel in the capture", () => {
  let info: InfoServer;
  let ws: HyperliquidWsServer;
  let dir: string;
  let feeder: NodeJS.Timeout | undefined;

  beforeEach(async () => {
    info = await startInfoServer({ now: Date.now(), metaAndAssetCtxs: META_AND_ASSET_CTXS, spotMetaAndAssetCtxs: SPOT_META_AND_ASSET_CTXS });
    ws = await startWsServer();
    dir = mkdtempSync(join(tmpdir(), "sm-liveness-"));
  });
  afterEach(async () => {
    clearInterval(feeder);
    await ws.close();
    await info.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("is a gap status line naming the channel, which replay --dry lists with the session's times", async () => {
    const config = loadConfig({
      env: {},
      cwd: dir,
      overrides: { network: "custom", restUrl: info.url, wsUrl: ws.url, coins: ["BTC"], candleIntervals: ["1h"], "spot.enabled": false, "record.dir": dir, "live.bookSilenceMs": 300, "live.assetCtxSilenceMs": 0, "live.dataStallMs": 0 },
    });
    const live: MarketEvent[] = [];
    let stop!: () => void;
    const stopped = new Promise<void>((resolve) => (stop = resolve));
    const session = recordSession({ config, logger: createMemoryLogger(), stopped, onEvent: (e) => live.push(e) });
    await waitFor(() => ws.subscriptions().length === 5, "five subscriptions (book, top of book, trades, context, 1h candle)");
    feeder = setInterval(() => ws.send("l2Book", { coin: "BTC", time: Date.now(), levels: [[{ px: "111039.0", sz: "1.5", n: 3 }], [{ px: "111040.0", sz: "0.25", n: 1 }]] }), 50);
    await waitFor(() => live.filter((e) => e.kind === "book").length >= 3, "books");
    ws.faults.silenceChannel("l2Book:BTC");
    const gaps = (): ConnectionStatusEvent[] => live.filter((e): e is ConnectionStatusEvent => e.kind === "status" && e.state === "gap");
    await waitFor(() => gaps().length === 1, "the channel gap");
    stop();
    const summary = await session;
    const gap = gaps()[0]!;
    expect(gap.detail).toMatch(/^channel l2Book:BTC silent for \d+ ms; data may be missing$/);
    expect(gap.gapTo! - gap.gapFrom!).toBeGreaterThanOrEqual(300);

    const replayed: MarketEvent[] = [];
    for await (const batch of readCapture(summary.files[0]!)) replayed.push(...batch);
    const replayedGaps = replayed.filter((e): e is ConnectionStatusEvent => e.kind === "status" && e.state === "gap");
    expect(replayedGaps.map((g) => [g.gapFrom, g.gapTo, g.detail])).toEqual([[gap.gapFrom, gap.gapTo, gap.detail]]);

    const dry = await replayDry(summary.files);
    expect(dry.gaps.count).toBe(1);
    expect(dry.gaps.listed[0]).toMatchObject({ kind: "status", fromMs: gap.gapFrom, toMs: gap.gapTo });
  });
});
