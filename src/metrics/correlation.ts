import { DAY_MS, HOUR_MS } from "../core/index.ts";
import type { CandleInterval, Market, MarketEvent, MarketEventKind } from "../core/index.ts";
import type { StreamingMetric } from "./contract.ts";

/** Options of {@link RollingCorrelation}. */
export interface RollingCorrelationOptions {
  /** First market. */
  market: Market;
  /** Second market. */
  other: Market;
  /** Closed bars of this interval give the hourly closes (the bar ending on each UTC hour). Default "1h". */
  interval?: CandleInterval;
  /** Pairs of returns whose hour lies within this of the newest pair are used, ms. Default 30 days (720 hourly returns). */
  windowMs?: number;
  /** Pairs needed before a correlation is given. Default 48 (two days). */
  minPairs?: number;
  /** Undefined once the newest pair's hour is older than this, ms. Default 7_200_000 (2 h: one missed bar). */
  staleAfterMs?: number;
}

/** Pearson correlation of two equal-length samples (two-pass); undefined when either variance is 0. */
export function pearson(xs: readonly number[], ys: readonly number[]): number | undefined {
  const n = Math.min(xs.length, ys.length);
  if (n < 2) return undefined;
  let sx = 0;
  let sy = 0;
  for (let i = 0; i < n; i += 1) {
    sx += xs[i] ?? 0;
    sy += ys[i] ?? 0;
  }
  const mx = sx / n;
  const my = sy / n;
  let sxx = 0;
  let syy = 0;
  let sxy = 0;
  for (let i = 0; i < n; i += 1) {
    const dx = (xs[i] ?? 0) - mx;
    const dy = (ys[i] ?? 0) - my;
    sxx += dx * dx;
    syy += dy * dy;
    sxy += dx * dy;
  }
  if (!(sxx > 0) || !(syy > 0)) return undefined;
  const r = sxy / Math.sqrt(sxx * syy);
  // Rounding can push |r| a hair past 1.
  return Number.isFinite(r) ? Math.max(-1, Math.min(1, r)) : undefined;
}

/** One market's hourly closes and the log returns between adjacent hours not yet paired. */
class HourlyReturns {
  private lastHour: { boundary: number; close: number } | undefined;
  /** Unpaired returns by hour boundary (ms), oldest first. */
  readonly pending = new Map<number, number>();

  /** Feeds an hourly close; returns the log return ending at `boundary` when the previous hour is known. */
  add(boundary: number, close: number): number | undefined {
    const last = this.lastHour;
    if (last !== undefined && boundary <= last.boundary) return undefined;
    this.lastHour = { boundary, close };
    if (last === undefined || last.boundary !== boundary - HOUR_MS || !(last.close > 0) || !(close > 0)) return undefined;
    const r = Math.log(close / last.close);
    return Number.isFinite(r) ? r : undefined;
  }
}

/**
 * Rolling Pearson correlation of hourly log returns between two markets, aligned by UTC hour:
 * a return for hour H is ln(close_H / close_{H−1h}) from the bars ending on those hours; an hour
 * missing for either market drops that pair. Over the last 30 days (≤ 720 pairs); undefined
 * below 48 pairs or when either variance is 0. Memory: ≤ 720 pairs plus the returns of the
 * market that runs ahead, waiting for the other (dropped once the other has passed their hour).
 */
export class RollingCorrelation implements StreamingMetric<number> {
  readonly name = "hourlyReturnCorrelation";
  readonly unit = "Pearson correlation in [-1, 1] of hourly log returns";
  readonly needs: readonly MarketEventKind[] = ["candle"];
  readonly warmUp: string;
  readonly market: Market;
  readonly other: Market;
  readonly interval: CandleInterval;
  readonly windowMs: number;
  readonly minPairs: number;
  readonly staleAfterMs: number;
  private readonly a = new HourlyReturns();
  private readonly b = new HourlyReturns();
  /** Paired returns, oldest first. */
  private readonly pairs: { boundary: number; x: number; y: number }[] = [];
  private current: number | undefined;

