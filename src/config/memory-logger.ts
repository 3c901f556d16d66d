/**
 * A {@link Logger} that keeps entries in memory, for tests that assert what was logged.
 */
import type { LogFn, Logger } from "./logger.ts";
import type { LogLevel } from "./schema.ts";

/** One logged line: level, message and the merged fields (child bindings, then the call's object). */
export interface LogEntry {
  readonly level: LogLevel;
  readonly msg: string | undefined;
  readonly fields: Readonly<Record<string, unknown>>;
}

/** A logger plus the entries it (and its children) recorded, oldest first. */
export interface MemoryLogger extends Logger {
  readonly entries: LogEntry[];
}

/** Creates a logger that records every call, at every level. */
export function createMemoryLogger(): MemoryLogger {
  const entries: LogEntry[] = [];
  const make = (bindings: Record<string, unknown>): Logger => {
    const at =
      (level: LogLevel): LogFn =>
      (objOrMsg: object | string, msg?: string): void => {
        if (typeof objOrMsg === "string") {
          entries.push({ level, msg: objOrMsg, fields: { ...bindings } });
        } else {
          entries.push({ level, msg, fields: { ...bindings, ...objOrMsg } });
        }
      };
    return {
      trace: at("trace"),
      debug: at("debug"),
      info: at("info"),
      warn: at("warn"),
      error: at("error"),
      fatal: at("fatal"),
      child: (more) => make({ ...bindings, ...more }),
    };
  };
  return Object.assign(make({}), { entries });
}
