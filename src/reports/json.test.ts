import { describe, expect, it } from "vitest";
import { nonFinitePaths, reportJson } from "./json.ts";
import { buildReport } from "./report-model.ts";
import type { ReportModel } from "./report-model.ts";
import { fixtureInput } from "./test-report.ts";

describe("reportJson", () => {
  const model = buildReport(fixtureInput());
  const parsed = JSON.parse(reportJson(model)) as { performance: { conventions: Record<string, string>; strategies: { figures: { name: string; daily: { returns: number[] } } }[]; combined: { figures: { daily: { returns: number[] }; calmar: unknown } } } };

  it("carries the daily equity-return series per strategy and combined, and the conventions", () => {
    expect(parsed.performance.combined.figures.daily.returns).toHaveLength(3);
    expect(parsed.performance.strategies.map((s) => [s.figures.name, s.figures.daily.returns.length])).toEqual([
      ["flow-toxicity", 3],
      ["vwap-reversion", 3],
    ]);
    expect(parsed.performance.conventions["sharpe"]).toContain("√365");
  });

  it("writes absent figures as null rather than dropping the key", () => {
    const empty = JSON.parse(reportJson(buildReport(fixtureInput({ outcomes: [], equity: [] })))) as { performance: { combined: { figures: { trades: { winRate: unknown }; sharpe: { annualised: unknown; undefinedReason: unknown } } } } };
    expect(empty.performance.combined.figures.trades.winRate).toBeNull();
    expect(empty.performance.combined.figures.sharpe.annualised).toBeNull();
    expect(empty.performance.combined.figures.sharpe.undefinedReason).not.toBeNull();
  });

  it("has no non-finite number, with trades or without", () => {
    expect(nonFinitePaths(model)).toEqual([]);
    expect(nonFinitePaths(buildReport(fixtureInput({ outcomes: [], equity: [] })))).toEqual([]);
    expect(reportJson(model)).not.toMatch(/:\s*-?(NaN|Infinity)/);
  });

  it("refuses a model holding NaN or Infinity, naming where", () => {
    const broken = { ...model, startingEquityUsd: Number.NaN, openPositions: Number.POSITIVE_INFINITY } as ReportModel;
    expect(() => reportJson(broken)).toThrow("report holds non-finite numbers at $.startingEquityUsd, $.openPositions");
  });
});
