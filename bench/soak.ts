/**
 * `npm run soak -- --days 7 [--speed N] [--seed N] [--faults-per-day N]`: N simulated days of the
 * synthetic venue (src/synthetic: every market of the model, the planted effects repeated every
 * 12 h, seeded faults on) against the real `run` path (`monitorSession`) in a child process that
 * is killed with SIGKILL at seeded random points and started again on the same journal; the last
 * one is stopped with SIGTERM. Prints events, reconnects, gaps marked vs injected, rejects,
 * crashes (exits we did not cause; must be 0), journal rows vs the checkpoint's totals (0 lost,
 * 0 duplicated), RSS start/end/peak, CPU per 1 000 events and tick → signal latency p50/p99.
 * Exit code 1 when a crash happened or the journal does not add up. Binds 127.0.0.1 only.
 *
 * The venue's clock runs `speed` × wall time; the parser accepts venue times at most a day ahead
 * of its host clock (`live.maxVenueTimeAheadMs`). So each child starts with its host clock set to
 * the venue's time at its start (`SOAK_CLOCK_OFFSET_MS`, added to `Date.now` before anything is
 * loaded, as `faketime` would) and lives at most `maxSegmentS` of wall time (speed × that < 1 day).
 */
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { fileURLToPath } from "node:url";

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const n = Number(process.argv[i + 1]);
  if (!Number.isFinite(n) || n < 0) {
    process.stderr.write(`soak: --${name} must be a non-negative number, got ${process.argv[i + 1]}\n`);
    process.exit(2);
  }
  return n;
};

if (process.argv.includes("--child")) await child();
else await parent();

// --- the monitor: one process, killed at random ---------------------------------------------------
async function child(): Promise<void> {
  const offset = Number(process.env["SOAK_CLOCK_OFFSET_MS"] ?? "0");
  const realNow = Date.now.bind(Date);
  Date.now = (): number => realNow() + offset;
  const { createLogger, loadConfig } = await import("../src/config/index.ts");
  const { monitorSession } = await import("../src/cli/run.ts");
  const env = (k: string): string => process.env[k] ?? "";
  const speed = Number(env("SOAK_SPEED"));
  const config = loadConfig({
    env: {},
    cwd: tmpdir(),
    overrides: {
      network: "custom",
      restUrl: env("SOAK_REST"),
      wsUrl: env("SOAK_WS"),
      coins: env("SOAK_COINS").split(","),
      candleIntervals: ["1m", "1h"],
      "live.warmUpBars": 240,
      "live.warmUpFundingHours": 72,
      "live.maxVenueTimeAheadMs": 86_400_000,
      "live.clockOffsetWarnMs": 3_600_000,
      // Faults must be seen within seconds of wall time (a simulated hour is 3 s at 1 200×).
      "live.pingIntervalMs": 3_000,
      "live.pongTimeoutMs": 2_000,
      "live.silenceTimeoutMs": 5_000,
      "live.dataStallMs": 4_000,
      "live.bookSilenceMs": 4_000,
      "live.reconnectBaseMs": 100,
      "live.reconnectMaxMs": 2_000,
      "live.subscribeAckTimeoutMs": 3_000,
      "rest.maxRetries": 5,
    },
  });
  const logger = createLogger({ level: "info", format: "json", destination: process.stdout });
  const db = env("SOAK_DB");
  // tick → signal: each signal's instant (its created time) back to when the first event of that
  // instant reached the session, measured when its batch is committed (so it includes the batching).
  const firstSeen = new Map<number, number>();
  // Opened at the first batch, once the journal exists; signals before this session are skipped.
  let reader: DatabaseSync | undefined;
  let lastRowid = 0;
  let stop!: () => void;
  const stopped = new Promise<void>((resolve) => (stop = resolve));
  process.once("SIGTERM", () => stop());
  await monitorSession({
    config,
    logger,
    stopped,
    dbPath: db,
    batchMs: Math.max(1_000, speed * 1_000),
    idleFlushMs: 1_000,
    statusEveryMs: 5_000,
    fundingPoll: { periodMs: 20_000, delayMs: 0 },
    onEvent: (event) => {
      // Only events stamped by the venue itself (contexts, settlements and status lines carry other clocks);
      // the time they reached the kernel on the real (unshifted) wall clock.
      if (event.kind === "assetCtx" || event.kind === "status" || event.kind === "funding") return;
      if (!firstSeen.has(event.tsEvent)) firstSeen.set(event.tsEvent, realNow());
      if (firstSeen.size > 200_000) for (const k of [...firstSeen.keys()].slice(0, 100_000)) firstSeen.delete(k);
    },
    onBatch: () => {
      const now = realNow();
      if (reader === undefined) {
        reader = new DatabaseSync(db, { readOnly: true });
        lastRowid = (reader.prepare("SELECT coalesce(max(rowid), 0) AS n FROM signals").get() as { n: number }).n;
      }
      const rows = reader.prepare("SELECT rowid, created_ms FROM signals WHERE rowid > ? ORDER BY rowid").all(lastRowid) as { rowid: number; created_ms: number }[];
      const latencies: number[] = [];
      for (const r of rows) {
        lastRowid = r.rowid;
        const seen = firstSeen.get(r.created_ms);
        if (seen !== undefined) latencies.push(now - seen);
      }
      if (latencies.length > 0) process.stdout.write(`${JSON.stringify({ soak: "latency", ms: latencies })}\n`);
    },
  });
  reader?.close();
}

