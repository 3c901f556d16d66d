#!/usr/bin/env node
/**
 * The `strategy-monitor` command line: the composition root. Each command lives in its own
 * file and is loaded only when run, so `--help` works even without a network.
 */
import "./node-version.ts";
import { Command, Option } from "commander";
import { StrategyMonitorError } from "../core/index.ts";

const program = new Command();

program
  .name("strategy-monitor")
  .description(
    "Watches Hyperliquid perpetuals, turns market microstructure into signals, paper-trades them and reports which signals have earned capital. Never needs a private key.",
  )
  .version("0.1.0")
  .showHelpAfterError("(run with --help for usage)")
  .addHelpText(
    "after",
    `
Examples:
  strategy-monitor                                   the monitor: BTC, ETH, SOL live, paper-traded into monitor.db
  strategy-monitor run --record --db monitor.db      the same, and keep the raw frames in ./captures
  strategy-monitor report --db monitor.db            which strategies have earned capital
  strategy-monitor record --coins BTC --intervals 1m,5m --duration 3600
  strategy-monitor replay --dry captures/ ../shared/data/hyperliquid/candles
  strategy-monitor backfill --coins BTC,ETH --intervals 1m,1h --days 3 --out data/backfill
  strategy-monitor replay ../shared/data/hyperliquid/candles/perp ../shared/data/hyperliquid/funding --db out.db
  strategy-monitor report --db out.db --html report.html
  strategy-monitor serve --db out.db                 the dashboard on http://127.0.0.1:8787/
  strategy-monitor config                            effective settings and where each came from

Configuration: defaults < strategy-monitor.json (or --config) < SM_* environment < flags.
See docs/CONFIGURATION.md.`,
  );

/**
 * Options of every command: the config file and the log. Help texts give defaults as
 * "(default: X)", or "(default from config: X)" where the config file and SM_* can change them.
 */
function withConfigOptions(command: Command): Command {
  return command
    .option("-c, --config <file>", "JSON config file (default: ./strategy-monitor.json if present)")
    .addOption(new Option("--log-level <level>", "log level (default from config: info)").choices(["trace", "debug", "info", "warn", "error", "fatal"]))
    .addOption(new Option("--log-format <format>", "log format, auto: pretty on a TTY, JSON otherwise (default from config: auto)").choices(["auto", "json", "pretty"]));
}

/** Options of the commands that talk to the venue (and of `config`, which shows their effect). */
function withCommonOptions(command: Command): Command {
  return withConfigOptions(command)
    .addOption(new Option("--network <name>", "venue network (default from config: mainnet)").choices(["mainnet", "testnet", "custom"]))
    .option("--rest-url <url>", "custom REST base URL (with --network custom)")
    .option("--ws-url <url>", "custom WebSocket URL (with --network custom)");
}

withCommonOptions(
  program
    .command("run")
    .description(
      "The monitor (the default command): watch the coins live, run every strategy, paper-trade every signal (book-walk fills, fees, hourly funding) into a SQLite journal; restarts resume open positions and equity from the journal.",
    )
    .option("--db <file>", "the journal; judge it with `report --db` (default: monitor.db)")
    .option("--coins <list>", "perp coins, comma-separated, or all (every listed perp), or topN (the N most traded), cut to live.maxSubscriptions (default from config: BTC,ETH,SOL)")
    .option("--intervals <list>", "candle intervals, comma-separated (default from config: 1m,1h)")
    .option("--no-spot", "do not subscribe to the spot pairs (basis arbitrage needs them)")
    .option("--record", "also write the raw frames to capture files, replayable with `replay`")
    .option("--out <dir>", "with --record: capture directory (default from config: captures)")
    .option("--equity <usd>", "starting equity of a new journal's paper account, USD (default: 10000)")
    .option("--batch-events <n>", "events per journal transaction at most (default: 2000)")
    .option("--batch-ms <ms>", "event time per journal transaction at most, ms (default: 1000)")
    .option("--funding-delay <ms>", "poll fundingHistory this many ms after each UTC hour (default: 15000)")
    .option("--duration <seconds>", "stop after this many seconds (default: run until Ctrl-C)")
    .option("--metrics-port <port>", "serve Prometheus metrics at http://127.0.0.1:<port>/metrics (docs/LIVE.md, \"Metrics\")"),
).action(async (options: Record<string, unknown>) => {
  const { runMonitor } = await import("./run.ts");
  await runMonitor(options);
});

