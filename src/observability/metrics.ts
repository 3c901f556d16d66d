/**
 * A small Prometheus registry — counters, gauges and summaries with labels — and its text
 * exposition format (version 0.0.4, what `/metrics` serves and Prometheus scrapes):
 *
 * ```text
 * # HELP sm_events_total Market events delivered by the live source, by kind.
 * # TYPE sm_events_total counter
 * sm_events_total{kind="book"} 1234
 * ```
 *
 * One `# HELP` and one `# TYPE` line per family, then one sample per line; label values escape
 * `\` as `\\`, `"` as `\"` and a line feed as `\n`; HELP text escapes `\` and line feeds; values
 * are Go-style floats (`+Inf`, `-Inf`, `NaN`). Written by hand (about 200 lines) rather than taken
 * from `prom-client`: the monitor needs three metric types, no default process metrics and no
 * global registry, and the format is small and tested here against its specification.
 *
 * Summaries keep the latest {@link DEFAULT_SUMMARY_WINDOW} observations (a bounded ring) and
 * report exact quantiles over them (nearest rank), plus `_sum` and `_count` over all time.
 */

/** Labels of one series: name → value. */
export type Labels = Readonly<Record<string, string>>;

/** Metric and label names allowed by the format. */
const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Observations a summary keeps for its quantiles. */
export const DEFAULT_SUMMARY_WINDOW = 1_024;

/** `\` → `\\`, `"` → `\"`, line feed → `\n` (label values). */
export function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}

/** `\` → `\\`, line feed → `\n` (HELP text). */
export function escapeHelp(text: string): string {
  return text.replace(/\\/g, "\\\\").replace(/\n/g, "\\n");
}

/** A sample value as the format writes it: `+Inf`, `-Inf`, `NaN`, else the shortest decimal. */
export function formatValue(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (value === Infinity) return "+Inf";
  if (value === -Infinity) return "-Inf";
  return String(value);
}

function labelText(labels: Labels): string {
  const names = Object.keys(labels);
  if (names.length === 0) return "";
  return `{${names.map((n) => `${n}="${escapeLabelValue(labels[n] ?? "")}"`).join(",")}}`;
}

function seriesKey(labelNames: readonly string[], labels: Labels): string {
  return JSON.stringify(labelNames.map((n) => labels[n] ?? ""));
}

function checkLabels(metric: string, labelNames: readonly string[], labels: Labels): void {
  const given = Object.keys(labels);
  if (given.length !== labelNames.length || !labelNames.every((n) => typeof labels[n] === "string")) {
    throw new Error(`metric ${metric} takes labels ${JSON.stringify(labelNames)} (got ${JSON.stringify(given)})`);
  }
}

/** What every metric family has. */
interface Family {
  readonly name: string;
  readonly help: string;
  readonly type: "counter" | "gauge" | "summary";
  /** Sample lines (without HELP/TYPE), in insertion order of their series. */
  lines(): string[];
}

class LabelledFamily<S> {
  readonly name: string;
  readonly help: string;
  readonly labelNames: readonly string[];
  protected readonly series = new Map<string, { readonly labels: Labels; state: S }>();

  constructor(name: string, help: string, labelNames: readonly string[]) {
    if (!METRIC_NAME.test(name)) throw new Error(`not a Prometheus metric name: ${JSON.stringify(name)}`);
    for (const l of labelNames) if (!LABEL_NAME.test(l) || l.startsWith("__") || l === "quantile") throw new Error(`not a usable label name: ${JSON.stringify(l)}`);
    this.name = name;
    this.help = help;
    this.labelNames = labelNames;
  }

  protected slot(labels: Labels, initial: () => S): { readonly labels: Labels; state: S } {
    checkLabels(this.name, this.labelNames, labels);
    const key = seriesKey(this.labelNames, labels);
    let s = this.series.get(key);
    if (s === undefined) {
      // Labels kept in declaration order, whatever order the caller wrote them in.
      const ordered: Record<string, string> = {};
      for (const n of this.labelNames) ordered[n] = labels[n] ?? "";
      s = { labels: ordered, state: initial() };
      this.series.set(key, s);
    }
    return s;
  }

  /** Drops every series (a gauge family rebuilt at each scrape). */
  reset(): void {
    this.series.clear();
  }

}

/** A value that only goes up (resets only with the process). */
export class Counter extends LabelledFamily<number> implements Family {
  readonly type = "counter" as const;

  /** Adds `by` (default 1; must be ≥ 0) to the series of `labels`. */
  inc(labels: Labels = {}, by = 1): void {
    if (!(by >= 0)) throw new Error(`counter ${this.name} can only go up (inc by ${by})`);
    this.slot(labels, () => 0).state += by;
  }

  /** The series' value (0 when never incremented). */
  get(labels: Labels = {}): number {
    return this.series.get(seriesKey(this.labelNames, labels))?.state ?? 0;
  }

