import { HOUR_MS } from "../core/index.ts";
import type { MarketEvent } from "../core/index.ts";
import { BTC, candle, flat, prng, STREAM_START_MS, UBTC } from "./test-events.ts";

/**
 * Test-only: a seeded stream of closed 1h bars for `perp("BTC")` and its spot pair over
 * `hours` hours, with correlated log returns (spot = 0.8 × perp + noise) and about 5 % of hours
 * missing per market, stamped at their close as history replay does. Used by the shared
 * contract test for metrics that need hours of hourly bars (correlation).
 */
export function hourlyPairStream(seed: number, hours = 120): MarketEvent[] {
  const rnd = prng(seed);
  const events: MarketEvent[] = [];
  let perpPx = 60_000;
  let spotPx = 60_000;
  for (let h = 0; h < hours; h += 1) {
    const common = (rnd() - 0.5) * 0.02;
    perpPx *= Math.exp(common);
    spotPx *= Math.exp(0.8 * common + (rnd() - 0.5) * 0.01);
    const open = STREAM_START_MS + h * HOUR_MS;
    if (rnd() > 0.05) events.push(candle(BTC, "1h", open, flat(perpPx, 1 + rnd())));
    if (rnd() > 0.05) events.push(candle(UBTC, "1h", open, flat(spotPx, 1 + rnd())));
  }
  return events;
}
