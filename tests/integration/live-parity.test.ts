/**
 * Live = replay: the live feed's shape of a market history (forming `candle` frames with no
 * "closed" flag, funding through the hourly poller's `info:fundingHistory` lines, pongs) must
 * give the same signals as the history files of the same period. Before bars were closed at the
 * edge, this capture gave 0 signals where the history gave hundreds.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { replayIntoJournal } from "../../src/cli/replay-pipeline.ts";
import type { ReplayTradingSettings } from "../../src/cli/replay-pipeline.ts";
import { replayDry } from "../../src/replay/index.ts";
import { writeLiveStyleCapture } from "../../test-support/live-style-capture.ts";
import { writeHistoryFixture } from "./fixtures/history-fixture.ts";
import { dumpJournal } from "./fixtures/journal-dump.ts";

const dir = mkdtempSync(join(tmpdir(), "live-parity-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Both routes on the bar fill model, so fills are compared like for like. */
const TRADING: ReplayTradingSettings = { fillInterval: "1h", fillModel: "bar", risk: { oversize: "cap", maxPerCoinExposure: 2 } };

type Row = Record<string, unknown>;
const signalKey = (r: Row): string => `${String(r["strategy"])}|${String(r["market"])}|${String(r["side"])}|${String(r["created_ms"])}`;

describe("live = replay parity", () => {
  it("a live-style capture of the fixture (forming bars, polled funding, pongs) gives the history's signals: strategy, market, side and time", async () => {
    const history = join(dir, "history");
    mkdirSync(history);
    // Four days of 1 h bars for BTC, ETH, UBTC/USDC and hourly funding.
    const files = writeHistoryFixture(history, { interval: "1h", bars: 96, seed: 7 });
    const capture = writeLiveStyleCapture(
      { candleFiles: files.filter((f) => f.includes("_1h")), fundingFiles: files.filter((f) => f.includes("funding")) },
      join(dir, "live-style.cap.gz"),
    );
    // 3 markets × 96 bars × 2 frames; 96 hourly polls (settlements at 1 h … 96 h, the last polled after the data).
    expect(capture.candleFrames).toBe(576);
    expect(capture.fundingLines).toBe(96);

    const fromHistory = await replayIntoJournal([history], join(dir, "history.db"), { trading: TRADING });
    const fromCapture = await replayIntoJournal([capture.path], join(dir, "capture.db"), { trading: TRADING });

    const h = (dumpJournal(join(dir, "history.db"))["signals"] as Row[]).map(signalKey).sort();
    const c = (dumpJournal(join(dir, "capture.db"))["signals"] as Row[]).map(signalKey).sort();
    // The fixture makes several strategies fire; every one of them fires alike from the capture.
    expect(h.length).toBeGreaterThan(20);
    expect(new Set(h.map((k) => k.split("|")[0])).size).toBeGreaterThanOrEqual(3);
    expect(c).toEqual(h);
    expect(fromCapture.kernel.signalsByStrategy).toEqual(fromHistory.kernel.signalsByStrategy);
    // Same closed bars (the forming frames are not events) and the same settlements.
    const historyDry = await replayDry([history]);
    const captureDry = await replayDry([capture.path]);
    expect(captureDry.countsByKind["candle"]).toBe(historyDry.countsByKind["candle"]);
    expect(captureDry.countsByKind["funding"]).toBe(historyDry.countsByKind["funding"]);
    expect(captureDry.outOfOrder).toBe(0);
    expect(readdirSync(dir)).toContain("capture.db");
  });
});
