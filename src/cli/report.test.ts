import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { DataFileError } from "../core/index.ts";
import { DatabaseSync } from "node:sqlite";
import { tableFromIPC } from "apache-arrow";
import { Journal, MIGRATIONS, registerJournalTrials, trialRegistryPath } from "../journal/index.ts";
import { migrate } from "../journal/migrate.ts";
import { T0, closeTrade, equityAt, openTrade } from "../journal/test-records.ts";
import { figureRow } from "../reports/test-report.ts";
import { CliUsageError } from "./errors.ts";
import { parseReportDate, parseReportWindow, parseStartingEquity, runReport } from "./report.ts";

const HOUR = 3_600_000;
const DAY = 86_400_000;
/** Net P&L of every test-records trade (see closeTrade), USD. */
const NET = 173.51855;

/** A journal with two closed trades (flow-toxicity on day 1, vwap-reversion on day 2), flow-toxicity a candidate with 2 variants. */
function writeJournal(path: string): void {
  const journal = Journal.open(path);
  const a = openTrade(0, T0, "flow-toxicity");
  const b = openTrade(1, T0 + DAY, "vwap-reversion");
  journal.writeBatch([...a.records, ...closeTrade(0, T0, T0 + 2 * HOUR, "flow-toxicity"), { kind: "equity", snapshot: equityAt(T0 + 2 * HOUR, 10_000 + NET) }]);
  journal.writeBatch([...b.records, ...closeTrade(1, T0 + DAY, T0 + DAY + 3 * HOUR, "vwap-reversion"), { kind: "equity", snapshot: equityAt(T0 + DAY + 3 * HOUR, 10_000 + 2 * NET) }]);
  journal.setLifecycle("flow-toxicity", "candidate", T0, "new");
  journal.recordVariant("flow-toxicity", { threshold: 2 }, T0);
  journal.recordVariant("flow-toxicity", { threshold: 3 }, T0);
  journal.close();
}

