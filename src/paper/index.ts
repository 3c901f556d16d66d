/** Paper trading: shared record types and the deterministic paper broker. */
export * from "./types.ts";
export * from "./records.ts";
