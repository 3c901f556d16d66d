/**
 * The synthetic venue's market model: seeded, deterministic, stepped on simulated time.
 *
 * Each perp's mid is a geometric random walk (volatility per √hour, plus the drift and volatility
 * of any planted effect); its spot pair, where it has one, trades at the perp's mid × (1 + a
 * mean-reverting basis). Trades arrive as a Poisson process with exponential sizes and an
 * aggressor side (`B` buyer / `A` seller; even odds unless an effect tilts them), at the touch of
 * a book built around the mid (20 levels a side, one tick apart, tick = 5 significant figures).
 * Funding follows a mean-reverting hourly rate around the perp's base and settles every UTC hour;
 * open interest moves with the net aggressor flow. 1 m and 1 h bars are built from the path.
 *
 * Two stepping modes share one PRNG stream: `history` steps (60 s each, no trade objects, bars and
 * volumes drawn directly) build the past the venue serves over REST before the live start, and
 * `live` steps (default 1 s) make trades. Same seed, origin, live start and step ⇒ the same
 * prices, trades, bars and funding, to the bit.
 *
 * No I/O and no clock here: time is whatever {@link MarketModel.advanceTo} is given.
 */
import { mulberry32, randomNormal } from "../analytics/prng.ts";
import type { Random } from "../analytics/prng.ts";
import { effectAt, NO_EFFECT } from "./effects.ts";
import type { EffectState, PlantedEffect } from "./effects.ts";

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
/** Intervals the model builds bars for, as the venue names them. */
export const MODEL_INTERVALS: Readonly<Record<string, number>> = { "1m": MINUTE_MS, "1h": HOUR_MS };
/** The venue keeps this many latest bars per market and interval (Hyperliquid's candleSnapshot limit). */
export const MAX_BARS = 5_000;
/** Levels a side in a book (Hyperliquid sends at most 20). */
export const BOOK_LEVELS = 20;
/** Trades kept for the next frames per market; older ones are dropped (a venue batches, a slow client loses). */
const MAX_PENDING_TRADES = 400;
/** History steps, ms: one per 1 m bar. */
const HISTORY_STEP_MS = MINUTE_MS;

/** One perp of the model's universe. */
export interface PerpSpec {
  readonly coin: string;
  /** Starting mid, USD. */
  readonly px: number;
  /** Volatility of the log mid per √hour (0.006 = 0.6 % per hour). */
  readonly volPerHour: number;
  readonly szDecimals: number;
  /** Mean trades per second of simulated time. */
  readonly tradesPerSecond: number;
  /** Mean trade size, USD notional. */
  readonly meanTradeUsd: number;
  /** The funding rate the hourly rate reverts to, fraction per hour (Hyperliquid's baseline 1.25e-5). */
  readonly fundingPerHour: number;
  /** Starting open interest, coins. */
  readonly openInterest: number;
  /** Quoted spread, fraction of the mid (at least one tick). */
  readonly spreadFraction: number;
  /** Resting size per book level near the touch, USD. */
  readonly depthUsd: number;
  /** The spot pair, if the venue lists one: its base token name (e.g. `UETH`) and pair index (`@N`). */
  readonly spot?: { readonly token: string; readonly pairIndex: number; readonly tokenIndex: number; readonly szDecimals: number };
}

/** One market the model quotes: a perp or a perp's spot pair. */
export interface ModelMarket {
  /** The name on the wire: the perp's coin, or `@N` for a spot pair. */
  readonly wire: string;
  readonly kind: "perp" | "spot";
  /** The perp this market belongs to (itself for a perp). */
  readonly coin: string;
  readonly spec: PerpSpec;
  readonly szDecimals: number;
}

/** One bar in Hyperliquid's `candle` / `candleSnapshot` field names, numbers not yet strings. */
export interface ModelBar {
  t: number;
  T: number;
  o: number;
  h: number;
  l: number;
  c: number;
  v: number;
  n: number;
}