// --- the harness ------------------------------------------------------------------------------------
async function parent(): Promise<void> {
  const { FAULT_EXPECTATIONS, repeatedEffects, scheduleFaults, startSyntheticVenue } = await import("../src/synthetic/index.ts");
  const days = arg("days", 7);
  const speed = arg("speed", 1_200);
  const seed = arg("seed", 7);
  const faultsPerDay = arg("faults-per-day", 24);
  const maxSegmentS = arg("max-segment", Math.min(60, Math.floor(72_000 / speed)));
  const minSegmentS = Math.min(maxSegmentS, arg("min-segment", 15));
  const simulatedMs = days * 86_400_000;
  const wallBudgetMs = simulatedMs / speed;
  const simStartMs = Math.floor(Date.now() / 1000) * 1000;
  const coins = ["BTC", "ETH", "SOL", "HYPE", "DOGE", "AVAX", "LINK", "ARB", "SUI", "XRP", "LTC", "APT"];
  const faultCount = Math.max(1, Math.round(days * faultsPerDay));
  // Faults after the first child's warm-up (≈ 10 s of wall time), stall longer than the 4 s data stall.
  const faults = scheduleFaults(seed, simStartMs + 15_000 * speed, simStartMs + simulatedMs - 10_000 * speed, faultCount, coins, undefined, 8_000).map((f) =>
    f.kind === "serverRestart" ? { ...f, durationMs: 2_000 } : f,
  );
  const tmp = mkdtempSync(join(tmpdir(), "sm-soak-"));
  const db = join(tmp, "soak.db");
  const out = (line: string): void => void process.stdout.write(`${line}\n`);
  out(`soak: ${days} simulated days at ${speed}× (≈ ${(wallBudgetMs / 60_000).toFixed(1)} min of wall time), seed ${seed}, ${faultCount} faults, every market of the model (12 perps, 4 spot pairs), kill -9 every ${minSegmentS}–${maxSegmentS} s`);
  const venue = await startSyntheticVenue({
    seed,
    speed,
    simStartMs,
    effects: repeatedEffects(simStartMs, simStartMs + simulatedMs),
    tradeRateMultiplier: 0.2,
    bboEveryMs: 1_000,
    faults,
    onFault: (f) => out(`  fault ${f.kind} at ${new Date(f.atMs).toISOString().slice(0, 16)} (venue): ${f.detail}${childUp() ? "" : " [monitor down]"}`),
  });
  const wallStart = Date.now();
  const endSim = simStartMs + simulatedMs;
  const self = fileURLToPath(import.meta.url);
  let seedState = seed >>> 0;
  const rand = (): number => {
    seedState = (seedState + 0x6d2b79f5) >>> 0;
    let t = seedState;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };

  let current: ChildProcess | undefined;
  const childUp = (): boolean => current !== undefined && current.exitCode === null && current.signalCode === null;
  let crashes = 0;
  let kills = 0;
  const logs: { wallMs: number; msg: string; fields: Record<string, unknown>; session: number }[] = [];
  let session = 0;
  const latencies: number[] = [];
  const rss: number[] = [];
  /** RSS samples with the session's age, s. */
  const rssAged: { ageS: number; mb: number }[] = [];
  const rssPhases = (): string => {
    const mean = (xs: number[]): string => (xs.length === 0 ? "n/a" : (xs.reduce((a, b) => a + b, 0) / xs.length).toFixed(0));
    return `mean ${mean(rssAged.filter((x) => x.ageS <= 60).map((x) => x.mb))} MB vs ${mean(rssAged.filter((x) => x.ageS > 60).map((x) => x.mb))} MB`;
  };
  let cpuTicks = 0;
  /** Per session: from its warm-up done (wall) to its exit. */
  const upIntervals: [number, number][] = [];
  let warmSince: number | undefined;
  const tickHz = 100;

  const procCpu = (pid: number): number => {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
      return Number(fields[11]) + Number(fields[12]);
    } catch {
      return 0;
    }
  };
  const procRssMb = (pid: number): number | undefined => {
    try {
      const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
      return m === null ? undefined : Number(m[1]) / 1024;
    } catch {
      return undefined;
    }
  };

  const startChild = (): ChildProcess => {
    session += 1;
    const mine = session;
    const offset = venue.simNow() - Date.now();
    const proc = spawn(process.execPath, [self, "--child"], {
      env: { ...process.env, SOAK_CLOCK_OFFSET_MS: String(offset), SOAK_REST: venue.restUrl, SOAK_WS: venue.wsUrl, SOAK_DB: db, SOAK_COINS: coins.join(","), SOAK_SPEED: String(speed) },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let buffer = "";
    proc.stdout.setEncoding("utf8");
    proc.stdout.on("data", (chunk: string) => {
      buffer += chunk;
      let nl;
      while ((nl = buffer.indexOf("\n")) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        try {
          const parsed = JSON.parse(line) as Record<string, unknown>;
          if (parsed["soak"] === "latency") latencies.push(...(parsed["ms"] as number[]));
          else if (typeof parsed["msg"] === "string") {
            logs.push({ wallMs: Date.now(), msg: parsed["msg"], fields: parsed, session: mine });
            if (parsed["msg"].startsWith("warm-up done")) warmSince = Date.now();
          }
        } catch {
          // not JSON: ignore
        }
      }
    });
    let stderr = "";
    proc.stderr.setEncoding("utf8");
    proc.stderr.on("data", (c: string) => (stderr = (stderr + c).slice(-4000)));
    let lastCpu = 0;
    const bornMs = Date.now();
    const sampler = setInterval(() => {
      const r = procRssMb(proc.pid!);
      if (r !== undefined) {
        rss.push(r);
        rssAged.push({ ageS: (Date.now() - bornMs) / 1000, mb: r });
      }
      lastCpu = procCpu(proc.pid!) || lastCpu;
    }, 1_000);
    proc.on("exit", (code, signal) => {
      clearInterval(sampler);
      cpuTicks += lastCpu;
      if (warmSince !== undefined) upIntervals.push([warmSince, Date.now()]);
      warmSince = undefined;
      const expected = signal === "SIGKILL" || (signal === null && code === 0) || signal === "SIGTERM";
      if (!expected) {
        crashes += 1;
        out(`  CRASH: monitor exited with code ${code} signal ${signal}\n${stderr}`);
      }
    });
    return proc;
  };
  const exited = (proc: ChildProcess): Promise<void> => new Promise((resolve) => (proc.exitCode !== null || proc.signalCode !== null ? resolve() : proc.once("exit", () => resolve())));

  while (venue.simNow() < endSim) {
    current = startChild();
    const segmentMs = (minSegmentS + rand() * (maxSegmentS - minSegmentS)) * 1000;
    const until = Date.now() + Math.min(segmentMs, Math.max(0, (endSim - venue.simNow()) / speed));
    while (Date.now() < until && childUp()) await new Promise((r) => setTimeout(r, 200));
    if (venue.simNow() >= endSim) break;
    if (childUp()) {
      kills += 1;
      current.kill("SIGKILL");
      await exited(current);
      out(`  kill -9 #${kills} at ${new Date(venue.simNow()).toISOString().slice(0, 16)} (venue), ${((Date.now() - wallStart) / 1000).toFixed(0)} s`);
    } else {
      await exited(current);
      current = startChild();
    }
  }
  if (current !== undefined && childUp()) {
    current.kill("SIGTERM");
    const timeout = setTimeout(() => current?.kill("SIGKILL"), 30_000);
    await exited(current);
    clearTimeout(timeout);
  }
  const wallMs = Date.now() - wallStart;
  await venue.close();

  // --- what the journal holds ----------------------------------------------------------------------
  const journal = new DatabaseSync(db, { readOnly: true });
  const count = (sql: string): number => (journal.prepare(sql).get() as { n: number }).n;
  const checkpoint = journal.prepare("SELECT state_json AS state FROM checkpoints WHERE name = 'live'").get() as { state: string } | undefined;
  const state = checkpoint === undefined ? undefined : (JSON.parse(checkpoint.state) as { totals: { events: number; signals: number; positionsOpened: number; outcomes: number; reconnects: number; rejects: number; sessions: number } });
  const totals = state?.totals;
  const rows = {
    signals: count("SELECT count(*) AS n FROM signals"),
    positions: count("SELECT count(*) AS n FROM positions"),
    combinedPositions: count("SELECT count(*) AS n FROM positions WHERE id LIKE 'pos:%'"),
    outcomes: count("SELECT count(*) AS n FROM outcomes"),
    combinedOutcomes: count("SELECT count(*) AS n FROM outcomes WHERE position_id LIKE 'pos:%'"),
    fills: count("SELECT count(*) AS n FROM fills"),
    equitySnapshots: count("SELECT count(*) AS n FROM equity_snapshots"),
    phantomMarkets: count("SELECT count(*) AS n FROM markets WHERE key LIKE '%PHANTOM%'"),
    fillsWithoutOrder: count("SELECT count(*) AS n FROM fills WHERE order_id NOT IN (SELECT id FROM orders)"),
    outcomesWithoutPosition: count("SELECT count(*) AS n FROM outcomes WHERE position_id NOT IN (SELECT id FROM positions)"),
    positionsWithoutSignal: count("SELECT count(*) AS n FROM positions WHERE signal_id NOT IN (SELECT id FROM signals)"),
  };
  journal.close();

  // --- faults vs what the monitor logged -------------------------------------------------------------
  // A fault counts as monitored when it fired after the session's warm-up and at least 5 s before its end.
  const monitored = (wall: number): boolean => upIntervals.some(([a, b]) => wall >= a && wall <= b - 5_000);
  const seenAfter = (wall: number, test: (msg: string) => boolean, withinMs: number): boolean => logs.some((l) => l.wallMs >= wall && l.wallMs <= wall + withinMs && test(l.msg));
  const detectors: Record<string, (msg: string) => boolean> = {
    gap: (m) => m === "connection gap" || m === "connection disconnected" || m.includes("silent for"),
    reject: (m) => m.startsWith("rejected"),
    quarantine: (m) => m.includes("quarantined"),
    retry: (m) => /retry|retrying|429|500/i.test(m),
    drop: (m) => m.includes("not a subscribed market"),
  };
  // The reject logger writes the first 20 rejects of a session in full, then one line per 100, and an
  // unsubscribed market once per session: after those, a refusal shows as the status line's reject
  // count going up (status every 5 s) — any reject in the window counts, so this one is approximate.
  const rejectsRose = (wall: number): boolean => {
    const status = logs.filter((l) => l.msg === "monitor status");
    const before = status.filter((l) => l.wallMs <= wall).at(-1);
    const after = status.find((l) => l.wallMs > wall + 500 && l.wallMs <= wall + 20_000 && before !== undefined && l.session === before.session);
    return before !== undefined && after !== undefined && Number(after.fields["rejects"]) > Number(before.fields["rejects"]);
  };
  const byKind: Record<string, { injected: number; whileMonitored: number; detected: number }> = {};
  for (const f of venue.faultLog) {
    const e = (byKind[f.kind] ??= { injected: 0, whileMonitored: 0, detected: 0 });
    e.injected += 1;
    if (!monitored(f.atWallMs)) continue;
    e.whileMonitored += 1;
    const expectation = FAULT_EXPECTATIONS[f.kind];
    const logged = seenAfter(f.atWallMs, detectors[expectation]!, expectation === "retry" ? 30_000 : 15_000);
    if (logged || ((expectation === "reject" || expectation === "quarantine" || expectation === "drop") && rejectsRose(f.atWallMs))) e.detected += 1;
  }
  const gapFaults = venue.faultLog.filter((f) => FAULT_EXPECTATIONS[f.kind] === "gap" && monitored(f.atWallMs));
  const gapsMarked = logs.filter((l) => l.msg === "connection gap").length;
  const rejectLines = logs.filter((l) => l.msg.startsWith("rejected")).length;
  const statusLines = logs.filter((l) => l.msg === "monitor status");
  const sorted = [...latencies].sort((a, b) => a - b);
  const pct = (p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
  const events = totals?.events ?? 0;
  const cpuMs = (cpuTicks / tickHz) * 1000;

  out(`\nSOAK (${days} simulated days, ${(wallMs / 60_000).toFixed(1)} min of wall time, ${totals?.sessions ?? 0} monitor sessions)`);
  out(`events                  ${events} (committed, all sessions); the venue sent ${venue.stats.frames} frames, ${venue.stats.trades} trades, ${venue.stats.books} books`);
  out(`reconnects              ${totals?.reconnects ?? 0} (committed totals)`);
  out(`gaps                    ${gapsMarked} marked; ${gapFaults.length} gap-making faults injected while the monitor was up`);
  out(`rejects                 ${totals?.rejects ?? 0} (committed totals); ${rejectLines} reject log lines`);
  out(`crashes                 ${crashes} (exits we did not cause); kill -9: ${kills}`);
  out(`faults (injected / while monitored / detected: a log line within 15 s, 30 s for REST retries, or the session's reject count rising within 20 s):`);
  for (const [kind, e] of Object.entries(byKind).sort()) out(`  ${kind.padEnd(20)} ${e.injected} / ${e.whileMonitored} / ${e.detected}   (${FAULT_EXPECTATIONS[kind as keyof typeof FAULT_EXPECTATIONS]})`);
  const lost = (totals?.signals ?? -1) - rows.signals;
  out(`journal rows vs the checkpoint's totals:`);
  out(`  signals               ${rows.signals} rows vs ${totals?.signals} counted → ${lost === 0 ? "0 lost, 0 duplicated" : `MISMATCH ${lost}`}`);
  out(`  positions             ${rows.combinedPositions} rows (combined book; ${rows.positions} with the per-strategy books) vs ${totals?.positionsOpened} counted`);
  out(`  outcomes              ${rows.combinedOutcomes} rows (combined book; ${rows.outcomes} in all) vs ${totals?.outcomes} counted`);
  out(`  phantom markets       ${rows.phantomMarkets} (books for ${"PHANTOM"} never became a market)`);
  out(`  orphans               fills without order ${rows.fillsWithoutOrder}, outcomes without position ${rows.outcomesWithoutPosition}, positions without signal ${rows.positionsWithoutSignal}; fills ${rows.fills}, equity snapshots ${rows.equitySnapshots}`);
  const rssSorted = [...rss].sort((a, b) => a - b);
  const rssAt = (p: number): string => (rssSorted[Math.min(rssSorted.length - 1, Math.floor((p / 100) * rssSorted.length))] ?? Number.NaN).toFixed(0);
  out(`RSS (MB)                start ${rss[0]?.toFixed(0)}, end ${rss.at(-1)?.toFixed(0)}, peak ${Math.max(...rss).toFixed(0)}; p50 ${rssAt(50)}, p90 ${rssAt(90)}, p99 ${rssAt(99)} (sampled every second over ${rss.length} s of monitor processes)`);
  out(`                        per session, first 60 s vs the rest: ${rssPhases()}`);
  out(`CPU per 1 000 events    ${events > 0 ? ((cpuMs / events) * 1000).toFixed(1) : "n/a"} ms (${(cpuMs / 1000).toFixed(1)} s of monitor CPU)`);
  out(`tick → signal           p50 ${pct(50)} ms, p99 ${pct(99)} ms over ${sorted.length} signals (the instant's first event handed to the kernel → its batch committed)`);
  out(`status lines            ${statusLines.length}`);
  const ok = crashes === 0 && lost === 0 && rows.phantomMarkets === 0 && rows.fillsWithoutOrder === 0 && rows.outcomesWithoutPosition === 0 && rows.positionsWithoutSignal === 0;
  out(ok ? "soak: OK" : "soak: FAILED");
  rmSync(tmp, { recursive: true, force: true });
  process.exit(ok ? 0 : 1);
}
