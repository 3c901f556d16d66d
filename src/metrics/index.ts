/**
 * Metrics: pure, incremental computations over the market event stream, one file per metric,
 * all following the {@link StreamingMetric} contract, plus the bounded per-market state they
 * can share. The public surface of `src/metrics` (test helpers are not exported).
 */
export * from "./contract.ts";
export * from "./state/bounded-queue.ts";
export * from "./state/candle-series.ts";
export * from "./state/funding-series.ts";
export * from "./state/trade-window.ts";
export * from "./state/market-state.ts";
export * from "./state/market-state-store.ts";
export * from "./book-imbalance.ts";
export * from "./book-quality.ts";
export * from "./trade-flow.ts";
export * from "./candle-flow-proxy.ts";
export * from "./session-vwap.ts";
export * from "./volume-ratio.ts";
export * from "./funding.ts";
export * from "./oi-series-port.ts";
export * from "./open-interest.ts";
export * from "./flow-toxicity.ts";
export * from "./vpin.ts";
export * from "./basis.ts";
export * from "./realized-volatility.ts";
export * from "./correlation.ts";
export * from "./adaptive-threshold.ts";
