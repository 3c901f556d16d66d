/**
 * One error root, one subclass per boundary.
 *
 * | class            | thrown by                         | meaning                                   |
 * | ---------------- | --------------------------------- | ----------------------------------------- |
 * | `ParseError`     | venue parsers, replay readers     | one input value is malformed; names field and value |
 * | `ConfigError`    | config loading                    | a setting is invalid; names key, value, what is allowed |
 * | `VenueError`     | REST / WebSocket adapters         | the venue or transport failed after retries |
 * | `DataFileError`  | replay / capture readers          | a file is missing or unreadable           |
 * | `JournalError`   | the SQLite journal (src/journal)  | the database refused a write or is not a journal of ours |
 *
 * Expected outcomes (a rejected frame in the live loop, a metric not yet warm) are values,
 * not exceptions; the live loop turns a `ParseError` into a counted, logged reject.
 */
export class StrategyMonitorError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Describes a value for an error message without dumping huge inputs. */
export function describeValue(value: unknown): string {
  let text: string;
  if (typeof value === "string") {
    text = JSON.stringify(value);
  } else if (typeof value === "number" || typeof value === "boolean" || value === null || value === undefined) {
    text = String(value);
  } else {
    try {
      text = JSON.stringify(value) ?? typeof value;
    } catch {
      text = typeof value;
    }
  }
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

/** A malformed input value. `field` is a path such as `l2Book.levels[0][2].sz`. */
export class ParseError extends StrategyMonitorError {
  readonly field: string;
  readonly value: unknown;
  constructor(field: string, value: unknown, problem: string) {
    super(`${field}: ${problem} (got ${describeValue(value)})`);
    this.field = field;
    this.value = value;
  }
}

/** An invalid setting. `key` is the config path (`live.pingIntervalMs`). */
export class ConfigError extends StrategyMonitorError {
  readonly key: string;
  readonly value: unknown;
  constructor(key: string, value: unknown, allowed: string) {
    super(`config ${key} = ${describeValue(value)} is invalid: ${allowed}`);
    this.key = key;
    this.value = value;
  }
}

/** The venue (REST or WebSocket) failed after the retries we allow. */
export class VenueError extends StrategyMonitorError {
  readonly status: number | undefined;
  constructor(message: string, status?: number, options?: ErrorOptions) {
    super(message, options);
    this.status = status;
  }
}

/** A data file is missing, unreadable or of an unknown layout. */
export class DataFileError extends StrategyMonitorError {
  readonly path: string;
  constructor(path: string, problem: string, options?: ErrorOptions) {
    super(`${path}: ${problem}`, options);
    this.path = path;
  }
}