describe("runReport", () => {
  let dir: string;
  let db: string;
  let stdout: string;
  let stderr: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "sm-report-"));
    db = join(dir, "out.db");
    writeJournal(db);
    stdout = "";
    stderr = "";
    vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => ((stdout += String(chunk)), true));
    vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => ((stderr += String(chunk)), true));
  });
  afterEach(() => {
    vi.restoreAllMocks();
    rmSync(dir, { recursive: true, force: true });
  });

  it("prints the tables, taking the starting equity from the journal", async () => {
    await runReport({ db });
    expect(stdout).toContain("starting equity: 10,000.00 USD (journal)");
    expect(figureRow(stdout, "total P&L (net)")).toEqual(["total P&L (net)", "173.52 USD", "173.52 USD", "347.04 USD"]);
    expect(stdout).toContain("DSR (variants)");
    expect(stdout).toContain("(N = 2)");
  });

  it("prints only JSON on stdout with --json, with every daily series", async () => {
    const csv = join(dir, "o.csv");
    await runReport({ db, json: true, startingEquity: "20000", csv });
    expect(stderr).toBe(`wrote ${csv} (2 outcomes; period 2025-09-03 12:00 → 2025-09-04 15:00 UTC (2 days; whole journal))\n`);
    const parsed = JSON.parse(stdout) as { startingEquityUsd: number; startingEquitySource: string; performance: { combined: { figures: { trades: { totalPnlUsd: number }; daily: { returns: number[] } } }; strategies: { figures: { name: string; daily: { returns: number[] } } }[] } };
    expect(parsed.startingEquityUsd).toBe(20_000);
    expect(parsed.startingEquitySource).toBe("flag");
    expect(parsed.performance.combined.figures.trades.totalPnlUsd).toBeCloseTo(2 * NET, 9);
    expect(parsed.performance.strategies.map((s) => [s.figures.name, s.figures.daily.returns.length])).toEqual([
      ["flow-toxicity", 2],
      ["vwap-reversion", 2],
    ]);
    // flow-toxicity's realised day 1 return on 20 000 USD
    expect(parsed.performance.strategies[0]!.figures.daily.returns[0]).toBeCloseTo(NET / 20_000, 12);
  });

  it("writes the outcomes as Arrow IPC or Parquet when the file name asks for it", async () => {
    const arrow = join(dir, "o.arrow");
    await runReport({ db, csv: arrow });
    const table = tableFromIPC(readFileSync(arrow));
    // The two closed trades, in close order, each with the test records' net P&L.
    expect(table.numRows).toBe(2);
    expect(table.getChild("strategy")?.toArray()).toEqual(["flow-toxicity", "vwap-reversion"]);
    expect(Number(table.getChild("pnl_usd")?.get(0))).toBeCloseTo(NET, 9);
    expect(stdout).toContain(`wrote ${arrow} (2 outcomes;`);
  });

  it("migrates a journal of an older schema before reading it, and says so", async () => {
    const old = join(dir, "old.db");
    const sqlite = new DatabaseSync(old);
    migrate(sqlite, old, MIGRATIONS.slice(0, 2), 0);
    sqlite.close();
    await runReport({ db: old });
    expect(stderr).toContain(`migrated ${old} to this version's journal schema`);
    expect(stdout).toContain("no closed trades in this journal");
  });

  it("writes the HTML page and the outcomes CSV", async () => {
    const html = join(dir, "r.html");
    const csv = join(dir, "o.csv");
    await runReport({ db, html, csv });
    expect(readFileSync(html, "utf8")).toMatch(/^<!doctype html>/);
    const lines = readFileSync(csv, "utf8").trimEnd().split("\n");
    expect(lines).toHaveLength(3);
    expect(lines[1]).toBe(
      `pos-0,flow-toxicity:hyperliquid:perp:BTC:${T0}:0,flow-toxicity,hyperliquid:perp:BTC,long,2025-09-03T12:00:00.000Z,${T0},2025-09-03T14:00:00.000Z,${T0 + 2 * HOUR},7200000,6001,173.51855,${173.51855 / 6001},179,5.48145,0,1,target`,
    );
    expect(stdout).toContain(`wrote ${csv} (2 outcomes; period`);
  });

  it("only shows the lifecycle moves without --apply-lifecycle, and writes them with it", async () => {
    await runReport({ db });
    const before = Journal.open(db, { readonly: true });
    expect(before.lifecycle().map((l) => [l.strategy, l.state])).toEqual([["flow-toxicity", "candidate"]]);
    before.close();

    await runReport({ db, applyLifecycle: true });
    expect(stdout).toContain("lifecycle: flow-toxicity candidate → forward-testing (1 of 30 trades;");
    expect(stdout).toContain("lifecycle: vwap-reversion (none) → forward-testing");
    const after = Journal.open(db, { readonly: true });
    expect(after.lifecycle().map((l) => [l.strategy, l.state, l.sinceMs])).toEqual([
      ["flow-toxicity", "forward-testing", T0 + DAY + 3 * HOUR],
      ["vwap-reversion", "forward-testing", T0 + DAY + 3 * HOUR],
    ]);
    after.close();

    stdout = "";
    await runReport({ db, applyLifecycle: true });
    expect(stdout).toContain("lifecycle: no change");
  });

  it("restricts every figure and the CSV to --from, starting from the account's equity before it", async () => {
    const csv = join(dir, "o.csv");
    await runReport({ db, from: "2025-09-04", csv });
    expect(stdout).toContain("period: 2025-09-04 00:00 → 2025-09-04 15:00 UTC (1 day; window --from 2025-09-04)");
    // the snapshot before the window: 10 000 + NET after flow-toxicity's close
    // A long line wraps at 100 columns: compare with the line breaks taken out.
    expect(stdout.replace(/\n +/g, " ")).toContain(`starting equity: 10,000.00 USD (journal); figures measured from ${(10_000 + NET).toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })} USD (the account's equity at the window start)`);
    expect(figureRow(stdout, "total P&L (net)")).toEqual(["total P&L (net)", "173.52 USD", "173.52 USD"]);
    expect(figureRow(stdout, "figure")).toEqual(["figure", "vwap-reversion", "combined"]);
    expect(stdout).toContain("window: 1 trade(s) closed before it and 0 at or after its end are left out of every figure");
    expect(readFileSync(csv, "utf8").trimEnd().split("\n").map((l) => l.split(",")[2])).toEqual(["strategy", "vwap-reversion"]);

    stdout = "";
    await runReport({ db, json: true, from: "2025-09-04", to: "2025-09-04" });
    const parsed = JSON.parse(stdout) as { period: { days: number; startingEquityUsd: number; text: string }; performance: { combined: { figures: { daily: { returns: number[] } } } } };
    expect(parsed.period.days).toBe(1);
    expect(parsed.period.startingEquityUsd).toBeCloseTo(10_000 + NET, 9);
    expect(parsed.period.text).toBe("2025-09-04 00:00 → 2025-09-04 23:59 UTC (1 day; window --from 2025-09-04 --to 2025-09-04)");
    // one day: 10 000 + NET → 10 000 + 2 NET
    expect(parsed.performance.combined.figures.daily.returns).toHaveLength(1);
    expect(parsed.performance.combined.figures.daily.returns[0]).toBeCloseTo((10_000 + 2 * NET) / (10_000 + NET) - 1, 12);
  });

  it("refuses a bad --from or --to before opening the journal", async () => {
    await expect(runReport({ db, from: "2025-9-4" })).rejects.toThrow('--from must be a UTC date YYYY-MM-DD such as 2025-07-21 (got "2025-9-4")');
    await expect(runReport({ db, from: "2025-09-05", to: "2025-09-04" })).rejects.toThrow('--to "2025-09-04" is before --from "2025-09-05": the window would be empty');
  });

  it("refuses a journal that does not exist without creating it", async () => {
    const missing = join(dir, "typo.db");
    await expect(runReport({ db: missing })).rejects.toBeInstanceOf(DataFileError);
    expect(existsSync(missing)).toBe(false);
  });
});