/** One trade as the model made it. */
export interface ModelTrade {
  readonly coin: string;
  /** Aggressor: `B` buyer took liquidity, `A` seller. */
  readonly side: "B" | "A";
  readonly px: number;
  readonly sz: number;
  readonly time: number;
  readonly tid: number;
}

/** One settled funding row (the venue's `fundingHistory` shape before stringifying). */
export interface FundingRow {
  readonly coin: string;
  readonly fundingRate: number;
  readonly premium: number;
  readonly time: number;
}

interface MarketState {
  readonly market: ModelMarket;
  mid: number;
  /** Spot only: (spot − perp) / perp without effects, an OU process. */
  basisDev: number;
  dayVolumeUsd: number;
  prevDayPx: number;
  tid: number;
  readonly bars: Map<string, ModelBar[]>;
  readonly forming: Map<string, ModelBar>;
  pendingTrades: ModelTrade[];
  droppedTrades: number;
}

interface PerpState {
  fundingPerHour: number;
  /** Sum and count of the rate over the hour, for the settlement (the venue averages its premium samples). */
  fundingSum: number;
  fundingCount: number;
  openInterest: number;
  readonly funding: FundingRow[];
}

/** Options of {@link MarketModel}. */
export interface ModelOptions {
  readonly seed: number;
  readonly perps: readonly PerpSpec[];
  readonly effects?: readonly PlantedEffect[];
  /** Simulated time the model starts at (its history's first bar), ms; rounded down to the hour. */
  readonly originMs: number;
  /** From here on the model steps in live mode and makes trades, ms. */
  readonly liveStartMs: number;
  /** Live step, ms of simulated time. Default 1 000. */
  readonly stepMs?: number;
}

/** Rounds to whole ticks of 5 significant figures, as Hyperliquid prices are. */
export function tickOf(px: number): number {
  return 10 ** (Math.floor(Math.log10(px)) - 4);
}

/** Decimal places of a tick (10^−k → k). */
export function decimalsOf(tick: number): number {
  return Math.max(0, -Math.round(Math.log10(tick)));
}

/** A price as the venue writes it: whole ticks of 5 significant figures. */
export function formatPx(px: number, tick: number = tickOf(px)): string {
  return (Math.round(px / tick) * tick).toFixed(decimalsOf(tick));
}

/** A size with `szDecimals` decimals, at least one unit of the last decimal. */
export function formatSz(sz: number, szDecimals: number): string {
  const unit = 10 ** -szDecimals;
  return Math.max(unit, Math.round(sz / unit) * unit).toFixed(szDecimals);
}

/** A Poisson draw (Knuth for small means, a normal approximation above 30). */
function poisson(random: Random, mean: number): number {
  if (mean <= 0) return 0;
  if (mean > 30) return Math.max(0, Math.round(mean + Math.sqrt(mean) * randomNormal(random)));
  const limit = Math.exp(-mean);
  let k = 0;
  let p = random.next();
  while (p > limit) {
    k += 1;
    p *= random.next();
  }
  return k;
}

/**
 * The model. Call {@link advanceTo} with a simulated time; read books, bars, contexts and funding
 * at the state reached. Deterministic for its options.
 */
export class MarketModel {
  readonly markets: readonly ModelMarket[];
  readonly effects: readonly PlantedEffect[];
  readonly liveStartMs: number;
  readonly stepMs: number;
  private readonly random: Random;
  private readonly states = new Map<string, MarketState>();
  private readonly perpStates = new Map<string, PerpState>();
  private nowMs: number;
  /** Trades made since the start. */
  tradesMade = 0;

