import { describe, expect, it } from "vitest";
import { buildReport } from "./report-model.ts";
import { blockTable, correlatedPairs, formatTerminal, REPORT_WIDTH, textTable, wrapLastColumn, wrapLine } from "./terminal.ts";
import { DAY, DAY0, figureRow, fixtureInput, HOUR, trade, unwrapTerminal } from "./test-report.ts";

// Figure rows gather their cells from every block of the FIGURES table; other rows are read with their wrapped text joined back.
const rowOf = (text: string, label: string) =>
  figureRow(text, label) ??
  unwrapTerminal(text)
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

describe("the 100-column terminal", () => {
  it("cuts a wide table into blocks of columns, each repeating the row labels", () => {
    const rows = [
      ["figure", "aaaaaaaaaa", "bbbbbbbbbb", "cccccccccc"],
      ["trades", "1", "22", "333"],
    ];
    // label 6 + 2, then 10 + 2 per column: two columns fit in 30 (6 + 2 + 10 + 2 + 10 = 30), the third goes to a second block.
    expect(blockTable(rows, new Set(), 30)).toBe(["figure  aaaaaaaaaa  bbbbbbbbbb", "trades  1           22", "", "figure  cccccccccc", "trades  333"].join("\n"));
    expect(blockTable(rows, new Set(), 100)).toBe(textTable(rows));
  });

  it("wraps a free-text last column under itself", () => {
    const rows = [
      ["a", "detail"],
      ["bb", "one two three four five six"],
    ];
    // The text column starts at 4 (2 + 2); 24 columns leave 20 for it: "one two three four" (18) / "five six".
    expect(wrapLastColumn(rows, new Set(), 24)).toBe(["a   detail", "bb  one two three four", "    five six"].join("\n"));
  });

  it("wraps prose with a hanging indent", () => {
    expect(wrapLine("  note: alpha beta gamma", 16)).toBe(["  note: alpha", "    beta gamma"].join("\n"));
    expect(wrapLine("short", 16)).toBe("short");
  });

  it("keeps the whole report within 100 columns with six strategies of long names", () => {
    const names = ["basis-arbitrage", "contrarian-funding", "funding-velocity", "funding-volume", "positioning-regimes", "convergence-adaptive"];
    const outcomes = names.flatMap((name, i) => [trade(name, 120 - 40 * i, DAY0 + (10 + i) * HOUR, `${name}-1`), trade(name, -60 + 10 * i, DAY0 + DAY + (10 + i) * HOUR, `${name}-2`)]);
    const text = formatTerminal(buildReport(fixtureInput({ outcomes, variantCounts: {}, lifecycle: [] })));
    const widest = Math.max(...text.split("\n").map((line) => [...line].length));
    expect(widest).toBeLessThanOrEqual(REPORT_WIDTH);
    // Every strategy still has its column: each name heads a block of the FIGURES table.
    const figures = text.split("GATES")[0] ?? "";
    for (const name of names) expect(figures).toMatch(new RegExp(`^figure .*${name}`, "m"));
  });
});

describe("formatTerminal: books and threshold sources", () => {
  it("shows each book's acceptances and refusals, and the trades by threshold source", () => {
    const text = formatTerminal(
      buildReport(
        fixtureInput({
          signals: [{ strategy: "flow-toxicity", fired: 5, accepted: 3, rejected: 2, refusedByCode: { max_positions: 2 }, own: { accepted: 5, rejected: 0, refusedByCode: {} } }],
          thresholdSources: new Map([["sig-p3", "fallback" as const]]),
        }),
      ),
    );
    expect(text).toContain("strategy       fired  own accepted  own refused  combined accepted  combined refused\nflow-toxicity      5             5            0                  3                 2");
    expect(text).toContain("flow-toxicity  combined  max_positions ×2");
    // p3 (−100) on a fallback, p2 and p4 (+200, +50) on fixed numbers.
    expect(text).toContain("flow-toxicity   fixed            2  100.00 %   250.00 USD\nflow-toxicity   fallback         1    0.00 %  -100.00 USD\nvwap-reversion  fixed            2   50.00 %    40.00 USD");
  });
});
