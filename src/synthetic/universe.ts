/**
 * The synthetic venue's default universe and its planted effects. Prices, volatilities and sizes
 * are round figures of the right order for each coin, not measurements.
 */
import type { PerpSpec } from "./model.ts";
import type { PlantedEffect } from "./effects.ts";
import { HOUR_MS, MINUTE_MS } from "./model.ts";

const perp = (coin: string, px: number, volPerHour: number, szDecimals: number, tradesPerSecond: number, meanTradeUsd: number, openInterest: number, spot?: PerpSpec["spot"]): PerpSpec => ({
  coin,
  px,
  volPerHour,
  szDecimals,
  tradesPerSecond,
  meanTradeUsd,
  fundingPerHour: 1.25e-5,
  openInterest,
  spreadFraction: 0.0001,
  depthUsd: 50 * meanTradeUsd,
  ...(spot === undefined ? {} : { spot }),
});

/**
 * Twelve perps, four with spot pairs (`@1` UBTC/USDC, `@2` UETH/USDC, `@3` USOL/USDC, `@4`
 * HYPE/USDC — the U-tokens resolve to their coins as on the real venue).
 */
export const DEFAULT_PERPS: readonly PerpSpec[] = [
  perp("BTC", 100_000, 0.005, 5, 1.5, 20_000, 30_000, { token: "UBTC", pairIndex: 1, tokenIndex: 197, szDecimals: 5 }),
  perp("ETH", 4_000, 0.007, 4, 1.2, 10_000, 600_000, { token: "UETH", pairIndex: 2, tokenIndex: 221, szDecimals: 4 }),
  perp("SOL", 200, 0.009, 2, 1, 5_000, 3_000_000, { token: "USOL", pairIndex: 3, tokenIndex: 254, szDecimals: 2 }),
  perp("HYPE", 40, 0.012, 2, 0.8, 3_000, 20_000_000, { token: "HYPE", pairIndex: 4, tokenIndex: 150, szDecimals: 2 }),
  perp("DOGE", 0.2, 0.01, 0, 0.8, 2_000, 1_000_000_000),
  perp("AVAX", 30, 0.01, 2, 0.5, 2_000, 5_000_000),
  perp("LINK", 20, 0.01, 1, 0.5, 2_000, 8_000_000),
  perp("ARB", 0.8, 0.012, 1, 0.4, 1_000, 100_000_000),
  perp("SUI", 3.5, 0.012, 1, 0.5, 1_500, 50_000_000),
  perp("XRP", 2.5, 0.008, 0, 0.6, 2_000, 200_000_000),
  perp("LTC", 90, 0.008, 2, 0.3, 1_500, 500_000),
  perp("APT", 8, 0.012, 2, 0.3, 1_000, 10_000_000),
];

/**
 * The planted effects for a session whose live part starts at `liveStartMs`, placed from the
 * first whole hour after it (`h0`):
 * - `funding-acceleration:SOL` — the ramp starts at h0 − 2 h, so the settlement at h0 carries the
 *   acceleration (1.875e-6 /h²) and the drift follows;
 * - `toxic-flow:DOGE` — 20 bars of toxic buying from liveStart + 10 min;
 * - `basis-dislocation:ETH` — UETH/USDC 0.8 % under the perp at liveStart + 20 min, converging over 2 h.
 * Within the first 3 simulated hours of the live part, all three have happened.
 */
export function defaultEffects(liveStartMs: number): PlantedEffect[] {
  const h0 = Math.ceil((liveStartMs + 1) / HOUR_MS) * HOUR_MS;
  const minute = Math.ceil(liveStartMs / MINUTE_MS) * MINUTE_MS;
  return [
    { kind: "fundingAcceleration", id: "funding-acceleration:SOL", strategy: "funding-velocity", coin: "SOL", startMs: h0 - 2 * HOUR_MS, baseRatePerHour: 1.25e-5, rampPerHour2: 1e-5, driftPerHour: 0.006 },
    { kind: "toxicFlow", id: "toxic-flow:DOGE", strategy: "flow-toxicity", coin: "DOGE", startMs: minute + 10 * MINUTE_MS, bars: 20, movePerMinute: 0.0015 },
    { kind: "basisDislocation", id: "basis-dislocation:ETH", strategy: "basis-arbitrage", coin: "ETH", startMs: minute + 20 * MINUTE_MS, dislocation: 0.008, convergeMs: 2 * HOUR_MS },
  ];
}

/**
 * Effects repeated every `everyMs` over `[fromMs, toMs)` (the soak's many days): each round plants
 * the three default effects again from its own start.
 */
export function repeatedEffects(fromMs: number, toMs: number, everyMs: number = 12 * HOUR_MS): PlantedEffect[] {
  const effects: PlantedEffect[] = [];
  for (let t = fromMs, round = 0; t < toMs - 3 * HOUR_MS; t += everyMs, round += 1) {
    for (const e of defaultEffects(t)) effects.push({ ...e, id: `${e.id}#${round}` });
  }
  return effects;
}
