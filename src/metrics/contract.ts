// src/metrics/contract.ts
import type { MarketEvent, MarketEventKind } from "../core/index.ts";
/** Streaming contract every metric follows (after trading-signals' Indicator contract). */
export interface StreamingMetric<T> {
  /** Stable name used in CSV columns and logs, camelCase with unit suffix where it has one: "bookImbalance", "fundingVelocity4hPerHour". */
  readonly name: string;
  /** Units and range, e.g. "fraction in [-1, 1]". */
  readonly unit: string;
  /** Event kinds this metric consumes; update() ignores everything else (including other markets). */
  readonly needs: readonly MarketEventKind[];
  /** How much input it needs before it is warm, in words with numbers ("20 closed bars"). */
  readonly warmUp: string;
  /** Feed one event (any kind; irrelevant ones are ignored cheaply). Events arrive in time order. */
  update(event: MarketEvent): void;
  /** The value at time nowMs (ms): undefined until warm, or when its inputs are older than the staleness limit at nowMs. Never NaN or an infinity. */
  value(nowMs: number): T | undefined;
  /** True once warm and the last update is fresh at nowMs (value would be defined). */
  isStable(nowMs: number): boolean;
}
