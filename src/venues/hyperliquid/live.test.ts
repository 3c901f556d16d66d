import { describe, expect, it } from "vitest";
import { ConfigError } from "../../core/index.ts";
import { HyperliquidLiveSource, reconnectDelayMs, validateLiveOptions } from "./live.ts";
import type { LiveSourceOptions } from "./live.ts";
import { HyperliquidParser } from "./parse.ts";
import { SpotResolver } from "./spot.ts";

const OPTIONS: LiveSourceOptions = {
  // Port 9 (discard) on loopback: nothing in these tests may get as far as connecting.
  wsUrl: "ws://127.0.0.1:9/ws",
  pingIntervalMs: 30_000,
  pongTimeoutMs: 10_000,
  silenceTimeoutMs: 60_000,
  reconnectBaseMs: 500,
  reconnectMaxMs: 30_000,
};

function configErrorOf(fn: () => void): ConfigError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

describe("reconnectDelayMs", () => {
  it("doubles from the base per failed attempt and stops at the maximum", () => {
    // 500 × 2^n: 500, 1000, 2000, 4000, ... 16000, then capped at 30000
    expect([0, 1, 2, 3, 5, 6, 60].map((n) => reconnectDelayMs(n, 500, 30_000))).toEqual([500, 1_000, 2_000, 4_000, 16_000, 30_000, 30_000]);
  });

  it("stays at the maximum however many attempts failed (no overflow to Infinity or NaN)", () => {
    expect(reconnectDelayMs(5_000, 500, 30_000)).toBe(30_000);
  });
});

describe("validateLiveOptions", () => {
  it("accepts the venue's advised timings", () => {
    expect(() => validateLiveOptions(OPTIONS)).not.toThrow();
  });

  it("refuses a silence timeout not above the ping interval, since pongs are what keep a quiet socket alive", () => {
    const error = configErrorOf(() => validateLiveOptions({ ...OPTIONS, silenceTimeoutMs: 30_000 }));
    expect(error.key).toBe("live.silenceTimeoutMs");
    expect(error.message).toBe(
      "config live.silenceTimeoutMs = 30000 is invalid: more than live.pingIntervalMs (30000), or a server that only answers pings would be declared dead",
    );
  });

  it("refuses a non-positive or non-finite interval, naming it", () => {
    expect(configErrorOf(() => validateLiveOptions({ ...OPTIONS, pongTimeoutMs: 0 })).key).toBe("live.pongTimeoutMs");
    expect(configErrorOf(() => validateLiveOptions({ ...OPTIONS, pingIntervalMs: Number.NaN })).key).toBe("live.pingIntervalMs");
  });

  it("refuses a maximum reconnect delay below the base", () => {
    expect(configErrorOf(() => validateLiveOptions({ ...OPTIONS, reconnectMaxMs: 100 })).key).toBe("live.reconnectMaxMs");
  });

  it("refuses a URL that is not ws:// or wss://", () => {
    expect(configErrorOf(() => validateLiveOptions({ ...OPTIONS, wsUrl: "https://api.hyperliquid.xyz/ws" })).key).toBe("live.wsUrl");
  });
});

describe("HyperliquidLiveSource.start", () => {
  it("refuses a plan over the 1000-subscription limit before connecting, naming the count", async () => {
    const source = new HyperliquidLiveSource(OPTIONS, new HyperliquidParser({ spot: SpotResolver.empty() }), { onEvent: () => {} });
    // 200 perps × (4 + 1 interval) = 1000; 201 perps = 1005
    const perps = Array.from({ length: 201 }, (_, i) => `C${i}`);
    const failure = source.start({ perps, spotPairs: [], candleIntervals: ["1m"] });
    await expect(failure).rejects.toBeInstanceOf(ConfigError);
    await expect(failure).rejects.toThrow("config live.subscriptions = 1005 is invalid: plan needs 1005 subscriptions; Hyperliquid allows at most 1000");
    expect(source.stats.reconnects).toBe(0);
    await source.stop();
  });
});
