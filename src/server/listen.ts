/**
 * Serves the dashboard's app over HTTP (`@hono/node-server`), and the host rule: a host other
 * than loopback is refused without an access token.
 */
import { serve } from "@hono/node-server";
import type { ServerType } from "@hono/node-server";
import type { DashboardApp } from "./app.ts";

/** Whether `host` is a loopback address or name (reachable only from this machine). */
export function isLoopbackHost(host: string): boolean {
  const h = host.trim().toLowerCase().replace(/^\[|\]$/g, "");
  return h === "localhost" || h === "::1" || /^127(\.\d{1,3}){3}$/.test(h);
}

/** A running dashboard: its URL (no token in it) and how to stop it. */
export interface RunningDashboard {
  /** `http://host:port/`, with the port actually bound (port 0 picks a free one). */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/** Starts listening on `host`:`port`; resolves once bound. Rejects when the port is taken. */
export function startDashboard(dashboard: DashboardApp, host: string, port: number): Promise<RunningDashboard> {
  return new Promise((resolve, reject) => {
    let server: ServerType | undefined = undefined;
    server = serve({ fetch: dashboard.app.fetch, hostname: host, port }, (info) => {
      const bound = server!;
      const shownHost = host.includes(":") ? `[${host}]` : host;
      resolve({
        url: `http://${shownHost}:${info.port}/`,
        port: info.port,
        close: () =>
          new Promise<void>((done) => {
            dashboard.poller.stop();
            // Open event streams would hold close() forever.
            if ("closeAllConnections" in bound && typeof bound.closeAllConnections === "function") bound.closeAllConnections();
            bound.close(() => done());
          }),
      });
    });
    server.once("error", reject);
  });
}
