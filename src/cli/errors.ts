import { StrategyMonitorError } from "../core/index.ts";

/** A command-line flag with an unusable value. */
export class CliUsageError extends StrategyMonitorError {}
