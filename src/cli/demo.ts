/**
 * `strategy-monitor demo [--speed N] [--duration S] [--db FILE] [--seed N]`: the monitor working
 * with no network. It starts the synthetic venue (src/synthetic) in-process on ephemeral
 * 127.0.0.1 ports — a seeded market of 12 perps and 4 spot pairs, three days of history, a clock
 * running `speed` times wall time, three planted effects — and runs the real `run` path against it
 * ({@link monitorSession}: REST market resolution, warm-up, the live WebSocket client, the parser,
 * the kernel, the paper broker, the journal). At the end it says which planted effects the
 * labelled strategy found (a signal on the labelled coin inside the effect's window) and what the
 * report makes of every strategy. See docs/DEMO.md.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createMemoryLogger, loadConfig } from "../config/index.ts";
import type { Config } from "../config/index.ts";
import { Journal } from "../journal/index.ts";
import { effectWindow, startSyntheticVenue } from "../synthetic/index.ts";
import type { FaultKind, PlantedEffect, ScheduledFault, SyntheticVenue } from "../synthetic/index.ts";
import { scheduleFaults } from "../synthetic/index.ts";
import { CliUsageError } from "./errors.ts";
import { reportFromJournal } from "./report.ts";
import { monitorSession } from "./run.ts";
import type { MonitorSummary } from "./run.ts";

/** Default speed: 180 simulated seconds per wall second (a minute shows three hours). */
export const DEMO_DEFAULT_SPEED = 180;
/** Default wall duration, s. */
export const DEMO_DEFAULT_DURATION_S = 60;
/**
 * The venue runs ahead of the host clock by up to speed × duration; the parser accepts venue times
 * at most `live.maxVenueTimeAheadMs` ahead (at most one day), so a demo covers at most 20 simulated hours.
 */
export const DEMO_MAX_SIMULATED_MS = 20 * 3_600_000;

/** One planted effect and whether its strategy found it. */
export interface EffectFinding {
  readonly effect: PlantedEffect;
  readonly fromMs: number;
  readonly toMs: number;
  /** Whether the window lay within the simulated time the demo covered. */
  readonly covered: boolean;
  /** Signals of the labelled strategy on the labelled coin within the window. */
  readonly signals: number;
  readonly found: boolean;
}

/** Per strategy: signals on effect-free markets and what the report recommends. */
export interface NoiseVerdict {
  readonly strategy: string;
  readonly signals: number;
  readonly trades: number;
  readonly pnlUsd: number;
  /** The report's recommendation (`killed`, `forward-testing`, `validated`, …) or `no trades`. */
  readonly verdict: string;
  readonly why: string;
}

/** What {@link runDemo} measured. */
export interface DemoResult {
  readonly wallMs: number;
  readonly simulatedMs: number;
  readonly summary: MonitorSummary;
  readonly findings: readonly EffectFinding[];
  readonly noise: readonly NoiseVerdict[];
  readonly faults: number;
}

export interface DemoOptions {
  readonly speed?: number;
  readonly durationS?: number;
  readonly dbPath: string;
  readonly seed?: number;
  /** Faults to inject (spread over the demo), 0 for none. Default 0. */
  readonly faults?: number;
  readonly faultKinds?: readonly FaultKind[];
  /** Progress lines (default: none). */
  readonly print?: (line: string) => void;
  /** Status cadence, wall ms. Default 10 000. */
  readonly progressEveryMs?: number;
}

/** The configuration a session against the synthetic venue needs (local URLs, a venue clock ahead of the host's). */
export function syntheticVenueConfig(venue: SyntheticVenue, coins: readonly string[], aheadMs: number, cwd: string): Config {
  return loadConfig({
    env: {},
    cwd,
    overrides: {
      network: "custom",
      restUrl: venue.restUrl,
      wsUrl: venue.wsUrl,
      coins: [...coins],
      candleIntervals: ["1m", "1h"],
      // The REST budget is the venue's 1 200 weight a minute: 16 markets × 2 intervals × (20 + 240 / 60)
      // + 12 × fundingHistory (20 + 72 / 20) + the two metas ≈ 1 100, so the warm-up fits in one minute's budget.
      "live.warmUpBars": 240,
      "live.warmUpFundingHours": 72,
      // The venue's clock runs ahead of this host's by up to (speed − 1) × elapsed: accept it, and
      // read the venue's clock from its books (the clock offset), as for a host clock that is off.
      "live.maxVenueTimeAheadMs": Math.min(86_400_000, Math.max(60_000, Math.ceil(aheadMs))),
      "live.clockOffsetWarnMs": 3_600_000,
      "rest.maxRetries": 3,
    },
  });
}

