/**
 * Structured logging with pino. The rest of the code depends only on the small {@link Logger}
 * interface, so tests can pass a fake (see `memory-logger.ts`).
 */
import { pino } from "pino";
import pretty from "pino-pretty";
import type { LogFormat, LogLevel } from "./schema.ts";

/** Logs `msg` with structured fields `obj`, or just `msg`. */
export interface LogFn {
  (obj: object, msg?: string): void;
  (msg: string): void;
}

/** What the code logs through. pino's logger satisfies it. */
export interface Logger {
  readonly trace: LogFn;
  readonly debug: LogFn;
  readonly info: LogFn;
  readonly warn: LogFn;
  readonly error: LogFn;
  readonly fatal: LogFn;
  /** A logger that adds `bindings` (e.g. `{ component: "live", coin: "BTC" }`) to every line. */
  child(bindings: Record<string, unknown>): Logger;
}

/** Where log lines go: anything with `write`; `isTTY` chooses pretty output under `format: "auto"`. */
export interface LogDestination {
  write(line: string): unknown;
  readonly isTTY?: boolean | undefined;
}

/** Inputs of {@link createLogger}. */
export interface CreateLoggerOptions {
  readonly level: LogLevel;
  /** `auto`: pretty when the destination is a TTY, JSON lines otherwise. */
  readonly format: LogFormat;
  /**
   * Default: standard error, so that standard output stays clean for reports
   * (`replay --dry --json`) that other programs read.
   */
  readonly destination?: LogDestination | undefined;
}

/**
 * Field names whose values never reach a log line. Matched at any depth up to four levels
 * (`privateKey`, `wallet.privateKey`, `req.headers.authorization`, …). Deliberately not
 * `token`: spot token names are ordinary data here. Secrets inside message strings are
 * not caught; log them as fields or not at all.
 */
export const REDACTED_KEYS = [
  "privateKey",
  "secret",
  "secretKey",
  "apiKey",
  "apiSecret",
  "authorization",
  "Authorization",
  "password",
  "mnemonic",
  "seedPhrase",
] as const;

/** What replaces a redacted value. */
export const REDACTED = "[redacted]";

const REDACT_PATHS = REDACTED_KEYS.flatMap((key) => [0, 1, 2, 3].map((depth) => [...Array<string>(depth).fill("*"), key].join(".")));

/**
 * Creates the process logger. Pretty lines are formatted in-process with pino-pretty's
 * formatter and written straight to the destination (no worker thread, no stream plumbing),
 * so any `write`-able destination works and a crash cannot lose the last lines.
 */
export function createLogger(options: CreateLoggerOptions): Logger {
  const destination = options.destination ?? process.stderr;
  const isPretty = options.format === "pretty" || (options.format === "auto" && destination.isTTY === true);
  const settings = { level: options.level, redact: { paths: REDACT_PATHS, censor: REDACTED } };
  if (isPretty) {
    const format = pretty.prettyFactory({ colorize: destination.isTTY === true, ignore: "pid,hostname", translateTime: "SYS:HH:MM:ss.l" });
    return pino(settings, { write: (line: string) => void destination.write(format(line)) });
  }
  return pino(settings, { write: (line: string) => void destination.write(line) });
}

const noop: LogFn = () => undefined;

/** A logger that drops everything. */
export const nullLogger: Logger = {
  trace: noop,
  debug: noop,
  info: noop,
  warn: noop,
  error: noop,
  fatal: noop,
  child: () => nullLogger,
};
