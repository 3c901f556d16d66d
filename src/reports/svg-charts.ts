/**
 * Small inline SVG charts for the HTML report: line chart over time and a histogram. No script,
 * no fonts, no network: plain SVG elements with system fonts. Every text is escaped. Pure.
 */

/** Escapes text for HTML and SVG content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll('"', "&quot;").replaceAll("'", "&#39;");
}

/** A line of a chart: x (ms), y (any unit). */
export interface Line {
  readonly name: string;
  readonly points: readonly { readonly x: number; readonly y: number }[];
  /** CSS colour. */
  readonly colour: string;
  /** Dashed line (used for realised-only curves). */
  readonly dashed?: boolean;
  /** Fill the area between the line and y = 0. */
  readonly area?: boolean;
}

/** Chart size and axis formatting. */
export interface ChartOptions {
  readonly width?: number;
  readonly height?: number;
  readonly title: string;
  /** Formats a y value for the axis labels. */
  readonly formatY: (y: number) => string;
}

/** Distinguishable colours for the series (the first is the combined curve). */
export const PALETTE = ["#1f2937", "#2563eb", "#dc2626", "#16a34a", "#9333ea", "#ea580c", "#0891b2", "#ca8a04", "#db2777", "#4b5563"] as const;

const MARGIN = { left: 78, right: 16, top: 28, bottom: 40 };
const round = (x: number) => Math.round(x * 10) / 10;
const date = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** Four evenly spaced values from lo to hi. */
function ticks(lo: number, hi: number): number[] {
  return [0, 1, 2, 3].map((i) => lo + ((hi - lo) * i) / 3);
}

/** A line chart of `lines` against time, with y ticks, the first and last date, and a legend. */
export function lineChart(lines: readonly Line[], options: ChartOptions): string {
  const width = options.width ?? 860;
  const height = options.height ?? 280;
  const all = lines.flatMap((l) => l.points);
  const title = `<text x="${MARGIN.left}" y="18" class="title">${escapeHtml(options.title)}</text>`;
  if (all.length === 0) {
    return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img">${title}<text x="${width / 2}" y="${height / 2}" text-anchor="middle" class="muted">no data</text></svg>`;
  }
  const xs = all.map((p) => p.x);
  const ys = all.map((p) => p.y);
  if (lines.some((l) => l.area === true)) ys.push(0);
  let [x0, x1] = [Math.min(...xs), Math.max(...xs)];
  let [y0, y1] = [Math.min(...ys), Math.max(...ys)];
  if (x0 === x1) [x0, x1] = [x0 - 43_200_000, x1 + 43_200_000];
  if (y0 === y1) [y0, y1] = [y0 - Math.max(1, Math.abs(y0) * 0.01), y1 + Math.max(1, Math.abs(y1) * 0.01)];
  const pw = width - MARGIN.left - MARGIN.right;
  const ph = height - MARGIN.top - MARGIN.bottom;
  const sx = (x: number) => round(MARGIN.left + ((x - x0) / (x1 - x0)) * pw);
  const sy = (y: number) => round(MARGIN.top + (1 - (y - y0) / (y1 - y0)) * ph);

  const parts: string[] = [title];
  for (const t of ticks(y0, y1)) {
    parts.push(`<line x1="${MARGIN.left}" x2="${width - MARGIN.right}" y1="${sy(t)}" y2="${sy(t)}" class="grid"/>`);
    parts.push(`<text x="${MARGIN.left - 6}" y="${sy(t) + 4}" text-anchor="end" class="axis">${escapeHtml(options.formatY(t))}</text>`);
  }
  parts.push(`<text x="${MARGIN.left}" y="${height - 12}" class="axis">${date(x0)}</text>`);
  parts.push(`<text x="${width - MARGIN.right}" y="${height - 12}" text-anchor="end" class="axis">${date(x1)}</text>`);
  for (const l of lines) {
    if (l.points.length === 0) continue;
    const d = l.points.map((p, i) => `${i === 0 ? "M" : "L"}${sx(p.x)},${sy(p.y)}`).join("");
    if (l.area === true) {
      const first = l.points[0]!;
      const last = l.points.at(-1)!;
      parts.push(`<path d="${d}L${sx(last.x)},${sy(0)}L${sx(first.x)},${sy(0)}Z" fill="${l.colour}" fill-opacity="0.25" stroke="none"/>`);
    }
    parts.push(`<path d="${d}" fill="none" stroke="${l.colour}" stroke-width="1.6"${l.dashed === true ? ' stroke-dasharray="5 3"' : ""}/>`);
  }
  // Legend under the plot, four entries a row (the chart grows by one row each).
  if (lines.length > 1) {
    lines.forEach((l, i) => {
      const lx = MARGIN.left + (i % 4) * 190;
      const ly = height + 8 + Math.floor(i / 4) * 16;
      parts.push(
        `<line x1="${lx}" x2="${lx + 18}" y1="${ly - 4}" y2="${ly - 4}" stroke="${l.colour}" stroke-width="2"${l.dashed === true ? ' stroke-dasharray="5 3"' : ""}/><text x="${lx + 22}" y="${ly}" class="axis">${escapeHtml(l.name)}</text>`,
      );
    });
  }
  const total = lines.length > 1 ? height + 4 + Math.ceil(lines.length / 4) * 16 : height;
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${total}" width="${width}" height="${total}" role="img">${parts.join("")}</svg>`;
}

