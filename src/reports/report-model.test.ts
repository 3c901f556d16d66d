import { describe, expect, it } from "vitest";
import { buildReport, drawdownSeries, groupByThresholdSource, planLifecycle, pnlHistogram, startingEquityFromJournal, thinPoints } from "./report-model.ts";
import { DAY, DAY0, HOUR, OUTCOMES, SNAPSHOTS, fixtureInput, trade } from "./test-report.ts";

/** True when a value tree holds no NaN or ±Infinity. */
function finiteEverywhere(value: unknown): boolean {
  if (typeof value === "number") return Number.isFinite(value);
  if (Array.isArray(value)) return value.every(finiteEverywhere);
  if (value !== null && typeof value === "object") return Object.values(value).every(finiteEverywhere);
  return true;
}

describe("buildReport on the hand-built journal", () => {
  const report = buildReport(fixtureInput());
  const perf = report.performance;
  const [flow, vwap] = perf.strategies;

  it("has one entry per strategy, sorted by id", () => {
    expect(perf.strategies.map((s) => s.figures.name)).toEqual(["flow-toxicity", "vwap-reversion"]);
  });

  it("counts trades, win rate, profit factor and total P&L per strategy and combined", () => {
    // flow-toxicity: +200, −100, +50 → 2 of 3 win, PF 250 / 100 = 2.5, total 150
    expect(flow!.figures.trades.trades).toBe(3);
    expect(flow!.figures.trades.winRate).toBeCloseTo(2 / 3, 12);
    expect(flow!.figures.trades.profitFactor.value).toBeCloseTo(2.5, 12);
    expect(flow!.figures.trades.totalPnlUsd).toBeCloseTo(150, 9);
    // vwap-reversion: −40, +80 → 1 of 2, PF 2, total 40
    expect(vwap!.figures.trades.winRate).toBe(0.5);
    expect(vwap!.figures.trades.profitFactor.value).toBeCloseTo(2, 12);
    // combined: 3 of 5 win, PF 330 / 140, total 190, fees 5 × 1, funding 5 × −0.5
    const c = perf.combined.figures.trades;
    expect(c.winRate).toBe(0.6);
    expect(c.profitFactor.value).toBeCloseTo(330 / 140, 12);
    expect(c.totalPnlUsd).toBeCloseTo(190, 9);
    expect(c.feesUsd).toBe(5);
    expect(c.fundingUsd).toBe(-2.5);
  });

  it("measures the combined drawdown on the account curve from the starting equity", () => {
    // peak 10 000 → 9 960 is 0.4 %; peak 10 160 → 10 060 is 100 / 10 160 = 0.98425 %, the larger
    expect(perf.combined.figures.equitySource).toBe("account");
    expect(perf.combined.figures.maxDrawdown.fraction).toBeCloseTo(100 / 10_160, 12);
    expect(perf.combined.figures.maxDrawdown.usd).toBeCloseTo(100, 9);
  });

  it("measures each strategy's drawdown on its realised curve", () => {
    // flow: 10 200 → 10 100: 100 / 10 200; vwap: 10 000 → 9 960: 0.4 %
    expect(flow!.figures.equitySource).toBe("realised");
    expect(flow!.figures.maxDrawdown.fraction).toBeCloseTo(100 / 10_200, 12);
    expect(vwap!.figures.maxDrawdown.fraction).toBeCloseTo(0.004, 12);
  });

  it("builds the daily equity returns per strategy and combined over the same three UTC days", () => {
    expect(perf.combined.figures.daily.dayStartMs).toEqual([DAY0, DAY0 + DAY, DAY0 + 2 * DAY]);
    expect(perf.combined.figures.daily.equityUsd).toEqual([10_160, 10_060, 10_190]);
    const r = perf.combined.figures.daily.returns;
    expect(r[0]).toBeCloseTo(0.016, 12);
    expect(r[1]).toBeCloseTo(10_060 / 10_160 - 1, 12);
    expect(r[2]).toBeCloseTo(10_190 / 10_060 - 1, 12);
    expect(flow!.figures.daily.pnlUsd).toEqual([200, -100, 50]);
    expect(vwap!.figures.daily.pnlUsd).toEqual([-40, 0, 80]);
    expect(flow!.figures.daily.returns[0]).toBeCloseTo(0.02, 12);
  });

  it("correlates daily P&L between the strategies", () => {
    // dA = (150, −150, 0), dB = (−53.33, −13.33, 66.67): Σ dA·dB = −6 000, Σ dA² = 45 000, Σ dB² = 7 466.67
    expect(perf.dailyPnlCorrelation.values[0]![1]).toBeCloseTo(-6_000 / Math.sqrt(45_000 * (22_400 / 3)), 12);
  });

  it("deflates with the journal's variant count", () => {
    expect(flow!.figures.deflated?.trials).toBe(3);
    expect(vwap!.figures.deflated?.trials).toBe(1);
  });

  it("recommends forward-testing on five trades and plans the lifecycle moves from the journal's states", () => {
    expect(report.lifecycle.map((l) => [l.strategy, l.current, l.recommendation, l.steps.map((s) => `${s.from ?? "-"}→${s.to}`)])).toEqual([
      ["flow-toxicity", "candidate", "forward-testing", ["candidate→forward-testing"]],
      ["vwap-reversion", null, "forward-testing", ["-→forward-testing"]],
    ]);
    // decision time: the period's end, the last close
    expect(report.lifecycle[0]!.steps[0]!.tsMs).toBe(DAY0 + 2 * DAY + 14 * HOUR);
  });

  it("labels which curve each figure comes from", () => {
    expect(report.equitySourceNote).toContain("per strategy: realised P&L only");
    expect(report.charts.equity.map((s) => [s.name, s.equitySource])).toEqual([
      ["combined", "account"],
      ["flow-toxicity", "realised"],
      ["vwap-reversion", "realised"],
    ]);
  });

  it("draws the drawdown of the same curve the figure uses", () => {
    expect(Math.max(...report.charts.drawdown.map((d) => d.fraction))).toBeCloseTo(100 / 10_160, 12);
    expect(report.notes).toEqual([]);
  });

  it("holds only finite numbers", () => {
    expect(finiteEverywhere(report)).toBe(true);
  });
});

