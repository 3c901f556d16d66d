/**
 * Replay: capture files (record and read back), history files in the venue's own layouts,
 * the time-ordered merge and dry-run reports. Reuses the venue parser, nothing else from venues.
 */
export * from "./capture-format.ts";
export * from "./capture-reader.ts";
export * from "./capture-writer.ts";
export * from "./diagnostics.ts";
export * from "./dry-run.ts";
export * from "./gaps.ts";
export * from "./history-layout.ts";
export * from "./history-reader.ts";
export * from "./merge.ts";
export { isGzipFile, readTextLines, readWholeText } from "./text-lines.ts";
export type { LineChunk, LinesEnd } from "./text-lines.ts";
