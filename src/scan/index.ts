/**
 * The funding and basis scanner: ranks perp–spot carry, cross-venue funding differences,
 * funding extremes and acceleration, and perp–spot basis across the venue, each net of the real
 * round trip. Pure: no I/O, no clock (`nowMs` is passed in); `strategy-monitor scan`
 * (src/cli/scan.ts) reads the venue and prints. See docs/SCANNER.md.
 */
export * from "./types.ts";
export * from "./units.ts";
export * from "./costs.ts";
export * from "./scan.ts";
export * from "./format.ts";