  constructor(options: ModelOptions) {
    this.random = mulberry32(options.seed);
    this.effects = options.effects ?? [];
    this.stepMs = options.stepMs ?? 1_000;
    this.nowMs = Math.floor(options.originMs / HOUR_MS) * HOUR_MS;
    this.liveStartMs = options.liveStartMs;
    const markets: ModelMarket[] = [];
    for (const spec of options.perps) {
      markets.push({ wire: spec.coin, kind: "perp", coin: spec.coin, spec, szDecimals: spec.szDecimals });
      if (spec.spot !== undefined) markets.push({ wire: `@${spec.spot.pairIndex}`, kind: "spot", coin: spec.coin, spec, szDecimals: spec.spot.szDecimals });
      this.perpStates.set(spec.coin, { fundingPerHour: spec.fundingPerHour, fundingSum: 0, fundingCount: 0, openInterest: spec.openInterest, funding: [] });
    }
    this.markets = markets;
    for (const market of markets) {
      const state: MarketState = { market, mid: market.spec.px, basisDev: 0, dayVolumeUsd: 0, prevDayPx: market.spec.px, tid: 0, bars: new Map(), forming: new Map(), pendingTrades: [], droppedTrades: 0 };
      for (const interval of Object.keys(MODEL_INTERVALS)) state.bars.set(interval, []);
      this.states.set(market.wire, state);
    }
  }

  /** The simulated time the model has reached, ms. */
  get timeMs(): number {
    return this.nowMs;
  }

  /** Steps the model up to `targetMs` (history steps before the live start, live steps after). */
  advanceTo(targetMs: number): void {
    while (this.nowMs < targetMs) {
      const history = this.nowMs < this.liveStartMs;
      const step = history ? Math.min(HISTORY_STEP_MS, this.liveStartMs - this.nowMs) : this.stepMs;
      if (!history && this.nowMs + step > targetMs) return;
      this.step(this.nowMs + step, step, history);
    }
  }

  private step(toMs: number, dtMs: number, history: boolean): void {
    const dtHours = dtMs / HOUR_MS;
    for (const market of this.markets) {
      const state = this.states.get(market.wire)!;
      const spec = market.spec;
      const effect = this.effectOn(market.coin, toMs);
      const perp = this.states.get(market.coin)!;
      const perpState = this.perpStates.get(market.coin)!;
      if (market.kind === "perp") {
        const z = randomNormal(this.random);
        const ret = effect.driftPerHour * dtHours + spec.volPerHour * effect.volMultiplier * Math.sqrt(dtHours) * z;
        state.mid *= Math.exp(ret);
        // Funding: mean-reverting (half-life ~3 h) around the base, unless an effect sets it.
        const f = randomNormal(this.random);
        // An effect's rate is taken at the step's middle, so a settlement averages a linear ramp exactly.
        const planted = effect.fundingPerHour === undefined ? undefined : this.effectOn(market.coin, toMs - dtMs / 2).fundingPerHour;
        const target = planted ?? spec.fundingPerHour;
        if (planted !== undefined) perpState.fundingPerHour = target;
        else perpState.fundingPerHour += (target - perpState.fundingPerHour) * Math.min(1, dtHours / 4) + 1e-6 * Math.sqrt(dtHours) * f;
        perpState.fundingSum += perpState.fundingPerHour;
        perpState.fundingCount += 1;
      } else {
        const b = randomNormal(this.random);
        // OU basis: reverts with a 30 min half-life, ~4 bp stationary deviation.
        state.basisDev += -state.basisDev * Math.min(1, dtHours / 0.72) + 0.0004 * Math.sqrt(dtHours / 0.36) * b;
        state.mid = perp.mid * (1 + state.basisDev + effect.spotBasis);
      }
      // Flow: trades (live) or the bar's volume directly (history).
      const meanTrades = spec.tradesPerSecond * (market.kind === "spot" ? 0.3 : 1) * effect.volumeMultiplier * (dtMs / 1000);
      const meanSzCoins = spec.meanTradeUsd / state.mid;
      let volume = 0;
      let count: number;
      let netFlow = 0;
      if (history) {
        count = Math.round(meanTrades);
        volume = meanTrades * meanSzCoins * (0.7 + 0.6 * this.random.next());
        netFlow = volume * (2 * effect.buyFraction - 1);
      } else {
        count = poisson(this.random, meanTrades);
        const tick = tickOf(spec.px);
        const halfSpread = Math.max(tick, state.mid * spec.spreadFraction) / 2;
        for (let i = 0; i < count; i += 1) {
          const buy = this.random.next() < effect.buyFraction;
          const sz = Number(formatSz(-Math.log(1 - this.random.next()) * meanSzCoins, market.szDecimals));
          const px = Number(formatPx(buy ? state.mid + halfSpread : state.mid - halfSpread, tick));
          state.tid += 1;
          // Spread within the step, in order; never on the step's end (the book's time).
          const time = toMs - dtMs + Math.floor(((i + 1) * dtMs) / (count + 1));
          state.pendingTrades.push({ coin: market.wire, side: buy ? "B" : "A", px, sz, time, tid: state.tid });
          volume += sz;
          netFlow += buy ? sz : -sz;
        }
        if (state.pendingTrades.length > MAX_PENDING_TRADES) {
          state.droppedTrades += state.pendingTrades.length - MAX_PENDING_TRADES;
          state.pendingTrades.splice(0, state.pendingTrades.length - MAX_PENDING_TRADES);
        }
        this.tradesMade += count;
      }
      if (market.kind === "perp") {
        // Open interest grows with one-sided flow and decays slowly toward its start (positions close).
        perpState.openInterest = Math.max(spec.openInterest * 0.2, perpState.openInterest + 0.5 * Math.abs(netFlow) - 0.1 * volume * 0.5 + effect.oiGrowthPerHour * spec.openInterest * dtHours - (perpState.openInterest - spec.openInterest) * (dtHours / 48));
      }
      state.dayVolumeUsd = state.dayVolumeUsd * Math.max(0, 1 - dtHours / 24) + volume * state.mid;
      this.updateBars(state, toMs, volume, count, history);
    }
    this.nowMs = toMs;
    if (toMs % HOUR_MS === 0) this.settleFunding(toMs);
  }

