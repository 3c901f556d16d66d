import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { recordSession } from "../../src/cli/record.ts";
import { createMemoryLogger, loadConfig } from "../../src/config/index.ts";
import type { MarketEvent } from "../../src/core/index.ts";
import { readCapture } from "../../src/replay/capture-reader.ts";
import { META_AND_ASSET_CTXS, SPOT_META_AND_ASSET_CTXS } from "../../test-support/hyperliquid-server/info-fixtures.ts";
import { startInfoServer } from "../../test-support/hyperliquid-server/info-server.ts";
import type { InfoServer } from "../../test-support/hyperliquid-server/info-server.ts";
import { startWsServer } from "../../test-support/hyperliquid-server/ws-server.ts";
import type { HyperliquidWsServer } from "../../test-support/hyperliquid-server/ws-server.ts";

const T0 = Date.UTC(2025, 8, 3, 12, 55, 0);

async function waitFor(condition: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe("strategy-monitor record", () => {
  let info: InfoServer;
  let ws: HyperliquidWsServer;
  let dir: string;

  beforeEach(async () => {
    info = await startInfoServer({ now: T0, metaAndAssetCtxs: META_AND_ASSET_CTXS, spotMetaAndAssetCtxs: SPOT_META_AND_ASSET_CTXS });
    ws = await startWsServer();
    dir = mkdtempSync(join(tmpdir(), "sm-record-"));
  });
  afterEach(async () => {
    await ws.close();
    await info.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("records what the live source saw, and replaying the capture yields the same events", async () => {
    const config = loadConfig({
      env: {},
      cwd: dir,
      overrides: { network: "custom", restUrl: info.url, wsUrl: ws.url, coins: ["BTC"], candleIntervals: ["1m"], "record.dir": dir },
    });
    const live: MarketEvent[] = [];
    let stop!: () => void;
    const stopped = new Promise<void>((resolve) => (stop = resolve));
    const session = recordSession({ config, logger: createMemoryLogger(), stopped, onEvent: (e) => live.push(e) });

    // BTC: l2Book, trades, activeAssetCtx, candle 1m; its spot pair UBTC/USDC (@142): l2Book, activeAssetCtx.
    await waitFor(() => ws.subscriptions().length === 8, "eight subscriptions");
    expect(ws.subscriptions()).toEqual(
      expect.arrayContaining([
        { type: "l2Book", coin: "BTC" },
        { type: "trades", coin: "BTC" },
        { type: "activeAssetCtx", coin: "BTC" },
        { type: "candle", coin: "BTC", interval: "1m" },
        { type: "l2Book", coin: "@142" },
        { type: "activeAssetCtx", coin: "@142" },
      ]),
    );

    ws.send("l2Book", { coin: "BTC", time: T0, levels: [[{ px: "111039.0", sz: "1.5", n: 3 }], [{ px: "111040.0", sz: "0.25", n: 1 }]] });
    ws.send("l2Book", { coin: "@142", time: T0 + 1, levels: [[{ px: "111020.0", sz: "0.1", n: 1 }], [{ px: "111060.0", sz: "0.2", n: 2 }]] });
    ws.send("trades", [{ coin: "BTC", side: "A", px: "111038.0", sz: "0.14276", time: T0 + 2, hash: "0xab", tid: 33108932701991, users: ["0x1", "0x2"] }]);
    ws.send("candle", { t: T0, T: T0 + 59_999, s: "BTC", i: "1m", o: "111000.0", c: "111038.0", h: "111050.0", l: "110990.0", v: "12.5", n: 140 });
    ws.faults.sendMalformed();
    ws.send("activeAssetCtx", {
      coin: "BTC",
      ctx: { funding: "0.0000125", openInterest: "30000.5", oraclePx: "111030.0", markPx: "111035.0", midPx: "111039.5", premium: "0.0001", dayNtlVlm: "3000000000.0", impactPxs: ["111038.0", "111041.0"], prevDayPx: "110000.0" },
    });
    await waitFor(() => live.filter((e) => e.kind !== "status").length === 5, "five market events");
    stop();
    const summary = await session;
    expect(summary.stats.rejects).toBe(1);
    expect(summary.files).toHaveLength(1);

    const replayed: MarketEvent[] = [];
    for await (const batch of readCapture(summary.files[0]!)) replayed.push(...batch);
    const market = (events: MarketEvent[]) => events.filter((e) => e.kind !== "status");
    expect(market(replayed)).toEqual(market(live));
    expect(market(replayed).map((e) => `${e.kind}:${e.market.key}`)).toEqual([
      "book:hyperliquid:perp:BTC",
      "book:hyperliquid:spot:UBTC/USDC",
      "trade:hyperliquid:perp:BTC",
      "candle:hyperliquid:perp:BTC",
      "assetCtx:hyperliquid:perp:BTC",
    ]);
  });
});
