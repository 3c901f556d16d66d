import { describe, expect, it } from "vitest";
import { SECTIONS, SETTINGS, envNameOf, nearest } from "./keys.ts";

describe("settings derived from the schema", () => {
  it("list every leaf key in schema order", () => {
    expect(SETTINGS.map((s) => s.key)).toEqual([
      "network",
      "restUrl",
      "wsUrl",
      "coins",
      "spot.enabled",
      "spot.baseAliases",
      "candleIntervals",
      "live.pingIntervalMs",
      "live.pongTimeoutMs",
      "live.silenceTimeoutMs",
      "live.reconnectBaseMs",
      "live.reconnectMaxMs",
      "live.maxSubscriptions",
      "live.barCloseGraceMs",
      "live.warmUpBars",
      "live.warmUpFundingHours",
      "live.maxVenueTimeAheadMs",
      "live.clockOffsetWarnMs",
      "live.priceBandFraction",
      "live.priceConfirmFrames",
      "live.priceConfirmMs",
      "live.maxFrameChars",
      "live.bookSilenceMs",
      "live.topOfBookSilenceMs",
      "live.tradesSilenceMs",
      "live.assetCtxSilenceMs",
      "live.candleSilenceMs",
      "live.dataStallMs",
      "live.subscribeAckTimeoutMs",
      "rest.timeoutMs",
      "rest.maxRetries",
      "rest.baseBackoffMs",
      "rest.maxBackoffMs",
      "rest.weightPerMinute",
      "record.dir",
      "record.rotateBytes",
      "record.flushIntervalMs",
      "log.level",
      "log.format",
      "server.host",
      "server.port",
      "data.sharedDir",
      "journal.trialRegistry",
      "strategies",
      "risk",
      "broker",
      "analytics",
      "paperTradeWhenKilled",
      "scan.coins",
      "scan.minDayVolumeUsd",
      "scan.minOpenInterestUsd",
      "scan.sizeUsd",
      "scan.holdHours",
      "scan.otherVenueTakerFee",
      "scan.extremeFundingApr",
      "scan.extremeBasisBps",
      "scan.extremeAccelerationPerHour",
      "scan.rows",
      "scan.watchIntervalMs",
      "alerts.enabled",
      "alerts.signalTaken",
      "alerts.positionClosed",
      "alerts.lifecycleChange",
      "alerts.dailyLossHalt",
      "alerts.staleAfterMs",
      "alerts.lifecyclePollMs",
      "alerts.destinations",
    ]);
  });

  it("know each leaf's kind for parsing env text", () => {
    const kind = new Map(SETTINGS.map((s) => [s.key, s.kind]));
    expect(kind.get("coins")).toBe("list");
    expect(kind.get("spot.baseAliases")).toBe("map");
    expect(kind.get("spot.enabled")).toBe("boolean");
    expect(kind.get("live.pingIntervalMs")).toBe("number");
    expect(kind.get("log.level")).toBe("string");
    expect(kind.get("restUrl")).toBe("string");
    expect(kind.get("strategies")).toBe("object");
    expect(kind.get("risk")).toBe("object");
    expect(kind.get("analytics")).toBe("object");
    expect(kind.get("paperTradeWhenKilled")).toBe("list");
  });

  it("know the sections", () => {
    expect([...SECTIONS]).toEqual(["spot", "live", "rest", "record", "log", "server", "data", "journal", "scan", "alerts"]);
  });
});

describe("envNameOf", () => {
  it("joins path segments with __ in UPPER_SNAKE_CASE after SM_", () => {
    expect(envNameOf("live.pingIntervalMs")).toBe("SM_LIVE__PING_INTERVAL_MS");
    expect(envNameOf("coins")).toBe("SM_COINS");
    expect(envNameOf("restUrl")).toBe("SM_REST_URL");
    expect(envNameOf("spot.baseAliases")).toBe("SM_SPOT__BASE_ALIASES");
  });

  it("gives every setting a distinct variable", () => {
    expect(new Set(SETTINGS.map((s) => s.envName)).size).toBe(SETTINGS.length);
  });
});

describe("nearest", () => {
  it("finds the intended key for a typo, closest first", () => {
    expect(nearest("live.pingIntervall", ["live.pingIntervalMs", "live.pongTimeoutMs", "rest.timeoutMs"])).toEqual(["live.pingIntervalMs"]);
    expect(nearest("rest.timeoutMS", ["rest.timeoutMs", "live.pongTimeoutMs"])).toEqual(["rest.timeoutMs"]);
  });

  it("suggests nothing when nothing is close", () => {
    expect(nearest("strategies", ["coins", "network"])).toEqual([]);
  });
});