  private updateBars(state: MarketState, toMs: number, volume: number, count: number, history: boolean): void {
    // The step's price is the bar's latest at `toMs − 1` (a step ending on a boundary belongs to the bar before it).
    const at = toMs - 1;
    const tick = tickOf(state.market.spec.px);
    const wick = history ? Math.abs(randomNormal(this.random)) * state.market.spec.volPerHour * Math.sqrt(1 / 60) * 0.3 : 0;
    for (const [interval, intervalMs] of Object.entries(MODEL_INTERVALS)) {
      const open = Math.floor(at / intervalMs) * intervalMs;
      let bar = state.forming.get(interval);
      if (bar === undefined || bar.t !== open) {
        if (bar !== undefined) {
          const done = state.bars.get(interval)!;
          done.push(bar);
          if (done.length > MAX_BARS) done.splice(0, done.length - MAX_BARS);
        }
        const o = bar?.c ?? state.mid;
        bar = { t: open, T: open + intervalMs - 1, o, h: o, l: o, c: o, v: 0, n: 0 };
        state.forming.set(interval, bar);
      }
      const c = Math.round(state.mid / tick) * tick;
      bar.c = c;
      bar.h = Math.max(bar.h, c * (1 + wick));
      bar.l = Math.min(bar.l, c * (1 - wick));
      bar.v += volume;
      bar.n += count;
    }
  }

  private settleFunding(hourMs: number): void {
    for (const [coin, s] of this.perpStates) {
      const rate = s.fundingCount > 0 ? s.fundingSum / s.fundingCount : s.fundingPerHour;
      // The venue stamps settlements a few ms after the hour.
      s.funding.push({ coin, fundingRate: rate, premium: rate - 1.25e-5, time: hourMs + 3 + ((hourMs / HOUR_MS) % 40) });
      if (s.funding.length > 24 * 60) s.funding.shift();
      s.fundingSum = 0;
      s.fundingCount = 0;
    }
  }

