/**
 * The synthetic venue: a local Hyperliquid on 127.0.0.1 speaking the real protocol, driven by the
 * seeded {@link MarketModel} on an accelerated clock. REST `POST /info` answers `meta`,
 * `metaAndAssetCtxs`, `spotMeta`, `spotMetaAndAssetCtxs`, `candleSnapshot`, `fundingHistory`,
 * `predictedFundings` and `l2Book`; the WebSocket ({@link startWsServer}) acknowledges
 * subscriptions and answers pings, and every `tickMs` of wall time the venue advances the model to
 * its simulated now and sends, to the subscribers of each market, the trades made since the last
 * tick, and (at their simulated cadence) `l2Book`, `bbo`, `candle` (the forming bar; a bar that
 * ended since is sent once more, final, before the next) and `activeAssetCtx` /
 * `activeSpotAssetCtx`.
 *
 * Time: simulated now = `simStartMs` + (wall now − wall start) × `speed`. Every time the venue
 * sends (books, trades, bars, funding rows) is on that clock, so a client on the wall clock sees
 * the venue run ahead of it by (speed − 1) × elapsed (the monitor reads the venue's clock from its
 * books: docs/LIVE.md "Time you can trust"; raise `live.maxVenueTimeAheadMs` accordingly).
 *
 * Faults ({@link ScheduledFault}) fire when the simulated clock reaches them and are logged in
 * {@link SyntheticVenue.faultLog}. Binds 127.0.0.1 only.
 */
import { createServer } from "node:http";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { mulberry32 } from "../analytics/prng.ts";
import type { Random } from "../analytics/prng.ts";
import type { PlantedEffect } from "./effects.ts";
import { FAULT_KINDS } from "./faults.ts";
import type { FaultLogEntry, ScheduledFault } from "./faults.ts";
import { formatPx, formatSz, HOUR_MS, MarketModel, MODEL_INTERVALS, tickOf } from "./model.ts";
import type { ModelBar, ModelMarket, PerpSpec } from "./model.ts";
import { defaultEffects, DEFAULT_PERPS } from "./universe.ts";
import { startWsServer } from "./ws-server.ts";
import type { HyperliquidWsServer } from "./ws-server.ts";

/** Hyperliquid returns at most this many `fundingHistory` rows per response. */
const MAX_FUNDING_ROWS = 500;
/** A coin no session subscribes to (the "books for unsubscribed coins" fault). */
export const PHANTOM_COIN = "PHANTOM";

export interface SyntheticVenueOptions {
  readonly seed: number;
  /** Simulated ms per wall ms. Default 1. */
  readonly speed?: number;
  /** Simulated time at the start, ms. Default: the wall clock's now (whole second). */
  readonly simStartMs?: number;
  /** History before the start served over REST (bars, funding), ms. Default 3 days. */
  readonly historyMs?: number;
  readonly perps?: readonly PerpSpec[];
  /** Default {@link defaultEffects} of the start. */
  readonly effects?: readonly PlantedEffect[];
  /** Model step, simulated ms. Default 1 000. */
  readonly stepMs?: number;
  /** Multiplies every market's trade rate (the soak thins the flow to bound its wall time). Default 1. */
  readonly tradeRateMultiplier?: number;
  /** Wall ms between the venue's sends. Default 100. */
  readonly tickMs?: number;
  /** Simulated ms between books of a market. Default speed × 10, from 500 to 4 000 (a fill needs a book within 5 s of its signal). */
  readonly bookEveryMs?: number;
  /** Simulated ms between tops of book. Default 100. */
  readonly bboEveryMs?: number;
  /** Simulated ms between asset contexts. Default 3 000. */
  readonly ctxEveryMs?: number;
  readonly faults?: readonly ScheduledFault[];
  /** WebSocket port; default ephemeral. */
  readonly wsPort?: number;
  /** The wall clock, ms. Default `Date.now`. */
  readonly wallClock?: () => number;
  /** Called with every fault as it fires. */
  readonly onFault?: (entry: FaultLogEntry) => void;
}

