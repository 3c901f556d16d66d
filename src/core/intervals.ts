/** Candle intervals Hyperliquid serves, with their length in ms. */
export const CANDLE_INTERVAL_MS = {
  "1m": 60_000,
  "3m": 180_000,
  "5m": 300_000,
  "15m": 900_000,
  "30m": 1_800_000,
  "1h": 3_600_000,
  "2h": 7_200_000,
  "4h": 14_400_000,
  "8h": 28_800_000,
  "12h": 43_200_000,
  "1d": 86_400_000,
  "3d": 259_200_000,
  "1w": 604_800_000,
  // A calendar month has no fixed length; 30 days is used only for sizing requests.
  "1M": 2_592_000_000,
} as const;

export type CandleInterval = keyof typeof CANDLE_INTERVAL_MS;

export const CANDLE_INTERVALS = Object.keys(CANDLE_INTERVAL_MS) as readonly CandleInterval[];

export function isCandleInterval(value: string): value is CandleInterval {
  return Object.hasOwn(CANDLE_INTERVAL_MS, value);
}

/** Length of an interval in ms. */
export function intervalMs(interval: CandleInterval): number {
  return CANDLE_INTERVAL_MS[interval];
}

export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;
