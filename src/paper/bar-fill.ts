import type { OrderSide } from "./types.ts";

/**
 * Candle-only fill price: a reference price (the next bar's open, or a stop/target level inside
 * a bar) moved against the order by half the assumed spread and by the assumed slippage:
 * buy ref × (1 + halfSpread + slippage), sell ref × (1 − halfSpread − slippage).
 * @param spread full bid–ask spread assumed, fraction of price.
 * @param slippage extra slippage per side, fraction of price.
 */
export function barFillPrice(refPx: number, side: OrderSide, spread: number, slippage: number): number {
  const away = spread / 2 + slippage;
  return side === "buy" ? refPx * (1 + away) : refPx * (1 - away);
}
