import { DAY_MS } from "../core/index.ts";
import type { Outcome } from "../paper/index.ts";
import {
  CONTRARIAN_FUNDING_ID,
  FLOW_TOXICITY_ID,
  LIQUIDITY_ID,
  OPEN_INTEREST_ID,
  VWAP_REVERSION_ID,
} from "../strategies/index.ts";
import type { ComponentPerformanceSource, ConvergenceComponent, LifecycleState } from "../strategies/index.ts";

/**
 * Which standalone strategy trades each convergence component's idea alone, so its realised
 * P&L is that component's performance:
 *
 * | component      | strategy             | why                                                        |
 * | -------------- | -------------------- | ---------------------------------------------------------- |
 * | `orderBook`    | `liquidity`          | trades the order book's depth and imbalance                |
 * | `tradeFlow`    | `flow-toxicity`      | trades the taker flow                                      |
 * | `vwap`         | `vwap-reversion`     | trades the distance from VWAP                              |
 * | `funding`      | `contrarian-funding` | the score's funding component is contrarian, as this one   |
 * | `openInterest` | `open-interest-mtf`  | trades open-interest changes                               |
 */
export const COMPONENT_STRATEGIES: Readonly<Record<ConvergenceComponent, string>> = {
  orderBook: LIQUIDITY_ID,
  tradeFlow: FLOW_TOXICITY_ID,
  vwap: VWAP_REVERSION_ID,
  funding: CONTRARIAN_FUNDING_ID,
  openInterest: OPEN_INTEREST_ID,
};

/** UTC days of realised P&L kept per strategy: the adaptive window (30 days by default) plus slack. */
export const COMPONENT_HISTORY_DAYS = 35;

/** Options of {@link KernelComponentPerformance}. */
export interface KernelComponentPerformanceOptions {
  /** The kernel's starting equity, USD: the denominator of every daily return. */
  readonly startingEquityUsd: number;
  /** Lifecycle state by strategy id (the kernel's); a strategy not listed is a `candidate`. */
  readonly lifecycle?: Readonly<Record<string, LifecycleState>> | undefined;
}

const dayOf = (ms: number): number => Math.floor(ms / DAY_MS) * DAY_MS;

/**
 * The adaptive convergence score's performance port, fed by the kernel with every outcome it
 * emits (and nothing else), so the weights see exactly what the run has realised so far.
 *
 * A component's daily return on UTC day d = net P&L (`Outcome.pnlUsd`, USD) of its strategy
 * ({@link COMPONENT_STRATEGIES}) closed during d (by `closedMs`) / the starting equity; 0 on a day
 * without a close.
 *
 * Days returned by `dailyReturns(component, fromMs, toMs)`: those starting in [fromMs, toMs) that
 * have ENDED by toMs (d + 1 day ≤ toMs) and by the latest event time the kernel reported
 * ({@link advanceTo}), and that start no earlier than the UTC day of the kernel's first event —
 * no return is claimed for a day the run has not seen through. The adaptive strategy asks at a day
 * start, so the current day is never included.
 *
 * A component whose strategy is not `validated` returns ZEROS for those days (not an empty
 * list), because DESIGN.md says only validated strategies may be weighted into the convergence
 * score: a zero series has Sharpe 0, so weight max(0, 0) = 0, while an empty series would send the
 * adaptive strategy back to the fixed weights, where every component, validated or not, weighs.
 * With no component validated every weight is 0 and the adaptive strategy does not trade (once it
 * has its history; until then it uses the fixed weights, as for any run too short to adapt).
 *
 * Memory: at most {@link COMPONENT_HISTORY_DAYS} days per strategy (older days are dropped as
 * newer ones arrive); windows longer than that see 0 for the dropped days, so keep the adaptive
 * `lookbackDays` ≤ 35.
 */
export class KernelComponentPerformance implements ComponentPerformanceSource {
  private readonly startingEquityUsd: number;
  private readonly lifecycle: Readonly<Record<string, LifecycleState>>;
  /** Net P&L closed per UTC day start, USD, by strategy id (only the component strategies). */
  private readonly pnlByStrategy = new Map<string, Map<number, number>>();
  private readonly tracked: ReadonlySet<string> = new Set(Object.values(COMPONENT_STRATEGIES));
  private firstDayMs: number | undefined;
  private latestMs = -Infinity;

  constructor(options: KernelComponentPerformanceOptions) {
    this.startingEquityUsd = options.startingEquityUsd;
    this.lifecycle = options.lifecycle ?? {};
  }

  /** Event time reached `nowMs` (ms): the run has seen every day that ended by then. */
  advanceTo(nowMs: number): void {
    this.firstDayMs ??= dayOf(nowMs);
    if (nowMs > this.latestMs) this.latestMs = nowMs;
  }

  /** Adds an outcome the kernel emitted, to the UTC day of its close. */
  record(outcome: Outcome): void {
    if (!this.tracked.has(outcome.strategy)) return;
    let days = this.pnlByStrategy.get(outcome.strategy);
    if (days === undefined) {
      days = new Map();
      this.pnlByStrategy.set(outcome.strategy, days);
    }
    const day = dayOf(outcome.closedMs);
    days.set(day, (days.get(day) ?? 0) + outcome.pnlUsd);
    // Bounded memory: drop days older than the window (a map keeps insertion order, mostly by day).
    const oldest = day - (COMPONENT_HISTORY_DAYS - 1) * DAY_MS;
    for (const d of days.keys()) if (d < oldest) days.delete(d);
  }

  dailyReturns(component: string, fromMs: number, toMs: number): readonly number[] {
    const strategy = (COMPONENT_STRATEGIES as Readonly<Record<string, string>>)[component];
    if (strategy === undefined || this.firstDayMs === undefined) return [];
    const validated = (this.lifecycle[strategy] ?? "candidate") === "validated";
    const days = this.pnlByStrategy.get(strategy);
    const endMs = Math.min(toMs, this.latestMs);
    const out: number[] = [];
    for (let d = Math.max(Math.ceil(fromMs / DAY_MS) * DAY_MS, this.firstDayMs); d + DAY_MS <= endMs; d += DAY_MS) {
      out.push(validated ? (days?.get(d) ?? 0) / this.startingEquityUsd : 0);
    }
    return out;
  }
}
