import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { monitorSession } from "../../src/cli/run.ts";
import { createMemoryLogger, loadConfig } from "../../src/config/index.ts";
import type { Config, MemoryLogger } from "../../src/config/index.ts";
import type { MarketEvent } from "../../src/core/index.ts";
import { HOUR_MS } from "../../src/core/index.ts";
import { LiveMetrics, renderMetrics, setActiveLiveMetrics } from "../../src/observability/index.ts";
import { META_AND_ASSET_CTXS, SPOT_META_AND_ASSET_CTXS } from "../../test-support/hyperliquid-server/info-fixtures.ts";
import { startInfoServer } from "../../test-support/hyperliquid-server/info-server.ts";
import type { InfoServer } from "../../test-support/hyperliquid-server/info-server.ts";
import { startWsServer } from "../../test-support/hyperliquid-server/ws-server.ts";
import type { HyperliquidWsServer } from "../../test-support/hyperliquid-server/ws-server.ts";

/*
 * `run` with its metrics and alerts against the local Hyperliquid servers and a local webhook
 * receiver (127.0.0.1; nothing leaves the machine).
 */
const H = Math.ceil((Date.now() + 5 * 60_000) / HOUR_MS) * HOUR_MS;

async function waitFor(condition: () => boolean, what: string, timeoutMs = 8_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

function book(coin: string, time: number, bid: number, ask: number): unknown {
  return { coin, time, levels: [[{ px: bid.toFixed(1), sz: "1.0", n: 1 }], [{ px: ask.toFixed(1), sz: "1.0", n: 1 }]] };
}

function sample(text: string, series: string): number | undefined {
  const line = text.split("\n").find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe("run's metrics and alerts", () => {
  let info: InfoServer;
  let ws: HyperliquidWsServer;
  let hook: Server;
  let hookUrl: string;
  const received: { path: string; body: { kind: string; title: string } }[] = [];
  let dir: string;
  let config: Config;

  beforeEach(async () => {
    received.length = 0;
    info = await startInfoServer({ now: H, metaAndAssetCtxs: META_AND_ASSET_CTXS, spotMetaAndAssetCtxs: SPOT_META_AND_ASSET_CTXS, funding: { BTC: [] } });
    ws = await startWsServer();
    hook = createServer((req, res) => {
      let body = "";
      req.on("data", (c: Buffer) => (body += c.toString()));
      req.on("end", () => {
        received.push({ path: req.url ?? "", body: JSON.parse(body) as { kind: string; title: string } });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => hook.listen(0, "127.0.0.1", r));
    hookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hooks/SECRET-PATH`;
    dir = mkdtempSync(join(tmpdir(), "sm-obs-"));
    config = loadConfig({
      env: {},
      cwd: dir,
      overrides: {
        network: "custom",
        restUrl: info.url,
        wsUrl: ws.url,
        coins: ["BTC"],
        candleIntervals: ["1m"],
        "rest.maxRetries": 0,
        "live.maxVenueTimeAheadMs": 4 * HOUR_MS,
        "live.warmUpBars": 0,
        "live.warmUpFundingHours": 0,
        "alerts.enabled": true,
        "alerts.staleAfterMs": 800,
        "alerts.destinations": [{ name: "hook", format: "generic", url: hookUrl }],
      },
    });
  });
  afterEach(async () => {
    setActiveLiveMetrics(undefined);
    await ws.close();
    await info.close();
    hook.closeAllConnections();
    await new Promise<void>((r) => hook.close(() => r()));
    rmSync(dir, { recursive: true, force: true });
  });

  it("counts events, batches and journal write latency for /metrics, alerts a stale feed and its return, and never logs the webhook's path", async () => {
    let stop!: () => void;
    const stopped = new Promise<void>((r) => (stop = r));
    const events: MarketEvent[] = [];
    const logger: MemoryLogger = createMemoryLogger();
    const metrics = new LiveMetrics();
    const done = monitorSession({ config, logger, stopped, dbPath: join(dir, "monitor.db"), batchEvents: 1, idleFlushMs: 60_000, onEvent: (e) => events.push(e), metrics, alertCheckEveryMs: 50 });
    await waitFor(() => ws.subscriptions().length === 8, "eight subscriptions");
    ws.send("l2Book", book("BTC", H - 2_000, 117_999, 118_001));
    ws.send("l2Book", book("BTC", H - 1_000, 117_999, 118_001));
    await waitFor(() => events.filter((e) => e.kind === "book").length === 2, "two books");

    // The feed goes quiet for longer than alerts.staleAfterMs (800 ms): one stale alert…
    await waitFor(() => received.length === 1, "the stale alert", 5_000);
    expect(received[0]?.path).toBe("/hooks/SECRET-PATH");
    expect(received[0]?.body.kind).toBe("data_stale");
    expect(received[0]?.body.title).toMatch(/^no market data for \d+ s$/);
    // …and one when data comes back.
    ws.send("l2Book", book("BTC", H, 117_999, 118_001));
    await waitFor(() => received.length === 2, "the resumed alert", 5_000);
    expect(received[1]?.body.title).toBe("market data resumed");

    // The process's /metrics text is this session's.
    const text = renderMetrics();
    expect(sample(text, 'sm_events_total{kind="book"}')).toBe(3);
    expect(sample(text, 'sm_open_positions{book="combined"}')).toBe(0);
    expect(sample(text, 'sm_frame_age_seconds{kind="book",market="BTC"}')).toBeGreaterThanOrEqual(0);
    expect(sample(text, "sm_journal_write_seconds_count")).toBeGreaterThanOrEqual(3);
    expect(sample(text, 'sm_journal_write_seconds{quantile="0.99"}')).toBeGreaterThan(0);
    expect(sample(text, 'sm_alerts_total{destination="hook",result="sent"}')).toBe(2);

    stop();
    await done;
    // The status line (here: the one at the stop) carries the journal write latency.
    const status = logger.entries.filter((e) => e.msg === "monitor status").at(-1);
    const latency = status?.fields["journalWriteMs"] as { p50: number; p99: number } | undefined;
    expect(latency?.p50).toBeGreaterThan(0);
    expect(latency?.p99).toBeGreaterThanOrEqual(latency?.p50 ?? Infinity);
    expect(status?.fields["alerts"]).toEqual({ hook: { sent: 2, failed: 0, dropped: 0, attempts: 2 } });
    expect(JSON.stringify(logger.entries)).not.toContain("SECRET-PATH");
  });

  it("alerts a signal taken and the position's close from the kernel's records, and counts them in /metrics", async () => {
    const alertsOff = { ...config.alerts, staleAfterMs: 0 };
    let stop!: () => void;
    const stopped = new Promise<void>((r) => (stop = r));
    const metrics = new LiveMetrics();
    const done = monitorSession({ config: { ...config, alerts: alertsOff }, logger: createMemoryLogger(), stopped, dbPath: join(dir, "monitor.db"), idleFlushMs: 60_000, metrics });
    await waitFor(() => ws.subscriptions().length === 8, "eight subscriptions");
    // As in run-monitor.test.ts: perp mid 119 000, spot mid 117 800 (basis +1.02 %) → basis-arbitrage
    // shorts the perp and buys spot; both legs fill on the books after the 200 ms latency.
    ws.send("l2Book", book("BTC", H + 100, 118_999, 119_001));
    ws.send("l2Book", book("@142", H + 150, 117_799, 117_801));
    ws.send("l2Book", book("BTC", H + 400, 118_999, 119_001));
    ws.send("l2Book", book("@142", H + 700, 117_799, 117_801));
    ws.send("l2Book", book("BTC", H + 800, 118_999, 119_001));
    await waitFor(() => received.some((r) => r.body.kind === "signal_taken"), "the signal_taken alert");
    const taken = received.find((r) => r.body.kind === "signal_taken")?.body as { title: string; data: { books: string[]; strategy: string } } | undefined;
    expect(taken?.title).toBe("signal taken: basis-arbitrage short BTC");
    expect(taken?.data.books.sort()).toEqual(["basis-arbitrage", "combined"]);
    // The basis closes (both mids 118 000): the positions exit on convergence.
    ws.send("l2Book", book("@142", H + 3_000, 117_999, 118_001));
    ws.send("l2Book", book("BTC", H + 3_050, 117_999, 118_001));
    ws.send("l2Book", book("@142", H + 3_400, 117_999, 118_001));
    ws.send("l2Book", book("BTC", H + 3_450, 117_999, 118_001));
    ws.send("l2Book", book("BTC", H + 4_000, 117_999, 118_001));
    await waitFor(() => received.filter((r) => r.body.kind === "position_closed").length === 2, "two position_closed alerts (own book and combined)");
    const closed = received.filter((r) => r.body.kind === "position_closed").map((r) => r.body.title);
    expect(closed.every((t) => t.startsWith("position closed: basis-arbitrage short BTC"))).toBe(true);
    const text = renderMetrics();
    expect(sample(text, 'sm_signals_total{strategy="basis-arbitrage"}')).toBe(1);
    expect(sample(text, 'sm_decisions_total{book="combined",code="ok"}')).toBe(1);
    expect(sample(text, 'sm_outcomes_total{book="basis-arbitrage",strategy="basis-arbitrage"}')).toBe(1);
    expect(sample(text, 'sm_alerts_total{destination="hook",result="sent"}')).toBe(3);
    stop();
    await done;
  });
});
