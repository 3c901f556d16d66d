/**
 * `strategy-monitor backfill`: candles and funding history over REST into files in
 * Hyperliquid's own layouts (replayable with `replay`). Rerunning continues each file after
 * its last complete row, so an interrupted backfill resumes without duplicates.
 */
import { DAY_MS } from "../core/index.ts";
import { backfill } from "../venues/hyperliquid/backfill.ts";
import type { BackfillProgress } from "../venues/hyperliquid/backfill.ts";
import { HyperliquidRest } from "../venues/hyperliquid/rest.ts";
import { progressBar } from "./progress.ts";
import { commandContext, positiveInteger } from "./shared.ts";
import type { CommonOptions } from "./shared.ts";

export interface BackfillCliOptions extends CommonOptions {
  readonly days?: string;
  readonly out?: string;
}

export async function runBackfill(options: BackfillCliOptions): Promise<void> {
  const days = positiveInteger("--days", options.days ?? "3") ?? 3;
  const outDir = options.out ?? "data/backfill";
  const { config, logger } = commandContext(options);
  const log = logger.child({ component: "backfill" });
  const rest = new HyperliquidRest({ restUrl: config.restUrl, ...config.rest, logger: logger.child({ component: "rest" }) });

  const endTime = Date.now();
  const startTime = endTime - days * DAY_MS;
  const seriesPerCoin = 1 + config.candleIntervals.length * (config.spot.enabled ? 2 : 1);
  const bar = progressBar("backfill", config.coins.length * seriesPerCoin);
  const seen = new Set<string>();
  const abort = new AbortController();
  const onSignal = (): void => abort.abort(new Error("interrupted; rerun the same command to resume"));
  process.once("SIGINT", onSignal);

  log.info({ coins: config.coins, intervals: config.candleIntervals, days, outDir, spot: config.spot.enabled }, "backfill starting");
  try {
    const result = await backfill({
      rest,
      coins: config.coins,
      intervals: config.candleIntervals,
      startTime,
      endTime,
      outDir,
      spot: config.spot.enabled,
      logger: log,
      signal: abort.signal,
      onProgress: (p: BackfillProgress) => {
        seen.add(`${p.kind}:${p.symbol}:${p.interval ?? ""}`);
        bar.update(seen.size, `${p.symbol} ${p.kind}${p.interval === undefined ? "" : ` ${p.interval}`}: ${p.rowsWritten} rows`);
      },
    });
    bar.stop();
    for (const s of result.series) {
      const what = `${s.symbol} ${s.kind}${s.interval === undefined ? "" : ` ${s.interval}`}`;
      const resumed = s.resumedAfter === undefined ? "" : ` (resumed after ${new Date(s.resumedAfter).toISOString()})`;
      process.stdout.write(`${what.padEnd(28)} ${String(s.rowsWritten).padStart(7)} rows → ${s.path}${resumed}\n`);
    }
    if (result.coinsWithoutSpot.length > 0) {
      process.stdout.write(`no spot pair on the venue for: ${result.coinsWithoutSpot.join(", ")}\n`);
    }
  } finally {
    bar.stop();
    process.off("SIGINT", onSignal);
  }
}