describe("buildReport over a window (--from 2025-09-04 --to 2025-09-05)", () => {
  const report = buildReport(fixtureInput({ window: { fromMs: DAY0 + DAY, toMs: DAY0 + 3 * DAY } }));
  const perf = report.performance;
  const [flow, vwap] = perf.strategies;

  it("states the period and the equity it starts from: the account's equity before the window", () => {
    expect(report.period).toEqual({
      startMs: DAY0 + DAY,
      endMs: DAY0 + 3 * DAY - 1,
      startUtc: "2025-09-04T00:00:00.000Z",
      endUtc: "2025-09-05T23:59:59.999Z",
      days: 2,
      fromMs: DAY0 + DAY,
      toMs: DAY0 + 3 * DAY,
      // last snapshot before 2025-09-04: day 1 12:00, 10 160 USD
      startingEquityUsd: 10_160,
      startingEquitySource: "account snapshot",
      text: "2025-09-04 00:00 → 2025-09-05 23:59 UTC (2 days; window --from 2025-09-04 --to 2025-09-05)",
      basis: "window",
      why: "the --from/--to window",
    });
    expect(report.startingEquityUsd).toBe(10_000);
  });

  it("counts only the trades closed in the window", () => {
    // in: flow −100 (day 2), flow +50, vwap +80 (day 3); out: vwap −40 and flow +200 (day 1)
    const c = perf.combined.figures.trades;
    expect([c.trades, c.winRate, c.totalPnlUsd]).toEqual([3, 2 / 3, 30]);
    expect(flow!.figures.trades.totalPnlUsd).toBe(-50);
    expect(vwap!.figures.trades.trades).toBe(1);
    expect(report.notes).toContain("window: 2 trade(s) closed before it and 0 at or after its end are left out of every figure");
  });

  it("measures returns, drawdown and the per-strategy curves from 10 160 USD over two days", () => {
    expect(perf.combined.figures.daily.equityUsd).toEqual([10_060, 10_190]);
    expect(perf.combined.figures.daily.returns[0]).toBeCloseTo(10_060 / 10_160 - 1, 15);
    expect(perf.combined.figures.daily.returns[1]).toBeCloseTo(10_190 / 10_060 - 1, 15);
    // (10 190 / 10 160)^(365 / 2) − 1: 30 USD in 2 days, not diluted over the journal's 3
    expect(perf.combined.figures.annualisedReturn).toBeCloseTo((10_190 / 10_160) ** (365 / 2) - 1, 10);
    // peak 10 160 (the window's start) → 10 060
    expect(perf.combined.figures.maxDrawdown.fraction).toBeCloseTo(100 / 10_160, 15);
    expect(flow!.figures.daily.equityUsd).toEqual([10_060, 10_110]);
    expect(vwap!.figures.daily.pnlUsd).toEqual([0, 80]);
    expect(report.charts.pnlHistogram.reduce((n, b) => n + b.count, 0)).toBe(3);
    expect(finiteEverywhere(report)).toBe(true);
  });

  it("says 'whole journal' without a window", () => {
    expect(buildReport(fixtureInput()).period.text).toBe("2025-09-03 09:00 → 2025-09-05 14:00 UTC (3 days; whole journal)");
  });
});

