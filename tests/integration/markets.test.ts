import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { coinSelection, resolveMarkets } from "../../src/cli/markets.ts";
import { createMemoryLogger, loadConfig } from "../../src/config/index.ts";
import { ConfigError } from "../../src/core/index.ts";
import { HyperliquidRest } from "../../src/venues/hyperliquid/rest.ts";
import { SCAN_META_AND_ASSET_CTXS, SCAN_SPOT_META_AND_ASSET_CTXS } from "../../test-support/hyperliquid-server/info-fixtures.ts";
import { startInfoServer } from "../../test-support/hyperliquid-server/info-server.ts";
import type { InfoServer } from "../../test-support/hyperliquid-server/info-server.ts";

/*
 * The venue of the fixture: perps BTC (3 G USD a day), ETH (1 G), OLD (delisted), HYPE (200 M),
 * PURR (5 M); spot pairs for BTC (@142 UBTC), HYPE (@107) and PURR (PURR/USDC), none for ETH.
 * With candle intervals 1m and 1h a perp takes 6 subscriptions (book, top of book, trades,
 * context, 2 candles), its spot pair 3 more (book, top of book, context).
 */
let info: InfoServer;
beforeAll(async () => {
  info = await startInfoServer({ now: Date.UTC(2025, 8, 1), metaAndAssetCtxs: SCAN_META_AND_ASSET_CTXS, spotMetaAndAssetCtxs: SCAN_SPOT_META_AND_ASSET_CTXS });
});
afterAll(async () => {
  await info.close();
});

async function resolve(coins: string[], overrides: Record<string, unknown> = {}) {
  const config = loadConfig({ env: {}, cwd: "/", overrides: { network: "custom", restUrl: info.url, wsUrl: "ws://127.0.0.1:1/ws", coins, candleIntervals: ["1m", "1h"], "rest.maxRetries": 0, ...overrides } });
  const rest = new HyperliquidRest({ restUrl: config.restUrl, ...config.rest });
  const logger = createMemoryLogger();
  const markets = await resolveMarkets(config, rest, logger);
  return { markets, logger };
}

describe("the markets a live session watches", () => {
  it("reads all and topN as venue-wide selections, anything else as a list", () => {
    expect(coinSelection(["all"])).toEqual({ kind: "all" });
    expect(coinSelection(["top20"])).toEqual({ kind: "top", n: 20 });
    expect(coinSelection(["BTC", "all"])).toEqual({ kind: "list", coins: ["BTC", "all"] });
    expect(coinSelection(["top0"])).toEqual({ kind: "list", coins: ["top0"] });
  });

  it("all: every listed perp, the most traded first, the delisted one skipped with a note, each with its spot pair", async () => {
    const { markets, logger } = await resolve(["all"]);
    expect(markets.coins).toEqual(["BTC", "ETH", "HYPE", "PURR"]);
    expect(markets.spotPairs.map((p) => p.pairName)).toEqual(["UBTC/USDC", "HYPE/USDC", "PURR/USDC"]);
    expect(logger.entries.find((e) => e.msg === "delisted perps skipped")?.fields).toMatchObject({ skipped: ["OLD"], count: 1 });
  });

  it("topN: the N most traded", async () => {
    const { markets } = await resolve(["top2"]);
    expect(markets.coins).toEqual(["BTC", "ETH"]);
    expect(markets.spotPairs.map((p) => p.pairName)).toEqual(["UBTC/USDC"]);
  });

  it("cuts a venue-wide selection to the subscription limit, least traded out: 20 fit BTC + spot (9) and ETH (6), not HYPE + spot (9)", async () => {
    const { markets, logger } = await resolve(["all"], { "live.maxSubscriptions": 20 });
    expect(markets.coins).toEqual(["BTC", "ETH"]);
    expect(markets.spotPairs.map((p) => p.pairName)).toEqual(["UBTC/USDC"]);
    expect(logger.entries.find((e) => e.msg?.startsWith("venue-wide selection cut"))?.fields).toMatchObject({ left: 2, first: ["HYPE", "PURR"], limit: 20, used: 15 });
  });

  it("refuses a named list that does not fit the limit, naming the numbers", async () => {
    await expect(resolve(["BTC", "ETH", "HYPE"], { "live.maxSubscriptions": 20 })).rejects.toThrow(ConfigError);
    await expect(resolve(["BTC", "ETH", "HYPE"], { "live.maxSubscriptions": 20 })).rejects.toThrow(/fit live\.maxSubscriptions = 20 \(6 per perp \+ 3 per spot pair; 1 do not fit\)/);
  });
});
