import type { CandleInterval } from "../core/index.ts";
import { DEFAULT_FEE_RATES } from "../risk/index.ts";
import type { FeeRates } from "../risk/index.ts";
import type { FillModel } from "./types.ts";

/** Settings of the {@link PaperBroker}. Fractions are plain ratios; times ms. */
export interface BrokerConfig {
  /** Account equity at the start, USD. Default 10,000. */
  readonly startingEquityUsd: number;
  /** "book" walks L2 snapshots (live, captures); "bar" fills at the next bar's open (candle-only replay). Default "book". */
  readonly fillModel: FillModel;
  /**
   * Time from a signal (or exit trigger) to its order reaching the venue, ms. Book model: the order
   * fills on the first book at or after its time + this. Bar model: an entry is due at signal time +
   * this (see `barOpenToleranceMs`). Default 200.
   */
  readonly latencyMs: number;
  /** Book model: an entry with no book within this after its due time is not filled, ms. Default 5,000. */
  readonly maxFillWaitMs: number;
  /** Bar model: an entry whose next bar opens later than this after the signal is not filled, ms. Default 120,000. */
  readonly maxBarWaitMs: number;
  /**
   * Bar model: a bar that opened at most this long BEFORE an entry's due time (signal + latency) may
   * fill it at its open, ms; the fill's time is then the due time. Default 1,000. Why: a signal fired
   * at a funding settlement (stamped 0–1 s after the hour: p50 72 ms, p99 442 ms, p99.9 885 ms in
   * ../shared's funding history) comes just after the bar that opened at the hour; without a
   * tolerance it could only fill on the next bar, which on 1 h bars is past the 120 s expiry. The
   * open is then a price observed at most 1 s before the order arrives — never a later price (no
   * look-ahead). Must be below the bar interval (else a whole bar's stale open could fill). 0 = the
   * strict rule: only a bar opening at or after the due time.
   */
  readonly barOpenToleranceMs: number;
  /** Bar model: the candles used for fills, marks and exits. Default "1m". */
  readonly barInterval: CandleInterval;
  /** Bar model: full bid–ask spread assumed per market kind, fraction. Default perp 0.0001 (1 bp), spot 0.0005 (5 bp). */
  readonly barSpread: { readonly perp: number; readonly spot: number };
  /** Bar model: slippage per fill beyond half the spread, fraction. Default 0.0001 (1 bp). */
  readonly barSlippage: number;
  /** Fee rates per side; paper orders pay taker. Default Hyperliquid tier 0. */
  readonly fees: FeeRates;
  /** Two-leg exits compare the legs' marks only when observed within this of each other, ms. Default 60,000. */
  readonly maxLegSkewMs: number;
}

/** The defaults listed on {@link BrokerConfig}. */
export const DEFAULT_BROKER_CONFIG: BrokerConfig = {
  startingEquityUsd: 10_000,
  fillModel: "book",
  latencyMs: 200,
  maxFillWaitMs: 5_000,
  maxBarWaitMs: 120_000,
  barOpenToleranceMs: 1_000,
  barInterval: "1m",
  barSpread: { perp: 0.0001, spot: 0.0005 },
  barSlippage: 0.0001,
  fees: DEFAULT_FEE_RATES,
  maxLegSkewMs: 60_000,
};

/** {@link DEFAULT_BROKER_CONFIG} with some settings replaced. */
export function brokerConfig(overrides: Partial<BrokerConfig> = {}): BrokerConfig {
  return { ...DEFAULT_BROKER_CONFIG, ...overrides };
}
