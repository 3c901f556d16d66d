/** Alerts: webhooks (generic JSON, Telegram, Discord) for the live session (docs/ALERTS.md). */
export { DISCORD_MAX_CHARS, TELEGRAM_MAX_CHARS, alertBody } from "./alert.ts";
export type { Alert } from "./alert.ts";
export { AlertDispatcher, backoffMs, fetchTransport } from "./dispatcher.ts";
export type { AlertCounters, AlertDispatcherOptions, AlertTransport, DestinationStats, TransportResponse } from "./dispatcher.ts";
export { LiveAlerts } from "./live-alerts.ts";
export type { AlertDecision, AlertOutcome, AlertRecord, AlertSignal, LifecycleRow, LiveAlertsOptions } from "./live-alerts.ts";
export { TokenBucket } from "./token-bucket.ts";