describe("parseStartingEquity", () => {
  it("takes a positive number of USD and refuses anything else", () => {
    expect(parseStartingEquity("25000.5")).toBe(25_000.5);
    expect(parseStartingEquity(undefined)).toBeUndefined();
    for (const bad of ["0", "-5", "abc", "", "Infinity"]) expect(() => parseStartingEquity(bad)).toThrow(CliUsageError);
  });
});

describe("parseReportDate", () => {
  it("takes a UTC date: --from its midnight, --to the next midnight (the day is included)", () => {
    expect(parseReportDate("--from", "2025-07-21")).toBe(Date.UTC(2025, 6, 21));
    expect(parseReportDate("--to", "2025-07-26")).toBe(Date.UTC(2025, 6, 27));
    expect(parseReportDate("--to", undefined)).toBeUndefined();
  });

  it("names the flag and the value of anything that is not a real date", () => {
    for (const bad of ["2025-02-30", "21/07/2025", "2025-07-21T00:00Z", "", "tomorrow"]) {
      expect(() => parseReportDate("--to", bad)).toThrow(new CliUsageError(`--to must be a UTC date YYYY-MM-DD such as 2025-07-21 (got ${JSON.stringify(bad)})`));
    }
  });

  it("accepts one day as a window and refuses --to before --from", () => {
    expect(parseReportWindow("2025-07-21", "2025-07-21")).toEqual({ fromMs: Date.UTC(2025, 6, 21), toMs: Date.UTC(2025, 6, 22) });
    expect(() => parseReportWindow("2025-07-22", "2025-07-21")).toThrow(CliUsageError);
  });
});

