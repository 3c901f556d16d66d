/**
 * What every command shares: turning command-line options into the one validated
 * configuration, and the logger it asks for.
 */
import { createLogger, loadConfigWithSources } from "../config/index.ts";
import type { Config, ConfigSourceRow, Logger } from "../config/index.ts";
import { StrategyMonitorError, VenueError } from "../core/index.ts";
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

/** Why a session was asked to stop. */
export type StopReason = "SIGINT" | "SIGTERM" | "duration";

/**
 * Resolves on Ctrl-C / SIGTERM, or after `durationS` seconds if given, with the reason. The
 * promise exists from the first line of a command, so a signal or the duration is honoured in
 * every state (REST or WebSocket unreachable at start, warm-up, running): sessions race it
 * against whatever they wait for. A second Ctrl-C / SIGTERM after the first has the default
 * effect (the process dies), for a shutdown that hangs.
 */
export function untilStopped(durationS: number | undefined): Promise<StopReason> {
  return new Promise((resolve) => {
    const done = (reason: StopReason): void => {
      process.off("SIGINT", onInt);
      process.off("SIGTERM", onTerm);
      clearTimeout(timer);
      resolve(reason);
    };
    const onInt = (): void => done("SIGINT");
    const onTerm = (): void => done("SIGTERM");
    const timer = durationS === undefined ? undefined : setTimeout(() => done("duration"), durationS * 1000);
    process.once("SIGINT", onInt);
    process.once("SIGTERM", onTerm);
  });
}

/**
 * The session was stopped (signal or `--duration`) before it could start: the venue was not
 * reached. The CLI entries end with exit code 0 after a signal (the user asked) and report it as
 * an error after `--duration` (a timed run that never saw the venue should not look like one that did).
 */
export class StoppedBeforeStartError extends StrategyMonitorError {}

/** First wait after a failed start-up request, ms; doubles per failure up to {@link START_RETRY_MAX_MS}. */
export const START_RETRY_BASE_MS = 5_000;
/** Longest wait between start-up attempts, ms. */
export const START_RETRY_MAX_MS = 60_000;

/** A venue failure that may pass: no answer, a timeout, HTTP 429 or 5xx. A 4xx refusal or a bad config will not. */
export function isTransientVenueError(error: unknown): boolean {
  return error instanceof VenueError && (error.status === undefined || error.status === 429 || error.status >= 500);
}

/** Options of {@link retryUntilStopped}. */
export interface RetryUntilStoppedOptions {
  /** Resolves when the user stops the command. */
  readonly stopped: Promise<unknown>;
  readonly log: Logger;
  /** Default {@link START_RETRY_BASE_MS}. */
  readonly baseMs?: number;
  /** Default {@link START_RETRY_MAX_MS}. */
  readonly maxMs?: number;
}

/**
 * Runs `attempt` until it succeeds, waiting `baseMs × 2^n` (at most `maxMs`) after each transient
 * venue failure ({@link isTransientVenueError}) and logging each wait: a venue outage at start
 * waits, it does not end the command. The attempt's signal is aborted when the user stops.
 * @throws StoppedBeforeStartError when `stopped` resolves first (its message carries the last failure);
 *   any other error of `attempt` at once.
 */
export async function retryUntilStopped<T>(what: string, attempt: (signal: AbortSignal) => Promise<T>, options: RetryUntilStoppedOptions): Promise<T> {
  const abort = new AbortController();
  let stopped = false;
  const stop = options.stopped.then(() => {
    stopped = true;
    abort.abort(new StoppedBeforeStartError(`stopped before ${what} succeeded`));
  });
  const startedMs = Date.now();
  let lastFailure: string | undefined;
  const stoppedError = (): StoppedBeforeStartError =>
    new StoppedBeforeStartError(
      lastFailure === undefined ? `stopped before ${what} succeeded` : `stopped after ${Math.round((Date.now() - startedMs) / 1000)} s without reaching the venue (${what}): ${lastFailure}`,
    );
  for (let failures = 0; ; failures += 1) {
    if (stopped) throw stoppedError();
    try {
      return await Promise.race([attempt(abort.signal), stop.then(() => Promise.reject(stoppedError()))]);
    } catch (error) {
      if (stopped) throw stoppedError();
      if (!isTransientVenueError(error)) throw error;
      lastFailure = (error as Error).message;
      const waitMs = Math.min((options.baseMs ?? START_RETRY_BASE_MS) * 2 ** failures, options.maxMs ?? START_RETRY_MAX_MS);
      options.log.warn(
        { attempt: failures + 1, retryInMs: waitMs, downForMs: Date.now() - startedMs, error: lastFailure },
        `the venue did not answer ${what}; waiting ${waitMs / 1000} s and trying again (Ctrl-C stops)`,
      );
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([new Promise<void>((r) => (timer = setTimeout(r, waitMs))), stop]);
      clearTimeout(timer);
    }
  }
}

/**
 * Awaits `work` unless the user stops first: then resolves `{ stopped: true }` (the caller cleans
 * up what `work` was doing, e.g. stops a live source whose start never completed).
 */
export async function unlessStopped<T>(work: Promise<T>, stopped: Promise<unknown>): Promise<{ readonly stopped: false; readonly value: T } | { readonly stopped: true }> {
  return Promise.race([work.then((value) => ({ stopped: false as const, value })), stopped.then(() => ({ stopped: true as const }))]);
}

/**
 * Ends a CLI command stopped before it started: after a signal, one line and exit code 0 (the user
 * asked); after `--duration`, rethrown (exit code 2, the reason on stderr).
 */
export async function endStoppedBeforeStart(error: StoppedBeforeStartError, stopped: Promise<StopReason>, log: Logger): Promise<void> {
  const reason = await stopped;
  if (reason === "duration") throw error;
  log.warn({ reason }, `${error.message}; nothing was started`);
}
