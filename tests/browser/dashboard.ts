/**
 * `npm run test:browser`: the dashboard in a real headless Chromium (Debian's `chromium`, driven by
 * playwright-core; no browser download). Serves a journal on a free 127.0.0.1 port, loads every
 * page, fails on a console error, checks that the overview's combined equity equals /api/books',
 * writes to the journal from another connection and waits for the open page to show it (no
 * reload), opens a signal's chart, and saves a screenshot of each page under
 * `.cache/browser/` (git-ignored; `SM_BROWSER_OUT` elsewhere).
 *
 * The journal: the hand-made one of src/server/test-journal.ts, or `SM_DASHBOARD_DB=<file>` (a
 * copy of it is served, so the live write never touches the original).
 * Without /usr/bin/chromium it says so and exits 0 (CI installs the package; there it fails).
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { chromium } from "playwright-core";
import { Journal } from "../../src/journal/index.ts";
import { createDashboardApp, startDashboard } from "../../src/server/index.ts";
import { T0, writeDashboardJournal } from "../../src/server/test-journal.ts";

const CHROMIUM = "/usr/bin/chromium";
const OUT = resolve(process.env["SM_BROWSER_OUT"] ?? ".cache/browser");
const STARTED_MS = Date.now();

function fail(message: string): never {
  throw new Error(`browser test: ${message}`);
}

/** USD as the page prints it (app.js `usd`). */
function usd(x: number): string {
  return x.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
}

if (!existsSync(CHROMIUM)) {
  const message = `${CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium) to run the browser test`;
  if (process.env["CI"] === "true") fail(message);
  process.stdout.write(`browser test SKIPPED: ${message}\n`);
  process.exit(0);
}

const dir = mkdtempSync(join(tmpdir(), "sm-browser-"));
const db = join(dir, "journal.db");
const source = process.env["SM_DASHBOARD_DB"];
if (source === undefined) writeDashboardJournal(db);
else {
  copyFileSync(source, db);
  // A journal of an older schema: the copy is migrated (a read-only open refuses it).
  Journal.open(db).close();
}
mkdirSync(OUT, { recursive: true });

const journal = Journal.open(db, { readonly: true });
const dashboard = createDashboardApp({ journal, pollMs: 200 });
const server = await startDashboard(dashboard, "127.0.0.1", 0);
const context = await chromium.launchPersistentContext(join(dir, "profile"), {
  executablePath: CHROMIUM,
  headless: true,
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  viewport: { width: 1400, height: 1000 },
});
const errors: string[] = [];
try {
  const page = await context.newPage();
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(`${page.url()}: ${m.text()}`);
  });
  page.on("pageerror", (e) => errors.push(`${page.url()}: ${e.message}`));

  // Overview: the combined equity shown equals the API's.
  const books = (await (await fetch(`${server.url}api/books`)).json()) as { books: { book: string; latest: { equityUsd: number } | null }[] };
  const combined = books.books.find((b) => b.book === "combined")?.latest?.equityUsd ?? fail("the journal has no combined equity");
  await page.goto(server.url);
  const cell = page.locator('[data-figure="equity:combined"]');
  await cell.waitFor();
  const shown = (await cell.textContent())?.trim();
  if (shown !== usd(combined)) fail(`overview shows combined equity ${shown}, the API says ${usd(combined)}`);
  await page.locator("#equity canvas").first().waitFor();
  await page.locator("#live:not(.off)").waitFor({ timeout: 5_000 });
  await page.screenshot({ path: join(OUT, "overview.png"), fullPage: true });
  process.stdout.write(`overview: combined equity ${shown} USD = /api/books\n`);

  // A write by another connection appears on the open page without a reload.
  const writer = Journal.open(db);
  const lastTs = journal.latestEquity()?.tsMs ?? T0;
  const newEquity = 12_345.67;
  writer.writeBatch([{ kind: "equity", snapshot: { tsMs: lastTs + 3_600_000, equityUsd: newEquity, cashUsd: newEquity, unrealizedUsd: 0, openPositions: 0, grossExposureUsd: 0 } }]);
  writer.close();
  const writtenMs = Date.now();
  await page.locator('[data-figure="equity:combined"]', { hasText: usd(newEquity) }).waitFor({ timeout: 5_000 });
  const tookMs = Date.now() - writtenMs;
  process.stdout.write(`live: the equity written after the page loaded showed in ${tookMs} ms (poll every 200 ms)\n`);
  if (tookMs > 1_500) fail(`the journal write took ${tookMs} ms to appear (wanted ≤ 1.5 s)`);
  await page.screenshot({ path: join(OUT, "overview-live.png"), fullPage: true });

  await page.goto(`${server.url}strategies`);
  await page.locator(".card").first().waitFor({ timeout: 30_000 });
  await page.screenshot({ path: join(OUT, "strategies.png"), fullPage: true });

  await page.goto(`${server.url}signals`);
  await page.locator("#ledger tr[data-i]").first().waitFor();
  // The oldest signal on the page: in the hand-made journal, the one with an entry and an exit.
  await page.locator("#ledger tr[data-i]").last().click();
  await page.locator("#sigchart canvas").first().waitFor();
  await page.screenshot({ path: join(OUT, "signals.png"), fullPage: true });

  await page.goto(`${server.url}health`);
  await page.locator("text=Checkpoints").waitFor();
  await page.screenshot({ path: join(OUT, "health.png"), fullPage: true });

  if (errors.length > 0) fail(`console errors:\n${errors.join("\n")}`);
  process.stdout.write(`browser test passed in ${((Date.now() - STARTED_MS) / 1000).toFixed(1)} s; screenshots in ${OUT}\n`);
} catch (error) {
  if (errors.length > 0) process.stderr.write(`console errors:\n${errors.join("\n")}\n`);
  throw error;
} finally {
  await context.close();
  await server.close();
  journal.close();
  rmSync(dir, { recursive: true, force: true });
}
