import { describe, expect, it } from "vitest";
import { renderHtml } from "./html.ts";
import { buildReport } from "./report-model.ts";
import { escapeHtml, histogram, lineChart } from "./svg-charts.ts";
import { OUTCOMES, fixtureInput } from "./test-report.ts";

describe("renderHtml", () => {
  const page = renderHtml(buildReport(fixtureInput()));

  it("lists the strategies that fired but never traded, with their refusal codes counted", () => {
    expect(page).toContain("<h3>Fired but never traded</h3><ul><li>liquidity: stop_too_tight ×3, cooldown ×1</li></ul>");
  });

  it("is one self-contained page: no script, no external resource, a policy forbidding both", () => {
    expect(page.startsWith("<!doctype html>")).toBe(true);
    expect(page).not.toMatch(/<script|<link|<img|@import|url\(|src=/i);
    expect(page).not.toMatch(/https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
    expect(page).toContain(`content="default-src 'none'; style-src 'unsafe-inline'"`);
  });

  it("states the period first, in the title too, with the window and the equity it starts from", () => {
    expect(page).toContain('<p class="period"><strong>Period: 2025-09-03 09:00 → 2025-09-05 14:00 UTC (3 days; whole journal)</strong></p>');
    const windowed = renderHtml(buildReport(fixtureInput({ window: { fromMs: Date.UTC(2025, 8, 4) } })));
    expect(windowed).toContain("<title>Strategy Monitor report — fixture.db — 2025-09-04 00:00 → 2025-09-05 14:00 UTC (2 days; window --from 2025-09-04)</title>");
    expect(windowed).toContain("starting equity 10,000.00 USD (flag); figures measured from 10,160.00 USD (the account&#39;s equity at the window start)");
  });

  it("draws the equity curve, the drawdown and the P&L distribution as inline SVG", () => {
    expect(page.match(/<svg /g)).toHaveLength(3);
    expect(page).toContain("Equity, USD (combined: account; strategies: realised only, dashed)");
    expect(page).toContain("flow-toxicity (realised)");
    // five trades, five bins of 60 USD, one trade each
    expect(page.match(/<rect /g)).toHaveLength(5);
  });

  it("shows the per-strategy table with gate status and the equity-source label", () => {
    expect(page).toContain("<th>flow-toxicity</th><th>vwap-reversion</th><th>combined</th>");
    expect(page).toContain("flow-toxicity — gate general");
    expect(page).toContain('<td>trades</td><td class="num">3</td><td class="num">&gt;= 30</td><td><span class="fail">fail</span></td>');
    expect(page).toContain("per strategy: realised P&amp;L only");
  });

  it("escapes a strategy name holding a script tag everywhere it appears", () => {
    const evil = '<script>alert("x")</script>';
    const hostile = renderHtml(buildReport(fixtureInput({ outcomes: OUTCOMES.map((o) => ({ ...o, strategy: o.strategy === "flow-toxicity" ? evil : o.strategy })), lifecycle: [] })));
    expect(hostile).not.toContain("<script");
    expect(hostile).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;");
  });

  it("renders a journal without trades with empty charts and the note", () => {
    const empty = renderHtml(buildReport(fixtureInput({ outcomes: [], equity: [] })));
    expect(empty).toContain("no closed trades in this journal");
    expect(empty).toContain(">no trades</text>");
    expect(empty).not.toMatch(/NaN/);
  });
});

describe("svg charts", () => {
  it("escapes the five HTML specials", () => {
    expect(escapeHtml(`<a href="x">&'</a>`)).toBe("&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;");
  });

  it("scales a line across the plot: first point at the left edge and top, last at the right edge and bottom", () => {
    const svg = lineChart([{ name: "a", colour: "#000", points: [{ x: 0, y: 10 }, { x: 86_400_000, y: 0 }] }], { title: "t", formatY: String, width: 200, height: 100 });
    // plot box: x 78…184, y 28…60
    expect(svg).toContain('d="M78,28L184,60"');
  });

  it("says so when there is nothing to draw", () => {
    expect(lineChart([], { title: "t", formatY: String })).toContain(">no data</text>");
    expect(histogram([], { title: "t", formatY: String, formatX: String })).toContain(">no trades</text>");
  });
});
