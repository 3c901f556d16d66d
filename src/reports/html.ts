/**
 * The `--html` report: one self-contained page (inline CSS and SVG; no script, no external
 * font, image or stylesheet, and a Content-Security-Policy that forbids loading any). Every
 * text from the journal is escaped. Pure (returns the page).
 */
import type { StrategyReport } from "../analytics/index.ts";
import { criterionCells, figureRows, num, pct, startingEquityText, usd } from "./figure-rows.ts";
import { firedNeverTraded, refusalSummary } from "./report-model.ts";
import type { DecisionCounts, ReportModel } from "./report-model.ts";
import { PALETTE, escapeHtml, histogram, lineChart } from "./svg-charts.ts";
import { CORRELATION_LIMIT } from "./terminal.ts";

const e = escapeHtml;

const STYLE = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:24px auto;max-width:1100px;color:#111827;padding:0 16px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #e5e7eb;padding-bottom:4px}h3{font-size:15px;margin:16px 0 6px}
table{border-collapse:collapse;margin:6px 0 12px;font-variant-numeric:tabular-nums}th,td{border:1px solid #e5e7eb;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f9fafb;font-weight:600}td.num{text-align:right}.pass{color:#15803d;font-weight:600}.fail{color:#b91c1c;font-weight:600}
.flag{background:#fef2f2;color:#b91c1c;font-weight:600}.muted{fill:#6b7280;color:#6b7280}.note{background:#fffbeb;border:1px solid #fde68a;padding:6px 10px;margin:6px 0}
svg{display:block;margin:8px 0;max-width:100%;height:auto}svg .grid{stroke:#e5e7eb}svg .axis{font-size:11px;fill:#374151}svg .title{font-size:13px;font-weight:600;fill:#111827}
dl{display:grid;grid-template-columns:max-content 1fr;gap:2px 14px;font-size:13px}dt{font-weight:600}dd{margin:0}
`;

const cls = (ok: boolean) => (ok ? "pass" : "fail");
const passFail = (ok: boolean) => `<span class="${cls(ok)}">${ok ? "pass" : "fail"}</span>`;

function figuresTable(reports: readonly StrategyReport[], model: ReportModel): string {
  const head = `<tr><th>figure</th>${reports.map((r) => `<th>${e(r.figures.name)}</th>`).join("")}</tr>`;
  const rows = figureRows(reports, model.variants).map((row) => {
    const cells = row.cells.map((c) => {
      const status = c === "PASS" ? ' class="pass"' : c === "fail" ? ' class="fail"' : "";
      return `<td${status}>${e(c)}</td>`;
    });
    return `<tr><th>${e(row.label)}</th>${cells.join("")}</tr>`;
  });
  return `<table>${head}${rows.join("")}</table>`;
}

function gateTable(r: StrategyReport, complete: boolean): string {
  const v = r.verdict;
  const rows = v.criteria.map((c) => {
    const { measured, threshold } = criterionCells(c);
    return `<tr><td>${e(c.criterion)}</td><td class="num">${e(measured)}</td><td class="num">${e(threshold)}</td><td>${passFail(c.pass)}</td><td>${passFail(c.confident)}</td><td>${e(c.reason)}</td></tr>`;
  });
  const verdict = `${v.confidentPass ? "PASS with confidence" : v.pass ? "passes on point estimates only" : "FAIL"}${complete ? "" : " (provisional)"}`;
  return (
    `<h3>${e(r.figures.name)} — gate ${e(v.gate)} <span class="${cls(v.confidentPass)}">${e(verdict)}</span></h3>` +
    `<table><tr><th>criterion</th><th>measured</th><th>threshold</th><th>plain</th><th>confident</th><th>detail</th></tr>${rows.join("")}</table>` +
    `<p>${e(v.reason)}${r.lifecycle === undefined ? "" : ` — recommendation: <strong>${e(r.lifecycle.recommendation)}</strong> (${e(r.lifecycle.reason)})`}</p>`
  );
}

function correlationTable(model: ReportModel): string {
  const m = model.performance.dailyPnlCorrelation;
  if (m.names.length < 2) return "<p>Fewer than two strategies traded: no correlation to show.</p>";
  const head = `<tr><th></th>${m.names.map((n) => `<th>${e(n)}</th>`).join("")}</tr>`;
  const rows = m.names.map((n, i) => {
    const cells = (m.values[i] ?? []).map((v, j) => {
      const flagged = v !== null && i !== j && Math.abs(v) >= CORRELATION_LIMIT;
      return `<td class="num${flagged ? " flag" : ""}">${v === null ? "n/a" : e(num(v))}</td>`;
    });
    return `<tr><th>${e(n)}</th>${cells.join("")}</tr>`;
  });
  return `<table>${head}${rows.join("")}</table><p>Flagged cells: |ρ| ≥ ${CORRELATION_LIMIT} (the memo wants strategies run together below it).</p>`;
}

function lifecycleTable(model: ReportModel): string {
  if (model.lifecycle.length === 0) return "";
  const rows = model.lifecycle.map(
    (l) =>
      `<tr><td>${e(l.strategy)}</td><td>${e(l.current ?? "-")}</td><td>${e(l.recommendation)}</td><td>${e(l.steps.length === 0 ? (l.note ?? "none") : l.steps.map((s) => `${s.from ?? "(none)"} → ${s.to}`).join(", "))}</td></tr>`,
  );
  return `<h2>Lifecycle</h2><p>Moves the verdicts imply; written to the journal only with <code>--apply-lifecycle</code>.</p><table><tr><th>strategy</th><th>current</th><th>recommended</th><th>moves</th></tr>${rows.join("")}</table>`;
}

/** The whole report as one HTML page. */
export function renderHtml(model: ReportModel): string {
  const p = model.performance;
  const reports = [...p.strategies, p.combined];
  const equityLines = model.charts.equity.map((s, i) => ({
    name: `${s.name} (${s.equitySource})`,
    colour: PALETTE[i % PALETTE.length]!,
    dashed: s.equitySource === "realised" && s.name !== "combined",
    points: s.points.map((pt) => ({ x: pt.tsMs, y: pt.equityUsd })),
  }));
  const drawdown = [{ name: "drawdown", colour: "#dc2626", area: true, points: model.charts.drawdown.map((d) => ({ x: d.tsMs, y: -d.fraction })) }];
  const books = model.signals.some((s) => s.own !== null);
  const refusals = (c: DecisionCounts | null): string => (c === null || c.rejected === 0 ? "" : e(refusalSummary(c)));
  const signals =
    model.signals.length === 0
      ? ""
      : books
        ? `<h2>Signals</h2><p>own book = the strategy alone in its account; combined = every strategy in one account, its limits shared</p><table><tr><th>strategy</th><th>fired</th><th>own accepted</th><th>own refused</th><th>combined accepted</th><th>combined refused</th><th>own refusals</th><th>combined refusals</th></tr>${model.signals
            .map(
              (s) =>
                `<tr><td>${e(s.strategy)}</td><td class="num">${s.fired}</td><td class="num">${s.own?.accepted ?? 0}</td><td class="num">${s.own?.rejected ?? 0}</td><td class="num">${s.accepted}</td><td class="num">${s.rejected}</td><td>${refusals(s.own)}</td><td>${refusals(s)}</td></tr>`,
            )
            .join("")}</table>`
        : `<h2>Signals</h2><table><tr><th>strategy</th><th>fired</th><th>accepted</th><th>rejected</th></tr>${model.signals
            .map((s) => `<tr><td>${e(s.strategy)}</td><td class="num">${s.fired}</td><td class="num">${s.accepted}</td><td class="num">${s.rejected}</td></tr>`)
            .join("")}</table>`;
  const never =
    firedNeverTraded(model.signals).length === 0
      ? ""
      : `<h3>Fired but never traded${books ? " in its own book" : ""}</h3><ul>${firedNeverTraded(model.signals)
          .map((s) => `<li>${e(s.strategy)}: ${e(refusalSummary(s.own ?? s) || "no decision recorded")}</li>`)
          .join("")}</ul>`;
  const sources = model.thresholdSources.some((r) => r.source !== "fixed")
    ? `<h2>Results by threshold source</h2><p>percentile: the rule met its percentile; fallback: fewer values than it needs yet; fixed: a number</p><table><tr><th>strategy</th><th>thresholds</th><th>trades</th><th>win rate</th><th>net P&amp;L</th></tr>${model.thresholdSources
        .map((r) => `<tr><td>${e(r.strategy)}</td><td>${e(r.source)}</td><td class="num">${r.trades}</td><td class="num">${pct(r.winRate)}</td><td class="num">${e(usd(r.pnlUsd))}</td></tr>`)
        .join("")}</table>`
    : "";
  const conventions = Object.entries(p.conventions)
    .map(([k, v]) => `<dt>${e(k)}</dt><dd>${e(v)}</dd>`)
    .join("");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Strategy Monitor report — ${e(model.journalPath)} — ${e(model.period.text)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>Strategy Monitor report</h1>
${model.completeness.complete ? "" : `<div class="note provisional"><strong>Provisional:</strong> every verdict in this report is provisional: ${e(model.completeness.reason ?? "")}</div>\n`}<p class="period"><strong>Period: ${e(model.period.text)}</strong></p>
<p>Why this period: ${e(model.period.why)}.</p>
<p>Journal <code>${e(model.journalPath)}</code>; starting equity ${e(startingEquityText(model))}; positions open at the end of the journal: ${model.openPositions}.</p>
<p><strong>Equity curves:</strong> ${e(model.equitySourceNote)}.</p>
<p><strong>Trials (the deflated Sharpe's N):</strong> ${e(model.trials.text)}.</p>
${model.notes.map((n) => `<div class="note">${e(n)}</div>`).join("\n")}
<h2>Equity</h2>
${lineChart(equityLines, { title: "Equity, USD (combined: account; strategies: realised only, dashed)", formatY: (y) => num(y, 0) })}
${lineChart(drawdown, { title: "Drawdown of the combined curve from its running peak", formatY: (y) => pct(y, 1), height: 200 })}
${histogram(model.charts.pnlHistogram, { title: "Per-trade net P&L, USD (all strategies)", formatY: (y) => num(y, 0), formatX: (x) => num(x, 2) })}
<h2>Figures</h2>
${figuresTable(reports, model)}
<h2>Gates${model.completeness.complete ? "" : " (provisional)"}</h2>
<p>Plain: the point estimate beats the threshold. Confident: see the verdict convention below.</p>
${reports.map((r) => gateTable(r, model.completeness.complete)).join("\n")}
${lifecycleTable(model)}
<h2>Daily P&amp;L correlation</h2>
${correlationTable(model)}
${signals}${never}${sources}
<h2>Conventions</h2>
<dl>${conventions}</dl>
</body>
</html>
`;
}
