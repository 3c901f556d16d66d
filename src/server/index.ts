/** The dashboard: JSON API, event stream and pages over a read-only journal (docs/DASHBOARD.md). */
export { createDashboardApp } from "./app.ts";
export type { DashboardApp, DashboardOptions } from "./app.ts";
export { isLoopbackHost, startDashboard } from "./listen.ts";
export type { RunningDashboard } from "./listen.ts";
export { JournalPoller } from "./stream.ts";
export type { JournalChanges } from "./stream.ts";
