import type { CandleInterval } from "../../core/index.ts";
import type { SpotPair } from "./spot.ts";

/**
 * What the live source subscribes to: perps by coin, spot pairs (resolved from `spotMeta`)
 * and candle intervals for the perps.
 */
export interface LiveSubscriptionPlan {
  /** Perp coins, e.g. `["BTC", "ETH"]`. */
  readonly perps: readonly string[];
  /** Spot pairs, subscribed by their wire name (`@107`). */
  readonly spotPairs: readonly SpotPair[];
  /** Candle intervals subscribed for every perp. */
  readonly candleIntervals: readonly CandleInterval[];
  /** Subscribe `bbo` (the top of book, for marks and stop triggers) beside each `l2Book`. Default true. */
  readonly topOfBook?: boolean;
}

/** One Hyperliquid WebSocket subscription, exactly as sent in `{"method":"subscribe","subscription":…}`. */
export type WsSubscription =
  | { readonly type: "l2Book" | "bbo" | "trades" | "activeAssetCtx"; readonly coin: string }
  | { readonly type: "candle"; readonly coin: string; readonly interval: CandleInterval };

/** Hyperliquid allows at most this many subscriptions per IP (one per channel and coin). */
export const MAX_WS_SUBSCRIPTIONS = 1000;

export type SubscriptionListResult =
  | { readonly ok: true; readonly subscriptions: readonly WsSubscription[] }
  | { readonly ok: false; readonly count: number; readonly reason: string };

/**
 * Builds the subscription list for a plan: per perp coin `l2Book`, `bbo` (unless
 * `topOfBook: false`), `trades`, `activeAssetCtx` and one `candle` per interval; per spot pair (by
 * wire name) `l2Book`, `bbo` and `activeAssetCtx`. Duplicates (a coin listed twice) are subscribed once, because the venue
 * refuses a second identical subscription.
 *
 * Over the venue's limit the result is an error value naming the count: dropping some
 * subscriptions silently would leave markets looking quiet instead of missing.
 */
export function buildSubscriptions(plan: LiveSubscriptionPlan): SubscriptionListResult {
  const byKey = new Map<string, WsSubscription>();
  const add = (subscription: WsSubscription): void => {
    const key = subscriptionKey(subscription);
    if (!byKey.has(key)) {
      byKey.set(key, subscription);
    }
  };
  const top = plan.topOfBook ?? true;
  for (const coin of plan.perps) {
    add({ type: "l2Book", coin });
    if (top) add({ type: "bbo", coin });
    add({ type: "trades", coin });
    add({ type: "activeAssetCtx", coin });
    for (const interval of plan.candleIntervals) {
      add({ type: "candle", coin, interval });
    }
  }
  for (const pair of plan.spotPairs) {
    add({ type: "l2Book", coin: pair.wireName });
    if (top) add({ type: "bbo", coin: pair.wireName });
    add({ type: "activeAssetCtx", coin: pair.wireName });
  }
  const subscriptions = [...byKey.values()];
  if (subscriptions.length > MAX_WS_SUBSCRIPTIONS) {
    return {
      ok: false,
      count: subscriptions.length,
      reason: `plan needs ${subscriptions.length} subscriptions; Hyperliquid allows at most ${MAX_WS_SUBSCRIPTIONS}`,
    };
  }
  return { ok: true, subscriptions };
}

/**
 * Identity of a subscription (`l2Book:BTC`, `candle:BTC:1m`). The venue's acknowledgement may
 * add fields (`nSigFigs: null`), so acknowledgements are matched on this key, not on the text.
 */
export function subscriptionKey(subscription: WsSubscription): string {
  return subscription.type === "candle"
    ? `candle:${subscription.coin}:${subscription.interval}`
    : `${subscription.type}:${subscription.coin}`;
}

/**
 * The key of an echoed subscription (the `subscription` object in a `subscriptionResponse`),
 * or `undefined` when it does not look like one of ours.
 */
export function echoedSubscriptionKey(echo: unknown): string | undefined {
  if (typeof echo !== "object" || echo === null) {
    return undefined;
  }
  const { type, coin, interval } = echo as { type?: unknown; coin?: unknown; interval?: unknown };
  if (typeof type !== "string" || typeof coin !== "string") {
    return undefined;
  }
  if (type === "candle") {
    return typeof interval === "string" ? `candle:${coin}:${interval}` : undefined;
  }
  return `${type}:${coin}`;
}

/** The text frame that subscribes (or unsubscribes) one subscription. */
export function subscriptionMessage(subscription: WsSubscription, method: "subscribe" | "unsubscribe" = "subscribe"): string {
  return JSON.stringify({ method, subscription });
}
