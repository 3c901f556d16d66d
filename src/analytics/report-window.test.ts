import { describe, expect, it } from "vitest";
import type { EquitySnapshot } from "../paper/index.ts";
import { applyWindow, inWindow, resolveReportWindow } from "./report-window.ts";
import { DAY_MS, HOUR_MS, T0, outcome } from "./test-outcomes.ts";

const D = (day: number, hour = 0) => T0 + day * DAY_MS + hour * HOUR_MS;
const snap = (tsMs: number, equityUsd: number, openPositions = 0): EquitySnapshot => ({ tsMs, equityUsd, cashUsd: equityUsd, unrealizedUsd: 0, openPositions, grossExposureUsd: 0 });

// Starting equity 10 000 USD. a: +100 closed day 0; b: −50 opened day 1, closed day 2 12:00;
// c: +80 closed day 2 14:00; d: +30 opened day 3, closed day 4 10:00.
const a = outcome(100, D(0, 10), 2 * HOUR_MS);
const b = outcome(-50, D(1, 10), DAY_MS + 2 * HOUR_MS);
const c = outcome(80, D(2, 10), 4 * HOUR_MS);
const d = outcome(30, D(3, 10), DAY_MS);
const OUTCOMES = [a, b, c, d];
// b open over day 1's end (−30 unrealised), d open over day 3's end (+10).
const EQUITY = [snap(D(0, 12), 10_100), snap(D(1, 23), 10_070, 1), snap(D(2, 12), 10_050), snap(D(2, 14), 10_130), snap(D(3, 23), 10_140, 1), snap(D(4, 12), 10_160)];

describe("applyWindow", () => {
  it("keeps the trades closed in [from, to) and the snapshots in it, and starts from the account's equity at the window start", () => {
    // --from day 2 --to day 3: [D(2), D(4))
    const w = applyWindow({ startingBalanceUsd: 10_000, outcomes: OUTCOMES, equity: EQUITY }, { fromMs: D(2), toMs: D(4) });
    expect(w.outcomes).toEqual([b, c]);
    expect(w.equity.map((s) => s.equityUsd)).toEqual([10_050, 10_130, 10_140]);
    // the last snapshot before day 2 is day 1 23:00, 10 070 USD (b marked to market)
    expect(w.startingBalanceUsd).toBe(10_070);
    expect(w.startingBalanceSource).toBe("account snapshot");
    expect([w.periodStartMs, w.periodEndMs]).toEqual([D(2), D(4) - 1]);
    // a closed before, d after; b opened on day 1, before the window
    expect([w.closedBefore, w.closedAfter, w.openedBefore]).toEqual([1, 1, 1]);
  });

  it("without a snapshot before the window, starts from the starting equity plus the P&L closed before it", () => {
    const w = applyWindow({ startingBalanceUsd: 10_000, outcomes: OUTCOMES, equity: [] }, { fromMs: D(2) });
    // 10 000 + 100 (a)
    expect(w.startingBalanceUsd).toBe(10_100);
    expect(w.startingBalanceSource).toBe("realised");
    expect(w.outcomes).toEqual([b, c, d]);
    expect(w.periodEndMs).toBeUndefined();
  });

  it("is the whole journal without bounds", () => {
    const w = applyWindow({ startingBalanceUsd: 10_000, outcomes: OUTCOMES, equity: EQUITY }, {});
    expect(w.outcomes).toEqual(OUTCOMES);
    expect(w.equity).toEqual(EQUITY);
    expect([w.startingBalanceUsd, w.startingBalanceSource, w.periodStartMs, w.periodEndMs]).toEqual([10_000, "journal start", undefined, undefined]);
  });

  it("refuses an empty window (a bug: the CLI checks the flags first)", () => {
    expect(() => applyWindow({ startingBalanceUsd: 10_000, outcomes: [], equity: [] }, { fromMs: D(2), toMs: D(2) })).toThrow(RangeError);
  });
});

describe("inWindow", () => {
  it("includes from and excludes to", () => {
    expect([D(2) - 1, D(2), D(4) - 1, D(4)].map((t) => inWindow(t, { fromMs: D(2), toMs: D(4) }))).toEqual([false, true, true, false]);
  });
});

describe("resolveReportWindow (the period is the data's)", () => {
  // Bars of two markets from day 1 06:00 to day 3 18:00; the journal's records reach further.
  const coverage = [
    { market: "hyperliquid:perp:BTC", firstMs: D(1, 6), lastMs: D(3, 18) },
    { market: "hyperliquid:perp:ETH", firstMs: D(1, 7), lastMs: D(3, 17) },
  ];

  it("is the span of the market data without flags: first to last price, the end exclusive 1 ms after", () => {
    const r = resolveReportWindow({}, coverage, D(3, 12));
    expect(r.window).toEqual({ fromMs: D(1, 6), toMs: D(3, 18) + 1 });
    expect(r.basis).toBe("data");
    expect(r.why).toBe("the market data's span: first to last price of 2 markets (2025-01-02 06:00 → 2025-01-04 18:00 UTC)");
  });

  it("reaches the last trade's close when a position closed after the data ended, and says so", () => {
    const r = resolveReportWindow({}, coverage, D(4, 2));
    expect(r.window).toEqual({ fromMs: D(1, 6), toMs: D(4, 2) + 1 });
    expect(r.why).toContain(", to the last trade's close at 2025-01-05 02:00 UTC");
  });

  it("lets a flag win on its side and keeps the data's on the other", () => {
    expect(resolveReportWindow({ fromMs: D(2) }, coverage).window).toEqual({ fromMs: D(2), toMs: D(3, 18) + 1 });
    const both = resolveReportWindow({ fromMs: D(2), toMs: D(3) }, coverage);
    expect([both.window, both.basis, both.why]).toEqual([{ fromMs: D(2), toMs: D(3) }, "window", "the --from/--to window"]);
  });

  it("falls back to the journal's records without a recorded span, and says why", () => {
    const r = resolveReportWindow({}, undefined);
    expect([r.window, r.basis]).toEqual([{}, "records"]);
    expect(r.why).toMatch(/^first equity snapshot or opening to last snapshot or close: the journal records no market data span/);
    expect(resolveReportWindow({}, []).basis).toBe("records");
  });
});
