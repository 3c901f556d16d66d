/**
 * The engine: the one kernel that wires the pure parts (market state, metrics, later
 * strategies, risk and the paper broker) for live and replay alike. Pure: no I/O, no clock.
 */
export * from "./metric-set.ts";
export * from "./kernel.ts";
export * from "./kernel-record.ts";
export * from "./broker-port.ts";
export * from "./leg-pairing.ts";
export * from "./spot-leg-filter.ts";
export * from "./sz-decimals.ts";
export * from "./coin-correlations.ts";
export * from "./paper-broker.ts";
export * from "./component-performance.ts";
export * from "./paper-book.ts";
