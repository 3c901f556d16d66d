/**
 * `npm run demo:recorded [-- --speed N]`: the real `run` path (REST market resolution, the live
 * WebSocket client, the parser and its bar closer, the kernel, the paper broker, the journal, the
 * recorder) against a local Hyperliquid (test-support) that plays back the real 9-minute l2_trades
 * recording of ../shared (BTC, ETH, SOL, WLFI: `l2Book` books, `trades`, and `bbo` tops of book
 * rebuilt from the recorder's best bid/ask rows), time-shifted to now and sped up `speed` times,
 * plus the BTC and ETH funding settlement of 13:00 UTC that fell inside the recording, published
 * by the info server when its shifted time has passed.
 *
 * Then it replays the session's own capture into a second journal and compares the signals, and
 * prints per strategy what fired, what was refused and why, what traded. Nothing here asserts:
 * it prints figures (docs/LIVE.md and the closing notes quote them). Binds 127.0.0.1 only.
 *
 * What the recording cannot give: candles for 30+ closed bars, funding history for hours, open
 * interest for hours — so the bar, funding and open-interest strategies cannot fire on it, and
 * the run says so per strategy (warm-up state).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { gunzipSync } from "node:zlib";
import { monitorSession } from "../src/cli/run.ts";
import { replayIntoJournal } from "../src/cli/replay-pipeline.ts";
import { createMemoryLogger, loadConfig } from "../src/config/index.ts";
import { Journal } from "../src/journal/index.ts";
import { readCapture } from "../src/replay/capture-reader.ts";
import { startInfoServer } from "../test-support/hyperliquid-server/info-server.ts";
import { startWsServer } from "../test-support/hyperliquid-server/ws-server.ts";
import type { ReplayFrame } from "../test-support/hyperliquid-server/ws-server.ts";
import { writeLiveStyleBooksCapture } from "../test-support/live-style-books.ts";

const dataDir = resolve(process.env["SM_SHARED_DATA"] ?? "../shared/data/hyperliquid");
if (!existsSync(join(dataDir, "l2_trades"))) {
  process.stderr.write(`demo:recorded: ${dataDir}/l2_trades is missing (set SM_SHARED_DATA)\n`);
  process.exit(1);
}
const speedArg = process.argv.indexOf("--speed");
const SPEED = speedArg > 0 ? Number(process.argv[speedArg + 1]) : 3;
if (!(SPEED >= 1 && SPEED <= 100)) {
  process.stderr.write(`demo:recorded: --speed must be a number from 1 to 100, got ${process.argv[speedArg + 1]}\n`);
  process.exit(2);
}
const COINS = ["BTC", "ETH", "SOL", "WLFI"];
const l2 = (name: string): string => join(dataDir, "l2_trades", `${name}.csv.gz`);
const csv = (path: string): string[][] =>
  gunzipSync(readFileSync(path))
    .toString("utf8")
    .split("\n")
    .filter((l) => l.length > 0)
    .slice(1)
    .map((l) => l.split(","));

// --- the recording as the venue's frames, in receive order ------------------------------------
const tmp = mkdtempSync(join(tmpdir(), "sm-recorded-run-"));
const built = writeLiveStyleBooksCapture({ orderbookFiles: COINS.map((c) => l2(`orderbooks_${c}`)), tradeFiles: COINS.map((c) => l2(`trades_${c}`)) }, join(tmp, "recording.cap.gz"));
const recorded: { tsInit: number; text: string }[] = [];
for await (const _ of readCapture(built.path)) void _; // validates the built file through the real reader
for (const line of gunzipSync(readFileSync(built.path)).toString("utf8").split("\n").slice(1)) {
  const [ts, source, ...rest] = line.split("\t");
  if (source === "ws" && ts !== undefined) recorded.push({ tsInit: Number(ts), text: rest.join("\t") });
}
// Tops of book from the recorder's best bid/ask rows (one side per row): the latest of each side.
for (const coin of COINS) {
  let bid: { px: string; sz: string } | undefined;
  let ask: { px: string; sz: string } | undefined;
  for (const [ts, price, size, side, time] of csv(l2(`prices_${coin}`))) {
    if (side === "bid") bid = { px: price ?? "", sz: size ?? "" };
    else ask = { px: price ?? "", sz: size ?? "" };
    if (bid === undefined || ask === undefined || !(Number(bid.px) < Number(ask.px))) continue;
    recorded.push({ tsInit: Math.round(Number(ts) * 1000), text: JSON.stringify({ channel: "bbo", data: { coin, time: Number(time), bbo: [{ ...bid, n: 1 }, { ...ask, n: 1 }] } }) });
  }
}
recorded.sort((a, b) => a.tsInit - b.tsInit);
const t0 = recorded[0]?.tsInit ?? 0;
const span = (recorded.at(-1)?.tsInit ?? t0) - t0;

// Venue time v of the recording ↦ now: wall0 + (v − t0) / speed (a session happening now, faster).
const wall0 = Date.now() + 3_000;
const shift = (v: number): number => Math.round(wall0 + (v - t0) / SPEED);
const frames: ReplayFrame[] = [];
let previous = Date.now();
for (const r of recorded) {
  const msg = JSON.parse(r.text) as { channel: string; data: unknown };
  if (msg.channel === "pong") continue;
  if (msg.channel === "trades") for (const t of msg.data as { time: number }[]) t.time = shift(t.time);
  else (msg.data as { time: number }).time = shift((msg.data as { time: number }).time);
  const at = shift(r.tsInit);
  frames.push({ delayMs: Math.max(0, at - previous), text: JSON.stringify(msg).replace(/"tid":"(\d+)"/g, '"tid":$1') });
  previous = at;
}

// --- the local venue ---------------------------------------------------------------------------
const mids = new Map<string, number>();
for (const coin of COINS) {
  const first = csv(l2(`orderbooks_${coin}`))[0] ?? [];
  mids.set(coin, (Number(first[3]) + Number(first[5])) / 2);
}
const meta = [
  { universe: COINS.map((name) => ({ name, szDecimals: name === "BTC" ? 5 : name === "ETH" ? 4 : name === "SOL" ? 2 : 0, maxLeverage: 10 })) },
  COINS.map((c) => {
    const px = String(mids.get(c));
    return { funding: "0.0000125", openInterest: "1000", prevDayPx: px, dayNtlVlm: "1000000000", premium: "0", oraclePx: px, markPx: px, midPx: px, impactPxs: [px, px] };
  }),
];
// The 13:00 UTC settlements of 2025-09-03 (../shared funding: BTC and ETH only for that day), published when due.
const funding: Record<string, { coin: string; fundingRate: string; premium: string; time: number }[]> = { BTC: [], ETH: [] };
const settlementsDue: { coin: string; fundingRate: string; premium: string; time: number }[] = [];
for (const coin of ["BTC", "ETH"]) {
  for (const [c, rate, premium, time] of csv(join(dataDir, "funding", `hl_funding_${coin}.csv.gz`))) {
    const ms = Number(time);
    if (ms >= t0 && ms <= t0 + span) settlementsDue.push({ coin: c ?? coin, fundingRate: rate ?? "0", premium: premium ?? "", time: shift(ms) });
  }
}
const info = await startInfoServer({ now: wall0, metaAndAssetCtxs: meta, funding });
const ws = await startWsServer();
const publish = setInterval(() => {
  for (const s of settlementsDue) if (s.time + 50 <= Date.now() && funding[s.coin]?.includes(s) === false) funding[s.coin]?.push(s);
}, 200);

const config = loadConfig({
  env: {},
  cwd: tmp,
  overrides: {
    network: "custom",
    restUrl: info.url,
    wsUrl: ws.url,
    coins: COINS,
    candleIntervals: ["1m"],
    "spot.enabled": false,
    "live.warmUpBars": 0,
    "live.warmUpFundingHours": 0,
    "rest.maxRetries": 2,
  },
});
const db = join(tmp, "monitor.db");
const captures = join(tmp, "captures");
const logger = createMemoryLogger();
let stop!: () => void;
const stopped = new Promise<void>((r) => (stop = r));
process.stdout.write(
  `demo:recorded: ${recorded.length} frames (${built.bookFrames} books, ${built.tradeFrames} trade frames, ${recorded.length - built.bookFrames - built.tradeFrames - Math.floor(span / 30_000)} tops of book) over ${(span / 60_000).toFixed(1)} min, played at ${SPEED}× → ${(span / SPEED / 60_000).toFixed(1)} min\n`,
);
const wallStart = Date.now();
const done = monitorSession({
  config,
  logger,
  stopped,
  dbPath: db,
  recordDir: captures,
  fundingPoll: { periodMs: 5_000, delayMs: 0 },
  statusEveryMs: 5_000,
  onStarted: () => {
    void ws.replay(frames).then(() => setTimeout(stop, 5_000));
  },
});
const summary = await done;
clearInterval(publish);
const wallMs = Date.now() - wallStart;

// --- what happened ------------------------------------------------------------------------------
const journal = Journal.open(db, { readonly: true });
const rows = journal.signals();
const byStrategy = new Map<string, { fired: number; codes: Record<string, number> }>();
for (const { signal, decision } of rows) {
  const e = byStrategy.get(signal.strategy) ?? { fired: 0, codes: {} };
  e.fired += 1;
  const code = decision?.code ?? "none";
  e.codes[code] = (e.codes[code] ?? 0) + 1;
  byStrategy.set(signal.strategy, e);
}
const outcomes = journal.outcomes();
const payments = journal.fundingPayments();
journal.close();
// The most markets each strategy was warm on at any status line while the recording played.
const mostWarm: Record<string, string> = {};
for (const e of logger.entries.filter((x) => x.msg === "monitor status")) {
  for (const [id, v] of Object.entries((e.fields["warm"] as Record<string, string> | undefined) ?? {})) {
    if (mostWarm[id] === undefined || Number(v.split("/")[0]) > Number(mostWarm[id].split("/")[0])) mostWarm[id] = v;
  }
}
process.stdout.write(`run: ${wallMs} ms wall; events ${JSON.stringify(summary.events)}; rejects ${summary.stats.rejects}; reconnects ${summary.stats.reconnects}\n`);
process.stdout.write(`per strategy (signals, decisions by code, positions opened, closed, net P&L USD):\n`);
for (const id of [...new Set([...byStrategy.keys(), ...Object.keys(summary.kernel.positionsByStrategy)])].sort()) {
  const e = byStrategy.get(id);
  const o = summary.kernel.outcomesByStrategy[id];
  process.stdout.write(
    `  ${id.padEnd(22)} ${String(e?.fired ?? 0).padStart(5)}  ${JSON.stringify(e?.codes ?? {})}  opened ${summary.kernel.positionsByStrategy[id] ?? 0}, closed ${o?.count ?? 0}, ${(o?.pnlUsd ?? 0).toFixed(2)}\n`,
  );
}
process.stdout.write(`outcomes by exit reason: ${JSON.stringify(outcomes.reduce<Record<string, number>>((a, o) => ({ ...a, [o.exitReason]: (a[o.exitReason] ?? 0) + 1 }), {}))}\n`);
process.stdout.write(`funding payments: ${payments.length}; open positions at the stop: ${summary.openPositions}; equity ${summary.kernel.equityUsd?.toFixed(2) ?? "n/a"} USD\n`);
process.stdout.write(`most markets warm at once (status every 5 s): ${JSON.stringify(mostWarm)}\n`);

// --- live = replay: the session's capture into a second journal ---------------------------------
const replayed = await replayIntoJournal([captures], join(tmp, "replay.db"), {});
const live = JSON.stringify(summary.kernel.signalsByStrategy);
const again = JSON.stringify(replayed.kernel.signalsByStrategy);
process.stdout.write(`replay of the capture: signals ${again} — ${again === live ? "the same as live" : `DIFFERENT from live ${live}`}\n`);

await ws.close();
await info.close();
rmSync(tmp, { recursive: true, force: true });
