/**
 * The edge's settings as the live commands configure them and as a capture header keeps them, so
 * that a replay of the capture applies exactly the rules the live session applied (live = replay):
 * the price band and its confirmation, the largest frame read, and the markets subscribed.
 */
import type { HyperliquidParserOptions } from "./parse.ts";

/** The `live.*` settings of the edge (config keys of the same names). */
export interface EdgeSettings {
  readonly priceBandFraction: number;
  readonly priceConfirmFrames: number;
  readonly priceConfirmMs: number;
  readonly maxFrameChars: number;
}

type EdgeParserOptions = Pick<HyperliquidParserOptions, "priceBand" | "maxFrameChars" | "subscribed">;

/** Parser options of the edge settings and the subscribed markets (perp coins, spot pair names). */
export function edgeParserOptions(settings: EdgeSettings, subscribed: { readonly perps: readonly string[]; readonly spotPairs: readonly string[] }): EdgeParserOptions {
  return {
    priceBand: { bandFraction: settings.priceBandFraction, confirmFrames: settings.priceConfirmFrames, confirmMs: settings.priceConfirmMs },
    maxFrameChars: settings.maxFrameChars,
    subscribed: { perps: [...subscribed.perps], spotPairs: [...subscribed.spotPairs] },
  };
}

/** The capture-header fields of the edge settings (the subscribed markets are the header's `coins` and `spotPairs`). */
export function edgeHeader(settings: EdgeSettings): EdgeSettings {
  return { priceBandFraction: settings.priceBandFraction, priceConfirmFrames: settings.priceConfirmFrames, priceConfirmMs: settings.priceConfirmMs, maxFrameChars: settings.maxFrameChars };
}

const positive = (x: unknown): x is number => typeof x === "number" && Number.isFinite(x) && x > 0;
const nonNegative = (x: unknown): x is number => typeof x === "number" && Number.isFinite(x) && x >= 0;
const strings = (x: unknown): x is string[] => Array.isArray(x) && x.every((s) => typeof s === "string");

/**
 * Parser options from a capture header: each setting the header holds (a capture written before
 * a setting existed gets the parser's default), and the subscription when the header lists its
 * `coins` (the recorder's `spotPairs` by pair name; none when absent).
 */
export function edgeParserOptionsOfHeader(header: Readonly<Record<string, unknown>>): EdgeParserOptions {
  const band = header["priceBandFraction"];
  const frames = header["priceConfirmFrames"];
  const ms = header["priceConfirmMs"];
  const maxChars = header["maxFrameChars"];
  const coins = header["coins"];
  const pairs = header["spotPairs"];
  return {
    priceBand: {
      ...(positive(band) ? { bandFraction: band } : {}),
      ...(positive(frames) ? { confirmFrames: frames } : {}),
      ...(nonNegative(ms) ? { confirmMs: ms } : {}),
    },
    ...(positive(maxChars) ? { maxFrameChars: maxChars } : {}),
    ...(strings(coins) ? { subscribed: { perps: coins, spotPairs: strings(pairs) ? pairs : [] } } : {}),
  };
}
