/** The terminal report: plain-text tables, then the conventions, once. Pure (returns a string). */
import type { CorrelationMatrix } from "../analytics/index.ts";
import { criterionCells, figureRows, num, pct, startingEquityText, usd } from "./figure-rows.ts";
import { firedNeverTraded, refusalSummary } from "./report-model.ts";
import type { ReportModel } from "./report-model.ts";

/** The memo's limit on the daily P&L correlation between strategies run together. */
export const CORRELATION_LIMIT = 0.6;

/** Columns the terminal report fits in: wide tables are cut into blocks of columns, long text wraps. */
export const REPORT_WIDTH = 100;

const width = (text: string): number => [...text].length;

/** Left-aligned columns two spaces apart; `right` columns are right-aligned. Trailing spaces trimmed. */
export function textTable(rows: readonly (readonly string[])[], right: ReadonlySet<number> = new Set()): string {
  const widths = rows[0]?.map((_, col) => Math.max(...rows.map((r) => [...(r[col] ?? "")].length))) ?? [];
  const pad = (cell: string, col: number) => {
    const gap = " ".repeat(Math.max(0, (widths[col] ?? 0) - [...cell].length));
    return right.has(col) ? gap + cell : cell + gap;
  };
  return rows.map((r) => r.map(pad).join("  ").trimEnd()).join("\n");
}

/**
 * A table too wide for `maxWidth` as several tables, one under the other: each repeats the first
 * `keep` columns (the row labels) and takes as many of the other columns as fit. A column wider
 * than the space left still gets a block of its own.
 */
export function blockTable(rows: readonly (readonly string[])[], right: ReadonlySet<number> = new Set(), maxWidth = REPORT_WIDTH, keep = 1): string {
  const columns = rows[0]?.length ?? 0;
  const widths = Array.from({ length: columns }, (_, col) => Math.max(...rows.map((r) => width(r[col] ?? ""))));
  const keptWidth = widths.slice(0, keep).reduce((sum, w) => sum + w + 2, 0);
  const blocks: number[][] = [];
  let block: number[] = [];
  let used = keptWidth;
  for (let col = keep; col < columns; col += 1) {
    const w = (widths[col] ?? 0) + 2;
    if (block.length > 0 && used + w - 2 > maxWidth) {
      blocks.push(block);
      block = [];
      used = keptWidth;
    }
    block.push(col);
    used += w;
  }
  if (block.length > 0 || blocks.length === 0) blocks.push(block);
  const kept = Array.from({ length: keep }, (_, i) => i);
  return blocks
    .map((cols) => {
      const pick = [...kept, ...cols];
      const sub = new Set(pick.flatMap((col, i) => (right.has(col) ? [i] : [])));
      return textTable(
        rows.map((r) => pick.map((col) => r[col] ?? "")),
        sub,
      );
    })
    .join("\n\n");
}

/**
 * A table whose last column is free text: the other columns as in {@link textTable}, the last
 * one wrapped at word boundaries so that no line is wider than `maxWidth` (continuation lines
 * start under the column).
 */
export function wrapLastColumn(rows: readonly (readonly string[])[], right: ReadonlySet<number> = new Set(), maxWidth = REPORT_WIDTH): string {
  const columns = rows[0]?.length ?? 0;
  if (columns < 2) return textTable(rows, right);
  const fixed = textTable(
    rows.map((r) => r.slice(0, -1)),
    right,
  ).split("\n");
  const fixedWidths = Array.from({ length: columns - 1 }, (_, col) => Math.max(...rows.map((r) => width(r[col] ?? ""))));
  const start = fixedWidths.reduce((sum, w) => sum + w + 2, 0);
  const room = Math.max(20, maxWidth - start);
  return rows
    .map((r, i) => {
      const head = (fixed[i] ?? "").padEnd(start);
      const pieces = wrapWords(r[columns - 1] ?? "", room);
      return [head + (pieces[0] ?? ""), ...pieces.slice(1).map((piece) => " ".repeat(start) + piece)].map((line) => line.trimEnd()).join("\n");
    })
    .join("\n");
}

/** Words of `text` in lines of at most `room` characters (a longer word gets a line of its own). */
function wrapWords(text: string, room: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    if (line !== "" && width(line) + 1 + width(word) > room) {
      lines.push(line);
      line = word;
    } else {
      line = line === "" ? word : `${line} ${word}`;
    }
  }
  lines.push(line);
  return lines;
}

