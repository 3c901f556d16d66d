/**
 * The dashboard's HTTP application (Hono): the JSON API over one read-only journal, the
 * server-sent-events stream and the pages. It only turns requests into journal reads; it never
 * writes. Test it with `app.request()`; serve it with {@link startDashboard}. See docs/DASHBOARD.md.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Hono } from "hono";
import type { Context } from "hono";
import type { GateConfig } from "../analytics/index.ts";
import { reportFromJournal } from "../cli/report.ts";
import { COMBINED_BOOK } from "../core/index.ts";
import type { Journal } from "../journal/index.ts";
import { reportJson } from "../reports/index.ts";
import { streamChanges, JournalPoller } from "./stream.ts";
import { asOfMs, booksView, equityView, healthView, positionsView, strategyTradesView } from "./views.ts";

/** Options of {@link createDashboardApp}. */
export interface DashboardOptions {
  /** The journal, opened read-only (`Journal.open(path, { readonly: true })`). */
  readonly journal: Journal;
  /** Access token: when set, every route but `/healthz` and `/assets/*` wants `Authorization: Bearer <token>` or `?token=<token>`. */
  readonly token?: string | undefined;
  /** The report's gates (the config's `analytics` section); default the memo's. */
  readonly gates?: GateConfig | undefined;
  /** The config's `journal.trialRegistry` (the report's DSR trial count). */
  readonly trialRegistry?: string | undefined;
  /** How often the stream polls the journal for new rows, ms. Default 1 000. */
  readonly pollMs?: number | undefined;
  /** Wall clock, ms (health ages). Default `Date.now`. */
  readonly nowMs?: (() => number) | undefined;
}

/** The app and its poller (stop it when the server closes). */
export interface DashboardApp {
  readonly app: Hono;
  readonly poller: JournalPoller;
}

const PUBLIC_DIR = fileURLToPath(new URL("./public/", import.meta.url));
const PAGES = { "/": "overview", "/strategies": "strategies", "/signals": "signals", "/health": "health" } as const;
const ASSETS: Readonly<Record<string, { file: () => string; type: string }>> = {
  "app.js": { file: () => join(PUBLIC_DIR, "app.js"), type: "text/javascript; charset=utf-8" },
  "style.css": { file: () => join(PUBLIC_DIR, "style.css"), type: "text/css; charset=utf-8" },
  "lightweight-charts.js": {
    file: () => join(dirname(createRequire(import.meta.url).resolve("lightweight-charts/package.json")), "dist", "lightweight-charts.standalone.production.js"),
    type: "text/javascript; charset=utf-8",
  },
};
const CSP = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
const MAX_LIMIT = 1_000;

/** A request the API cannot serve as asked: answered 400/404 with `{ error }`. */
class BadRequest extends Error {
  readonly status: 400 | 404;
  constructor(status: 400 | 404, message: string) {
    super(message);
    this.status = status;
  }
}

function sha256(s: string): Buffer {
  return createHash("sha256").update(s).digest();
}

/** Whether the request carries the token (compared in constant time; hashing first evens the lengths). */
function hasToken(authorization: string | undefined, query: string | undefined, token: string): boolean {
  const given = authorization?.startsWith("Bearer ") === true ? authorization.slice(7) : query;
  return given !== undefined && timingSafeEqual(sha256(given), sha256(token));
}

/** Parses a time query value: ms since epoch, or an ISO date / date-time (UTC unless it says). */
function timeParam(name: string, value: string | undefined): number | undefined {
  if (value === undefined || value === "") return undefined;
  const ms = /^\d+$/.test(value) ? Number(value) : /^\d{4}-\d{2}-\d{2}/.test(value) ? Date.parse(value.length === 10 ? `${value}T00:00:00Z` : value) : Number.NaN;
  if (!Number.isFinite(ms)) throw new BadRequest(400, `${name} must be ms since epoch or an ISO date such as 2025-07-21 (got ${JSON.stringify(value)})`);
  return ms;
}

function intParam(name: string, value: string | undefined, fallback: number, max: number): number {
  if (value === undefined || value === "") return fallback;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > max) throw new BadRequest(400, `${name} must be an integer from 0 to ${max} (got ${JSON.stringify(value)})`);
  return n;
}

/**
 * Builds the dashboard's app over an open journal. Nothing is read until a request comes; the
 * report and the book views are cached until another connection commits (`PRAGMA data_version`).
 */
