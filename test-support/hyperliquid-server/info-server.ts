/**
 * A local Hyperliquid REST `/info` server for tests (never published). It answers
 * `POST /info` with the venue's JSON shapes and limits — `candleSnapshot` only for the latest
 * 5000 bars per interval before a configurable "now", `fundingHistory` at most 500 rows per
 * response from an inclusive `startTime` — and injects the faults a REST client must survive:
 * 429 (optionally with `Retry-After`), 500, latency, and a socket closed mid-response.
 *
 * Binds 127.0.0.1 on an ephemeral port; nothing here touches the internet.
 */
import { createServer } from "node:http";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { CANDLE_INTERVAL_MS } from "../../src/core/index.ts";
import { fixtureCandle } from "./info-fixtures.ts";

/** Candle interval lengths in ms, as the venue names them. */
const INTERVAL_MS: Readonly<Record<string, number>> = CANDLE_INTERVAL_MS;

/** Hyperliquid keeps only this many latest candles per coin and interval. */
export const VENUE_MAX_CANDLES = 5000;
/** Hyperliquid returns at most this many `fundingHistory` rows per response. */
export const VENUE_MAX_FUNDING_ROWS = 500;

export interface InfoServerOptions {
  /** The venue's "now", ms: the newest candle is the one forming at this time. */
  readonly now: number;
  /** Time stamped on recorded requests, ms; default `Date.now` (pass a test's fake clock). */
  readonly clock?: () => number;
  /** Earliest candle open time per coin (wire name), ms: a coin listed later has no older bars. */
  readonly candlesListedFrom?: Readonly<Record<string, number>>;
  /** Coins (wire names, e.g. `BTC`, `@142`) that have candles; default: every coin asked for. */
  readonly candleCoins?: readonly string[];
  /** `fundingHistory` rows per coin, in time order (the venue's row shape). */
  readonly funding?: Readonly<Record<string, readonly { readonly time: number }[]>>;
  readonly metaAndAssetCtxs?: unknown;
  readonly spotMetaAndAssetCtxs?: unknown;
  readonly spotMeta?: unknown;
  /** `l2Book` responses per coin. */
  readonly l2Book?: Readonly<Record<string, unknown>>;
  /** The `predictedFundings` answer. */
  readonly predictedFundings?: unknown;
}

/** One request the server received, with the fault it was answered with, if any. */
export interface RecordedRequest {
  /** `options.clock()` at arrival, ms. */
  readonly at: number;
  /** The request's `type`, e.g. `candleSnapshot`. */
  readonly type: string;
  readonly body: unknown;
  readonly fault: FaultKind | undefined;
}

export type FaultKind = "rateLimit" | "serverError" | "delay" | "dropConnection";

/** Faults apply to the next requests, in the order they were queued. */
export interface FaultControl {
  /** Answers the next `count` requests with 429, with `Retry-After: retryAfterSeconds` if given. */
  rateLimit(count: number, retryAfterSeconds?: number): void;
  /** Answers the next `count` requests with 500. */
  serverError(count: number): void;
  /** Delays the answer to the next `count` requests by `ms`. */
  delay(count: number, ms: number): void;
  /** Closes the socket mid-response for the next `count` requests (`Infinity`: from now on). */
  dropConnection(count: number): void;
  /** Removes every queued fault. */
  clear(): void;
}

export interface InfoServer {
  /** `http://127.0.0.1:<port>` (the REST base URL; requests go to `/info`). */
  readonly url: string;
  readonly port: number;
  /** Every request received, in arrival order. */
  readonly requests: RecordedRequest[];
  readonly faults: FaultControl;
  close(): Promise<void>;
}

interface QueuedFault {
  readonly kind: FaultKind;
  remaining: number;
  readonly retryAfterSeconds?: number;
  readonly ms?: number;
}

/** Starts the server on 127.0.0.1, port 0. */
export async function startInfoServer(options: InfoServerOptions): Promise<InfoServer> {
  const clock = options.clock ?? Date.now;
  const requests: RecordedRequest[] = [];
  const queue: QueuedFault[] = [];

  const nextFault = (): QueuedFault | undefined => {
    const fault = queue[0];
    if (fault === undefined) {
      return undefined;
    }
    fault.remaining -= 1;
    if (fault.remaining <= 0) {
      queue.shift();
    }
    return fault;
  };

  const server = createServer((req, res) => {
    void handle(req, res);
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== "POST" || req.url !== "/info") {
      sendText(res, 404, "Not Found");
      return;
    }
    const text = await readBody(req);
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      sendText(res, 400, "Failed to parse the request body as JSON");
      return;
    }
    const type = isRecord(body) && typeof body["type"] === "string" ? body["type"] : "";
    const fault = nextFault();
    requests.push({ at: clock(), type, body, fault: fault?.kind });
    if (fault?.kind === "rateLimit") {
      const headers: Record<string, string> = {};
      if (fault.retryAfterSeconds !== undefined) {
        headers["Retry-After"] = String(fault.retryAfterSeconds);
      }
      sendText(res, 429, "Too Many Requests", headers);
      return;
    }
    if (fault?.kind === "serverError") {
      sendText(res, 500, "Internal Server Error");
      return;
    }
    if (fault?.kind === "delay") {
      await new Promise((resolve) => setTimeout(resolve, fault.ms ?? 0));
    }
    const answer = respond(options, body, type);
    if (answer.status !== 200) {
      sendText(res, answer.status, answer.text);
      return;
    }
    if (fault?.kind === "dropConnection") {
      // Promise a full body, send part of it, then cut the connection.
      res.writeHead(200, { "Content-Type": "application/json", "Content-Length": String(answer.text.length + 100) });
      res.write(answer.text.slice(0, Math.floor(answer.text.length / 2)));
      res.socket?.destroy();
      return;
    }
    res.writeHead(200, { "Content-Type": "application/json" });
    res.end(answer.text);
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  const push = (fault: QueuedFault): void => {
    if (fault.remaining > 0) {
      queue.push(fault);
    }
  };

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    faults: {
      rateLimit: (count, retryAfterSeconds) =>
        push(retryAfterSeconds === undefined ? { kind: "rateLimit", remaining: count } : { kind: "rateLimit", remaining: count, retryAfterSeconds }),
      serverError: (count) => push({ kind: "serverError", remaining: count }),
      delay: (count, ms) => push({ kind: "delay", remaining: count, ms }),
      dropConnection: (count) => push({ kind: "dropConnection", remaining: count }),
      clear: () => {
        queue.length = 0;
      },
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error === undefined ? resolve() : reject(error)));
      }),
  };
}

