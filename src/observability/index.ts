/** Observability: the Prometheus registry and exposition, the live session's metrics, `/metrics` over HTTP. */
export { Counter, DEFAULT_SUMMARY_WINDOW, Gauge, MetricsRegistry, PROMETHEUS_CONTENT_TYPE, Summary, escapeHelp, escapeLabelValue, formatValue, nearestRank } from "./metrics.ts";
export type { Labels } from "./metrics.ts";
export { LiveMetrics, renderMetrics, setActiveLiveMetrics } from "./live-metrics.ts";
export type { LiveMetricsOptions, LiveMetricsSnapshot, ObservedRecord } from "./live-metrics.ts";
export { startMetricsServer } from "./http.ts";
export type { MetricsServer } from "./http.ts";
export { SessionObserver } from "./session-observer.ts";
export type { SessionObserverOptions } from "./session-observer.ts";
