import { StrategyMonitorError } from "../core/index.ts";

/**
 * The journal's boundary error (add it to the table in `src/core/errors.ts`):
 *
 * | thrown by          | meaning                                                                 |
 * | ------------------ | ----------------------------------------------------------------------- |
 * | `Journal.open`     | the file cannot be opened, is not a journal, or its schema is newer than this code (or older, when opened read-only) |
 * | `Journal.writeBatch` | a record breaks an invariant: a duplicate key, a reference to a row never written, a value JSON cannot hold — a bug in the producer; the whole batch is rolled back |
 */
export class JournalError extends StrategyMonitorError {
  /** The journal file. */
  readonly path: string;
  constructor(path: string, problem: string, options?: ErrorOptions) {
    super(`journal ${path}: ${problem}`, options);
    this.path = path;
  }
}