  constructor(options: RollingCorrelationOptions) {
    this.market = options.market;
    this.other = options.other;
    this.interval = options.interval ?? "1h";
    this.windowMs = options.windowMs ?? 30 * DAY_MS;
    this.minPairs = options.minPairs ?? 48;
    this.staleAfterMs = options.staleAfterMs ?? 2 * HOUR_MS;
    this.warmUp = `${this.minPairs} hours with a return for both ${this.market.symbol} and ${this.other.symbol}`;
  }

  update(event: MarketEvent): void {
    if (event.kind !== "candle" || event.interval !== this.interval || !event.closed) return;
    const isA = event.market.key === this.market.key;
    if (!isA && event.market.key !== this.other.key) return;
    const boundary = event.closeTime + 1;
    if (boundary % HOUR_MS !== 0) return;
    const mine = isA ? this.a : this.b;
    const theirs = isA ? this.b : this.a;
    const r = mine.add(boundary, event.close);
    // The other market's returns before this hour can no longer pair: this one has passed them.
    for (const hour of theirs.pending.keys()) {
      if (hour >= boundary) break;
      theirs.pending.delete(hour);
    }
    if (r === undefined) return;
    const match = theirs.pending.get(boundary);
    if (match === undefined) {
      mine.pending.set(boundary, r);
      return;
    }
    theirs.pending.delete(boundary);
    this.pairs.push(isA ? { boundary, x: r, y: match } : { boundary, x: match, y: r });
    while ((this.pairs[0]?.boundary ?? Infinity) <= boundary - this.windowMs) this.pairs.shift();
    this.current = this.pairs.length < this.minPairs ? undefined : pearson(this.pairs.map((p) => p.x), this.pairs.map((p) => p.y));
  }

  value(nowMs: number): number | undefined {
    const newest = this.pairs.at(-1);
    if (newest === undefined || nowMs - newest.boundary > this.staleAfterMs) return undefined;
    return this.current;
  }

  isStable(nowMs: number): boolean {
    return this.value(nowMs) !== undefined;
  }

  /** Pairs in the window (≤ windowMs / 1 h). */
  pairCount(): number {
    return this.pairs.length;
  }
}

/** Options of {@link CorrelationMatrix}: those of {@link RollingCorrelation} without the two markets. */
export interface CorrelationMatrixOptions extends Omit<RollingCorrelationOptions, "market" | "other"> {
  markets: readonly Market[];
}

/**
 * Pairwise {@link RollingCorrelation}s over N markets, for the risk layer's correlation gate.
 * Measured returns only: a pair without enough data is undefined, never a placeholder.
 * Memory: N(N − 1)/2 correlations.
 */
export class CorrelationMatrix {
  readonly markets: readonly Market[];
  private readonly cells = new Map<string, RollingCorrelation>();

  constructor(options: CorrelationMatrixOptions) {
    this.markets = options.markets;
    const { markets, ...rest } = options;
    for (let i = 0; i < markets.length; i += 1) {
      for (let j = i + 1; j < markets.length; j += 1) {
        const a = markets[i];
        const b = markets[j];
        if (a !== undefined && b !== undefined) this.cells.set(`${a.key}|${b.key}`, new RollingCorrelation({ ...rest, market: a, other: b }));
      }
    }
  }

  update(event: MarketEvent): void {
    for (const cell of this.cells.values()) cell.update(event);
  }

  /** Correlation of two of the markets at nowMs: 1 for a market with itself, undefined when unknown. */
  correlation(a: Market, b: Market, nowMs: number): number | undefined {
    if (a.key === b.key) return this.markets.some((m) => m.key === a.key) ? 1 : undefined;
    return (this.cells.get(`${a.key}|${b.key}`) ?? this.cells.get(`${b.key}|${a.key}`))?.value(nowMs);
  }

  /** The symmetric matrix in `markets` order. */
  matrix(nowMs: number): (number | undefined)[][] {
    return this.markets.map((a) => this.markets.map((b) => this.correlation(a, b, nowMs)));
  }
}
