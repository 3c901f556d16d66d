import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { reportFromJournal } from "../cli/report.ts";
import { Journal } from "../journal/index.ts";
import { openTrade, signalAt } from "../journal/test-records.ts";
import { reportJson } from "../reports/index.ts";
import { createDashboardApp } from "./app.ts";
import type { DashboardApp } from "./app.ts";
import { HOUR_MS, OWN_BOOK_ID, REFUSED_SIGNAL_ID, T0, writeDashboardJournal } from "./test-journal.ts";

const WALL_MS = T0 + 10 * HOUR_MS;

describe("the dashboard API", () => {
  let dir: string;
  let path: string;
  let journal: Journal;
  let dash: DashboardApp;
  const json = async (url: string, init?: RequestInit): Promise<Record<string, unknown>> => {
    const res = await dash.app.request(url, init);
    expect(res.status, url).toBe(200);
    return (await res.json()) as Record<string, unknown>;
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "sm-dash-api-"));
    path = join(dir, "j.db");
    writeDashboardJournal(path);
    journal = Journal.open(path, { readonly: true });
    dash = createDashboardApp({ journal, nowMs: () => WALL_MS, pollMs: 20 });
  });
  afterEach(() => {
    dash.poller.stop();
    journal.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("answers /healthz", async () => {
    const res = await dash.app.request("/healthz");
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("ok\n");
  });

  it("lists the books with latest equity, P&L today and in total, and drawdown", async () => {
    const body = (await json("/api/books")) as { asOfMs: number; books: { book: string; latest: { equityUsd: number } | null; startingEquityUsd: number; pnlTotalUsd: number; pnlTodayUsd: number; drawdown: number; maxDrawdown: number }[] };
    expect(body.asOfMs).toBe(T0 + 5 * HOUR_MS); // the checkpoint's last event
    expect(body.books.map((b) => b.book)).toEqual(["combined", OWN_BOOK_ID]);
    const combined = body.books[0]!;
    expect(combined.latest?.equityUsd).toBe(10_150);
    // first flat snapshot (T0 + 2 h): cash 10 173.51855 − trade 1's 173.51855 closed by then = 10 000
    expect(combined.startingEquityUsd).toBeCloseTo(10_000, 9);
    expect(combined.pnlTotalUsd).toBeCloseTo(150, 9);
    // no snapshot before 00:00 UTC of the as-of day: today's P&L is measured from the starting equity
    expect(combined.pnlTodayUsd).toBeCloseTo(150, 9);
    // peak 10 173.51855: 1 − 10 150 / 10 173.51855 = 0.0023117…; worst: 1 − 9 950 / 10 000 = 0.005
    expect(combined.drawdown).toBeCloseTo(1 - 10_150 / 10_173.51855, 12);
    expect(combined.maxDrawdown).toBeCloseTo(0.005, 12);
  });

  it("gives a book's equity series with its drawdown", async () => {
    const body = (await json("/api/equity?book=combined")) as { points: { tsMs: number; equityUsd: number; drawdown: number }[] };
    expect(body.points.map((p) => p.equityUsd)).toEqual([10_000, 9_950, 10_173.51855, 10_150]);
    expect(body.points[1]!.drawdown).toBeCloseTo(0.005, 12);
    expect((await dash.app.request("/api/equity?book=nope")).status).toBe(404);
  });

  it("marks open positions at the journal's last price: unrealised P&L, distance to stop and target, age against max hold", async () => {
    const body = (await json("/api/positions")) as { positions: { id: string; unrealizedUsd: number; toStop: number; toTarget: number; ageMs: number; ageOfMaxHold: number }[] };
    expect(body.positions).toHaveLength(1);
    const p = body.positions[0]!;
    expect(p.id).toBe("pos-2");
    // 0.1 BTC long from 60 010, marked at the funding oracle 60 000 (T0 + 4 h): (60 000 − 60 010) × 0.1 = −1
    expect(p.unrealizedUsd).toBeCloseTo(-1, 9);
    expect(p.toStop).toBeCloseTo((60_000 - 58_800) / 60_000, 12); // 0.02
    expect(p.toTarget).toBeCloseTo((61_800 - 60_000) / 60_000, 12); // 0.03
    expect(p.ageMs).toBe(2 * HOUR_MS); // as of T0 + 5 h, opened T0 + 3 h
    expect(p.ageOfMaxHold).toBeCloseTo(0.25, 12); // 2 h of 8 h
  });

  it("pages and filters the signal ledger with the combined and own-book decisions", async () => {
    const body = (await json("/api/signals?limit=1")) as { total: number; signals: { signal: { id: string; metrics: object; thresholds: object }; decision: { code: string }; ownDecision: { code: string } }[] };
    expect(body.total).toBe(3);
    expect(body.signals[0]!.signal.id).toBe(REFUSED_SIGNAL_ID);
    expect(body.signals[0]!.decision.code).toBe("max_positions");
    expect(body.signals[0]!.ownDecision.code).toBe("cooldown");
    expect(body.signals[0]!.signal.thresholds).toEqual({ "flowToxicity.threshold": 2 });
    expect(((await json("/api/signals?offset=2")) as { signals: { signal: { createdMs: number } }[] }).signals.map((s) => s.signal.createdMs)).toEqual([T0]);
    expect(((await json(`/api/signals?from=${T0 + HOUR_MS}&to=${T0 + 5 * HOUR_MS}`)) as { total: number }).total).toBe(1);
    expect(((await json("/api/signals?from=2025-09-04")) as { total: number }).total).toBe(0);
    expect(((await json("/api/signals?strategy=basis-arbitrage")) as { total: number }).total).toBe(0);
    const bad = await dash.app.request("/api/signals?limit=abc");
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toMatch(/limit must be an integer/);
    expect((await dash.app.request("/api/signals?from=yesterday")).status).toBe(400);
  });

  it("opens one signal with its fills and says the journal has no candles", async () => {
    const id = signalAt(1, T0).id;
    const body = (await json(`/api/signal?id=${encodeURIComponent(id)}`)) as { fills: { purpose: string; px: number }[]; candles: null; candlesNote: string };
    expect(body.fills.map((f) => [f.purpose, f.px])).toEqual([
      ["entry", 60_010],
      ["exit", 61_800],
    ]);
    expect(body.candles).toBeNull();
    expect(body.candlesNote).toMatch(/no candles/);
    expect((await dash.app.request("/api/signal?id=nope")).status).toBe(404);
  });

  it("serves /api/report exactly as report --json builds it", async () => {
    const res = await dash.app.request("/api/report");
    expect(res.headers.get("content-type")).toMatch(/application\/json/);
    expect(await res.text()).toBe(reportJson(reportFromJournal(journal, undefined)));
  });

  it("reports the journal's health: checkpoint age, last event, runs, prices", async () => {
    const body = (await json("/api/health")) as { lastEventMs: number; checkpoints: { name: string; ageMs: number }[]; runs: unknown[]; prices: { ageMs: number }[] };
    expect(body.lastEventMs).toBe(T0 + 5 * HOUR_MS);
    expect(body.checkpoints).toEqual([{ name: "replay", tsMs: T0 + 5 * HOUR_MS, eventsConsumed: 100, lastEventMs: T0 + 5 * HOUR_MS, ageMs: 5 * HOUR_MS }]);
    expect(body.runs).toEqual([]);
    expect(body.prices[0]!.ageMs).toBe(6 * HOUR_MS); // wall T0 + 10 h − funding at T0 + 4 h
  });

  it("embeds the overview's figures in the page, equal to /api/books", async () => {
    const res = await dash.app.request("/");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-security-policy")).toMatch(/default-src 'none'/);
    const html = await res.text();
    expect(html).toContain('data-page="overview"');
    const boot = /<script id="boot" type="application\/json">(.*?)<\/script>/s.exec(html);
    expect(JSON.parse(boot![1]!)).toEqual(await json("/api/books"));
    for (const page of ["/strategies", "/signals", "/health"]) expect((await dash.app.request(page)).status).toBe(200);
    expect((await dash.app.request("/assets/lightweight-charts.js")).status).toBe(200);
    expect((await dash.app.request("/assets/app.js")).status).toBe(200);
    expect((await dash.app.request("/assets/../app.ts")).status).toBe(404);
  });

  it("wants the token when one is set, as a Bearer header or ?token=, except /healthz and assets", async () => {
    dash.poller.stop();
    dash = createDashboardApp({ journal, token: "s3cret-token" });
    expect((await dash.app.request("/api/books")).status).toBe(401);
    expect((await dash.app.request("/")).status).toBe(401);
    expect((await dash.app.request("/api/books", { headers: { authorization: "Bearer wrong-token" } })).status).toBe(401);
    expect((await dash.app.request("/api/books", { headers: { authorization: "Bearer s3cret-token" } })).status).toBe(200);
    expect((await dash.app.request("/api/books?token=s3cret-token")).status).toBe(200);
    expect((await dash.app.request("/?token=s3cret-token")).status).toBe(200);
    expect((await dash.app.request("/healthz")).status).toBe(200);
    expect((await dash.app.request("/assets/app.js")).status).toBe(200);
  });

  it("streams a signal, its fill and equity written by another connection after the client connected", async () => {
    const res = await dash.app.request("/api/stream");
    expect(res.headers.get("content-type")).toMatch(/text\/event-stream/);
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let text = "";
    const readUntil = async (needle: string, timeoutMs: number): Promise<void> => {
      const deadline = Date.now() + timeoutMs;
      while (!text.includes(needle)) {
        if (Date.now() > deadline) throw new Error(`no ${needle} within ${timeoutMs} ms; got ${text}`);
        const { value, done } = await reader.read();
        if (done) throw new Error("stream ended");
        text += decoder.decode(value as Uint8Array);
      }
    };
    await readUntil("event: hello", 2_000);
    const writer = Journal.open(path);
    try {
      writer.writeBatch([...openTrade(7, T0 + 6 * HOUR_MS).records, { kind: "equity", snapshot: { tsMs: T0 + 6 * HOUR_MS, equityUsd: 10_140, cashUsd: 10_140, unrealizedUsd: 0, openPositions: 2, grossExposureUsd: 0 } }]);
    } finally {
      writer.close();
    }
    await readUntil("event: equity", 2_000);
    expect(text).toContain(`"id":"${signalAt(7, T0 + 6 * HOUR_MS).id}"`);
    expect(text).toMatch(/event: fill\ndata: \{[^\n]*"px":60010/);
    expect(text).toMatch(/event: equity\ndata: \{[^\n]*"book":"combined"[^\n]*"equityUsd":10140/);
    await reader.cancel();
  });
});
