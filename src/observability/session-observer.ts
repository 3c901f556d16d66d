/**
 * The one observer `run` (src/cli/run.ts) hands what happens in a live session: the Prometheus
 * metrics ({@link LiveMetrics}) and, when `alerts.enabled`, the alerts ({@link LiveAlerts} →
 * {@link AlertDispatcher}). Every hook returns at once and never throws into the pipeline: an
 * exception inside is caught, logged (the first few in full) and counted.
 */
import { AlertDispatcher, LiveAlerts } from "../alerts/index.ts";
import type { AlertRecord, AlertTransport, LifecycleRow } from "../alerts/index.ts";
import type { AlertsConfig, Logger } from "../config/index.ts";
import type { MarketEvent } from "../core/index.ts";
import { LiveMetrics } from "./live-metrics.ts";
import type { LiveMetricsSnapshot, ObservedRecord } from "./live-metrics.ts";

/** Options of {@link SessionObserver}. */
export interface SessionObserverOptions {
  readonly logger: Logger;
  /** Default: a new {@link LiveMetrics}. */
  readonly metrics?: LiveMetrics;
  /** The config's `alerts` section; no alerts when absent or not enabled. */
  readonly alerts?: AlertsConfig;
  /** The journal's lifecycle rows (for `lifecycle_change` alerts). */
  readonly readLifecycle?: () => readonly LifecycleRow[];
  /** Tests: the alerts' HTTP transport. */
  readonly alertTransport?: AlertTransport;
  /** Alerts' staleness check cadence, ms. Default 1000. */
  readonly alertCheckEveryMs?: number;
}

const LOGGED_ERRORS = 5;

/** See the file comment. */
export class SessionObserver {
  readonly metrics: LiveMetrics;
  readonly #log: Logger;
  readonly #alerts: LiveAlerts | undefined;
  readonly #dispatcher: AlertDispatcher | undefined;
  readonly #checkEveryMs: number;
  #errors = 0;

  constructor(options: SessionObserverOptions) {
    this.#log = options.logger.child({ component: "observer" });
    this.metrics = options.metrics ?? new LiveMetrics();
    this.#checkEveryMs = options.alertCheckEveryMs ?? 1_000;
    const alerts = options.alerts;
    if (alerts?.enabled === true) {
      this.#dispatcher = new AlertDispatcher({
        destinations: alerts.destinations,
        logger: options.logger,
        counters: this.metrics,
        ...(options.alertTransport === undefined ? {} : { transport: options.alertTransport }),
      });
      const dispatcher = this.#dispatcher;
      this.#alerts = this.#guard("alerts", () => new LiveAlerts({ config: alerts, send: (a) => dispatcher.send(a), ...(options.readLifecycle === undefined ? {} : { readLifecycle: options.readLifecycle }) }));
      if (alerts.destinations.length === 0) this.#log.warn({}, "alerts.enabled is true but alerts.destinations is empty: no alert will be sent");
      else this.#log.info({ destinations: alerts.destinations.map((d) => `${d.name} (${d.format}, ${String(d.url)})`) }, "alerts on");
    }
  }

  /** The session is running: `collect` gives the state figures at each scrape; alert checks start. */
  start(collect: () => LiveMetricsSnapshot): void {
    this.metrics.setCollect(collect);
    this.#alerts?.start(this.#checkEveryMs);
  }

  onEvent(event: MarketEvent): void {
    this.#guard("metrics", () => this.metrics.onEvent(event));
    if (this.#alerts !== undefined) this.#guard("alerts", () => this.#alerts?.onEvent(event));
  }

  /** The kernel's records (structurally `KernelRecord[]`). */
  onRecords(records: readonly (ObservedRecord & AlertRecord)[] | readonly unknown[]): void {
    if (records.length === 0) return;
    this.#guard("metrics", () => this.metrics.onRecords(records as readonly ObservedRecord[]));
    if (this.#alerts !== undefined) this.#guard("alerts", () => this.#alerts?.onRecords(records as readonly AlertRecord[]));
  }

  onReject(): void {
    this.#guard("metrics", () => this.metrics.onReject());
  }

  /** One journal batch commit and its duration, ms. */
  onJournalWrite(ms: number): void {
    this.#guard("metrics", () => this.metrics.onJournalWrite(ms));
  }

  /** Fields for the status line: journal write latency, alert totals. */
  statusFields(): Readonly<Record<string, unknown>> {
    const journalWriteMs = this.metrics.journalWriteMs();
    return {
      ...(journalWriteMs === undefined ? {} : { journalWriteMs }),
      ...(this.#dispatcher === undefined ? {} : { alerts: this.#dispatcher.stats() }),
    };
  }

  /** Stops the alert checks and gives queued alerts up to `graceMs` to go out. Never rejects. */
  async close(graceMs = 5_000): Promise<void> {
    this.#alerts?.stop();
    await this.#dispatcher?.close(graceMs);
  }

  #guard<T>(what: string, action: () => T): T | undefined {
    try {
      return action();
    } catch (error) {
      this.#errors += 1;
      if (this.#errors <= LOGGED_ERRORS) this.#log.error({ err: error, errors: this.#errors }, `${what} observer failed; the session carries on`);
      return undefined;
    }
  }
}