  private effectOn(coin: string, tMs: number): EffectState {
    let state = NO_EFFECT;
    for (const effect of this.effects) if (effect.coin === coin) state = effectAt(effect, tMs, state);
    return state;
  }

  /** The market with this wire name. @throws Error for an unknown one (a bug in the caller). */
  market(wire: string): ModelMarket {
    const state = this.states.get(wire);
    if (state === undefined) throw new Error(`no market ${wire} in the model`);
    return state.market;
  }

  /** The current mid of a market (wire name), USD. */
  mid(wire: string): number {
    return this.states.get(wire)?.mid ?? Number.NaN;
  }

  /** Best bid and ask and 20 levels a side at the model's state: `[bids, asks]`, each `{px, sz, n}`. */
  book(wire: string, random: Random): [{ px: number; sz: number; n: number }[], { px: number; sz: number; n: number }[]] {
    const state = this.states.get(wire)!;
    const spec = state.market.spec;
    const tick = tickOf(spec.px);
    const spreadTicks = Math.max(1, Math.round((state.mid * spec.spreadFraction) / tick));
    const bid0 = Math.floor((state.mid - (spreadTicks * tick) / 2) / tick);
    const ask0 = bid0 + spreadTicks;
    const levelSz = (i: number): number => ((spec.depthUsd * (state.market.kind === "spot" ? 0.3 : 1)) / state.mid) * (1 + 0.15 * i) * (0.5 + random.next());
    const bids = [];
    const asks = [];
    for (let i = 0; i < BOOK_LEVELS; i += 1) {
      bids.push({ px: (bid0 - i) * tick, sz: levelSz(i), n: 1 + Math.floor(random.next() * 8) });
      asks.push({ px: (ask0 + i) * tick, sz: levelSz(i), n: 1 + Math.floor(random.next() * 8) });
    }
    return [bids, asks];
  }

  /** Trades made since the last call, per market, oldest first; the buffer is emptied. */
  takeTrades(wire: string): ModelTrade[] {
    const state = this.states.get(wire)!;
    const trades = state.pendingTrades;
    state.pendingTrades = [];
    return trades;
  }

  /** Trades dropped because nobody took them in time (bounded buffer). */
  droppedTrades(): number {
    let n = 0;
    for (const s of this.states.values()) n += s.droppedTrades;
    return n;
  }

  /** The bar forming now for a market and interval. */
  formingBar(wire: string, interval: string): ModelBar | undefined {
    return this.states.get(wire)?.forming.get(interval);
  }

  /** Completed bars (the latest {@link MAX_BARS}), oldest first. */
  closedBars(wire: string, interval: string): readonly ModelBar[] {
    return this.states.get(wire)?.bars.get(interval) ?? [];
  }

  /** Settled funding rows of a perp, oldest first. */
  fundingRows(coin: string): readonly FundingRow[] {
    return this.perpStates.get(coin)?.funding ?? [];
  }

  /** The asset context of a market now (funding, OI, oracle, mark, mid, premium, day volume). */
  context(wire: string): { funding: number; openInterest: number; oraclePx: number; markPx: number; midPx: number; premium: number; dayNtlVlm: number; prevDayPx: number } {
    const state = this.states.get(wire)!;
    const perp = this.perpStates.get(state.market.coin)!;
    return {
      funding: perp.fundingPerHour,
      openInterest: perp.openInterest,
      oraclePx: this.states.get(state.market.coin)!.mid,
      markPx: state.mid,
      midPx: state.mid,
      premium: perp.fundingPerHour - 1.25e-5,
      dayNtlVlm: state.dayVolumeUsd,
      prevDayPx: state.prevDayPx,
    };
  }
}
