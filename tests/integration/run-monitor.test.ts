import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { LIVE_CHECKPOINT, monitorSession } from "../../src/cli/run.ts";
import type { LiveCheckpointState, MonitorSessionOptions } from "../../src/cli/run.ts";
import { createMemoryLogger, loadConfig } from "../../src/config/index.ts";
import type { Config } from "../../src/config/index.ts";
import type { MarketEvent } from "../../src/core/index.ts";
import { HOUR_MS } from "../../src/core/index.ts";
import { Journal } from "../../src/journal/index.ts";
import type { BrokerState } from "../../src/paper/index.ts";
import { replayDry } from "../../src/replay/dry-run.ts";
import { replayFillModel, replayIntoJournal } from "../../src/cli/replay-pipeline.ts";
import { META_AND_ASSET_CTXS, SPOT_META_AND_ASSET_CTXS } from "../../test-support/hyperliquid-server/info-fixtures.ts";
import { startInfoServer } from "../../test-support/hyperliquid-server/info-server.ts";
import type { InfoServer } from "../../test-support/hyperliquid-server/info-server.ts";
import { startWsServer } from "../../test-support/hyperliquid-server/ws-server.ts";
import type { HyperliquidWsServer } from "../../test-support/hyperliquid-server/ws-server.ts";

/*
 * The live monitor against the local Hyperliquid HTTP + WebSocket servers. Status events carry
 * the wall clock, so market events are stamped from H, an hour boundary at least 5 minutes in
 * the future: every hour boundary the event clock crosses is one the test chose.
 */
const H = Math.ceil((Date.now() + 5 * 60_000) / HOUR_MS) * HOUR_MS;