describe("buildReport on a journal without trades", () => {
  const report = buildReport(fixtureInput({ outcomes: [], equity: [], lifecycle: [], signals: [] }));

  it("says so, with no strategies, no lifecycle moves and no non-finite number", () => {
    expect(report.notes).toContain("no closed trades in this journal: there is nothing to judge yet");
    expect(report.performance.strategies).toEqual([]);
    expect(report.performance.combined.figures.trades.trades).toBe(0);
    expect(report.performance.combined.figures.trades.winRate).toBeUndefined();
    expect(report.lifecycle).toEqual([]);
    expect(report.charts.pnlHistogram).toEqual([]);
    expect(finiteEverywhere(report)).toBe(true);
  });
});

describe("startingEquityFromJournal", () => {
  it("takes cash at the first flat snapshot minus the P&L closed by then", () => {
    // first snapshot: cash 9 960 after the −40 close → 10 000
    expect(startingEquityFromJournal(SNAPSHOTS, OUTCOMES)).toBe(10_000);
  });

  it("is undefined without a flat snapshot", () => {
    expect(startingEquityFromJournal([{ ...SNAPSHOTS[0]!, openPositions: 1 }], OUTCOMES)).toBeUndefined();
    expect(startingEquityFromJournal([], OUTCOMES)).toBeUndefined();
  });
});

describe("planLifecycle", () => {
  it("walks a candidate through forward-testing to validated, 1 ms apart", () => {
    const plan = planLifecycle("a", { strategy: "a", state: "candidate", sinceMs: 0 }, "validated", "passes", 1_000);
    expect(plan.steps.map((s) => [s.from, s.to, s.tsMs])).toEqual([
      ["candidate", "forward-testing", 1_000],
      ["forward-testing", "validated", 1_001],
    ]);
  });

  it("never revives a killed strategy and never demotes a validated one", () => {
    const killed = planLifecycle("a", { strategy: "a", state: "killed", sinceMs: 0 }, "validated", "passes", 1_000);
    expect(killed.steps).toEqual([]);
    expect(killed.note).toBe("stays killed: a killed strategy cannot become validated; allowed: candidate");
    const validated = planLifecycle("a", { strategy: "a", state: "validated", sinceMs: 0 }, "forward-testing", "unsure", 1_000);
    expect(validated.steps).toEqual([]);
    expect(validated.note).toContain("stays validated");
  });

  it("moves the decision past a later current state", () => {
    const plan = planLifecycle("a", { strategy: "a", state: "forward-testing", sinceMs: 5_000 }, "killed", "loses", 1_000);
    expect(plan.steps.map((s) => s.tsMs)).toEqual([5_001]);
  });

  it("changes nothing when the state already matches", () => {
    expect(planLifecycle("a", { strategy: "a", state: "forward-testing", sinceMs: 0 }, "forward-testing", "r", 1).steps).toEqual([]);
  });
});

