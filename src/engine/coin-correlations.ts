import type { Market, MarketEvent } from "../core/index.ts";
import { RollingCorrelation } from "../metrics/index.ts";

/**
 * Measured correlations of hourly returns between the Hyperliquid perps seen so far, by coin
 * (base asset), for the risk layer's correlation-weighted exposure. A pair is tracked from the
 * moment both perps are known ({@link RollingCorrelation}: 30 days, at least 48 hourly pairs);
 * until then it is `undefined` and the risk layer counts it as fully correlated. Each candle goes
 * only to the pairs of its market. Memory: N(N − 1)/2 correlations of ≤ 720 pairs.
 */
export class CoinCorrelations {
  private readonly perps: Market[] = [];
  private readonly byPair = new Map<string, RollingCorrelation>();
  private readonly byMarket = new Map<string, RollingCorrelation[]>();

  /** Starts tracking `perp` against every perp already known. */
  add(perp: Market): void {
    if (this.perps.some((p) => p.key === perp.key)) return;
    this.byMarket.set(perp.key, []);
    for (const other of this.perps) {
      const cell = new RollingCorrelation({ market: other, other: perp });
      this.byPair.set(pairKey(other.base, perp.base), cell);
      this.byMarket.get(other.key)?.push(cell);
      this.byMarket.get(perp.key)?.push(cell);
    }
    this.perps.push(perp);
  }

  update(event: MarketEvent): void {
    if (event.kind !== "candle") return;
    const cells = this.byMarket.get(event.market.key);
    if (cells === undefined) return;
    for (const cell of cells) cell.update(event);
  }

  /** Correlation of two coins at `nowMs`: 1 for a coin with itself, `undefined` until measured. */
  correlation(coinA: string, coinB: string, nowMs: number): number | undefined {
    if (coinA === coinB) return 1;
    return this.byPair.get(pairKey(coinA, coinB))?.value(nowMs);
  }
}

function pairKey(a: string, b: string): string {
  return a < b ? `${a}|${b}` : `${b}|${a}`;
}