describe("report: the data's period, every trial counted, an incomplete journal said to be", () => {
  let dir: string;
  let db: string;
  let stdout: string;
  const PRICE_FIRST = T0 - HOUR; // 2025-09-03 11:00
  const PRICE_LAST = T0 + DAY + 5 * HOUR; // 2025-09-04 17:00

  /** The journal of writeJournal, plus a flat snapshot 100 days before and one 200 days after, and a replay checkpoint. */
  function writeReplayJournal(path: string, complete: boolean): void {
    writeJournal(path);
    const journal = Journal.open(path);
    journal.writeBatch([{ kind: "equity", snapshot: equityAt(T0 - 100 * DAY, 10_000) }, { kind: "equity", snapshot: equityAt(T0 + 200 * DAY, 10_000 + 2 * NET) }], {
      name: "replay",
      tsMs: PRICE_LAST,
      eventsConsumed: 3 * 4096,
      lastEventMs: PRICE_LAST,
      state: { complete, batches: 3, marketData: [{ market: "hyperliquid:perp:BTC", firstMs: PRICE_FIRST, lastMs: PRICE_LAST }] },
    });
    journal.close();
  }

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "sm-report-honest-"));
    db = join(dir, "out.db");
    stdout = "";
    vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => ((stdout += String(chunk)), true));
    vi.spyOn(process.stderr, "write").mockImplementation(() => true);
  });
  afterEach(() => {
    vi.restoreAllMocks();
    rmSync(dir, { recursive: true, force: true });
  });

  it("judges over the span the market data covers, not the 300 days of snapshots around it, and says why", async () => {
    writeReplayJournal(db, true);
    await runReport({ db });
    // first price 2025-09-03 11:00, last 2025-09-04 17:00: 2 UTC days (the snapshots alone would span 301)
    expect(stdout).toContain("period: 2025-09-03 11:00 → 2025-09-04 17:00 UTC (2 days; market data span)");
    expect(stdout.replace(/\n +/g, " ")).toContain("why this period: the market data's span: first to last price of 1 market (2025-09-03 11:00 → 2025-09-04 17:00 UTC)");
    // nothing traded before the first price: the equity there is the starting equity
    expect(stdout).toContain("starting equity: 10,000.00 USD (journal); positions open");
    expect(stdout).not.toContain("PROVISIONAL");
    stdout = "";
    await runReport({ db, json: true });
    const parsed = JSON.parse(stdout) as { period: { basis: string; days: number; fromMs: number; toMs: number }; completeness: { complete: boolean } };
    expect(parsed.period).toMatchObject({ basis: "data", days: 2, fromMs: PRICE_FIRST, toMs: PRICE_LAST + 1 });
    expect(parsed.completeness).toEqual({ complete: true, reason: null });
  });

  it("lets --from win over the data's start and keeps the data's end", async () => {
    writeReplayJournal(db, true);
    await runReport({ db, from: "2025-09-04", json: true });
    const parsed = JSON.parse(stdout) as { period: { basis: string; fromMs: number; toMs: number; why: string } };
    expect(parsed.period).toMatchObject({ basis: "window", fromMs: Date.UTC(2025, 8, 4), toMs: PRICE_LAST + 1 });
    expect(parsed.period.why).toMatch(/^the --from\/--to window; its open side: the market data's span/);
  });

  it("counts the variants of every journal in the trial registry beside it: N per strategy and for the combined selection", async () => {
    writeJournal(db); // flow-toxicity at thresholds 2 and 3
    // Another journal in the same directory tried flow-toxicity at threshold 4 and basis-arbitrage once.
    const other = Journal.open(join(dir, "other.db"));
    other.recordVariant("flow-toxicity", { threshold: 4 }, T0);
    other.recordVariant("basis-arbitrage", { threshold: 0.003 }, T0);
    registerJournalTrials(other, trialRegistryPath(other.path));
    other.close();
    await runReport({ db, json: true });
    const parsed = JSON.parse(stdout) as {
      variants: Record<string, number>;
      trials: { source: string; registryPath: string; journals: number; text: string };
    };
    // flow-toxicity {2, 3} here ∪ {4} there = 3; vwap-reversion recorded nowhere: 1; all strategies: 3 + basis-arbitrage 1 = 4
    expect(parsed.variants).toEqual({ "flow-toxicity": 3, "vwap-reversion": 1, combined: 4 });
    expect(parsed.trials).toMatchObject({ source: "registry", registryPath: join(dir, "trials.db"), journals: 1 });
    expect(parsed.trials.text).toBe(
      `flow-toxicity 3, vwap-reversion 1; combined selection 4 (all strategies); from the trial registry ${join(dir, "trials.db")} (variants of 1 journal, and this journal's own)`,
    );
    // The terminal's DSR row names the same N (two days give no DSR value: n/a).
    stdout = "";
    await runReport({ db });
    expect(figureRow(stdout, "DSR (variants)")).toEqual(["DSR (variants)", "n/a (N = 3)", "n/a (N = 1)", "n/a (N = 4)"]);
  });

  it("says the N comes from the journal alone when there is no registry", async () => {
    writeJournal(db);
    await runReport({ db });
    expect(stdout.replace(/\n +/g, " ")).toContain(`combined selection 2 (all strategies); from this journal's variants only (no trial registry at ${join(dir, "trials.db")})`);
  });

  it("marks every verdict provisional on an interrupted replay, in every output, and writes no lifecycle move", async () => {
    writeReplayJournal(db, false);
    const html = join(dir, "r.html");
    await runReport({ db, html, applyLifecycle: true });
    const text = stdout.replace(/\n +/g, " ");
    expect(text).toContain(
      "PROVISIONAL: every verdict below is provisional: the replay that wrote this journal did not finish: it stopped after batch 3, with its inputs read up to 2025-09-04 17:00 UTC; the figures judge that prefix only.",
    );
    // one verdict line per strategy and the combined account, each marked
    expect(stdout.match(/ {2}verdict \(provisional\): /g)).toHaveLength(3);
    expect(stdout).toContain("lifecycle: not applied: the verdicts are provisional");
    const page = readFileSync(html, "utf8");
    expect(page).toContain("<strong>Provisional:</strong> every verdict in this report is provisional");
    expect(page.match(/FAIL \(provisional\)|passes on point estimates only \(provisional\)|PASS with confidence \(provisional\)/g)).toHaveLength(3);
    const journal = Journal.open(db, { readonly: true });
    // only the state writeJournal set: nothing applied
    expect(journal.lifecycle().map((l) => [l.strategy, l.state])).toEqual([["flow-toxicity", "candidate"]]);
    journal.close();
    stdout = "";
    await runReport({ db, json: true });
    const parsed = JSON.parse(stdout) as { completeness: { complete: boolean; reason: string } };
    expect(parsed.completeness.complete).toBe(false);
    expect(parsed.completeness.reason).toMatch(/^the replay that wrote this journal did not finish: it stopped after batch 3/);
  });
});
