import { afterEach, describe, expect, it } from "vitest";
import type { MarketEvent } from "../core/index.ts";
import { market } from "../core/index.ts";
import { startMetricsServer } from "./http.ts";
import type { MetricsServer } from "./http.ts";
import { LiveMetrics, renderMetrics, setActiveLiveMetrics } from "./live-metrics.ts";

const BTC = market("hyperliquid", "perp", "BTC", "BTC");
const book = (tsInit: number): MarketEvent => ({ kind: "book", market: BTC, tsEvent: tsInit - 400, tsInit, bids: [{ px: 100, sz: 1, orders: 1 }], asks: [{ px: 101, sz: 1, orders: 1 }] });
const status = (state: "connected" | "disconnected"): MarketEvent => ({ kind: "status", source: "hyperliquid-ws", state, tsEvent: 0, tsInit: 0, gapFrom: undefined, gapTo: undefined, detail: "" });

function sample(text: string, series: string): number | undefined {
  const line = text.split("\n").find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe("the live session's metrics", () => {
  it("counts events by kind, rejects, signals, decisions and outcomes", () => {
    const m = new LiveMetrics({ nowMs: () => 10_000 });
    m.onEvent(book(9_000));
    m.onEvent(book(9_500));
    m.onEvent(status("connected"));
    m.onReject();
    m.onRecords([
      { kind: "signal", signal: { strategy: "liquidity" } },
      { kind: "decision", book: "liquidity", decision: { code: "ok" } },
      { kind: "decision", decision: { code: "max_positions" } },
      { kind: "outcome", book: "liquidity", outcome: { strategy: "liquidity" } },
      { kind: "equity" },
    ]);
    const text = m.render();
    expect(sample(text, 'sm_events_total{kind="book"}')).toBe(2);
    expect(sample(text, 'sm_events_total{kind="status"}')).toBe(1);
    expect(sample(text, "sm_rejects_total")).toBe(1);
    expect(sample(text, 'sm_signals_total{strategy="liquidity"}')).toBe(1);
    expect(sample(text, 'sm_decisions_total{book="liquidity",code="ok"}')).toBe(1);
    // A decision without a book is the combined book's (journals before books).
    expect(sample(text, 'sm_decisions_total{book="combined",code="max_positions"}')).toBe(1);
    expect(sample(text, 'sm_outcomes_total{book="liquidity",strategy="liquidity"}')).toBe(1);
  });

  it("gives each channel's frame age in seconds from its latest receive time, at the scrape", () => {
    let now = 10_000;
    const m = new LiveMetrics({ nowMs: () => now });
    m.onEvent(book(9_000));
    m.onEvent(book(9_500));
    // 10 000 − 9 500 = 500 ms.
    expect(sample(m.render(), 'sm_frame_age_seconds{kind="book",market="BTC"}')).toBe(0.5);
    now = 12_000;
    expect(sample(m.render(), 'sm_frame_age_seconds{kind="book",market="BTC"}')).toBe(2.5);
  });

  it("reads positions, equity per book and the source's totals from collect at each scrape", () => {
    const m = new LiveMetrics();
    let stats = { reconnects: 1, gaps: 2 };
    m.setCollect(() => ({ openPositionsByBook: { combined: 2, liquidity: 1 }, equityUsdByBook: { combined: 10_012.5 }, ...stats }));
    let text = m.render();
    expect(sample(text, 'sm_open_positions{book="combined"}')).toBe(2);
    expect(sample(text, 'sm_open_positions{book="liquidity"}')).toBe(1);
    expect(sample(text, 'sm_equity_usd{book="combined"}')).toBe(10_012.5);
    expect(sample(text, "sm_reconnects_total")).toBe(1);
    stats = { reconnects: 3, gaps: 2 };
    text = m.render();
    expect(sample(text, "sm_reconnects_total")).toBe(3);
    expect(sample(text, "sm_gaps_total")).toBe(2);
  });

  it("gives the journal write latency's p50 and p99 in ms and as a summary in seconds", () => {
    const m = new LiveMetrics();
    expect(m.journalWriteMs()).toBeUndefined();
    // 1..100 ms: p50 = 50 ms, p99 = 99 ms (nearest rank).
    for (let i = 1; i <= 100; i++) m.onJournalWrite(i);
    expect(m.journalWriteMs()).toEqual({ p50: 50, p99: 99 });
    const text = m.render();
    expect(sample(text, 'sm_journal_write_seconds{quantile="0.5"}')).toBe(0.05);
    expect(sample(text, "sm_journal_write_seconds_count")).toBe(100);
    expect(sample(text, "sm_journal_batches_total")).toBe(100);
  });

  it("counts alerts and their attempts by destination and result", () => {
    const m = new LiveMetrics();
    m.onAlert("ops", "sent");
    m.onAlertAttempt("ops", "retry");
    m.onAlertAttempt("ops", "ok");
    const text = m.render();
    expect(sample(text, 'sm_alerts_total{destination="ops",result="sent"}')).toBe(1);
    expect(sample(text, 'sm_alert_attempts_total{destination="ops",result="retry"}')).toBe(1);
  });
});

describe("renderMetrics and the bare /metrics server", () => {
  let server: MetricsServer | undefined;
  afterEach(async () => {
    await server?.close();
    setActiveLiveMetrics(undefined);
  });

  it("renders the active session's metrics, and nothing when none runs", () => {
    expect(renderMetrics()).toBe("");
    const m = new LiveMetrics();
    m.onReject();
    setActiveLiveMetrics(m);
    expect(renderMetrics()).toContain("sm_rejects_total 1\n");
  });

  it("serves GET /metrics on 127.0.0.1 with the Prometheus content type, 404 elsewhere", async () => {
    const m = new LiveMetrics();
    m.onReject();
    setActiveLiveMetrics(m);
    server = await startMetricsServer({ port: 0, render: renderMetrics });
    expect(server.host).toBe("127.0.0.1");
    const ok = await fetch(`http://127.0.0.1:${server.port}/metrics`);
    expect(ok.status).toBe(200);
    expect(ok.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
    expect(await ok.text()).toContain("# TYPE sm_rejects_total counter\nsm_rejects_total 1\n");
    const other = await fetch(`http://127.0.0.1:${server.port}/`);
    expect(other.status).toBe(404);
    await other.text();
  });
});
