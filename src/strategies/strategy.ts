import type { Market, MarketEvent } from "../core/index.ts";
import type { Signal } from "./signal.ts";
import type { VolumeFilterPolicy } from "./volume-filter.ts";

/**
 * The strategy surface: one small interface, used unchanged live and in replay (after
 * hftbacktest's `Bot`). The engine feeds every market event, in time order, to `onEvent`
 * with the event-driven clock's `nowMs`; the strategy returns the signals it fires as values.
 *
 * Metric ownership: each strategy instance OWNS its metric instances (built from its own
 * configuration: interval, windows, staleness) and feeds them from `onEvent`. Why not a shared
 * registry: strategies configure the same metric differently (1 m vs 1 h volume ratio), a
 * shared instance would couple their configurations and the order in which they are updated,
 * and owning them keeps each strategy testable alone with a handful of events. The cost is
 * some duplicated work on bounded windows (a few hundred numbers per metric), which is small.
 *
 * No look-ahead, by construction: a strategy sees only the events given to it so far, and
 * reads every metric at `ctx.nowMs` (the time of the latest event), through `value(nowMs)`,
 * which is `undefined` when the metric is cold or its inputs are stale at that instant.
 */

/** An expected or maximum holding time as a range, ms. */
export interface HoldRange {
  readonly minMs: number;
  readonly maxMs: number;
}

/** Kinds of data a strategy needs. */
export type DataNeed = "candles" | "book" | "trades" | "openInterest" | "funding" | "spot";

/** What a strategy is, for the report, docs and the journal. */
export interface StrategyDescription {
  /** The idea in one or two sentences. */
  readonly idea: string;
  /** When it enters, with thresholds and units. */
  readonly entry: string;
  /** How it exits (stop, target, time, ...). */
  readonly exit: string;
  /** Expected holding time. */
  readonly expectedHold: HoldRange;
  readonly needs: readonly DataNeed[];
  /** Whether it can fire on candle-only history (no book, no trades, no OI), and why. */
  readonly candleOnly: { readonly canFire: boolean; readonly why: string };
  /** Whether the 1.2× volume filter applies, or why not. */
  readonly volumeFilter: VolumeFilterPolicy;
}

/** What the engine hands a strategy with each event. */
export interface StrategyContext {
  /** Now, ms since epoch: the event clock (≥ the event's `tsEvent`, never decreasing). */
  readonly nowMs: number;
}

/** A strategy bound to one market (a basis strategy: to its perp, with the spot leg inside). */
export interface Strategy<C> {
  /** Stable id, kebab-case (`flow-toxicity`); part of every signal id. */
  readonly id: string;
  /** The primary market it trades. */
  readonly market: Market;
  readonly description: StrategyDescription;
  /** The validated configuration in force (units in its TSDoc). */
  readonly config: C;
  /** Its warm-up in words with numbers ("30 closed 1m bars"). */
  readonly warmUp: string;
  /** True once every input it needs is warm and fresh at `nowMs`. */
  isWarm(nowMs: number): boolean;
  /** Feeds one event (any market, any kind; irrelevant ones are ignored) and returns the signals it fires now. */
  onEvent(event: MarketEvent, ctx: StrategyContext): readonly Signal[];
}

/** A strategy of any configuration, for lists of strategies. */
export type AnyStrategy = Strategy<unknown>;

/** Hours → ms, for readable defaults. */
export const hours = (h: number): number => h * 3_600_000;
/** Minutes → ms. */
export const minutes = (m: number): number => m * 60_000;

/** A fraction as a percentage for descriptions and reasons: pct(0.003) = "0.3 %". */
export const pct = (fraction: number): string => `${Number((fraction * 100).toPrecision(10))} %`;