export function createDashboardApp(options: DashboardOptions): DashboardApp {
  const { journal } = options;
  const now = options.nowMs ?? Date.now;
  const poller = new JournalPoller(journal, options.pollMs ?? 1_000);
  const app = new Hono();

  // One cache entry per key, dropped when the journal changed.
  let cacheVersion = -1;
  const cache = new Map<string, unknown>();
  const cached = <T>(key: string, build: () => T): T => {
    const version = journal.dataVersion();
    if (version !== cacheVersion) {
      cache.clear();
      cacheVersion = version;
    }
    if (!cache.has(key)) cache.set(key, build());
    return cache.get(key) as T;
  };
  const bookParam = (c: Context): string => {
    const book = c.req.query("book") ?? COMBINED_BOOK;
    const books = cached("books", () => journal.books());
    if (!books.includes(book)) throw new BadRequest(404, `no book ${JSON.stringify(book)} in this journal; its books: ${books.join(", ")}`);
    return book;
  };

  app.onError((error, c) => {
    if (error instanceof BadRequest) return c.json({ error: error.message }, error.status);
    throw error;
  });
  app.get("/healthz", (c) => c.text("ok\n"));
  app.get("/assets/:name", (c) => {
    const asset = ASSETS[c.req.param("name")];
    if (asset === undefined) return c.notFound();
    return c.body(readFileSync(asset.file()), 200, { "content-type": asset.type, "cache-control": "no-cache" });
  });
  if (options.token !== undefined) {
    const token = options.token;
    app.use("*", async (c, next) => {
      if (!hasToken(c.req.header("authorization"), c.req.query("token"), token)) return c.json({ error: "this dashboard wants its access token: Authorization: Bearer <token>, or ?token=<token>" }, 401);
      await next();
    });
  }

  app.get("/api/report", (c) => c.body(cached("report", () => reportJson(reportFromJournal(journal, undefined, {}, options.gates, options.trialRegistry))), 200, { "content-type": "application/json; charset=utf-8" }));
  app.get("/api/books", (c) => c.json(cached("booksView", () => ({ asOfMs: asOfMs(journal, now()), books: booksView(journal, asOfMs(journal, now())) }))));
  app.get("/api/equity", (c) => {
    const book = bookParam(c);
    return c.json(cached(`equity:${book}`, () => equityView(journal, book)));
  });
  app.get("/api/positions", (c) => {
    const book = bookParam(c);
    return c.json(
      cached(`positions:${book}`, () => {
        const asOf = asOfMs(journal, now());
        const prices = journal.lastPrices();
        return { book, asOfMs: asOf, prices, positions: positionsView(journal.openPositions({ book }), book, prices, asOf) };
      }),
    );
  });
  app.get("/api/strategies", (c) => c.json(cached("strategies", () => ({ strategies: strategyTradesView(journal), lifecycle: journal.lifecycle() }))));
  app.get("/api/signals", (c) => {
    const book = bookParam(c);
    const strategy = c.req.query("strategy") || undefined;
    const fromMs = timeParam("from", c.req.query("from"));
    const toMs = timeParam("to", c.req.query("to"));
    const limit = intParam("limit", c.req.query("limit"), 100, MAX_LIMIT);
    const offset = intParam("offset", c.req.query("offset"), 0, Number.MAX_SAFE_INTEGER);
    const page = journal.signalLedger({ book, ...(strategy === undefined ? {} : { strategy }), ...(fromMs === undefined ? {} : { fromMs }), ...(toMs === undefined ? {} : { toMs }), limit, offset });
    return c.json({ book, strategy: strategy ?? null, fromMs: fromMs ?? null, toMs: toMs ?? null, limit, offset, total: page.total, signals: page.rows });
  });
  app.get("/api/signal", (c) => {
    const id = c.req.query("id");
    if (id === undefined || id === "") throw new BadRequest(400, "give ?id=<signal id>");
    const book = bookParam(c);
    const entry = journal.signalById(id, { book });
    if (entry === undefined) throw new BadRequest(404, `no signal ${JSON.stringify(id)}`);
    // The journal keeps no candles: the chart has the prices the journal has (the signal's levels and its fills).
    return c.json({ book, ...entry, fills: journal.signalFills(id, { book }), candles: null, candlesNote: "this journal keeps no candles: the chart shows the signal's entry, stop and target and the fills' prices only" });
  });
  app.get("/api/health", (c) => c.json(healthView(journal, now())));
    app.get("/api/stream", (c) => streamChanges(c, poller));

  const shell = readFileSync(join(PUBLIC_DIR, "index.html"), "utf8");
  for (const [path, page] of Object.entries(PAGES)) {
    app.get(path, (c) => {
      // The overview's figures come inside the page, so it shows them before any fetch (and a test can compare them with the API's).
      const boot = page === "overview" ? cached("booksView", () => ({ asOfMs: asOfMs(journal, now()), books: booksView(journal, asOfMs(journal, now())) })) : null;
      const html = shell.replace("__PAGE__", page).replace("<!--BOOT-->", `<script id="boot" type="application/json">${JSON.stringify(boot).replace(/</g, "\\u003c")}</script>`);
      return c.html(html, 200, { "content-security-policy": CSP, "cache-control": "no-store" });
    });
  }
  return { app, poller };
}