describe("chart helpers", () => {
  it("bins per-trade P&L into equal-width bins, the last one closed", () => {
    // −100 … 200 in 5 bins of 60
    expect(pnlHistogram([-100, -40, 50, 80, 200])).toEqual([
      { fromUsd: -100, toUsd: -40, count: 1 },
      { fromUsd: -40, toUsd: 20, count: 1 },
      { fromUsd: 20, toUsd: 80, count: 1 },
      { fromUsd: 80, toUsd: 140, count: 1 },
      { fromUsd: 140, toUsd: 200, count: 1 },
    ]);
    expect(pnlHistogram([5, 5])).toEqual([{ fromUsd: 5, toUsd: 5, count: 2 }]);
  });

  it("measures drawdown from the starting equity", () => {
    expect(drawdownSeries([{ tsMs: 1, equityUsd: 90 }, { tsMs: 2, equityUsd: 120 }, { tsMs: 3, equityUsd: 108 }], 100)).toEqual([
      { tsMs: 1, fraction: 0.1 },
      { tsMs: 2, fraction: 0 },
      { tsMs: 3, fraction: 0.1 },
    ]);
  });

  it("thins long series keeping the first and last point", () => {
    const thin = thinPoints([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 3);
    expect(thin).toEqual([0, 5, 10]);
  });
});

describe("per-strategy books and threshold sources", () => {
  it("judges a strategy on its own book when the journal has one (account snapshots), else on its combined-book trades (realised)", () => {
    const own = [trade("flow-toxicity", 300, DAY0 + 12 * HOUR, "own-1")];
    const ownEquity = [{ tsMs: DAY0 + 12 * HOUR, equityUsd: 10_300, cashUsd: 10_300, unrealizedUsd: 0, openPositions: 0, grossExposureUsd: 0 }];
    const report = buildReport(fixtureInput({ books: { "flow-toxicity": { outcomes: own, equity: ownEquity } } }));
    const [flow, vwap] = report.performance.strategies;
    // Its own book: one trade of +300, not the combined book's three (+150 in all).
    expect(flow?.figures.name).toBe("flow-toxicity");
    expect(flow?.figures.equitySource).toBe("account");
    expect(flow?.figures.trades.trades).toBe(1);
    expect(flow?.figures.trades.totalPnlUsd).toBe(300);
    // No book for vwap-reversion: its two combined-book trades, realised (−40 + 80).
    expect(vwap?.figures.equitySource).toBe("realised");
    expect(vwap?.figures.trades.totalPnlUsd).toBe(40);
    // The combined book is the combined book's: five trades, +190.
    expect(report.performance.combined.figures.trades.totalPnlUsd).toBe(190);
    expect(report.equitySourceNote).toContain("per strategy: its own book");
  });

  it("groups each strategy's trades by where its signals' thresholds came from", () => {
    // flow-toxicity: p2 (+200) and p4 (+50) met percentile rules, p3 (−100) a fallback; vwap-reversion's signals are not in the map: fixed.
    const sources = new Map([
      ["sig-p2", "percentile" as const],
      ["sig-p3", "fallback" as const],
      ["sig-p4", "percentile" as const],
    ]);
    const rows = groupByThresholdSource([OUTCOMES.filter((o) => o.strategy === "flow-toxicity"), OUTCOMES.filter((o) => o.strategy === "vwap-reversion")], sources);
    expect(rows).toEqual([
      { strategy: "flow-toxicity", source: "fallback", trades: 1, wins: 0, winRate: 0, pnlUsd: -100 },
      { strategy: "flow-toxicity", source: "percentile", trades: 2, wins: 2, winRate: 1, pnlUsd: 250 },
      { strategy: "vwap-reversion", source: "fixed", trades: 2, wins: 1, winRate: 0.5, pnlUsd: 40 },
    ]);
    expect(buildReport(fixtureInput({ thresholdSources: sources })).thresholdSources).toEqual(rows);
    expect(buildReport(fixtureInput()).thresholdSources).toEqual([]);
  });
});
