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

/**
 * A small venue for `strategy-monitor scan`, hand-checkable (prices chosen so that a 10,000 USD
 * leg is a round size): five perps — BTC and HYPE with spot pairs and books on both sides, ETH
 * without a spot pair, PURR whose spot pair has no book, OLD delisted — plus the venue's
 * `predictedFundings` for BTC and ETH. The scan tests write out the arithmetic.
 */
export const SCAN_META_AND_ASSET_CTXS: unknown = [
  {
    universe: [
      { name: "BTC", szDecimals: 5, maxLeverage: 40 },
      { name: "ETH", szDecimals: 4, maxLeverage: 25 },
      { name: "OLD", szDecimals: 0, maxLeverage: 3, isDelisted: true },
      { name: "HYPE", szDecimals: 2, maxLeverage: 10 },
      { name: "PURR", szDecimals: 0, maxLeverage: 3 },
    ],
  },
  [
    { funding: "0.0001", openInterest: "1000.0", prevDayPx: "99000.0", dayNtlVlm: "3000000000.0", premium: "0.0001", oraclePx: "100000.0", markPx: "100000.0", midPx: "100000.0", impactPxs: ["99995.0", "100005.0"] },
    { funding: "-0.00001", openInterest: "100000.0", prevDayPx: "2990.0", dayNtlVlm: "1000000000.0", premium: "-0.0002", oraclePx: "3000.0", markPx: "3000.0", midPx: "3000.0", impactPxs: ["2999.5", "3000.5"] },
    { funding: "0.0", openInterest: "0.0", prevDayPx: "0.5", dayNtlVlm: "0.0", premium: "0.0", oraclePx: "0.5", markPx: "0.5", midPx: null, impactPxs: null },
    { funding: "0.0005", openInterest: "500000.0", prevDayPx: "39.0", dayNtlVlm: "200000000.0", premium: "0.0004", oraclePx: "40.0", markPx: "40.0", midPx: "40.0", impactPxs: ["39.99", "40.01"] },
    { funding: "0.00002", openInterest: "20000000.0", prevDayPx: "0.2", dayNtlVlm: "5000000.0", premium: "0.00001", oraclePx: "0.2", markPx: "0.2", midPx: "0.2001", impactPxs: ["0.1999", "0.2003"] },
  ],
];

/** Spot for the scan venue: UBTC/USDC is `@142`, HYPE/USDC `@107`, PURR/USDC keeps its name; no ETH pair. */
export const SCAN_SPOT_META_AND_ASSET_CTXS: unknown = [
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
    { coin: "PURR/USDC", markPx: "0.2", midPx: "0.2002", prevDayPx: "0.19", dayNtlVlm: "1000.0", circulatingSupply: "1", totalSupply: "1", dayBaseVlm: "1" },
    { coin: "@107", markPx: "40.0", midPx: "40.0", prevDayPx: "39.0", dayNtlVlm: "5000000.0", circulatingSupply: "1", totalSupply: "1", dayBaseVlm: "1" },
    { coin: "@142", markPx: "99950.0", midPx: "99950.0", prevDayPx: "99000.0", dayNtlVlm: "20000000.0", circulatingSupply: "1", totalSupply: "1", dayBaseVlm: "1" },
  ],
];

/** An `l2Book` answer in the venue's shape: `[price, size]` pairs, best first. */
export function l2BookAnswer(coin: string, time: number, bids: readonly (readonly [string, string])[], asks: readonly (readonly [string, string])[]): unknown {
  const side = (levels: readonly (readonly [string, string])[]) => levels.map(([px, sz]) => ({ px, sz, n: 1 }));
  return { coin, time, levels: [side(bids), side(asks)] };
}

/** The scan venue's books at `time`: perps BTC, ETH, HYPE, PURR and spot `@142`, `@107` (none for PURR/USDC). */
export function scanL2Books(time: number): Record<string, unknown> {
  return {
    BTC: l2BookAnswer("BTC", time, [["99995.0", "0.05"], ["99990.0", "1.0"]], [["100005.0", "0.05"], ["100010.0", "1.0"]]),
    "@142": l2BookAnswer("@142", time, [["99940.0", "2.0"]], [["99960.0", "2.0"]]),
    HYPE: l2BookAnswer("HYPE", time, [["39.99", "1000.0"]], [["40.01", "1000.0"]]),
    "@107": l2BookAnswer("@107", time, [["39.95", "100.0"], ["39.9", "1000.0"]], [["40.05", "100.0"], ["40.1", "1000.0"]]),
    ETH: l2BookAnswer("ETH", time, [["2999.5", "10.0"]], [["3000.5", "10.0"]]),
    PURR: l2BookAnswer("PURR", time, [["0.2", "1000000.0"]], [["0.2002", "1000000.0"]]),
  };
}

/** `predictedFundings` for the scan venue: BTC on three venues (Bybit without an interval), ETH on two. */
export const SCAN_PREDICTED_FUNDINGS: unknown = [
  [
    "BTC",
    [
      ["BinPerp", { fundingRate: "0.0001", nextFundingTime: 1753545600000, fundingIntervalHours: 8 }],
      ["HlPerp", { fundingRate: "0.0001", nextFundingTime: 1753534800000, fundingIntervalHours: 1 }],
      ["BybitPerp", { fundingRate: "0.00004", nextFundingTime: 1753545600000 }],
    ],
  ],
  [
    "ETH",
    [
      ["BinPerp", { fundingRate: "0.0001", nextFundingTime: 1753545600000, fundingIntervalHours: 8 }],
      ["HlPerp", { fundingRate: "-0.00001", nextFundingTime: 1753534800000, fundingIntervalHours: 1 }],
      ["BybitPerp", null],
    ],
  ],
];
