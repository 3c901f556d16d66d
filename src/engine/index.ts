/**
 * The engine: the one kernel that wires the pure parts (market state, metrics, later
 * strategies, risk and the paper broker) for live and replay alike. Pure: no I/O, no clock.
 */
export * from "./metric-set.ts";
