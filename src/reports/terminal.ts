/** The terminal report: plain-text tables, then the conventions, once. Pure (returns a string). */
import type { CorrelationMatrix } from "../analytics/index.ts";
import { criterionCells, figureRows, num, startingEquityText } from "./figure-rows.ts";
import { firedNeverTraded, refusalSummary } from "./report-model.ts";
import type { ReportModel } from "./report-model.ts";

/** The memo's limit on the daily P&L correlation between strategies run together. */
export const CORRELATION_LIMIT = 0.6;

/** Left-aligned columns two spaces apart; `right` columns are right-aligned. Trailing spaces trimmed. */
export function textTable(rows: readonly (readonly string[])[], right: ReadonlySet<number> = new Set()): string {
  const widths = rows[0]?.map((_, col) => Math.max(...rows.map((r) => [...(r[col] ?? "")].length))) ?? [];
  const pad = (cell: string, col: number) => {
    const gap = " ".repeat(Math.max(0, (widths[col] ?? 0) - [...cell].length));
    return right.has(col) ? gap + cell : cell + gap;
  };
  return rows.map((r) => r.map(pad).join("  ").trimEnd()).join("\n");
}

/** Pairs of strategies whose daily P&L correlation is ≥ the limit in absolute value. */
export function correlatedPairs(m: CorrelationMatrix, limit = CORRELATION_LIMIT): { a: string; b: string; rho: number }[] {
  const out: { a: string; b: string; rho: number }[] = [];
  for (let i = 0; i < m.names.length; i += 1) {
    for (let j = i + 1; j < m.names.length; j += 1) {
      const rho = m.values[i]?.[j];
      if (rho !== undefined && rho !== null && Math.abs(rho) >= limit) out.push({ a: m.names[i]!, b: m.names[j]!, rho });
    }
  }
  return out;
}

/** The whole report as text for a terminal (no colour codes: it is often piped). */
export function formatTerminal(model: ReportModel): string {
  const p = model.performance;
  const out: string[] = [];
  out.push(`Strategy Monitor report — ${model.journalPath}`);
  out.push(`period: ${model.period.text}`);
  out.push(`starting equity: ${startingEquityText(model)}; positions open at the end of the journal: ${model.openPositions}`);
  out.push(`equity curves: ${model.equitySourceNote}`);
  for (const note of model.notes) out.push(`note: ${note}`);
  out.push("");

  const reports = [...p.strategies, p.combined];
  out.push("FIGURES");
  out.push(textTable([["figure", ...p.strategies.map((s) => s.figures.name), "combined"], ...figureRows(reports, model.variants).map((r) => [r.label, ...r.cells])]));
  out.push("");

  out.push("GATES (plain = point estimate; confident = see conventions.verdict)");
  for (const r of reports) {
    out.push(`${r.figures.name} — gate ${r.verdict.gate}`);
    const rows = r.verdict.criteria.map((c) => {
      const { measured, threshold } = criterionCells(c);
      return [`  ${c.criterion}`, measured, threshold, c.pass ? "pass" : "FAIL", c.confident ? "pass" : "FAIL", c.reason];
    });
    out.push(textTable([["  criterion", "measured", "threshold", "plain", "confident", "detail"], ...rows]));
    out.push(`  verdict: ${r.verdict.confidentPass ? "PASS with confidence" : r.verdict.pass ? "passes on point estimates only" : "FAIL"} — ${r.verdict.reason}`);
    out.push("");
  }

  if (model.lifecycle.length > 0) {
    out.push("LIFECYCLE (recommendation → moves; written only with --apply-lifecycle)");
    out.push(
      textTable([
        ["strategy", "current", "recommended", "moves", "why"],
        ...model.lifecycle.map((l) => [
          l.strategy,
          l.current ?? "-",
          l.recommendation,
          l.steps.length === 0 ? (l.note ?? "none") : l.steps.map((s) => `${s.from ?? "(none)"} → ${s.to}`).join(", "),
          p.strategies.find((s) => s.figures.name === l.strategy)?.lifecycle?.reason ?? "",
        ]),
      ]),
    );
    out.push("");
  }

  const m = p.dailyPnlCorrelation;
  if (m.names.length >= 2) {
    out.push(`DAILY P&L CORRELATION (memo: |ρ| < ${CORRELATION_LIMIT}; * marks a pair at or above)`);
    const cell = (v: number | null, i: number, j: number) => (v === null ? "n/a" : `${num(v)}${i !== j && Math.abs(v) >= CORRELATION_LIMIT ? "*" : ""}`);
    out.push(textTable([["", ...m.names], ...m.names.map((n, i) => [n, ...(m.values[i] ?? []).map((v, j) => cell(v, i, j))])], new Set(m.names.map((_, i) => i + 1))));
    const flagged = correlatedPairs(m);
    out.push(flagged.length === 0 ? "no pair at or above the limit" : flagged.map((f) => `correlated: ${f.a} / ${f.b} ρ = ${num(f.rho)}`).join("\n"));
    out.push("");
  }

  if (model.signals.length > 0) {
    out.push("SIGNALS");
    out.push(textTable([["strategy", "fired", "accepted", "rejected"], ...model.signals.map((s) => [s.strategy, String(s.fired), String(s.accepted), String(s.rejected)])], new Set([1, 2, 3])));
    const never = firedNeverTraded(model.signals);
    if (never.length > 0) {
      out.push("FIRED BUT NEVER TRADED (refusals by code)");
      for (const s of never) out.push(`  ${s.strategy}: ${refusalSummary(s) || "no decision recorded"}`);
    }
    out.push("");
  }

  out.push("CONVENTIONS");
  for (const [key, text] of Object.entries(p.conventions)) out.push(`  ${key}: ${text}`);
  return `${out.join("\n")}\n`;
}
