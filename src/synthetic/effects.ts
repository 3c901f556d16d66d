/**
 * Planted, labelled effects: what the synthetic market does on purpose, so that a named strategy
 * should find it on a named market inside a known window. Everything else the model does is
 * noise. Each effect states the strategy's entry rule it is built to meet (src/strategies).
 */

/** How an effect bends one perp's dynamics at an instant (the neutral values are {@link NO_EFFECT}). */
export interface EffectState {
  /** Added drift of the log mid, fraction per hour. */
  readonly driftPerHour: number;
  /** Multiplies the perp's volatility. */
  readonly volMultiplier: number;
  /** Multiplies the trade rate (and so the bars' volume). */
  readonly volumeMultiplier: number;
  /** Probability that a trade's aggressor is a buyer. */
  readonly buyFraction: number;
  /** When set, the hourly funding rate (no noise), fraction per hour. */
  readonly fundingPerHour: number | undefined;
  /** Added to the spot pair's (spot − perp) / perp. */
  readonly spotBasis: number;
  /** Open interest growth, fraction of the starting OI per hour. */
  readonly oiGrowthPerHour: number;
}

export const NO_EFFECT: EffectState = { driftPerHour: 0, volMultiplier: 1, volumeMultiplier: 1, buyFraction: 0.5, fundingPerHour: undefined, spotBasis: 0, oiGrowthPerHour: 0 };

/**
 * Funding accelerates before a drift up (`funding-velocity`: acceleration = (r₀ − 2 r₋₄ₕ + r₋₈ₕ) / 8
 * of settled rates > 1e-6 /h², volume filter on 1 h bars ≥ 1.2 × the 20 before).
 * The rate is flat at `baseRatePerHour` from `startMs − 8 h`, rises by `rampPerHour2` per hour
 * from `startMs` (an hour boundary), with 2 × volume from `startMs` for 8 h; the mid drifts up
 * `driftPerHour` from `startMs + 2 h` for 6 h. Settlements average the hour's rate, so the one at
 * `startMs + k h` is base + ramp × (k − 0.5): at k = 2 the acceleration is 1.5 × ramp / 8 (with the
 * default ramp 1e-5: 1.875e-6 /h², over the threshold; at k = 1, 6.25e-7, under it).
 */
export interface FundingAccelerationEffect {
  readonly kind: "fundingAcceleration";
  readonly id: string;
  readonly strategy: "funding-velocity";
  readonly coin: string;
  readonly startMs: number;
  readonly baseRatePerHour: number;
  readonly rampPerHour2: number;
  readonly driftPerHour: number;
}

/**
 * Toxic flow before a move (`flow-toxicity`: mean / std of |Δclose| / volume ratio over 10 closed
 * 1 m bars > 2, long when the window rose; volume filter ≥ 1.2 ×): for `bars` minutes from
 * `startMs` the perp climbs `movePerMinute` a minute with 15 % of its usual volatility, on 2 × the
 * volume and 75 % buyer aggressors — every bar's impact alike, so mean / std is large — then keeps
 * drifting up at half that pace for as long again (the move the flow announced).
 */
export interface ToxicFlowEffect {
  readonly kind: "toxicFlow";
  readonly id: string;
  readonly strategy: "flow-toxicity";
  readonly coin: string;
  readonly startMs: number;
  readonly bars: number;
  readonly movePerMinute: number;
}

/**
 * A basis dislocation that converges (`basis-arbitrage`: |(perp − spot) / spot| ≥ 0.3 % and net of
 * the 0.23 % round trip + spreads > 0): at `startMs` the spot pair drops `dislocation` below the
 * perp and converges linearly back to it over `convergeMs`.
 */
export interface BasisDislocationEffect {
  readonly kind: "basisDislocation";
  readonly id: string;
  readonly strategy: "basis-arbitrage";
  readonly coin: string;
  readonly startMs: number;
  readonly dislocation: number;
  readonly convergeMs: number;
}

export type PlantedEffect = FundingAccelerationEffect | ToxicFlowEffect | BasisDislocationEffect;

const HOUR = 3_600_000;
const MINUTE = 60_000;

/**
 * The window in which the labelled strategy's signals on the labelled coin count as finding the
 * effect, ms `[fromMs, toMs]`.
 */
export function effectWindow(effect: PlantedEffect): { readonly fromMs: number; readonly toMs: number } {
  switch (effect.kind) {
    case "fundingAcceleration":
      // The settlement at start + 2 h, polled up to two hours later (a client pacing its REST weight).
      return { fromMs: effect.startMs + 2 * HOUR, toMs: effect.startMs + 4 * HOUR };
    case "toxicFlow":
      return { fromMs: effect.startMs, toMs: effect.startMs + 2 * effect.bars * MINUTE };
    case "basisDislocation":
      return { fromMs: effect.startMs, toMs: effect.startMs + effect.convergeMs };
  }
}

/** The effect's state at `tMs` combined over `base` (effects on one coin should not overlap). */
export function effectAt(effect: PlantedEffect, tMs: number, base: EffectState): EffectState {
  switch (effect.kind) {
    case "fundingAcceleration": {
      if (tMs < effect.startMs - 8 * HOUR || tMs >= effect.startMs + 8 * HOUR) return base;
      const hoursIn = (tMs - effect.startMs) / HOUR;
      const fundingPerHour = effect.baseRatePerHour + effect.rampPerHour2 * Math.max(0, hoursIn);
      const drifting = hoursIn >= 2;
      return { ...base, fundingPerHour, volumeMultiplier: hoursIn >= 0 ? 2 : base.volumeMultiplier, driftPerHour: drifting ? effect.driftPerHour : base.driftPerHour, oiGrowthPerHour: hoursIn >= 0 ? 0.01 : 0 };
    }
    case "toxicFlow": {
      const minutesIn = (tMs - effect.startMs) / MINUTE;
      if (minutesIn < 0 || minutesIn >= 2 * effect.bars) return base;
      if (minutesIn < effect.bars) return { ...base, driftPerHour: effect.movePerMinute * 60, volMultiplier: 0.15, volumeMultiplier: 2, buyFraction: 0.75 };
      return { ...base, driftPerHour: effect.movePerMinute * 30 };
    }
    case "basisDislocation": {
      const into = tMs - effect.startMs;
      if (into < 0 || into >= effect.convergeMs) return base;
      return { ...base, spotBasis: -effect.dislocation * (1 - into / effect.convergeMs) };
    }
  }
}
