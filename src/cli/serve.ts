/**
 * `strategy-monitor serve --db FILE [--host 127.0.0.1] [--port 8787] [--token T]`: the dashboard
 * (pages, JSON API, event stream) over a journal opened read-only, while another process may be
 * writing it. A host other than loopback is refused without `--token`; the token is never logged.
 * See docs/DASHBOARD.md.
 */
import { existsSync } from "node:fs";
import { DataFileError } from "../core/index.ts";
import { Journal } from "../journal/index.ts";
import { createDashboardApp, isLoopbackHost, startDashboard } from "../server/index.ts";
import type { RunningDashboard } from "../server/index.ts";
import { CliUsageError } from "./errors.ts";
import { commandContext, untilStopped } from "./shared.ts";
import type { CommonOptions } from "./shared.ts";
import { gatesFromConfig } from "./trading-config.ts";

/** Options of `strategy-monitor serve`. */
export interface ServeCliOptions extends CommonOptions {
  readonly db?: string;
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** Default 8787; 0 picks a free port. */
  readonly port?: string;
  readonly token?: string;
  /** Stop after this many seconds (tests). */
  readonly duration?: string;
}

export const DEFAULT_DASHBOARD_HOST = "127.0.0.1";
export const DEFAULT_DASHBOARD_PORT = 8787;

/** The host, port and token of `--host`, `--port`, `--token`. @throws CliUsageError on a bad port, an empty token, or a non-loopback host without a token. */
export function dashboardAddress(options: { host?: string | undefined; port?: string | undefined; token?: string | undefined }): { host: string; port: number; token: string | undefined } {
  const host = options.host ?? DEFAULT_DASHBOARD_HOST;
  const port = options.port === undefined ? DEFAULT_DASHBOARD_PORT : Number(options.port);
  if (!/^\d+$/.test(options.port ?? "0") || !Number.isInteger(port) || port > 65_535) throw new CliUsageError(`--port must be an integer from 0 to 65535 (got ${JSON.stringify(options.port)})`);
  if (options.token !== undefined && options.token.trim().length < 8) throw new CliUsageError("--token must be at least 8 characters");
  if (!isLoopbackHost(host) && options.token === undefined) {
    throw new CliUsageError(`--host ${host} would expose the dashboard beyond this machine without an access token: give --token <secret> (at least 8 characters), or keep the default --host ${DEFAULT_DASHBOARD_HOST}`);
  }
  return { host, port, token: options.token };
}


/** Runs the command until Ctrl-C (or `--duration`). @throws CliUsageError on bad flags; DataFileError when the journal does not exist; JournalError when it is not a journal. */
export async function runServe(options: ServeCliOptions): Promise<void> {
  if (typeof options.db !== "string" || options.db === "") throw new CliUsageError("serve needs --db <journal file>");
  const { host, port, token } = dashboardAddress(options);
  const durationS = options.duration === undefined ? undefined : Number(options.duration);
  if (durationS !== undefined && !(Number.isFinite(durationS) && durationS > 0)) throw new CliUsageError(`--duration must be a positive number of seconds (got ${JSON.stringify(options.duration)})`);
  // Journal.open would create a missing file, and a read-only open cannot.
  if (!existsSync(options.db)) throw new DataFileError(options.db, "no such journal (run `strategy-monitor replay … --db` or `run` first)");
  const stopped = untilStopped(durationS);
  const { config, logger } = commandContext(options);
  const journal = Journal.openForReading(options.db, (path) => process.stderr.write(`migrated ${path} to this version's journal schema\n`));
  let running: RunningDashboard | undefined;
  try {
    const dashboard = createDashboardApp({ journal, token, gates: gatesFromConfig(config), trialRegistry: config.journal.trialRegistry });
    running = await startDashboard(dashboard, host, port);
    // The token is never printed: the user has it.
    process.stdout.write(`dashboard: ${running.url} (journal ${options.db}, read-only${token === undefined ? "" : "; access token required"}); Ctrl-C stops\n`);
    logger.info({ url: running.url, db: options.db, tokenRequired: token !== undefined }, "dashboard serving");
    await stopped;
  } finally {
    await running?.close();
    journal.close();
  }
}
