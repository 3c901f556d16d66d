import { describe, expect, it } from "vitest";
import { buildReport } from "./report-model.ts";
import { correlatedPairs, formatTerminal, textTable } from "./terminal.ts";
import { fixtureInput } from "./test-report.ts";

const rowOf = (text: string, label: string) =>
  text
    .split("\n")
    .find((l) => l.startsWith(label))
    ?.trim()
    .split(/\s{2,}/);

describe("formatTerminal", () => {
  const text = formatTerminal(buildReport(fixtureInput()));

  it("prints one column per strategy and the combined column", () => {
    expect(rowOf(text, "figure")).toEqual(["figure", "flow-toxicity", "vwap-reversion", "combined"]);
    expect(rowOf(text, "total P&L (net)")).toEqual(["total P&L (net)", "150.00 USD", "40.00 USD", "190.00 USD"]);
    expect(rowOf(text, "max drawdown")).toEqual(["max drawdown", "0.98 % (100.00 USD)", "0.40 % (40.00 USD)", "0.98 % (100.00 USD)"]);
    expect(rowOf(text, "equity source")).toEqual(["equity source", "realised", "realised", "account"]);
    expect(rowOf(text, "DSR (variants)")?.map((c) => c.replace(/^[\d.]+ /, ""))).toEqual(["DSR (variants)", "(N = 3)", "(N = 1)", "(N = 4)"]);
  });

  it("lists the strategies that fired but never traded, with their refusals counted by code", () => {
    const lines = text.split("\n");
    const at = lines.indexOf("FIRED BUT NEVER TRADED (refusals by code)");
    expect(at).toBeGreaterThan(0);
    // liquidity: 4 fired, 0 accepted; flow-toxicity and vwap-reversion traded, so they are not listed.
    expect(lines.slice(at + 1, at + 3)).toEqual(["  liquidity: stop_too_tight ×3, cooldown ×1", ""]);
  });

  it("prints no interval, with the count of independent units, where there are fewer than 10", () => {
    // flow-toxicity: 3 trades in 3 clusters; combined: 5 in 4 (p1 held 09–11 h and p2 10–12 h overlap); 3 days of returns in blocks of 2 → 2 active blocks
    expect(rowOf(text, "win rate [90 % CI]")).toEqual(["win rate [90 % CI]", "66.7 % [no interval: 3 clusters < 10]", "50.0 % [no interval: 2 clusters < 10]", "60.0 % [no interval: 4 clusters < 10]"]);
    expect(rowOf(text, "Sharpe [90 % CI]")?.[3]).toMatch(/^\d+\.\d\d \[no interval: 2 active blocks < 10\]$/);
  });

  it("prints each criterion of each gate with measured, threshold, plain and confident", () => {
    expect(text).toContain("flow-toxicity — gate general");
    expect(rowOf(text, "  trades")).toEqual(["trades", "3", ">= 30", "FAIL", "FAIL", "3 trades, 3.0 effective (3 overlap clusters) vs ≥ 30"]);
    expect(text).toContain("  verdict: FAIL — fails gate general on trades, winRate");
  });

  it("shows the lifecycle moves the verdict implies without writing them", () => {
    expect(rowOf(text, "flow-toxicity   candidate")).toEqual(["flow-toxicity", "candidate", "forward-testing", "candidate → forward-testing", "3 of 30 trades; fails gate general on trades"]);
  });

  it("prints the correlation matrix and the conventions once, with the equity-source label", () => {
    expect(text).toContain("no pair at or above the limit");
    expect(text.match(/^CONVENTIONS$/gm)).toHaveLength(1);
    expect(text).toContain("  sharpe: mean / sample standard deviation (n - 1) of daily returns");
    expect(text).toContain("per strategy: realised P&L only");
  });

  it("says when there is nothing to judge, without NaN", () => {
    const empty = formatTerminal(buildReport(fixtureInput({ outcomes: [], equity: [] })));
    expect(empty).toContain("note: no closed trades in this journal: there is nothing to judge yet");
    // (the conventions text itself says "never Infinity")
    expect(empty.split("CONVENTIONS")[0]).not.toMatch(/NaN|Infinity/);
    expect(rowOf(empty, "figure")).toEqual(["figure", "combined"]);
  });
});

describe("correlatedPairs", () => {
  it("flags pairs at or above 0.6 in absolute value", () => {
    const m = { names: ["a", "b", "c"], values: [[1, 0.6, -0.7], [0.6, 1, 0.59], [-0.7, 0.59, 1]], maxAbsOffDiagonal: 0.7 };
    expect(correlatedPairs(m)).toEqual([
      { a: "a", b: "b", rho: 0.6 },
      { a: "a", b: "c", rho: -0.7 },
    ]);
  });
});

describe("textTable", () => {
  it("pads columns, right-aligning the ones asked", () => {
    expect(textTable([["x", "1"], ["long", "100"]], new Set([1]))).toBe("x       1\nlong  100");
  });
});