interface Answer {
  readonly status: number;
  readonly text: string;
}

const unprocessable = (what: string): Answer => ({ status: 422, text: `Failed to deserialize the JSON body into the target type: ${what}` });

/** The venue's answer to one well-formed request. */
function respond(options: InfoServerOptions, body: unknown, type: string): Answer {
  if (!isRecord(body)) {
    return unprocessable("body is not an object");
  }
  const json = (value: unknown): Answer => ({ status: 200, text: JSON.stringify(value) });
  switch (type) {
    case "candleSnapshot":
      return candleSnapshot(options, body["req"]);
    case "fundingHistory":
      return fundingHistory(options, body);
    case "metaAndAssetCtxs":
      return options.metaAndAssetCtxs === undefined ? unprocessable("no metaAndAssetCtxs fixture") : json(options.metaAndAssetCtxs);
    case "spotMetaAndAssetCtxs":
      return options.spotMetaAndAssetCtxs === undefined ? unprocessable("no spotMetaAndAssetCtxs fixture") : json(options.spotMetaAndAssetCtxs);
    case "spotMeta":
      return options.spotMeta === undefined ? unprocessable("no spotMeta fixture") : json(options.spotMeta);
    case "predictedFundings":
      return options.predictedFundings === undefined ? unprocessable("no predictedFundings fixture") : json(options.predictedFundings);
    case "l2Book": {
      const coin = body["coin"];
      // The venue answers `null` for a coin it does not know.
      return json(typeof coin === "string" ? (options.l2Book?.[coin] ?? null) : null);
    }
    default:
      return unprocessable(`unknown variant \`${type}\``);
  }
}

/**
 * Bars on the interval grid with `startTime ≤ t ≤ endTime` (endTime defaults to now), among
 * the latest 5000 up to and including the one forming at `now`.
 */
function candleSnapshot(options: InfoServerOptions, req: unknown): Answer {
  if (!isRecord(req) || typeof req["coin"] !== "string" || typeof req["interval"] !== "string" || typeof req["startTime"] !== "number") {
    return unprocessable("candleSnapshot.req");
  }
  const coin = req["coin"];
  const interval = req["interval"];
  const stepMs = INTERVAL_MS[interval];
  if (stepMs === undefined) {
    return unprocessable(`interval ${interval}`);
  }
  if (options.candleCoins !== undefined && !options.candleCoins.includes(coin)) {
    return { status: 200, text: "[]" };
  }
  const endTime = typeof req["endTime"] === "number" ? req["endTime"] : options.now;
  const latestOpen = Math.floor(options.now / stepMs) * stepMs;
  const listedFrom = options.candlesListedFrom?.[coin];
  const firstListedOpen = listedFrom === undefined ? -Infinity : Math.ceil(listedFrom / stepMs) * stepMs;
  const earliestOpen = Math.max(latestOpen - (VENUE_MAX_CANDLES - 1) * stepMs, firstListedOpen);
  const from = Math.max(Math.ceil(req["startTime"] / stepMs) * stepMs, earliestOpen);
  const to = Math.min(endTime, latestOpen);
  const rows = [];
  for (let t = from; t <= to; t += stepMs) {
    rows.push(fixtureCandle(coin, interval, stepMs, t));
  }
  return { status: 200, text: JSON.stringify(rows) };
}

/** Rows with `startTime ≤ time ≤ endTime`, the first 500. */
function fundingHistory(options: InfoServerOptions, body: Record<string, unknown>): Answer {
  const coin = body["coin"];
  const startTime = body["startTime"];
  if (typeof coin !== "string" || typeof startTime !== "number") {
    return unprocessable("fundingHistory");
  }
  const endTime = typeof body["endTime"] === "number" ? body["endTime"] : Infinity;
  const rows = (options.funding?.[coin] ?? []).filter((row) => row.time >= startTime && row.time <= endTime).slice(0, VENUE_MAX_FUNDING_ROWS);
  return { status: 200, text: JSON.stringify(rows) };
}

function sendText(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { "Content-Type": "text/plain", ...headers });
  res.end(text);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