withCommonOptions(
  program
    .command("record")
    .description(
      "Record live Hyperliquid market data (raw WebSocket frames with their receive time) to gzip capture files, rotating daily or by size. Replay them later with `replay`.",
    )
    .option("--coins <list>", "perp coins, comma-separated, or all, or topN (the N most traded), cut to live.maxSubscriptions (default from config: BTC,ETH,SOL)")
    .option("--intervals <list>", "candle intervals, comma-separated (default from config: 1m,1h)")
    .option("--out <dir>", "capture directory (default from config: captures)")
    .option("--no-spot", "do not subscribe to the spot pairs of the coins")
    .option("--duration <seconds>", "stop after this many seconds (default: run until Ctrl-C)"),
).action(async (options: Record<string, unknown>) => {
  const { runRecord } = await import("./record.ts");
  await runRecord(options);
});

withCommonOptions(
  program
    .command("backfill")
    .description(
      "Download candles and funding history over REST into files in Hyperliquid's own layouts (replayable with `replay`), plus the spot pairs that exist. Rerun to resume without duplicates.",
    )
    .option("--coins <list>", "perp coins, comma-separated (default from config: BTC,ETH,SOL)")
    .option("--intervals <list>", "candle intervals, comma-separated (default from config: 1m,1h)")
    .addOption(new Option("--days <n>", "how many days back from now").default("3", "3"))
    .addOption(new Option("--out <dir>", "output directory").default("data/backfill", "data/backfill"))
    .option("--no-spot", "skip the spot pairs"),
).action(async (options: Record<string, unknown>) => {
  const { runBackfill } = await import("./backfill.ts");
  await runBackfill(options);
});

withConfigOptions(
  program
    .command("replay")
    .description(
      "Replay capture files and history files (candles, funding, l2/trades recordings; CSV or JSON, optionally gzip; freqtrade .feather data directories; directories are read recursively) through the same parser as live: --dry to inspect, --metrics-out to export every metric, --db to paper-trade every strategy into a journal.",
    )
    .argument("<paths...>", "files or directories")
    .option("--dry", "only count events by kind and market, time ranges, gaps and rejects")
    .option("--metrics-out <file>", "run every metric and write one row per market per closed bar: CSV, or Arrow IPC (.arrow/.feather) / Parquet (.parquet) by extension (see docs/METRICS.md)")
    .option("--intervals <list>", "with --metrics-out: candle intervals that get rows, comma-separated (default: every interval in the data)")
    .option("--db <file>", "run the whole pipeline (metrics → strategies → risk → paper broker) into this SQLite journal; rerun with the same --db to resume")
    .option("--equity <usd>", "with --db: starting equity of the paper account, USD (default: 10000)")
    .option("--fill-model <model>", "with --db: book (walk recorded order books), bar (candle opens) or auto: book when every input is a capture (default: auto)")
    .option("--fill-interval <interval>", "with --db: candle interval the bar fill model uses where no book exists (default: 1h)")
    .option("--strategies <list>", "with --db: run only these strategy ids, comma-separated (default: every strategy)")
    .option("--batch-events <n>", "with --db: events per journal transaction and checkpoint (default: 4096)")
    .option("--validated-only", "with --db: run only the strategies whose lifecycle state is validated, saying which are left out and why")
    .option("--lifecycle-from <db>", "with --validated-only: the journal whose lifecycle to read (default: the journals of the trial registry)")
    .option("--json", "print the report or summary as JSON"),
).action(async (paths: string[], options: Record<string, unknown>) => {
  if (options["validatedOnly"] === true || options["lifecycleFrom"] !== undefined) {
    const { CliUsageError } = await import("./errors.ts");
    if (typeof options["db"] !== "string") throw new CliUsageError("--validated-only runs the trading pipeline: give --db <file>");
    if (options["validatedOnly"] !== true) throw new CliUsageError("--lifecycle-from goes with --validated-only");
    const { validatedOnlyStrategies } = await import("./replay.ts");
    const { STRATEGY_IDS } = await import("./trading-config.ts");
    options["strategies"] = validatedOnlyStrategies(options as unknown as Parameters<typeof validatedOnlyStrategies>[0], STRATEGY_IDS).join(",");
  }
  if (typeof options["db"] === "string") {
    if (options["dry"] === true || options["metricsOut"] !== undefined) {
      const { CliUsageError } = await import("./errors.ts");
      throw new CliUsageError("--db runs the trading pipeline; use it without --dry and --metrics-out");
    }
    const { runReplayPipeline } = await import("./replay-pipeline.ts");
    await runReplayPipeline(paths, options as unknown as Parameters<typeof runReplayPipeline>[1]);
    return;
  }
  const { runReplay } = await import("./replay.ts");
  await runReplay(paths, options);
});