async function waitFor(condition: () => boolean, what: string, timeoutMs = 8_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A one-level-a-side book, 1 coin deep at each price. */
function book(coin: string, time: number, bid: number, ask: number): unknown {
  return { coin, time, levels: [[{ px: bid.toFixed(1), sz: "1.0", n: 1 }], [{ px: ask.toFixed(1), sz: "1.0", n: 1 }]] };
}

const BTC_CTX = {
  coin: "BTC",
  ctx: { funding: "0.0000125", openInterest: "30000.5", oraclePx: "118000.0", markPx: "118010.0", midPx: "118005.5", premium: "0.0001", dayNtlVlm: "3000000000.0", impactPxs: ["118004.0", "118007.0"], prevDayPx: "117000.0" },
};

function readJournal<T>(db: string, read: (j: Journal) => T): T {
  const journal = Journal.open(db, { readonly: true });
  try {
    return read(journal);
  } finally {
    journal.close();
  }
}

function liveState(db: string): LiveCheckpointState | undefined {
  return readJournal(db, (j) => j.latestCheckpoint(LIVE_CHECKPOINT)?.state as LiveCheckpointState | undefined);
}

describe("strategy-monitor run", () => {
  let info: InfoServer;
  let ws: HyperliquidWsServer;
  let dir: string;
  let config: Config;
  let child: ChildProcess | undefined;
  /** The info server's fundingHistory rows; a test appends settlements as the venue would publish them. */
  let funding: Record<string, { coin: string; fundingRate: string; premium: string; time: number }[]>;

  beforeEach(async () => {
    funding = { BTC: [] };
    info = await startInfoServer({ now: H, metaAndAssetCtxs: META_AND_ASSET_CTXS, spotMetaAndAssetCtxs: SPOT_META_AND_ASSET_CTXS, funding });
    ws = await startWsServer();
    dir = mkdtempSync(join(tmpdir(), "sm-run-"));
    config = loadConfig({
      env: {},
      cwd: dir,
      overrides: {
        network: "custom",
        restUrl: info.url,
        wsUrl: ws.url,
        coins: ["BTC"],
        candleIntervals: ["1m"],
        "record.dir": join(dir, "captures"),
        "rest.maxRetries": 0,
        // These tests stamp the venue's frames up to two hours ahead of the wall clock (hour crossings on demand).
        "live.maxVenueTimeAheadMs": 4 * HOUR_MS,
        // Warm-up has its own test below; here the kernel sees only the frames each test sends.
        "live.warmUpBars": 0,
        "live.warmUpFundingHours": 0,
      },
    });
  });
  afterEach(async () => {
    child?.kill("SIGKILL");
    child = undefined;
    await ws.close();
    await info.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Starts a session in this process; `stop()` is the SIGINT path. */
  function session(db: string, extra: Partial<MonitorSessionOptions> = {}): { stop: () => void; done: ReturnType<typeof monitorSession>; events: MarketEvent[] } {
    let stop!: () => void;
    const stopped = new Promise<void>((r) => (stop = r));
    const events: MarketEvent[] = [];
    const done = monitorSession({ config, logger: createMemoryLogger(), stopped, dbPath: db, idleFlushMs: 60_000, onEvent: (e) => events.push(e), ...extra });
    return { stop, done, events };
  }

  it("feeds books, trades, contexts and candles to the kernel and writes batches with a live checkpoint and the hourly equity snapshots", async () => {
    const db = join(dir, "monitor.db");
    const batches: number[] = [];
    const s = session(db, { batchEvents: 1_000, batchMs: 1_000, onBatch: (b) => batches.push(b.records) });
    // BTC: l2Book, bbo, trades, activeAssetCtx, candle 1m; UBTC/USDC (@142): l2Book, bbo, activeAssetCtx.
    await waitFor(() => ws.subscriptions().length === 8, "eight subscriptions");

    ws.send("l2Book", book("BTC", H - 2_000, 117_999, 118_001));
    ws.send("trades", [{ coin: "BTC", side: "B", px: "118001.0", sz: "0.01", time: H - 1_500, hash: "0x01", tid: 1, users: ["0x1", "0x2"] }]);
    ws.send("activeAssetCtx", BTC_CTX);
    ws.send("candle", { t: H - 60_000, T: H - 1, s: "BTC", i: "1m", o: "118000.0", c: "118001.0", h: "118005.0", l: "117990.0", v: "3.5", n: 40 });
    // The next bar's first frame closes the bar above (the forming one is held, not an event).
    ws.send("candle", { t: H, T: H + 59_999, s: "BTC", i: "1m", o: "118001.0", c: "118001.0", h: "118001.0", l: "118001.0", v: "0.1", n: 1 });
    // Crosses H: the broker marks the account at the boundary (10 000 USD, nothing open).
    ws.send("l2Book", book("BTC", H + 100, 118_009, 118_011));
    ws.send("l2Book", book("BTC", H + 600, 118_019, 118_021));
    // Crosses H + 1 h, then one more event releases that snapshot.
    ws.send("l2Book", book("BTC", H + HOUR_MS + 100, 118_029, 118_031));
    ws.send("trades", [{ coin: "BTC", side: "A", px: "118029.0", sz: "0.02", time: H + HOUR_MS + 2_000, hash: "0x02", tid: 2, users: ["0x1", "0x2"] }]);
    await waitFor(() => s.events.filter((e) => e.kind !== "status").length === 8, "eight market events");
    s.stop();
    const summary = await s.done;

    expect(summary.restored).toBe(false);
    expect(summary.events).toMatchObject({ book: 4, trade: 2, assetCtx: 1, candle: 1 });
    expect(summary.kernel.markets).toEqual(["hyperliquid:perp:BTC"]);
    expect(summary.batches).toBe(batches.length);
    expect(summary.batches).toBeGreaterThanOrEqual(2); // closed by event time (H crossings), plus the flush at stop

    const checkpoint = readJournal(db, (j) => j.latestCheckpoint(LIVE_CHECKPOINT));
    expect(checkpoint).toBeDefined();
    const state = checkpoint?.state as LiveCheckpointState;
    expect(state.kind).toBe("live");
    expect(state.totals.eventsByKind).toMatchObject({ book: 4, trade: 2, assetCtx: 1, candle: 1 });
    expect(checkpoint?.eventsConsumed).toBe(summary.kernel.events);
    // The event clock: the latest event time seen (the stop's status event, stamped by the wall clock, is earlier).
    expect(checkpoint?.lastEventMs).toBe(H + HOUR_MS + 2_000);
    // The kernel's clock: the stop released the last instant's equity snapshot, moving it 1 ms on.
    expect(checkpoint?.tsMs).toBe(H + HOUR_MS + 2_001);
    expect((state.broker as BrokerState).cashUsd).toBe(10_000);

    // One snapshot per UTC hour boundary the event clock crossed: from the first event (the
    // "connected" status, stamped by the wall clock) to H + 1 h; nothing open, so 10 000 USD each.
    const firstMs = s.events[0]?.tsEvent ?? 0;
    const boundaries: number[] = [];
    for (let b = Math.floor(firstMs / HOUR_MS) * HOUR_MS + HOUR_MS; b <= H + HOUR_MS; b += HOUR_MS) boundaries.push(b);
    expect(boundaries.slice(-2)).toEqual([H, H + HOUR_MS]);
    const equity = readJournal(db, (j) => j.equitySnapshots());
    expect(equity.map((e) => [e.tsMs, e.equityUsd, e.openPositions])).toEqual(boundaries.map((b) => [b, 10_000, 0]));
    const runs = readJournal(db, (j) => j.latestCheckpoint("replay"));
    expect(runs).toBeUndefined();
  });

  it("refuses a replay's journal before subscribing", async () => {
    const db = join(dir, "replay.db");
    const journal = Journal.open(db);
    journal.writeBatch([], { name: "replay", tsMs: 1, eventsConsumed: 0, lastEventMs: 1, state: {} });
    journal.close();
    const s = session(db);
    await expect(s.done).rejects.toThrow(/holds a replay's journal/);
    expect(ws.subscriptions()).toEqual([]);
  });

  it("after a SIGKILL, a new session restores the open basis position and its cash, duplicates no row, and keeps marking it", async () => {
    const db = join(dir, "monitor.db");
    const runTs = pathToFileURL(resolve(import.meta.dirname, "../../src/cli/run.ts")).href;
    const configTs = pathToFileURL(resolve(import.meta.dirname, "../../src/config/index.ts")).href;
    // The child is a real process, so SIGKILL is a real kill -9: no shutdown path runs.
    const code = `
      import { monitorSession } from ${JSON.stringify(runTs)};
      import { createMemoryLogger, loadConfig } from ${JSON.stringify(configTs)};
      const e = process.env;
      const config = loadConfig({ env: {}, cwd: e.RUN_CHILD_DIR, overrides: { network: "custom", restUrl: e.RUN_CHILD_REST, wsUrl: e.RUN_CHILD_WS, coins: ["BTC"], candleIntervals: ["1m"], "live.maxVenueTimeAheadMs": 4 * 3600000, "live.warmUpBars": 0, "live.warmUpFundingHours": 0 } });
      await monitorSession({ config, logger: createMemoryLogger(), stopped: new Promise(() => {}), dbPath: e.RUN_CHILD_DB, batchEvents: 1000, batchMs: 1000, idleFlushMs: 60000,
        onBatch: (b) => process.stdout.write("batch " + b.batch + " " + b.records + "\\n") });
    `;
    let stdout = "";
    let stderr = "";
    const proc = spawn(process.execPath, ["--input-type=module", "-e", code], {
      env: { ...process.env, RUN_CHILD_DIR: dir, RUN_CHILD_REST: info.url, RUN_CHILD_WS: ws.url, RUN_CHILD_DB: db },
      stdio: ["ignore", "pipe", "pipe"],
    });
    child = proc;
    proc.stdout?.on("data", (c: Buffer) => (stdout += c.toString()));
    proc.stderr?.on("data", (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<NodeJS.Signals | null>((r) => proc.on("exit", (_code, signal) => r(signal)));
    await waitFor(() => ws.subscriptions().length === 8, `the child's eight subscriptions (${stderr})`, 15_000);

    // Perp mid 119 000, spot mid 117 800: basis +1.02 % ≥ 0.3 % and above the round trip (≈ 0.23 %)
    // → basis-arbitrage shorts the perp and buys spot (at the H + 400 book). Both legs fill on the
    // first books at or after signal + 200 ms latency: spot at H + 700, perp at H + 800.
    ws.send("l2Book", book("BTC", H + 100, 118_999, 119_001));
    ws.send("l2Book", book("@142", H + 150, 117_799, 117_801));
    ws.send("l2Book", book("BTC", H + 400, 118_999, 119_001));
    ws.send("l2Book", book("@142", H + 700, 117_799, 117_801));
    ws.send("l2Book", book("BTC", H + 800, 118_999, 119_001));
    // Event time passes the batch length: the batch with the fills and the position commits.
    ws.send("l2Book", book("BTC", H + 2_000, 118_999, 119_001));
    await waitFor(() => readJournal(db, (j) => j.openPositions().length) === 1, `the position in the journal (${stderr})`);
    const before = liveState(db);
    const brokerBefore = before?.broker as BrokerState;
    expect(brokerBefore.positions).toHaveLength(1);
    const [position] = readJournal(db, (j) => j.openPositions());
    expect(position?.strategy).toBe("basis-arbitrage");
    // Book-walk VWAP (Σ px × take / Σ take) of one level: the level's price, to binary rounding.
    expect(position?.legs.map((l) => [l.market.key, l.side])).toEqual([
      ["hyperliquid:perp:BTC", "short"],
      ["hyperliquid:spot:UBTC/USDC", "long"],
    ]);
    expect(position?.legs[0]?.entryPx).toBeCloseTo(118_999, 6);
    expect(position?.legs[1]?.entryPx).toBeCloseTo(117_801, 6);
    // 50 % of equity per leg (the two-leg cap): 5 000 / 119 000 = 0.042016… → 0.04201 BTC (5 decimals).
    expect(position?.legs.map((l) => l.sz)).toEqual([0.04201, 0.04201]);
    const fees = 0.04201 * 118_999 * 0.00045 + 0.04201 * 117_801 * 0.0007;
    expect(brokerBefore.cashUsd).toBeCloseTo(10_000 - fees, 9);

    // Uncommitted work at the kill: these events' records must not reach the journal.
    const batchLines = (): number => stdout.split("\n").filter((l) => l.startsWith("batch ")).length;
    await waitFor(() => batchLines() === before?.totals.batches, "the child's report of its committed batches");
    ws.send("l2Book", book("BTC", H + 2_300, 119_099, 119_101));
    await new Promise((r) => setTimeout(r, 150));
    proc.kill("SIGKILL");
    expect(await exited).toBe("SIGKILL");
    child = undefined;
    const rowsAfterKill = readJournal(db, (j) => ({ signals: j.signals().length, positions: j.openPositions().length, checkpoint: j.latestCheckpoint(LIVE_CHECKPOINT) }));
    // The event after the last commit died with the process. The checkpoint is the one committed at
    // the H + 2 000 book: the kernel's clock there is the last instant it processed, H + 800 (the
    // H + 2 000 instant was still being gathered: another event of that ms could have followed).
    expect(batchLines()).toBe(before?.totals.batches);
    expect(rowsAfterKill.checkpoint?.tsMs).toBe(H + 800);
    expect(rowsAfterKill.checkpoint?.lastEventMs).toBe(H + 2_000);

    // A new session on the same journal: the broker comes back from the checkpoint.
    const batches: LiveCheckpointState[] = [];
    const s = session(db, { batchEvents: 1_000, batchMs: 1_000, onBatch: (b) => batches.push(b.checkpoint.state as LiveCheckpointState) });
    await waitFor(() => ws.subscriptions().length >= 6, "the new session's subscriptions");
    // Both legs rise about 1 000 USD, spot first (the basis goes 0.17 %, then 1.01 %: between the
    // target 0 and the stop 1.32 %, so the restored position stays open); then an hour boundary.
    ws.send("l2Book", book("@142", H + 3_000, 118_799, 118_801));
    ws.send("l2Book", book("BTC", H + 3_050, 119_999, 120_001));
    ws.send("l2Book", book("BTC", H + HOUR_MS + 100, 119_999, 120_001));
    ws.send("l2Book", book("BTC", H + HOUR_MS + 1_500, 119_999, 120_001));
    await waitFor(() => s.events.filter((e) => e.kind === "book").length === 4, "four books");
    s.stop();
    const summary = await s.done;

    expect(summary.restored).toBe(true);
    expect(summary.restoredPositions).toBe(1);
    expect(summary.openPositions).toBe(1);
    const after = liveState(db);
    const brokerAfter = after?.broker as BrokerState;
    expect(brokerAfter.positions.map((p) => p.id)).toEqual(brokerBefore.positions.map((p) => p.id));
    expect(brokerAfter.cashUsd).toBe(brokerBefore.cashUsd);
    expect(after?.totals.sessions).toBe(2);
    expect(after?.totals.positionsOpened).toBe(1);

    const journal = readJournal(db, (j) => ({ signals: j.signals(), positions: j.openPositions(), equity: j.equitySnapshots(), outcomes: j.outcomes() }));
    // Nothing duplicated: the one position, still open, and the first session's signals once.
    expect(journal.positions.map((p) => p.id)).toEqual([position?.id]);
    expect(journal.outcomes).toEqual([]);
    expect(new Set(journal.signals.map((x) => x.signal.id)).size).toBe(journal.signals.length);
    expect(journal.signals.length).toBeGreaterThanOrEqual(rowsAfterKill.signals);
    expect(rowsAfterKill.positions).toBe(1);
    // Marked at the boundary after the restart: perp mid 120 000 (short from 118 999: −42.05 USD),
    // spot mid 118 800 (long from 117 801: +41.97 USD).
    const atBoundary = journal.equity.find((e) => e.tsMs === H + HOUR_MS);
    const unrealised = 0.04201 * (118_999 - 120_000) + 0.04201 * (118_800 - 117_801);
    expect(atBoundary?.openPositions).toBe(1);
    expect(atBoundary?.equityUsd).toBeCloseTo(brokerBefore.cashUsd + unrealised, 9);
  }, 40_000);

  it("an entry still pending at a checkpoint fills after the restart with its order rows (the kernel's held orders are in the checkpoint)", async () => {
    const db = join(dir, "monitor.db");
    const first = session(db);
    await waitFor(() => ws.subscriptions().length === 8, "eight subscriptions");
    // The basis signal at H + 400 places both entry orders; no book at or after H + 600 comes before the stop.
    ws.send("l2Book", book("BTC", H + 100, 118_999, 119_001));
    ws.send("l2Book", book("@142", H + 150, 117_799, 117_801));
    ws.send("l2Book", book("BTC", H + 400, 118_999, 119_001));
    await waitFor(() => first.events.filter((e) => e.kind === "book").length === 3, "three books");
    first.stop();
    await first.done;
    expect((liveState(db)?.broker as BrokerState).pendingEntries.map((e) => e.legs.map((l) => l.orderId))).toEqual([
      ["pos:basis-arbitrage:hyperliquid:perp:BTC:" + String(H + 400) + ":0:entry:0", "pos:basis-arbitrage:hyperliquid:perp:BTC:" + String(H + 400) + ":0:entry:1"],
    ]);
    // The kernel holds both entry orders until the position opens; the checkpoint carries them.
    expect(liveState(db)?.kernel?.heldEntries.map((h) => h.orders.map((o) => o.id))).toEqual([
      ["pos:basis-arbitrage:hyperliquid:perp:BTC:" + String(H + 400) + ":0:entry:0", "pos:basis-arbitrage:hyperliquid:perp:BTC:" + String(H + 400) + ":0:entry:1"],
    ]);
    await waitFor(() => ws.subscriptions().length === 0, "the first session's unsubscribe");

    const second = session(db);
    await waitFor(() => ws.subscriptions().length === 8, "eight subscriptions again");
    ws.send("l2Book", book("@142", H + 700, 117_799, 117_801));
    ws.send("l2Book", book("BTC", H + 800, 118_999, 119_001));
    await waitFor(() => second.events.filter((e) => e.kind === "book").length === 2, "two books");
    second.stop();
    const summary = await second.done;
    expect(summary.openPositions).toBe(1);
    // The snapshot of the instant the position opened (the last one before the stop) is written at the stop.
    expect(readJournal(db, (j) => j.equitySnapshots()).at(-1)).toMatchObject({ tsMs: H + 800, openPositions: 1 });

    const { DatabaseSync } = await import("node:sqlite");
    const sqlite = new DatabaseSync(db, { readOnly: true });
    try {
      const orders = sqlite.prepare("SELECT id, purpose, side, sz FROM orders ORDER BY id").all();
      const fills = sqlite.prepare("SELECT order_id FROM fills ORDER BY order_id").all();
      const positionId = `pos:basis-arbitrage:hyperliquid:perp:BTC:${H + 400}:0`;
      expect(orders).toEqual([
        { id: `${positionId}:entry:0`, purpose: "entry", side: "sell", sz: 0.04201 },
        { id: `${positionId}:entry:1`, purpose: "entry", side: "buy", sz: 0.04201 },
      ]);
      expect(fills.map((f) => f["order_id"])).toEqual([`${positionId}:entry:0`, `${positionId}:entry:1`]);
    } finally {
      sqlite.close();
    }
  });

  it("with a capture, replays (replay --dry) to the events the session saw", async () => {
    const db = join(dir, "monitor.db");
    const captures = join(dir, "captures");
    const s = session(db, { recordDir: captures });
    await waitFor(() => ws.subscriptions().length === 8, "eight subscriptions");
    ws.send("l2Book", book("BTC", H + 100, 117_999, 118_001));
    ws.send("l2Book", book("@142", H + 150, 117_899, 117_911));
    ws.send("trades", [{ coin: "BTC", side: "B", px: "118001.0", sz: "0.01", time: H + 200, hash: "0x01", tid: 1, users: ["0x1", "0x2"] }]);
    ws.send("activeAssetCtx", BTC_CTX);
    ws.send("candle", { t: H, T: H + 59_999, s: "BTC", i: "1m", o: "118000.0", c: "118001.0", h: "118005.0", l: "117990.0", v: "3.5", n: 40 });
    ws.send("candle", { t: H + 60_000, T: H + 119_999, s: "BTC", i: "1m", o: "118001.0", c: "118001.0", h: "118001.0", l: "118001.0", v: "0.1", n: 1 });
    ws.faults.sendMalformed();
    await waitFor(() => s.events.filter((e) => e.kind !== "status").length === 5, "five market events");
    s.stop();
    const summary = await s.done;
    expect(summary.files).toHaveLength(1);
    expect(summary.stats.rejects).toBe(1);

    const report = await replayDry([captures]);
    const seen = summary.events;
    expect(report.countsByKind).toEqual(seen);
    expect(report.events).toBe(Object.values(seen).reduce((a, b) => a + b, 0));
    expect(report.countsByKind).toMatchObject({ book: 2, trade: 1, assetCtx: 1, candle: 1 });
    expect(report.rejects.count).toBe(1);
  });

  it("a recorded session replays into a journal with the live session's book fills (fill model auto → book for captures)", async () => {
    const db = join(dir, "monitor.db");
    const captures = join(dir, "captures");
    const s = session(db, { recordDir: captures });
    await waitFor(() => ws.subscriptions().length === 8, "eight subscriptions");
    // The basis signal of the SIGKILL test: placed at H + 400, filled on the books at H + 700 (spot) and H + 800 (perp).
    ws.send("l2Book", book("BTC", H + 100, 118_999, 119_001));
    ws.send("l2Book", book("@142", H + 150, 117_799, 117_801));
    ws.send("l2Book", book("BTC", H + 400, 118_999, 119_001));
    ws.send("l2Book", book("@142", H + 700, 117_799, 117_801));
    ws.send("l2Book", book("BTC", H + 800, 118_999, 119_001));
    await waitFor(() => s.events.filter((e) => e.kind === "book").length === 5, "five books");
    s.stop();
    await s.done;

    const replayDb = join(dir, "replay.db");
    await replayIntoJournal([captures], replayDb, { aliases: config.spot.baseAliases });
    const { DatabaseSync } = await import("node:sqlite");
    const entryFills = (file: string): unknown[] => {
      const sqlite = new DatabaseSync(file, { readOnly: true });
      try {
        return sqlite.prepare("SELECT * FROM fills WHERE order_id LIKE '%:entry:%' AND book = 'combined' ORDER BY ts_ms, order_id").all().map((f) => [f["order_id"], f["px"], f["sz"], f["ts_ms"], f["model"]]);
      } finally {
        sqlite.close();
      }
    };
    const live = entryFills(db);
    // Book-walk VWAP of one level: the level's price, to binary rounding (hence the rounding here; the replay must match exactly).
    expect(live.map((f) => (f as unknown[]).map((x, i) => (i === 1 ? Math.round((x as number) * 1e6) / 1e6 : x)))).toEqual([
      [`pos:basis-arbitrage:hyperliquid:perp:BTC:${H + 400}:0:entry:1`, 117_801, 0.04201, H + 700, "book"],
      [`pos:basis-arbitrage:hyperliquid:perp:BTC:${H + 400}:0:entry:0`, 118_999, 0.04201, H + 800, "book"],
    ]);
    expect(entryFills(replayDb)).toEqual(live);
  });

  it("replay's fill model auto is book only when every input is a capture; an explicit choice wins", () => {
    expect(replayFillModel("auto", ["capture", "capture"])).toBe("book");
    expect(replayFillModel("auto", ["capture", "candles"])).toBe("bar");
    expect(replayFillModel("auto", ["unknown"])).toBe("bar");
    expect(replayFillModel("auto", [])).toBe("bar");
    expect(replayFillModel("bar", ["capture"])).toBe("bar");
    expect(replayFillModel("book", ["candles"])).toBe("book");
  });

  it("pays funding live: each settlement polled from fundingHistory is charged once, across polls, a REST failure and a restart, and the capture replays with it", async () => {
    const db = join(dir, "monitor.db");
    const captures = join(dir, "captures");
    // Polls every 100 ms (an "hour" of 100 ms), so the test sees many polls per settlement.
    const fundingPoll = { periodMs: 100, delayMs: 0 };
    const first = session(db, { recordDir: captures, fundingPoll });
    await waitFor(() => ws.subscriptions().length === 8, "eight subscriptions");
    ws.send("activeAssetCtx", BTC_CTX); // oracle 118 000
    // The basis position of the SIGKILL test: short 0.04201 BTC perp (and long spot), opened at H + 800.
    ws.send("l2Book", book("BTC", H + 100, 118_999, 119_001));
    ws.send("l2Book", book("@142", H + 150, 117_799, 117_801));
    ws.send("l2Book", book("BTC", H + 400, 118_999, 119_001));
    ws.send("l2Book", book("@142", H + 700, 117_799, 117_801));
    ws.send("l2Book", book("BTC", H + 800, 118_999, 119_001));
    // Live events pass the hour before the settlement is published: it arrives older than the kernel's clock.
    ws.send("l2Book", book("BTC", H + HOUR_MS + 5_000, 118_999, 119_001));
    await waitFor(() => first.events.filter((e) => e.kind === "book").length === 6, "six books");
    info.faults.serverError(1); // one poll fails (config: no client retries); the next asks again
    funding["BTC"]?.push({ coin: "BTC", fundingRate: "0.0000125", premium: "0.0001", time: H + HOUR_MS + 48 });
    await waitFor(() => first.events.some((e) => e.kind === "funding"), "the settlement");
    await new Promise((r) => setTimeout(r, 400)); // several more polls: nothing new
    first.stop();
    const one = await first.done;
    expect(one.events.funding).toBe(1);
    expect(info.requests.filter((r) => r.fault === "serverError" && r.type === "fundingHistory")).toHaveLength(1);

    const payments = (file: string) => readJournal(file, (j) => j.fundingPayments().map((p) => [p.tsMs, p.rate, p.oraclePx, p.sz, Math.round(p.amountUsd * 1e9) / 1e9]));
    // Short 0.04201 BTC receives a positive rate: −(−0.04201 × 118 000 × 0.0000125) = +0.06196475 USD.
    expect(payments(db)).toEqual([[H + HOUR_MS + 48, 0.0000125, 118_000, -0.04201, 0.06196475]]);
    expect((liveState(db)?.broker as BrokerState).lastFundingMs).toEqual({ "hyperliquid:perp:BTC": H + HOUR_MS + 48 });
    await waitFor(() => ws.subscriptions().length === 0, "the first session's unsubscribe");

    // While the monitor is down the venue settles the next hour; the restart catches up from the last settlement + 1 ms.
    funding["BTC"]?.push({ coin: "BTC", fundingRate: "-0.00002", premium: "0.0001", time: H + 2 * HOUR_MS + 51 });
    const second = session(db, { recordDir: captures, fundingPoll });
    await waitFor(() => second.events.some((e) => e.kind === "funding"), "the missed settlement");
    await new Promise((r) => setTimeout(r, 400));
    second.stop();
    const two = await second.done;
    expect(two.events.funding).toBe(1);
    // −(−0.04201 × 118 000 × −0.00002) = −0.0991436 USD (the short pays a negative rate).
    expect(payments(db)).toEqual([
      [H + HOUR_MS + 48, 0.0000125, 118_000, -0.04201, 0.06196475],
      [H + 2 * HOUR_MS + 51, -0.00002, 118_000, -0.04201, -0.0991436],
    ]);
    const froms = info.requests.filter((r) => r.type === "fundingHistory").map((r) => (r.body as { startTime: number }).startTime);
    expect(froms.at(-1)).toBe(H + 2 * HOUR_MS + 52);

    // The capture holds both sessions' fundingHistory lines: the replay pays the same settlements.
    const replayDb = join(dir, "replay.db");
    await replayIntoJournal([captures], replayDb, { aliases: config.spot.baseAliases });
    const replayed = readJournal(replayDb, (j) => j.fundingPayments().map((p) => [p.tsMs, p.rate, p.oraclePx, p.sz, Math.round(p.amountUsd * 1e9) / 1e9]));
    expect(replayed).toEqual(payments(db));
  });

  it("warms its strategies up over REST before the live feed: closed bars and settlements feed the strategies only, a live bar warm-up already gave is dropped, and the capture replays the same warm-up", async () => {
    const db = join(dir, "monitor.db");
    const captures = join(dir, "captures");
    const now = Date.now();
    // Ten hourly settlements before the start (the info server answers fundingHistory from these rows).
    for (let h = 10; h >= 1; h -= 1) funding["BTC"]?.push({ coin: "BTC", fundingRate: "0.0000125", premium: "0.0001", time: Math.floor(now / HOUR_MS) * HOUR_MS - h * HOUR_MS + 48 });
    const warmConfig = { ...config, live: { ...config.live, warmUpBars: 120, warmUpFundingHours: 24 } };
    let started = false;
    const events: MarketEvent[] = [];
    let stop!: () => void;
    const stopped = new Promise<void>((r) => (stop = r));
    const logger = createMemoryLogger();
    const done = monitorSession({ config: warmConfig, logger, stopped, dbPath: db, recordDir: captures, idleFlushMs: 60_000, fundingPoll: false, onEvent: (e) => events.push(e), onStarted: () => (started = true) });
    await waitFor(() => started, "the warm-up");
    // The minute bar that closed last: warm-up delivered it; the live feed's forming frames of it and of the next bar close it again.
    const lastOpen = Math.floor(Date.now() / 60_000) * 60_000 - 60_000;
    ws.send("candle", { t: lastOpen, T: lastOpen + 59_999, s: "BTC", i: "1m", o: "100.0", c: "100.0", h: "100.0", l: "100.0", v: "1.0", n: 1 });
    ws.send("candle", { t: lastOpen + 60_000, T: lastOpen + 119_999, s: "BTC", i: "1m", o: "100.0", c: "100.0", h: "100.0", l: "100.0", v: "1.0", n: 1 });
    ws.send("l2Book", book("BTC", Date.now(), 117_999, 118_001));
    await waitFor(() => events.some((e) => e.kind === "book"), "the live book");
    stop();
    const summary = await done;

    // 120 closed 1 m bars each for BTC and UBTC/USDC (the forming bar comes live), 10 settlements.
    expect(summary.kernel.warmUpEvents).toBe(250);
    // Warm-up is not a live event: none reached onEvent, the live counts or the journal's signals.
    expect(events.filter((e) => (e.kind === "candle" || e.kind === "funding") && e.warmUp === true)).toEqual([]);
    // (The live book does make the basis strategy fire against the warm spot leg: that one is live.)
    expect(readJournal(db, (j) => j.signals().filter((x) => x.signal.createdMs < now).length)).toBe(0);
    expect(summary.kernel.warmUpSignalsDiscarded).toBeGreaterThan(0);
    // The live close of a bar warm-up already delivered was dropped, not fed twice.
    expect(summary.kernel.warmUpDuplicateBars).toBe(1);
    // Bar strategies on 1 m are warm from the first minute (flow toxicity needs 30 closed bars).
    const done1 = logger.entries.find((e) => e.msg?.startsWith("warm-up done"));
    expect(done1?.fields).toMatchObject({ bars: 240, settlements: 10, failures: 0 });
    const status = logger.entries.findLast((e) => e.msg === "monitor status");
    expect((status?.fields["warm"] as Record<string, string>)["flow-toxicity"]).toBe("1/1");
    expect((status?.fields["waiting"] as Record<string, { needs: string }>)["liquidity"]?.needs).toContain("book snapshots");

    // The capture holds the warm-up line before the live frames: a replay warms up alike.
    const report = await replayDry([captures]);
    expect(report.countsByKind["candle"]).toBe(241);
    const replayDb = join(dir, "replay.db");
    const replayed = await replayIntoJournal([captures], replayDb, { aliases: config.spot.baseAliases });
    expect(replayed.kernel.warmUpEvents).toBe(250);
    expect(replayed.kernel.warmUpDuplicateBars).toBe(1);
    expect(replayed.kernel.signalsByStrategy).toEqual(summary.kernel.signalsByStrategy);
  });
});
