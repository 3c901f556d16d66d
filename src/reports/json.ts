/** The `--json` report: the report model as JSON, numbers only. Pure. */
import type { ReportModel } from "./report-model.ts";

/** Paths (dotted) of every NaN or ±Infinity in a value tree; empty when it is JSON-safe. */
export function nonFinitePaths(value: unknown, path = "$"): string[] {
  if (typeof value === "number") return Number.isFinite(value) ? [] : [path];
  if (Array.isArray(value)) return value.flatMap((v, i) => nonFinitePaths(v, `${path}[${i}]`));
  if (value !== null && typeof value === "object") return Object.entries(value).flatMap(([k, v]) => nonFinitePaths(v, `${path}.${k}`));
  return [];
}

/**
 * The report as JSON (2-space indent, trailing newline). An absent figure is written as `null`
 * (never left out, so every key is there to check); the reason sits beside it where the
 * analytics give one (`sharpe.undefinedReason`, `profitFactor.noLosses`).
 * @throws RangeError naming the paths when the model holds NaN or ±Infinity: the analytics
 *   promise JSON-safe figures, and JSON.stringify would silently turn them into null.
 */
export function reportJson(model: ReportModel): string {
  const bad = nonFinitePaths(model);
  if (bad.length > 0) throw new RangeError(`report holds non-finite numbers at ${bad.slice(0, 10).join(", ")}`);
  return `${JSON.stringify(model, (_key, value: unknown) => (value === undefined ? null : value), 2)}\n`;
}