/** Counts of what the venue sent. */
export interface VenueStats {
  ticks: number;
  frames: number;
  trades: number;
  books: number;
  restRequests: number;
  restFaults: number;
  wsRestarts: number;
}

/** A running synthetic venue. */
export interface SyntheticVenue {
  /** `http://127.0.0.1:<port>` (REST base; requests go to `/info`). */
  readonly restUrl: string;
  /** `ws://127.0.0.1:<port>/ws` */
  readonly wsUrl: string;
  readonly model: MarketModel;
  readonly speed: number;
  readonly simStartMs: number;
  /** The venue's simulated now, ms (without any clock step). */
  simNow(): number;
  readonly faultLog: readonly FaultLogEntry[];
  readonly stats: Readonly<VenueStats>;
  /** The WebSocket server now (a restart replaces it). */
  ws(): HyperliquidWsServer;
  /** Injects a fault now. */
  inject(fault: Omit<ScheduledFault, "atMs">): Promise<void>;
  close(): Promise<void>;
}

interface RestFault {
  readonly status: 429 | 500;
  remaining: number;
}

/** Starts the synthetic venue (REST and WebSocket on 127.0.0.1) and its clock. */
export async function startSyntheticVenue(options: SyntheticVenueOptions): Promise<SyntheticVenue> {
  const wallClock = options.wallClock ?? Date.now;
  const speed = options.speed ?? 1;
  if (!(speed > 0 && Number.isFinite(speed))) throw new RangeError(`speed must be a positive number, got ${speed}`);
  const wallStartMs = wallClock();
  const simStartMs = options.simStartMs ?? Math.floor(wallStartMs / 1000) * 1000;
  const perps = (options.perps ?? DEFAULT_PERPS).map((p) => ({ ...p, tradesPerSecond: p.tradesPerSecond * (options.tradeRateMultiplier ?? 1) }));
  const model = new MarketModel({
    seed: options.seed,
    perps,
    effects: options.effects ?? defaultEffects(simStartMs),
    originMs: simStartMs - (options.historyMs ?? 3 * 24 * HOUR_MS),
    liveStartMs: simStartMs,
    ...(options.stepMs === undefined ? {} : { stepMs: options.stepMs }),
  });
  const simNow = (): number => simStartMs + Math.floor((wallClock() - wallStartMs) * speed);
  // Books' sizes come from their own stream, so how often a client looks never changes the market.
  const bookRandom: Random = mulberry32(options.seed ^ 0x5bd1e995);
  const stats: VenueStats = { ticks: 0, frames: 0, trades: 0, books: 0, restRequests: 0, restFaults: 0, wsRestarts: 0 };
  const faultLog: FaultLogEntry[] = [];
  const pendingFaults = [...(options.faults ?? [])].sort((a, b) => a.atMs - b.atMs);
  const restFaults: RestFault[] = [];
  /** Added to every time the WebSocket sends (a venue clock stepped back). */
  let stampOffsetMs = 0;
  let closed = false;

  model.advanceTo(simStartMs);

  // --- REST ----------------------------------------------------------------------------------
  const perpMarkets = model.markets.filter((m) => m.kind === "perp");
  const spotMarkets = model.markets.filter((m) => m.kind === "spot");
  const px = (m: ModelMarket, value: number): string => formatPx(value, tickOf(m.spec.px));
  const meta = (): unknown => ({ universe: perpMarkets.map((m) => ({ name: m.coin, szDecimals: m.szDecimals, maxLeverage: 20 })) });
  const spotMeta = (): unknown => ({
    tokens: [{ name: "USDC", szDecimals: 8, weiDecimals: 8, index: 0 }, ...spotMarkets.map((m) => ({ name: m.spec.spot!.token, szDecimals: m.szDecimals, weiDecimals: 8, index: m.spec.spot!.tokenIndex }))],
    universe: spotMarkets.map((m) => ({ tokens: [m.spec.spot!.tokenIndex, 0], name: m.wire, index: m.spec.spot!.pairIndex, isCanonical: false })),
  });
  const perpCtx = (m: ModelMarket): Record<string, unknown> => {
    const c = model.context(m.wire);
    const tick = tickOf(m.spec.px);
    return {
      funding: c.funding.toFixed(10),
      openInterest: c.openInterest.toFixed(m.szDecimals),
      prevDayPx: px(m, c.prevDayPx),
      dayNtlVlm: c.dayNtlVlm.toFixed(2),
      premium: c.premium.toFixed(10),
      oraclePx: px(m, c.oraclePx),
      markPx: px(m, c.markPx),
      midPx: px(m, c.midPx),
      impactPxs: [px(m, c.midPx - tick), px(m, c.midPx + tick)],
    };
  };
  const spotCtx = (m: ModelMarket): Record<string, unknown> => {
    const c = model.context(m.wire);
    return { coin: m.wire, markPx: px(m, c.markPx), midPx: px(m, c.midPx), prevDayPx: px(m, c.prevDayPx), dayNtlVlm: c.dayNtlVlm.toFixed(2), circulatingSupply: "1000000", totalSupply: "1000000", dayBaseVlm: (c.dayNtlVlm / c.midPx).toFixed(2) };
  };
  const barRow = (m: ModelMarket, interval: string, bar: ModelBar): Record<string, unknown> => ({
    t: bar.t,
    T: bar.T,
    s: m.wire,
    i: interval,
    o: px(m, bar.o),
    c: px(m, bar.c),
    h: px(m, bar.h),
    l: px(m, bar.l),
    v: bar.v.toFixed(m.szDecimals),
    n: bar.n,
  });
  const levels = (m: ModelMarket): [Record<string, string | number>[], Record<string, string | number>[]] => {
    const [bids, asks] = model.book(m.wire, bookRandom);
    const tick = tickOf(m.spec.px);
    const side = (ls: { px: number; sz: number; n: number }[]): Record<string, string | number>[] => ls.map((l) => ({ px: formatPx(l.px, tick), sz: formatSz(l.sz, m.szDecimals), n: l.n }));
    return [side(bids), side(asks)];
  };

  const answer = (type: string, body: Record<string, unknown>): { status: number; value?: unknown; text?: string } => {
    switch (type) {
      case "meta":
        return { status: 200, value: meta() };
      case "metaAndAssetCtxs":
        return { status: 200, value: [meta(), perpMarkets.map(perpCtx)] };
      case "spotMeta":
        return { status: 200, value: spotMeta() };
      case "spotMetaAndAssetCtxs":
        return { status: 200, value: [spotMeta(), spotMarkets.map(spotCtx)] };
      case "candleSnapshot": {
        const req = body["req"] as Record<string, unknown> | undefined;
        const coin = req?.["coin"];
        const interval = req?.["interval"];
        const startTime = req?.["startTime"];
        if (typeof coin !== "string" || typeof interval !== "string" || typeof startTime !== "number" || MODEL_INTERVALS[interval] === undefined) {
          return { status: 422, text: "Failed to deserialize the JSON body into the target type: candleSnapshot.req" };
        }
        const m = model.markets.find((x) => x.wire === coin);
        if (m === undefined) return { status: 200, value: [] };
        const endTime = typeof req?.["endTime"] === "number" ? req["endTime"] : Number.POSITIVE_INFINITY;
        const forming = model.formingBar(coin, interval);
        const bars = [...model.closedBars(coin, interval), ...(forming === undefined ? [] : [forming])];
        return { status: 200, value: bars.filter((b) => b.t >= startTime && b.t <= endTime).map((b) => barRow(m, interval, b)) };
      }
      case "fundingHistory": {
        const coin = body["coin"];
        const startTime = body["startTime"];
        if (typeof coin !== "string" || typeof startTime !== "number") return { status: 422, text: "Failed to deserialize the JSON body into the target type: fundingHistory" };
        const endTime = typeof body["endTime"] === "number" ? body["endTime"] : Number.POSITIVE_INFINITY;
        const rows = model
          .fundingRows(coin)
          .filter((r) => r.time >= startTime && r.time <= endTime)
          .slice(0, MAX_FUNDING_ROWS)
          .map((r) => ({ coin: r.coin, fundingRate: r.fundingRate.toFixed(10), premium: r.premium.toFixed(10), time: r.time }));
        return { status: 200, value: rows };
      }
      case "predictedFundings": {
        const next = Math.floor(model.timeMs / HOUR_MS) * HOUR_MS + HOUR_MS;
        return { status: 200, value: perpMarkets.map((m) => [m.coin, [["HlPerp", { fundingRate: model.context(m.wire).funding.toFixed(10), nextFundingTime: next, fundingIntervalHours: 1 }]]]) };
      }
      case "l2Book": {
        const coin = body["coin"];
        const m = typeof coin === "string" ? model.markets.find((x) => x.wire === coin) : undefined;
        return { status: 200, value: m === undefined ? null : { coin: m.wire, time: model.timeMs, levels: levels(m) } };
      }
      default:
        return { status: 422, text: `Failed to deserialize the JSON body into the target type: unknown variant \`${type}\`` };
    }
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    if (req.method !== "POST" || req.url !== "/info") {
      res.writeHead(404, { "Content-Type": "text/plain" }).end("Not Found");
      return;
    }
    stats.restRequests += 1;
    const fault = restFaults[0];
    if (fault !== undefined) {
      fault.remaining -= 1;
      if (fault.remaining <= 0) restFaults.shift();
      stats.restFaults += 1;
      res.writeHead(fault.status, { "Content-Type": "text/plain" }).end(fault.status === 429 ? "Too Many Requests" : "Internal Server Error");
      return;
    }
    let body: unknown;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
    } catch {
      res.writeHead(400, { "Content-Type": "text/plain" }).end("Failed to parse the request body as JSON");
      return;
    }
    const record = typeof body === "object" && body !== null ? (body as Record<string, unknown>) : {};
    model.advanceTo(simNow());
    const out = answer(typeof record["type"] === "string" ? record["type"] : "", record);
    if (out.status !== 200) {
      res.writeHead(out.status, { "Content-Type": "text/plain" }).end(out.text ?? "");
      return;
    }
    res.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify(out.value));
  };
  const http: Server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  const restPort = (http.address() as AddressInfo).port;

  // --- WebSocket ---------------------------------------------------------------------------------
  let ws = await startWsServer(options.wsPort === undefined ? {} : { port: options.wsPort });
  const wsPort = ws.port;
  let wsDown = false;

  const lastSent = new Map<string, number>();
  const lastBarT = new Map<string, number>();
  const due = (key: string, now: number, everyMs: number): boolean => {
    const last = lastSent.get(key);
    if (last !== undefined && now - last < everyMs) return false;
    lastSent.set(key, now);
    return true;
  };
  const send = (channel: string, data: unknown): void => {
    if (wsDown) return;
    stats.frames += 1;
    ws.send(channel, data);
  };
  /**
   * A book of `m` stamped `time`. `scale` ≠ 1 moves it whole to `scale` × the price (still well
   * formed: one tick between levels); `crossed` puts the asks one tick under the best bid.
   */
  const bookOf = (m: ModelMarket, time: number, scale = 1, crossed = false): Record<string, unknown> => {
    const [bids, asks] = levels(m);
    if (scale === 1 && !crossed) return { coin: m.wire, time, levels: [bids, asks] };
    const tick = tickOf(m.spec.px);
    const bid0 = Math.round((Number(bids[0]!["px"]) * scale) / tick);
    const ask0 = crossed ? bid0 - 1 : Math.round((Number(asks[0]!["px"]) * scale) / tick);
    const at = (ls: Record<string, string | number>[], first: number, step: number): Record<string, string | number>[] => ls.map((l, i) => ({ ...l, px: formatPx((first + step * i) * tick, tick) }));
    return { coin: m.wire, time, levels: [at(bids, bid0, -1), at(asks, ask0, 1)] };
  };

  const bookEveryMs = options.bookEveryMs ?? Math.min(4_000, Math.max(500, speed * 10));
  /** Sends the final frame of a bar that ended since the last send of this market and interval; and the forming bar if `forming`. */
  const sendBar = (m: ModelMarket, interval: string, forming: boolean): void => {
    const bar = model.formingBar(m.wire, interval);
    if (bar === undefined) return;
    const key = `${m.wire}:${interval}`;
    const previousT = lastBarT.get(key);
    if (previousT !== undefined && previousT !== bar.t) {
      const ended = model.closedBars(m.wire, interval).at(-1);
      if (ended !== undefined && ended.t === previousT) send("candle", barRow(m, interval, ended));
      lastBarT.set(key, bar.t);
      send("candle", barRow(m, interval, bar));
    } else if (forming || previousT === undefined) {
      lastBarT.set(key, bar.t);
      send("candle", barRow(m, interval, bar));
    }
  };
  /** The model advances by this much between sends within a tick: whole steps, about a book interval. */
  const chunkMs = Math.max(1, Math.round(bookEveryMs / model.stepMs)) * model.stepMs;
  /** Trades since the last send, then books and tops of book when due, for every market at the model's time. */
  const sendFlow = (): void => {
    const t = model.timeMs;
    const stamp = t + stampOffsetMs;
    for (const m of model.markets) {
      // A bar that ended since the last send goes out once more, final, before any later book
      // moves the client's clock past its close.
      for (const interval of Object.keys(MODEL_INTERVALS)) sendBar(m, interval, false);
      const trades = model.takeTrades(m.wire);
      for (let i = 0; i < trades.length; i += 200) {
        const chunk = trades.slice(i, i + 200).map((tr) => ({ coin: tr.coin, side: tr.side, px: px(m, tr.px), sz: formatSz(tr.sz, m.szDecimals), time: tr.time + stampOffsetMs, hash: `0x${tr.tid.toString(16).padStart(64, "0")}`, tid: tr.tid, users: ["0x0000000000000000000000000000000000000001", "0x0000000000000000000000000000000000000002"] }));
        stats.trades += chunk.length;
        send("trades", chunk);
      }
      if (due(`b:${m.wire}`, t, bookEveryMs)) {
        stats.books += 1;
        send("l2Book", bookOf(m, stamp));
      }
      if (due(`t:${m.wire}`, t, options.bboEveryMs ?? 100)) {
        const [bids, asks] = levels(m);
        send("bbo", { coin: m.wire, time: stamp, bbo: [bids[0], asks[0]] });
      }
    }
  };

  const tick = (): void => {
    if (closed) return;
    stats.ticks += 1;
    const now = simNow();
    // Books at their simulated cadence even when a tick spans many of them (a fill needs a book
    // within seconds of its signal): the model advances book interval by book interval.
    while (model.timeMs < now) {
      const before = model.timeMs;
      model.advanceTo(Math.min(now, before + chunkMs));
      if (model.timeMs === before) break;
      sendFlow();
    }
    const t = model.timeMs;
    for (const m of model.markets) {
      for (const interval of Object.keys(MODEL_INTERVALS)) sendBar(m, interval, true);
      if (due(`c:${m.wire}`, t, options.ctxEveryMs ?? 3_000)) {
        if (m.kind === "perp") send("activeAssetCtx", { coin: m.wire, ctx: perpCtx(m) });
        else send("activeSpotAssetCtx", { coin: m.wire, ctx: spotCtx(m) });
      }
    }
    while (pendingFaults[0] !== undefined && pendingFaults[0].atMs <= now) {
      const fault = pendingFaults.shift()!;
      void inject(fault, fault.atMs);
    }
  };

  const marketOf = (coin: string | undefined): ModelMarket => model.markets.find((m) => m.wire === coin) ?? perpMarkets[0]!;
  const later = (ms: number, action: () => void | Promise<void>): void => {
    const timer = setTimeout(() => {
      if (!closed) void action();
    }, ms);
    timer.unref();
  };

  const inject = async (fault: Omit<ScheduledFault, "atMs">, atMs: number = simNow()): Promise<void> => {
    if (!FAULT_KINDS.includes(fault.kind)) throw new RangeError(`unknown fault ${String(fault.kind)}`);
    const m = marketOf(fault.coin);
    const log = (detail: string): void => {
      const entry: FaultLogEntry = { kind: fault.kind, atMs, atWallMs: wallClock(), detail };
      faultLog.push(entry);
      options.onFault?.(entry);
    };
    const stamp = model.timeMs + stampOffsetMs;
    switch (fault.kind) {
      case "abruptClose":
        log("every connection dropped without a close frame");
        ws.faults.dropConnections();
        break;
      case "halfOpen":
        log("every connection half-open: nothing read, nothing sent");
        ws.faults.halfOpen();
        break;
      case "silenceWithPongs": {
        const ms = fault.durationMs ?? 20_000;
        log(`no data for ${ms} ms (wall) while pings are answered`);
        ws.faults.stallData(true);
        later(ms, () => ws.faults.stallData(false));
        break;
      }
      case "channelSilent":
        log(`l2Book:${m.wire} silent until resubscribed`);
        ws.faults.silenceChannel(`l2Book:${m.wire}`);
        break;
      case "serverRestart": {
        const ms = fault.durationMs ?? 2_000;
        log(`WebSocket server down for ${ms} ms (wall), then up on the same port`);
        wsDown = true;
        await ws.close();
        later(ms, async () => {
          ws = await startWsServer({ port: wsPort });
          stats.wsRestarts += 1;
          wsDown = false;
        });
        break;
      }
      case "malformedFrame":
        log("a trade whose px is not a number");
        if (!wsDown) ws.faults.sendMalformed(JSON.stringify({ channel: "trades", data: [{ coin: m.wire, side: "B", px: "not-a-number", sz: "1", time: stamp, hash: "0x00", tid: 0, users: ["0x01", "0x02"] }] }));
        break;
      case "halfPriceBooks":
        log(`three books of ${m.wire} at half the price, 100 ms apart`);
        for (let i = 0; i < 3; i += 1) later(i * 100, () => send("l2Book", bookOf(m, model.timeMs + stampOffsetMs, 0.5)));
        break;
      case "crossedBook": {
        log(`one crossed book of ${m.wire}: the best ask a tick under the best bid`);
        send("l2Book", bookOf(m, stamp, 1, true));
        break;
      }
      case "hourAheadFrame":
        log(`one book of ${m.wire} stamped an hour ahead`);
        send("l2Book", bookOf(m, stamp + HOUR_MS));
        break;
      case "clockStepBack":
        log("venue clock 120 s back, every connection dropped (a venue restart)");
        stampOffsetMs -= 120_000;
        ws.faults.dropConnections();
        break;
      case "rest429":
        log("the next 3 REST requests answered 429");
        restFaults.push({ status: 429, remaining: 3 });
        break;
      case "rest500":
        log("the next 3 REST requests answered 500");
        restFaults.push({ status: 500, remaining: 3 });
        break;
      case "garbageFrame":
        log("one 3 MB frame of garbage");
        if (!wsDown) ws.sendRaw(`{"channel":"trades","data":"${"A".repeat(3 * 1024 * 1024)}"}`);
        break;
      case "unsubscribedBooks":
        log(`50 books for ${PHANTOM_COIN}, which nobody subscribed to`);
        for (let i = 0; i < 50 && !wsDown; i += 1) ws.sendRaw(JSON.stringify({ channel: "l2Book", data: { ...bookOf(m, stamp), coin: PHANTOM_COIN } }));
        break;
    }
  };

  const timer = setInterval(tick, options.tickMs ?? 100);

  return {
    restUrl: `http://127.0.0.1:${restPort}`,
    wsUrl: `ws://127.0.0.1:${wsPort}/ws`,
    model,
    speed,
    simStartMs,
    simNow,
    faultLog,
    stats,
    ws: () => ws,
    inject: (fault) => inject(fault),
    async close() {
      closed = true;
      clearInterval(timer);
      if (!wsDown) await ws.close();
      await new Promise<void>((resolve) => {
        http.closeAllConnections();
        http.close(() => resolve());
      });
    },
  };
}