/** A histogram: one bar per bin, x labels at both ends. */
export function histogram(bins: readonly { readonly fromUsd: number; readonly toUsd: number; readonly count: number }[], options: ChartOptions & { readonly formatX: (x: number) => string }): string {
  const width = options.width ?? 860;
  const height = options.height ?? 240;
  const title = `<text x="${MARGIN.left}" y="18" class="title">${escapeHtml(options.title)}</text>`;
  if (bins.length === 0) {
    return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img">${title}<text x="${width / 2}" y="${height / 2}" text-anchor="middle" class="muted">no trades</text></svg>`;
  }
  const maxCount = Math.max(...bins.map((b) => b.count));
  const pw = width - MARGIN.left - MARGIN.right;
  const ph = height - MARGIN.top - MARGIN.bottom;
  const bw = pw / bins.length;
  const parts: string[] = [title];
  for (const t of ticks(0, maxCount)) {
    const y = round(MARGIN.top + (1 - t / maxCount) * ph);
    parts.push(`<line x1="${MARGIN.left}" x2="${width - MARGIN.right}" y1="${y}" y2="${y}" class="grid"/>`);
    parts.push(`<text x="${MARGIN.left - 6}" y="${y + 4}" text-anchor="end" class="axis">${escapeHtml(options.formatY(t))}</text>`);
  }
  bins.forEach((b, i) => {
    const h = (b.count / maxCount) * ph;
    const colour = b.toUsd <= 0 ? "#dc2626" : b.fromUsd >= 0 ? "#16a34a" : "#6b7280";
    parts.push(
      `<rect x="${round(MARGIN.left + i * bw + 1)}" y="${round(MARGIN.top + ph - h)}" width="${round(Math.max(1, bw - 2))}" height="${round(h)}" fill="${colour}"><title>${escapeHtml(`${options.formatX(b.fromUsd)} … ${options.formatX(b.toUsd)}: ${b.count}`)}</title></rect>`,
    );
  });
  parts.push(`<text x="${MARGIN.left}" y="${height - 12}" class="axis">${escapeHtml(options.formatX(bins[0]!.fromUsd))}</text>`);
  parts.push(`<text x="${width - MARGIN.right}" y="${height - 12}" text-anchor="end" class="axis">${escapeHtml(options.formatX(bins.at(-1)!.toUsd))}</text>`);
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img">${parts.join("")}</svg>`;
}
