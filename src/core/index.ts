/** The core: types, market events, clock, errors. Imports nothing else in the project. */
export * from "./books.ts";
export * from "./clock.ts";
export * from "./errors.ts";
export * from "./events.ts";
export * from "./intervals.ts";
export * from "./market.ts";
