/** The synthetic venue: a seeded, accelerated local Hyperliquid with planted effects and scheduled faults. */
export * from "./effects.ts";
export * from "./faults.ts";
export * from "./model.ts";
export * from "./universe.ts";
export * from "./venue.ts";
export * from "./ws-server.ts";
