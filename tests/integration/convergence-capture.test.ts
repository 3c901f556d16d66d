/**
 * The convergence scores on recorded live data: a hand-written capture holding books, trades,
 * asset contexts (4 h of open interest and mark prices), candles and the funding poller's lines,
 * replayed through the whole pipeline (parser → kernel → journal), makes both convergence
 * strategies fire, and each signal records which components contributed and the levels it met.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { replayIntoJournal } from "../../src/cli/replay-pipeline.ts";
import { readCapture, ReplayDiagnostics } from "../../src/replay/index.ts";
import { FIRE_BAR_CLOSE_MS, writeConvergenceCapture } from "./fixtures/convergence-capture.ts";
import { dumpJournal } from "./fixtures/journal-dump.ts";

const dir = mkdtempSync(join(tmpdir(), "convergence-capture-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface SignalRow {
  readonly strategy: string;
  readonly side: string;
  readonly confidence: string;
  readonly created_ms: number;
  readonly inputs_json: string;
}

describe("convergence on a live capture", () => {
  const capture = join(dir, "hyperliquid-2025-09-03.cap.gz");
  const counts = writeConvergenceCapture(capture);

  it("the capture parses without a reject: books, trades, asset contexts, candles, funding", async () => {
    expect(counts).toEqual({ books: 1, trades: 5, contexts: 251, candles: 61, fundingLines: 2 });
    const diagnostics = new ReplayDiagnostics();
    const kinds: Record<string, number> = {};
    for await (const batch of readCapture(capture, { diagnostics })) for (const e of batch) kinds[e.kind] = (kinds[e.kind] ?? 0) + 1;
    expect(diagnostics.rejects).toEqual([]);
    expect(kinds).toMatchObject({ book: 1, trade: 5, assetCtx: 251, funding: 2 });
  });

  it("both convergence strategies fire HIGH long at the 12:10 bar, recording the contributing components", { timeout: 60_000 }, async () => {
    const db = join(dir, "convergence.db");
    const summary = await replayIntoJournal([capture], db, { trading: { onlyStrategies: ["convergence", "convergence-adaptive"] } });
    expect(summary.kernel.signalsByStrategy).toEqual({ convergence: 1, "convergence-adaptive": 1 });
    const rows = dumpJournal(db)["signals"] as unknown as SignalRow[];
    expect(rows.map((r) => r.strategy).sort()).toEqual(["convergence", "convergence-adaptive"]);
    for (const row of rows) {
      expect([row.side, row.confidence]).toEqual(["long", "HIGH"]);
      // The 12:09 bar closes at 12:09:59.999 and is evaluated when the 12:10 bar's first frame arrives.
      expect(row.created_ms).toBeGreaterThanOrEqual(FIRE_BAR_CLOSE_MS - 1);
      expect(row.created_ms).toBeLessThan(FIRE_BAR_CLOSE_MS + 1_000);
      const inputs = JSON.parse(row.inputs_json) as { metrics: Record<string, number>; thresholds: Record<string, unknown> };
      // 25 (book) + 25 (flow) + 20 (funding) + 20 (OI) = 90 with 4 aligned (see the fixture's arithmetic).
      expect(inputs.metrics["score"]).toBe(90);
      expect(inputs.metrics["aligned"]).toBe(4);
      expect(inputs.metrics["bookImbalance"]).toBeCloseTo(0.636072, 6);
      expect(inputs.metrics["flow"]).toBeCloseTo(0.6, 12);
      expect(inputs.metrics["flowFromTrades"]).toBe(1);
      expect(inputs.metrics["fundingAnnualized"]).toBeCloseTo(-0.1314, 12);
      expect(inputs.metrics["oiChange4h"]).toBeCloseTo(0.04, 6);
      expect(inputs.metrics["priceChange4h"]).toBeCloseTo(0.02, 6);
      expect(inputs.metrics).toMatchObject({
        "contributed.orderBook": 1,
        "contributed.tradeFlow": 1,
        "contributed.vwap": 0,
        "contributed.funding": 1,
        "contributed.openInterest": 1,
      });
      // The first evaluation with every input fresh: nothing known before it, so the rules' fallbacks.
      expect(inputs.thresholds["bookStrong"]).toEqual({ value: 0.6, source: "fallback", percentile: 90, samples: 0 });
      expect(inputs.thresholds["fundingWeakAnnualized"]).toEqual({ value: 0.07, source: "fallback", percentile: 75, samples: 0 });
      expect(inputs.thresholds["oiChange"]).toBe(0.03);
    }
  });
});
