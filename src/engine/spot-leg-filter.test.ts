import { describe, expect, it } from "vitest";
import { perp, spot } from "../core/index.ts";
import type { CandleEvent, CandleInterval, Market } from "../core/index.ts";
import { CANDLE_INTERVAL_MS } from "../core/index.ts";
import { DEFAULT_SPOT_LEG_FILTER, spotLegRejection } from "./spot-leg-filter.ts";

const UBTC = spot("UBTC/USDC", "BTC");
const TRUSTED = Date.UTC(2025, 1, 14, 15);

function bar(m: Market, interval: CandleInterval, openTime: number, close: number, volume: number): CandleEvent {
  const closeTime = openTime + CANDLE_INTERVAL_MS[interval] - 1;
  return { kind: "candle", market: m, interval, openTime, closeTime, tsEvent: closeTime, tsInit: closeTime, open: close, high: close, low: close, close, volume, trades: undefined, closed: true };
}

describe("spotLegRejection", () => {
  it("drops UBTC/USDC bars opening before 2025-02-14 15:00 UTC and keeps the one opening then", () => {
    expect(spotLegRejection(bar(UBTC, "1h", TRUSTED - 3_600_000, 97_000, 10), DEFAULT_SPOT_LEG_FILTER)).toBe("before-trusted-date");
    expect(spotLegRejection(bar(UBTC, "1h", TRUSTED, 97_000, 10), DEFAULT_SPOT_LEG_FILTER)).toBeUndefined();
  });

  it("drops a bar below 10 000 USD of notional per hour, scaled to its length (1 m: 166.67 USD)", () => {
    // 1 h: 0.1 BTC × 97 000 = 9 700 USD < 10 000.
    expect(spotLegRejection(bar(UBTC, "1h", TRUSTED, 97_000, 0.1), DEFAULT_SPOT_LEG_FILTER)).toBe("thin-volume");
    // 1 m: 0.002 × 97 000 = 194 USD ≥ 166.67; 0.0017 × 97 000 = 164.9 < 166.67.
    expect(spotLegRejection(bar(UBTC, "1m", TRUSTED, 97_000, 0.002), DEFAULT_SPOT_LEG_FILTER)).toBeUndefined();
    expect(spotLegRejection(bar(UBTC, "1m", TRUSTED, 97_000, 0.0017), DEFAULT_SPOT_LEG_FILTER)).toBe("thin-volume");
  });

  it("drops a flat zero-volume bar", () => {
    expect(spotLegRejection(bar(spot("HYPE/USDC", "HYPE"), "1h", TRUSTED, 20, 0), DEFAULT_SPOT_LEG_FILTER)).toBe("thin-volume");
  });

  it("passes perps whatever their volume", () => {
    expect(spotLegRejection(bar(perp("BTC"), "1h", 0, 97_000, 0), DEFAULT_SPOT_LEG_FILTER)).toBeUndefined();
  });
});