/** A text line wrapped at `maxWidth`; continuation lines indented two more than the line. */
export function wrapLine(line: string, maxWidth = REPORT_WIDTH): string {
  if (width(line) <= maxWidth) return line;
  const indent = " ".repeat((/^ */.exec(line)?.[0].length ?? 0) + 2);
  const [first = "", ...rest] = wrapWords(line.trimStart(), maxWidth - indent.length);
  return [line.slice(0, line.length - line.trimStart().length) + first, ...rest.map((piece) => indent + piece)].join("\n");
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
  if (!model.completeness.complete) out.push(`PROVISIONAL: every verdict below is provisional: ${model.completeness.reason ?? ""}`);
  out.push(`period: ${model.period.text}`);
  out.push(`  why this period: ${model.period.why}`);
  out.push(`starting equity: ${startingEquityText(model)}; positions open at the end of the journal: ${model.openPositions}`);
  out.push(`equity curves: ${model.equitySourceNote}`);
  out.push(`trials (the deflated Sharpe's N): ${model.trials.text}`);
  for (const note of model.notes) out.push(`note: ${note}`);
  out.push("");

  const reports = [...p.strategies, p.combined];
  out.push("FIGURES");
  out.push(blockTable([["figure", ...p.strategies.map((s) => s.figures.name), "combined"], ...figureRows(reports, model.variants).map((r) => [r.label, ...r.cells])]));
  out.push("");

  const provisional = model.completeness.complete ? "" : " (provisional: the journal is incomplete)";
  out.push(`GATES (plain = point estimate; confident = see conventions.verdict)${provisional}`);
  for (const r of reports) {
    out.push(`${r.figures.name} — gate ${r.verdict.gate}`);
    const rows = r.verdict.criteria.map((c) => {
      const { measured, threshold } = criterionCells(c);
      return [`  ${c.criterion}`, measured, threshold, c.pass ? "pass" : "FAIL", c.confident ? "pass" : "FAIL", c.reason];
    });
    out.push(wrapLastColumn([["  criterion", "measured", "threshold", "plain", "confident", "detail"], ...rows]));
    out.push(`  verdict${model.completeness.complete ? "" : " (provisional)"}: ${r.verdict.confidentPass ? "PASS with confidence" : r.verdict.pass ? "passes on point estimates only" : "FAIL"} — ${r.verdict.reason}`);
    out.push("");
  }

  if (model.lifecycle.length > 0) {
    out.push(`LIFECYCLE (recommendation → moves; written only with --apply-lifecycle)${model.completeness.complete ? "" : " (provisional: not written while the journal is incomplete)"}`);
    out.push(
      wrapLastColumn([
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
    out.push(blockTable([["", ...m.names], ...m.names.map((n, i) => [n, ...(m.values[i] ?? []).map((v, j) => cell(v, i, j))])], new Set(m.names.map((_, i) => i + 1))));
    const flagged = correlatedPairs(m);
    out.push(flagged.length === 0 ? "no pair at or above the limit" : flagged.map((f) => `correlated: ${f.a} / ${f.b} ρ = ${num(f.rho)}`).join("\n"));
    out.push("");
  }

  if (model.signals.length > 0) {
    const books = model.signals.some((s) => s.own !== null);
    if (books) {
      // Each strategy's own book, then the combined one (every strategy in one account, its limits shared).
      out.push("SIGNALS (own book = the strategy alone in its account; combined = every strategy in one)");
      out.push(
        textTable(
          [
            ["strategy", "fired", "own accepted", "own refused", "combined accepted", "combined refused"],
            ...model.signals.map((s) => [s.strategy, String(s.fired), String(s.own?.accepted ?? 0), String(s.own?.rejected ?? 0), String(s.accepted), String(s.rejected)]),
          ],
          new Set([1, 2, 3, 4, 5]),
        ),
      );
      const refused = model.signals.filter((s) => s.rejected > 0 || (s.own?.rejected ?? 0) > 0);
      if (refused.length > 0) {
        out.push("REFUSALS BY CODE (which rules refused what, in each book)");
        out.push(
          wrapLastColumn([
            ["strategy", "book", "refusals"],
            ...refused.flatMap((s) => [
              ...((s.own?.rejected ?? 0) > 0 && s.own !== null ? [[s.strategy, "own", refusalSummary(s.own)]] : []),
              ...(s.rejected > 0 ? [[s.strategy, "combined", refusalSummary(s)]] : []),
            ]),
          ]),
        );
      }
    } else {
      out.push("SIGNALS");
      out.push(textTable([["strategy", "fired", "accepted", "rejected"], ...model.signals.map((s) => [s.strategy, String(s.fired), String(s.accepted), String(s.rejected)])], new Set([1, 2, 3])));
    }
    const never = firedNeverTraded(model.signals);
    if (never.length > 0) {
      out.push(`FIRED BUT NEVER TRADED${books ? " IN ITS OWN BOOK" : ""} (refusals by code)`);
      for (const s of never) out.push(`  ${s.strategy}: ${refusalSummary(s.own ?? s) || "no decision recorded"}`);
    }
    out.push("");
  }

  const sources = model.thresholdSources;
  if (sources.some((r) => r.source !== "fixed")) {
    out.push("RESULTS BY THRESHOLD SOURCE (percentile: the rule met its percentile; fallback: fewer values than it needs yet; fixed: a number)");
    out.push(
      textTable(
        [["strategy", "thresholds", "trades", "win rate", "net P&L"], ...sources.map((r) => [r.strategy, r.source, String(r.trades), pct(r.winRate), usd(r.pnlUsd)])],
        new Set([2, 3, 4]),
      ),
    );
    out.push("");
  }

  out.push("CONVENTIONS");
  for (const [key, text] of Object.entries(p.conventions)) out.push(`  ${key}: ${text}`);
  // Notes, verdicts and conventions are prose: wrapped, like the tables, to the report's width.
  return `${out.flatMap((block) => block.split("\n").map((line) => wrapLine(line))).join("\n")}\n`;
}
