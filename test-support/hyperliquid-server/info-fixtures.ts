/**
 * Deterministic, hand-checkable fixture data for the local /info server: candles on the
 * interval grid and hourly funding rows, in Hyperliquid's own JSON shapes (numbers as decimal
 * strings, times as epoch ms). The same inputs always give the same rows, so a test can
 * compute what a file must contain.
 */

/** One `candleSnapshot` row exactly as Hyperliquid sends it. */
export interface FixtureCandleRow {
  readonly t: number;
  readonly T: number;
  readonly s: string;
  readonly i: string;
  readonly o: string;
  readonly c: string;
  readonly h: string;
  readonly l: string;
  readonly v: string;
  readonly n: number;
}

/** One `fundingHistory` row exactly as Hyperliquid sends it. */
export interface FixtureFundingRow {
  readonly coin: string;
  readonly fundingRate: string;
  readonly premium: string;
  readonly time: number;
}

/** A small stable hash of a string (FNV-1a, 32 bit). */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/**
 * The candle of `coin` opening at `openTime` (a multiple of `intervalMs`). Prices move in
 * whole tenths around a per-coin base so they stay exact decimal strings:
 * open = base + (k mod 50) / 10, close = open + 0.3 on even bars and − 0.2 on odd ones,
 * high = max + 0.5, low = min − 0.4, volume = 1 + (k mod 7), trades = 10 + (k mod 13),
 * where k is the bar number since the epoch.
 */
export function fixtureCandle(coin: string, interval: string, intervalMs: number, openTime: number): FixtureCandleRow {
  const k = Math.floor(openTime / intervalMs);
  const base = 100 + (hash(coin) % 900);
  const openTenths = base * 10 + (k % 50);
  const closeTenths = openTenths + (k % 2 === 0 ? 3 : -2);
  const tenths = (n: number): string => (n / 10).toFixed(1);
  return {
    t: openTime,
    T: openTime + intervalMs - 1,
    s: coin,
    i: interval,
    o: tenths(openTenths),
    c: tenths(closeTenths),
    h: tenths(Math.max(openTenths, closeTenths) + 5),
    l: tenths(Math.min(openTenths, closeTenths) - 4),
    v: `${1 + (k % 7)}.0`,
    n: 10 + (k % 13),
  };
}

/**
 * `count` hourly funding rows for `coin` from `firstHour` (a whole hour, ms). Like the venue,
 * each `time` carries a few ms of jitter after the hour (hour index mod 97 ms); the rate
 * cycles through small decimals and premium = rate − 0.0000125.
 */
export function hourlyFundingRows(coin: string, firstHour: number, count: number): FixtureFundingRow[] {
  const rows: FixtureFundingRow[] = [];
  for (let i = 0; i < count; i += 1) {
    const hour = firstHour + i * 3_600_000;
    const micro = 5 + ((hour / 3_600_000) % 11); // rate in units of 1e-6
    const rate = micro * 1e-6;
    rows.push({
      coin,
      fundingRate: rate.toFixed(7),
      premium: (rate - 0.0000125).toFixed(7),
      time: hour + ((hour / 3_600_000) % 97),
    });
  }
  return rows;
}

/**
 * A small `spotMetaAndAssetCtxs` answer in the venue's shape: UBTC/USDC is `@142` and
 * HYPE/USDC `@107` (their real mainnet indices), PURR/USDC keeps its name; no ETH pair.
 */
export const SPOT_META_AND_ASSET_CTXS: unknown = [
  {
    tokens: [
      { name: "USDC", szDecimals: 8, weiDecimals: 8, index: 0 },
      { name: "PURR", szDecimals: 0, weiDecimals: 5, index: 1 },
      { name: "HYPE", szDecimals: 2, weiDecimals: 8, index: 150 },
      { name: "UBTC", szDecimals: 5, weiDecimals: 10, index: 197 },
    ],
    universe: [
      { tokens: [1, 0], name: "PURR/USDC", index: 0, isCanonical: true },
      { tokens: [150, 0], name: "@107", index: 107, isCanonical: false },
      { tokens: [197, 0], name: "@142", index: 142, isCanonical: false },
    ],
  },
  [
    { coin: "PURR/USDC", markPx: "0.2", midPx: "0.2", prevDayPx: "0.19", dayNtlVlm: "1000.0", circulatingSupply: "1", totalSupply: "1", dayBaseVlm: "1" },
    { coin: "@107", markPx: "41.5", midPx: "41.51", prevDayPx: "40.0", dayNtlVlm: "5000000.0", circulatingSupply: "1", totalSupply: "1", dayBaseVlm: "1" },
    { coin: "@142", markPx: "117900.0", midPx: "117905.5", prevDayPx: "117000.0", dayNtlVlm: "20000000.0", circulatingSupply: "1", totalSupply: "1", dayBaseVlm: "1" },
  ],
];

/** A small `metaAndAssetCtxs` answer in the venue's shape: BTC and ETH. */
export const META_AND_ASSET_CTXS: unknown = [
  {
    universe: [
      { name: "BTC", szDecimals: 5, maxLeverage: 40 },
      { name: "ETH", szDecimals: 4, maxLeverage: 25 },
    ],
  },
  [
    {
      funding: "0.0000125",
      openInterest: "30000.5",
      prevDayPx: "117000.0",
      dayNtlVlm: "3000000000.0",
      premium: "0.0001",
      oraclePx: "118000.0",
      markPx: "118010.0",
      midPx: "118005.5",
      impactPxs: ["118004.0", "118007.0"],
    },
    {
      funding: "-0.00001",
      openInterest: "600000.0",
      prevDayPx: "3700.0",
      dayNtlVlm: "1000000000.0",
      premium: "-0.0002",
      oraclePx: "3750.0",
      markPx: "3749.5",
      midPx: "3749.45",
      impactPxs: ["3749.3", "3749.6"],
    },
  ],
];
