/** Risk: fee tiers, fixed-fractional sizing with costs, portfolio limits, and the decision on each signal. Pure. */
export * from "./fees.ts";
export * from "./config.ts";
export * from "./size-decimals.ts";
export * from "./sizing.ts";
export * from "./portfolio.ts";
export * from "./portfolio-limits.ts";
export * from "./assess.ts";
