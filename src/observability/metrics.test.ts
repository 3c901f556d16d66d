import { describe, expect, it } from "vitest";
import { MetricsRegistry, escapeHelp, escapeLabelValue, formatValue, nearestRank } from "./metrics.ts";

describe("the Prometheus text exposition format (0.0.4)", () => {
  it("writes HELP, TYPE and one sample per line for a counter with labels", () => {
    const r = new MetricsRegistry();
    const c = r.counter("sm_events_total", "Events by kind.", ["kind"]);
    c.inc({ kind: "book" });
    c.inc({ kind: "book" }, 2);
    c.inc({ kind: "trade" });
    expect(r.render()).toBe(['# HELP sm_events_total Events by kind.', "# TYPE sm_events_total counter", 'sm_events_total{kind="book"} 3', 'sm_events_total{kind="trade"} 1', ""].join("\n"));
  });

  it("writes a label-less series without braces (a counter from 0), and a family with no series as HELP and TYPE only", () => {
    const r = new MetricsRegistry();
    const a = r.counter("a_total", "A.");
    expect(r.render()).toBe("# HELP a_total A.\n# TYPE a_total counter\na_total 0\n");
    a.inc();
    r.gauge("b", "B.", ["book"]);
    expect(r.render()).toBe("# HELP a_total A.\n# TYPE a_total counter\na_total 1\n# HELP b B.\n# TYPE b gauge\n");
  });

  it("escapes backslash, double quote and line feed in label values, and backslash and line feed in HELP", () => {
    expect(escapeLabelValue('a\\b"c\nd')).toBe('a\\\\b\\"c\\nd');
    expect(escapeHelp('x\\y\nz "q"')).toBe('x\\\\y\\nz "q"');
    const r = new MetricsRegistry();
    r.gauge("g", "line one\nline two", ["market"]).set({ market: 'we"ird\\' }, 1);
    expect(r.render()).toBe('# HELP g line one\\nline two\n# TYPE g gauge\ng{market="we\\"ird\\\\"} 1\n');
  });

  it("writes +Inf, -Inf and NaN as the format spells them", () => {
    expect([formatValue(Infinity), formatValue(-Infinity), formatValue(NaN), formatValue(0.25), formatValue(-3)]).toEqual(["+Inf", "-Inf", "NaN", "0.25", "-3"]);
  });

  it("keeps labels in declaration order whatever order they are given in", () => {
    const r = new MetricsRegistry();
    r.counter("d_total", "D.", ["book", "code"]).inc({ code: "ok", book: "combined" });
    expect(r.render()).toContain('d_total{book="combined",code="ok"} 1');
  });

  it("refuses a counter going down, wrong labels, bad names and a second family of one name", () => {
    const r = new MetricsRegistry();
    const c = r.counter("c_total", "C.", ["kind"]);
    expect(() => c.inc({ kind: "x" }, -1)).toThrow(/only go up/);
    expect(() => c.inc({})).toThrow(/takes labels/);
    expect(() => c.inc({ kind: "x", other: "y" })).toThrow(/takes labels/);
    expect(() => r.gauge("bad-name", "X.")).toThrow(/metric name/);
    expect(() => r.gauge("ok", "X.", ["quantile"])).toThrow(/label name/);
    expect(() => r.counter("c_total", "again")).toThrow(/already registered/);
  });

  it("writes a summary's quantiles (nearest rank), _sum and _count", () => {
    const r = new MetricsRegistry();
    const s = r.summary("lat_seconds", "Latency.", [], [0.5, 0.99]);
    // 1..100 ms: p50 = the 50th value (0.05), p99 = the 99th (0.099); sum = 5050 ms = 5.05 s.
    for (let i = 1; i <= 100; i++) s.observe({}, i / 1_000);
    const text = r.render().split("\n");
    expect(text).toContain('lat_seconds{quantile="0.5"} 0.05');
    expect(text).toContain('lat_seconds{quantile="0.99"} 0.099');
    expect(Number(text.find((l) => l.startsWith("lat_seconds_sum "))?.split(" ")[1])).toBeCloseTo(5.05, 12);
    expect(text).toContain("lat_seconds_count 100");
    expect(text[1]).toBe("# TYPE lat_seconds summary");
  });

  it("takes a summary's quantiles over its latest window only, and NaN before any observation", () => {
    const r = new MetricsRegistry();
    const s = r.summary("w", "W.", ["book"], [0.5], 4);
    s.observe({ book: "a" }, 100);
    for (const x of [1, 2, 3, 4]) s.observe({ book: "a" }, x);
    // The window holds 1, 2, 3, 4 (100 fell out): rank ceil(0.5 * 4) = 2 → 2; count and sum cover all five.
    expect(s.quantile({ book: "a" }, 0.5)).toBe(2);
    expect(s.count({ book: "a" })).toBe(5);
    expect(r.render()).toContain('w_sum{book="a"} 110');
    expect(s.quantile({ book: "b" }, 0.5)).toBeNaN();
  });

  it("nearest rank: q = 0 is the smallest, q = 1 the largest, an empty list NaN", () => {
    expect(nearestRank([5, 1, 3], 0)).toBe(1);
    expect(nearestRank([5, 1, 3], 1)).toBe(5);
    // ceil(0.5 * 3) = 2 → the 2nd smallest.
    expect(nearestRank([5, 1, 3], 0.5)).toBe(3);
    expect(nearestRank([], 0.5)).toBeNaN();
  });
});
