import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { replayIntoJournal } from "../../src/cli/replay-pipeline.ts";
import type { ReplayTradingSettings } from "../../src/cli/replay-pipeline.ts";
import { Journal } from "../../src/journal/index.ts";

/*
 * Each strategy on its own book, on real data: BTC, ETH and SOL hourly perp candles and their
 * funding (~10 months) replayed three times —
 * - all strategies at their defaults;
 * - all strategies, contrarian-funding's extreme funding threshold raised from 10 %/yr
 *   (1.14e-5 per hour) to 2.5e-5 per hour (it fires far less often, leaving room in the shared account);
 * - funding-volume alone (`--strategies funding-volume`).
 * A strategy's own book must come out identical in all three (its verdict is its own), while the
 * combined book, where every strategy shares one account and its limits, must not.
 */
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const dataDir = process.env["SM_SHARED_DATA"] ?? resolve(repoRoot, "../shared/data/hyperliquid");
const available = existsSync(join(dataDir, "MANIFEST.csv"));

const tmp = mkdtempSync(join(tmpdir(), "real-books-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const files = (sub: string, match: RegExp): string[] =>
  readdirSync(join(dataDir, sub))
    .filter((f) => match.test(f))
    .sort()
    .map((f) => join(dataDir, sub, f));

/** A book's outcomes as comparable rows (id, times, P&L). */
function outcomes(db: string, book: string): string[] {
  const journal = Journal.open(db, { readonly: true });
  try {
    return journal.outcomes({ book }).map((o) => `${o.positionId} ${o.openedMs} ${o.closedMs} ${o.pnlUsd}`);
  } finally {
    journal.close();
  }
}

function equity(db: string, book: string): string[] {
  const journal = Journal.open(db, { readonly: true });
  try {
    return journal.equitySnapshots({ book }).map((e) => `${e.tsMs} ${e.equityUsd}`);
  } finally {
    journal.close();
  }
}

describe.skipIf(!available && process.env["CI"] !== "true")("real data: each strategy on its own book", () => {
  const inputs = available ? [...files("candles/perp", /_(BTC|ETH|SOL)_1h\.csv\.gz$/), ...files("funding", /_(BTC|ETH|SOL)\.csv\.gz$/)] : [];
  const run = (name: string, trading: ReplayTradingSettings) => replayIntoJournal(inputs, join(tmp, `${name}.db`), { trading: { fillInterval: "1h", ...trading } });

  it("gives a strategy the same book whatever the others do, and a combined book that depends on them", async () => {
    const all = await run("all", {});
    const changed = await run("changed", { strategies: { "contrarian-funding": { extremePerHour: 2.5e-5 } } });
    const alone = await run("alone", { onlyStrategies: ["funding-volume"] });
    expect(Object.keys(alone.kernel.books)).toEqual(["combined", "funding-volume"]);
    const db = (name: string) => join(tmp, `${name}.db`);

    // The other strategy's change is real: contrarian-funding fires less, and the combined account differs.
    expect(changed.kernel.signalsByStrategy["contrarian-funding"] ?? 0).toBeLessThan(all.kernel.signalsByStrategy["contrarian-funding"] ?? 0);
    expect(outcomes(db("changed"), "combined")).not.toEqual(outcomes(db("all"), "combined"));

    const own = outcomes(db("all"), "funding-volume");
    console.log(
      `books on BTC/ETH/SOL 1 h: funding-volume own book ${own.length} trades (combined book: ${all.kernel.positionsByStrategy["funding-volume"] ?? 0} of its trades); ` +
        `contrarian-funding signals ${all.kernel.signalsByStrategy["contrarian-funding"] ?? 0} → ${changed.kernel.signalsByStrategy["contrarian-funding"] ?? 0} with the threshold raised`,
    );
    expect(own.length).toBeGreaterThan(30);
    // Its own book: identical trades and equity in all three runs.
    expect(outcomes(db("changed"), "funding-volume")).toEqual(own);
    expect(outcomes(db("alone"), "funding-volume")).toEqual(own);
    expect(equity(db("changed"), "funding-volume")).toEqual(equity(db("all"), "funding-volume"));
    expect(equity(db("alone"), "funding-volume")).toEqual(equity(db("all"), "funding-volume"));
    // And so for every strategy the change did not touch.
    for (const id of ["funding-velocity", "positioning-regimes"]) expect(outcomes(db("changed"), id), id).toEqual(outcomes(db("all"), id));
    // Alone, the combined book is its own book (under other ids).
    expect(outcomes(db("alone"), "combined").map((r) => r.split(" ").slice(1).join(" "))).toEqual(own.map((r) => r.split(" ").slice(1).join(" ")));
  }, 300_000);
});
