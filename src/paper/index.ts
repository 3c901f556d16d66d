/** Paper trading: shared record types and the deterministic paper broker. Pure. */
export * from "./types.ts";
export * from "./records.ts";
export * from "./book-walk.ts";
export * from "./bar-fill.ts";
export * from "./funding.ts";
export * from "./exits.ts";
export * from "./broker-config.ts";
export * from "./broker-state.ts";
export * from "./broker.ts";