/** Runs the demo; the journal stays at `dbPath`. */
export async function runDemo(options: DemoOptions): Promise<DemoResult> {
  const speed = options.speed ?? DEMO_DEFAULT_SPEED;
  const durationS = options.durationS ?? DEMO_DEFAULT_DURATION_S;
  const seed = options.seed ?? 1;
  const print = options.print ?? ((): void => undefined);
  const simulatedMs = speed * durationS * 1000;
  const faults: ScheduledFault[] = [];
  const simStartMs = Math.floor(Date.now() / 1000) * 1000;
  if ((options.faults ?? 0) > 0) {
    faults.push(...scheduleFaults(seed, simStartMs + simulatedMs * 0.2, simStartMs + simulatedMs * 0.9, options.faults ?? 0, ["BTC", "ETH", "SOL", "HYPE"], options.faultKinds));
  }
  const venue = await startSyntheticVenue({ seed, speed, simStartMs, faults, onFault: (f) => print(`  fault: ${f.kind} — ${f.detail}`) });
  const tmp = mkdtempSync(join(tmpdir(), "sm-demo-"));
  try {
    const coins = venue.model.markets.filter((m) => m.kind === "perp").map((m) => m.coin);
    const config = syntheticVenueConfig(venue, coins, simulatedMs + 600_000, tmp);
    const logger = createMemoryLogger();
    const wallStart = Date.now();
    let stop!: () => void;
    const stopped = new Promise<void>((resolve) => (stop = resolve));
    let started = false;
    const stopTimer = setTimeout(stop, durationS * 1000);
    let events = 0;
    let lastSignals = 0;
    const progress = setInterval(() => {
      if (!started) return;
      const signals = logger.entries.filter((e) => e.msg === "monitor status").at(-1)?.fields["signals"];
      lastSignals = typeof signals === "number" ? signals : lastSignals;
      const simAt = new Date(venue.simNow()).toISOString().slice(0, 16).replace("T", " ");
      print(`  ${Math.round((Date.now() - wallStart) / 1000)} s: venue at ${simAt} UTC, ${events} events, ${lastSignals} signals so far`);
    }, options.progressEveryMs ?? 10_000);
    progress.unref();
    let summary: MonitorSummary;
    try {
      summary = await monitorSession({
        config,
        logger,
        stopped,
        dbPath: options.dbPath,
        // A batch per simulated second would be one fsync per 1/speed s of wall time.
        batchMs: Math.max(1_000, speed * 1_000),
        idleFlushMs: 1_000,
        statusEveryMs: Math.max(1_000, Math.min(10_000, options.progressEveryMs ?? 10_000)),
        // 12 fundingHistory requests weigh ~250 of the 1 200 a minute: poll every 20 s of wall time.
        fundingPoll: { periodMs: 20_000, delayMs: 0 },
        onEvent: () => {
          events += 1;
        },
        onStarted: () => {
          started = true;
          print(`  warm-up done after ${Date.now() - wallStart} ms; live data follows`);
        },
      });
    } finally {
      clearTimeout(stopTimer);
      clearInterval(progress);
    }
    const wallMs = Date.now() - wallStart;
    if (process.env["SM_DEMO_DEBUG"] === "1") {
      const byField: Record<string, number> = {};
      for (const e of logger.entries) if (e.msg?.startsWith("rejected") === true) byField[e.msg.slice(0, 60)] = (byField[e.msg.slice(0, 60)] ?? 0) + 1;
      print(`  rejects logged by kind: ${JSON.stringify(byField)}`);
    }
    if (process.env["SM_DEMO_DEBUG"] === "1") for (const e of logger.entries.filter((x) => x.level === "warn" || x.level === "error").slice(0, 40)) print(`  ${e.level}: ${e.msg} ${JSON.stringify(e.fields).slice(0, 300)}`);
    const coveredTo = venue.simNow();
    const journal = Journal.open(options.dbPath, { readonly: true });
    try {
      const rows = journal.signals();
      const findings = venue.model.effects.map((effect): EffectFinding => {
        const { fromMs, toMs } = effectWindow(effect);
        const signals = rows.filter(({ signal }) => signal.strategy === effect.strategy && signal.market.base === effect.coin && signal.createdMs >= fromMs && signal.createdMs <= toMs).length;
        return { effect, fromMs, toMs, covered: coveredTo >= toMs || signals > 0, signals, found: signals > 0 };
      });
      const planted = new Set(venue.model.effects.map((e) => `${e.strategy}|${e.coin}`));
      const report = reportFromJournal(journal, undefined);
      const outcomes = journal.outcomes();
      const strategies = [...new Set([...rows.map((r) => r.signal.strategy), ...outcomes.map((o) => o.strategy)])].sort();
      const noise = strategies.map((strategy): NoiseVerdict => {
        const plan = report.lifecycle.find((l) => l.strategy === strategy);
        const mine = outcomes.filter((o) => o.strategy === strategy);
        return {
          strategy,
          signals: rows.filter((r) => r.signal.strategy === strategy && !planted.has(`${strategy}|${r.signal.market.base}`)).length,
          trades: mine.length,
          pnlUsd: mine.reduce((a, o) => a + o.pnlUsd, 0),
          verdict: plan?.recommendation ?? "no trades",
          why: plan?.steps.at(-1)?.reason ?? plan?.note ?? (mine.length === 0 ? "no closed trade yet" : ""),
        };
      });
      return { wallMs, simulatedMs: coveredTo - venue.simStartMs, summary, findings, noise, faults: venue.faultLog.length };
    } finally {
      journal.close();
    }
  } finally {
    await venue.close();
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** Options of the `demo` command. */
export interface DemoCommandOptions {
  readonly speed?: string;
  readonly duration?: string;
  readonly db?: string;
  readonly seed?: string;
  readonly faults?: string;
}

const number = (flag: string, value: string | undefined, fallback: number, min: number, max: number): number => {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!(Number.isFinite(n) && n >= min && n <= max)) throw new CliUsageError(`${flag} must be a number from ${min} to ${max} (got ${JSON.stringify(value)})`);
  return n;
};

/** The CLI entry. */
export async function runDemoCommand(options: DemoCommandOptions): Promise<void> {
  const speed = number("--speed", options.speed, DEMO_DEFAULT_SPEED, 1, 3_600);
  const durationS = number("--duration", options.duration, DEMO_DEFAULT_DURATION_S, 5, 86_400);
  const seed = Math.trunc(number("--seed", options.seed, 1, 0, 2 ** 31));
  const faults = Math.trunc(number("--faults", options.faults, 0, 0, 100));
  if (speed * durationS * 1000 > DEMO_MAX_SIMULATED_MS) {
    throw new CliUsageError(`--speed × --duration covers ${((speed * durationS) / 3600).toFixed(1)} simulated hours; the demo covers at most 20 (the venue's clock may run at most a day ahead of this host's)`);
  }
  const keep = options.db !== undefined;
  const dir = keep ? undefined : mkdtempSync(join(tmpdir(), "sm-demo-db-"));
  const dbPath = options.db ?? join(dir!, "demo.db");
  const out = (line: string): void => void process.stdout.write(`${line}\n`);
  out(`demo: a synthetic Hyperliquid on 127.0.0.1 (seed ${seed}, 12 perps, 4 spot pairs, 3 planted effects${faults > 0 ? `, ${faults} faults` : ""}), ${speed}× wall time for ${durationS} s (${((speed * durationS) / 3600).toFixed(1)} simulated hours); no network`);
  try {
    const result = await runDemo({ speed, durationS, dbPath, seed, faults, print: out });
    const s = result.summary;
    const eventCount = Object.values(s.events).reduce((a, b) => a + (b ?? 0), 0);
    out(`\nran ${(result.wallMs / 1000).toFixed(1)} s of wall time, ${(result.simulatedMs / 3_600_000).toFixed(2)} simulated hours: ${eventCount} events, ${s.stats.rejects} rejects, ${s.stats.reconnects} reconnects, ${s.batches} batches, ${s.recordsWritten} journal rows, ${s.openPositions} positions open at the stop`);
    out(`\nPLANTED EFFECTS (a signal of the labelled strategy on the labelled coin inside the window)`);
    for (const f of result.findings) {
      const window = `${new Date(f.fromMs).toISOString().slice(11, 16)}–${new Date(f.toMs).toISOString().slice(11, 16)} UTC`;
      const verdict = f.found ? `FOUND (${f.signals} signal${f.signals === 1 ? "" : "s"})` : f.covered ? "missed" : "not reached (run longer or faster)";
      out(`  ${f.effect.id.padEnd(26)} ${f.effect.strategy.padEnd(16)} ${window}  ${verdict}`);
    }
    out(`\nNOISE (signals on markets without a planted effect for that strategy; the report's verdict on closed trades)`);
    for (const n of result.noise) {
      out(`  ${n.strategy.padEnd(22)} ${String(n.signals).padStart(5)} signals  ${String(n.trades).padStart(4)} trades  ${n.pnlUsd.toFixed(2).padStart(9)} USD  ${n.verdict}${n.why === "" ? "" : `: ${n.why}`}`);
    }
    out(`\njournal: ${keep ? dbPath : "(temporary; pass --db FILE to keep it and run `report --db FILE`)"}`);
  } finally {
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  }
}