  lines(): string[] {
    return [...this.series.values()].map((s) => `${this.name}${labelText(s.labels)} ${formatValue(s.state)}`);
  }
}

/** A value that goes up and down. */
export class Gauge extends LabelledFamily<number> implements Family {
  readonly type = "gauge" as const;

  set(labels: Labels, value: number): void {
    this.slot(labels, () => 0).state = value;
  }

  get(labels: Labels = {}): number | undefined {
    return this.series.get(seriesKey(this.labelNames, labels))?.state;
  }

  lines(): string[] {
    return [...this.series.values()].map((s) => `${this.name}${labelText(s.labels)} ${formatValue(s.state)}`);
  }
}

interface SummaryState {
  readonly window: number[];
  next: number;
  sum: number;
  count: number;
}

/**
 * Observations (latencies): quantiles over the latest `window` observations (nearest rank,
 * exact), `_sum` and `_count` over all of them. A quantile with no observation yet is `NaN`, as
 * the format asks.
 */
export class Summary extends LabelledFamily<SummaryState> implements Family {
  readonly type = "summary" as const;
  readonly quantiles: readonly number[];
  readonly windowSize: number;

  constructor(name: string, help: string, labelNames: readonly string[], quantiles: readonly number[] = [0.5, 0.9, 0.99], windowSize = DEFAULT_SUMMARY_WINDOW) {
    super(name, help, labelNames);
    for (const q of quantiles) if (!(q >= 0 && q <= 1)) throw new Error(`quantile ${q} is not in [0, 1]`);
    if (!(Number.isInteger(windowSize) && windowSize >= 1)) throw new Error(`summary window ${windowSize} is not a positive integer`);
    this.quantiles = quantiles;
    this.windowSize = windowSize;
  }

  observe(labels: Labels, value: number): void {
    const s = this.slot(labels, () => ({ window: [], next: 0, sum: 0, count: 0 })).state;
    if (s.window.length < this.windowSize) s.window.push(value);
    else s.window[s.next] = value;
    s.next = (s.next + 1) % this.windowSize;
    s.sum += value;
    s.count += 1;
  }

  /** Quantile `q` of the series' window by nearest rank (`NaN` when empty). */
  quantile(labels: Labels, q: number): number {
    const s = this.series.get(seriesKey(this.labelNames, labels))?.state;
    return s === undefined ? NaN : nearestRank(s.window, q);
  }

  /** Observations over all time. */
  count(labels: Labels = {}): number {
    return this.series.get(seriesKey(this.labelNames, labels))?.state.count ?? 0;
  }

  lines(): string[] {
    const out: string[] = [];
    for (const { labels, state } of this.series.values()) {
      const sorted = [...state.window].sort((a, b) => a - b);
      for (const q of this.quantiles) out.push(`${this.name}${labelText({ ...labels, quantile: String(q) })} ${formatValue(nearestRankSorted(sorted, q))}`);
      out.push(`${this.name}_sum${labelText(labels)} ${formatValue(state.sum)}`);
      out.push(`${this.name}_count${labelText(labels)} ${formatValue(state.count)}`);
    }
    return out;
  }
}

/** The value at rank ⌈q·n⌉ (1-based; q = 0 → the smallest) of `values`; `NaN` when empty. */
export function nearestRank(values: readonly number[], q: number): number {
  return nearestRankSorted([...values].sort((a, b) => a - b), q);
}

function nearestRankSorted(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.max(1, Math.ceil(q * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1] ?? NaN;
}

/** Metric families by name, rendered in registration order. */
export class MetricsRegistry {
  readonly #families = new Map<string, Family>();

  /** A counter; one without labels starts at 0 (shown from the first scrape, so `rate()` sees its first increase). */
  counter(name: string, help: string, labelNames: readonly string[] = []): Counter {
    const counter = this.#add(new Counter(name, help, labelNames));
    if (labelNames.length === 0) counter.inc({}, 0);
    return counter;
  }

  gauge(name: string, help: string, labelNames: readonly string[] = []): Gauge {
    return this.#add(new Gauge(name, help, labelNames));
  }

  summary(name: string, help: string, labelNames: readonly string[] = [], quantiles?: readonly number[], windowSize?: number): Summary {
    return this.#add(new Summary(name, help, labelNames, quantiles, windowSize));
  }

  #add<F extends Family>(family: F): F {
    if (this.#families.has(family.name)) throw new Error(`metric ${family.name} is already registered`);
    this.#families.set(family.name, family);
    return family;
  }

  /** The text exposition (content type {@link PROMETHEUS_CONTENT_TYPE}); ends with a line feed. */
  render(): string {
    const out: string[] = [];
    for (const f of this.#families.values()) {
      out.push(`# HELP ${f.name} ${escapeHelp(f.help)}`, `# TYPE ${f.name} ${f.type}`, ...f.lines());
    }
    return out.length === 0 ? "" : `${out.join("\n")}\n`;
  }
}

/** The `Content-Type` of {@link MetricsRegistry.render}'s text. */
export const PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
