/** Strategies: pure decisions that turn market events and metrics into recorded signals. */
export * from "./strategy.ts";
export * from "./signal.ts";
export * from "./signal-book.ts";
export * from "./rearm.ts";
export * from "./lifecycle.ts";
export * from "./volume-filter.ts";
export * from "./config.ts";
export * from "./last-price.ts";
export * from "./basis-arbitrage.ts";
export * from "./flow-toxicity.ts";
export * from "./open-interest.ts";
export * from "./vwap-reversion.ts";
export * from "./funding-velocity.ts";
export * from "./funding-volume.ts";
export * from "./contrarian-funding.ts";
export * from "./catalog.ts";
