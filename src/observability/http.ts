/**
 * `run --metrics-port N`: a bare `node:http` server that serves the Prometheus text at
 * `GET /metrics` and nothing else (404), bound to 127.0.0.1 unless a host is given. The web
 * server (src/server) mounts the same {@link renderMetrics} text at its own `/metrics`.
 */
import { createServer } from "node:http";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { PROMETHEUS_CONTENT_TYPE } from "./metrics.ts";

/** A started metrics server. */
export interface MetricsServer {
  /** The bound port (the chosen one, or the free port picked for 0). */
  readonly port: number;
  readonly host: string;
  /** Stops listening and closes open connections. */
  close(): Promise<void>;
}

/**
 * Listens on `host:port` (default host 127.0.0.1) and answers `GET /metrics` with `render()`.
 * @throws the listen error (port in use, permission) as the promise's rejection.
 */
export async function startMetricsServer(options: { readonly port: number; readonly host?: string; readonly render: () => string }): Promise<MetricsServer> {
  const host = options.host ?? "127.0.0.1";
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    if (path !== "/metrics" || (req.method !== "GET" && req.method !== "HEAD")) {
      res.writeHead(path === "/metrics" ? 405 : 404, { "content-type": "text/plain; charset=utf-8" });
      res.end(path === "/metrics" ? "GET only\n" : "not found: this server serves /metrics only\n");
      return;
    }
    let body: string;
    try {
      body = options.render();
    } catch (error) {
      res.writeHead(500, { "content-type": "text/plain; charset=utf-8" });
      res.end(`metrics failed: ${error instanceof Error ? error.message : String(error)}\n`);
      return;
    }
    res.writeHead(200, { "content-type": PROMETHEUS_CONTENT_TYPE, "content-length": Buffer.byteLength(body) });
    res.end(req.method === "HEAD" ? undefined : body);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    host,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
