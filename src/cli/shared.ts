/**
 * What every command shares: turning command-line options into the one validated
 * configuration, and the logger it asks for.
 */
import { createLogger, loadConfigWithSources } from "../config/index.ts";
import type { Config, ConfigSourceRow, Logger } from "../config/index.ts";
import type { ParseError } from "../core/index.ts";
import { CliUsageError } from "./errors.ts";

/** Options that map onto configuration keys (see withCommonOptions in main.ts). */
export interface CommonOptions {
  readonly config?: string;
  readonly network?: string;
  readonly restUrl?: string;
  readonly wsUrl?: string;
  readonly logLevel?: string;
  readonly logFormat?: string;
  readonly coins?: string;
  readonly intervals?: string;
  readonly spot?: boolean;
}

/** Dotted config overrides from flags; unset flags are left out so config sources stay truthful. */
export function overridesFrom(options: CommonOptions, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const overrides: Record<string, unknown> = {
    network: options.network,
    restUrl: options.restUrl,
    wsUrl: options.wsUrl,
    "log.level": options.logLevel,
    "log.format": options.logFormat,
    coins: options.coins,
    candleIntervals: options.intervals,
    ...extra,
  };
  // Commander sets `spot: true` by default for `--no-spot`; only an explicit --no-spot is a flag.
  if (options.spot === false) {
    overrides["spot.enabled"] = false;
  }
  return Object.fromEntries(Object.entries(overrides).filter(([, value]) => value !== undefined));
}

export interface CommandContext {
  readonly config: Config;
  readonly sources: readonly ConfigSourceRow[];
  readonly logger: Logger;
}

/** Loads and validates the configuration (throws ConfigError naming key and value) and makes the logger. */
export function commandContext(options: CommonOptions, extra: Record<string, unknown> = {}): CommandContext {
  const { config, sources } = loadConfigWithSources({
    file: options.config,
    env: process.env,
    overrides: overridesFrom(options, extra),
    cwd: process.cwd(),
  });
  const logger = createLogger({ level: config.log.level, format: config.log.format });
  return { config, sources, logger };
}

/** Parses a positive integer option, naming the flag and the value when it is not one. */
export function positiveInteger(flag: string, value: unknown): number | undefined {
  if (value === undefined) {
    return undefined;
  }
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed <= 0) {
    throw new CliUsageError(`${flag} must be a positive integer (got ${JSON.stringify(value)})`);
  }
  return parsed;
}

export { CliUsageError };

/** Log the first rejects one by one, then one line per this many. */
const REJECTS_LOGGED_IN_FULL = 20;
const REJECT_LOG_EVERY = 100;

/** Logs a parser reject of the live loop without flooding the log: the first 20, then every 100th. */
export function logReject(log: Logger, error: ParseError, total: number): void {
  if (total <= REJECTS_LOGGED_IN_FULL) {
    log.warn({ field: error.field, total }, `rejected: ${error.message}`);
  } else if (total % REJECT_LOG_EVERY === 0) {
    log.warn({ field: error.field, total }, `rejected ${total} values so far; latest: ${error.message}`);
  }
}

/** Resolves on Ctrl-C / SIGTERM, or after `durationS` seconds if given. */
export function untilStopped(durationS: number | undefined): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      process.off("SIGINT", done);
      process.off("SIGTERM", done);
      clearTimeout(timer);
      resolve();
    };
    const timer = durationS === undefined ? undefined : setTimeout(done, durationS * 1000);
    process.once("SIGINT", done);
    process.once("SIGTERM", done);
  });
}