withConfigOptions(
  program
    .command("report")
    .description(
      "Performance, uncertainty and validation gates per strategy from a journal written by `replay --db`: terminal tables, or --json, --html, --csv.",
    )
    .requiredOption("--db <file>", "the SQLite journal to read")
    .option("--json", "every statistic and the daily equity-return series as JSON on stdout")
    .option("--html <file>", "write one self-contained HTML page (equity, drawdown, P&L distribution, gates)")
    .option("--csv <file>", "write the combined book's closed positions (outcomes) as CSV, or Arrow IPC (.arrow/.feather) / Parquet (.parquet) by extension")
    .option("--starting-equity <usd>", "starting balance, USD (default: derived from the journal)")
    .option("--from <date>", "first UTC day of the report window, YYYY-MM-DD (included)")
    .option("--to <date>", "last UTC day of the report window, YYYY-MM-DD (included)")
    .option("--apply-lifecycle", "write the recommended lifecycle states (validated / killed) into the journal"),
).action(async (options: Record<string, unknown>) => {
  const { runReport } = await import("./report.ts");
  await runReport(options as unknown as Parameters<typeof runReport>[0]);
});

withCommonOptions(
  program
    .command("scan")
    .description(
      "Funding and basis scanner across the whole venue, in one rate-limited pass: perp-spot carry net of taker fees, spread and depth at a size, cross-venue funding differences, funding extremes and acceleration, perp-spot basis (docs/SCANNER.md).",
    )
    .option("--coins <list>", "perp coins, comma-separated (default from config scan.coins: every listed perp)")
    .option("--size <usd>", "notional of each leg the book walk and fees are computed for, USD (default from config: 10000)")
    .option("--hold <hours>", "hold the net figures assume, hours (default from config: 24)")
    .option("--min-volume <usd>", "skip perps with less 24 h notional volume, USD (default from config: 1000000)")
    .option("--min-oi <usd>", "skip perps with less open interest, USD (default from config: 1000000)")
    .option("--rows <n>", "rows per terminal table, 0 = all (default from config: 10)")
    .option("--json", "the whole scan as JSON on stdout (with --watch: one document per line)")
    .option("--csv [table]", "one table as CSV on stdout: carry (default), cross-venue, funding, basis, skipped")
    .option("--watch [seconds]", "scan again every interval until Ctrl-C (default from config: 60 s)"),
).action(async (options: Record<string, unknown>) => {
  const { runScan } = await import("./scan.ts");
  await runScan(options);
});

withConfigOptions(
  program
    .command("serve")
    .description(
      "The dashboard: web pages, a JSON API and a live event stream over a journal (live or replay), read-only while another process writes it. Bound to 127.0.0.1; another host needs --token (docs/DASHBOARD.md).",
    )
    .requiredOption("--db <file>", "the SQLite journal to serve")
    .option("--host <host>", "address to listen on; a non-loopback one needs --token (default: 127.0.0.1)")
    .option("--port <port>", "TCP port, 0 = any free one (default: 8787)")
    .option("--token <secret>", "access token (at least 8 characters), wanted as Authorization: Bearer <token> or ?token=<token>; never logged")
    .option("--duration <seconds>", "stop after this many seconds (default: until Ctrl-C)")
    .addHelpText("after", "\nExamples:\n  strategy-monitor serve --db out.db                     then open http://127.0.0.1:8787/\n  strategy-monitor serve --db monitor.db --host 0.0.0.0 --token \"$(openssl rand -hex 16)\""),
).action(async (options: Record<string, unknown>) => {
  const { runServe } = await import("./serve.ts");
  await runServe(options);
});

program.command("demo").description("The monitor with no network: a seeded synthetic Hyperliquid on 127.0.0.1, sped up, with planted effects and optional faults; says which effects were found (docs/DEMO.md).").option("--speed <n>", "simulated seconds per wall second (default: 180)").option("--duration <seconds>", "wall time to run (default: 60)").option("--db <file>", "keep the journal here (default: a temporary file)").option("--seed <n>", "the market model's seed (default: 1)").option("--faults <n>", "inject this many seeded faults (default: 0)").action(async (options: Record<string, unknown>) => (await import("./demo.ts")).runDemoCommand(options));

withCommonOptions(program.command("config").description("Print the effective configuration and where each value came from.")).action(
  async (options: Record<string, unknown>) => {
    const { runConfig } = await import("./config.ts");
    await runConfig(options);
  },
);

/**
 * `run` is the default command: no arguments, or options first (`strategy-monitor --record`),
 * mean `run`. A first word that is no command is commander's "unknown command" with a
 * suggestion, not `run`'s "too many arguments".
 */
function withDefaultCommand(args: readonly string[]): string[] {
  const first = args[0];
  const asksProgram = first === "-h" || first === "--help" || first === "-V" || first === "--version";
  return first === undefined || (first.startsWith("-") && !asksProgram) ? ["run", ...args] : [...args];
}

try {
  await program.parseAsync(withDefaultCommand(process.argv.slice(2)), { from: "user" });
} catch (error) {
  if (error instanceof StrategyMonitorError) {
    // Expected failures (bad config, missing file, venue down): one clear line, no stack.
    process.stderr.write(`strategy-monitor: ${error.message}\n`);
    process.exitCode = 2;
  } else {
    throw error;
  }
}
