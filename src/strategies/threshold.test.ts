import fc from "fast-check";
import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../core/index.ts";
import { parseStrategyConfig } from "./config.ts";
import { checkOrdered, describeSetting, percentileRule, Threshold, thresholdSourceOf, thresholdWithDefault } from "./threshold.ts";
import type { ThresholdMet } from "./threshold.ts";

/** numpy's percentile (method "linear") of a plain array: the reference for the property test. */
function npPercentile(values: readonly number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  const rank = (p / 100) * (s.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.min(s.length - 1, lo + 1);
  return s[lo]! + (s[hi]! - s[lo]!) * (rank - lo);
}

describe("Threshold", () => {
  it("a fixed threshold is its number, recorded as the number", () => {
    const t = new Threshold(2);
    expect(t.decide(5)).toEqual({ value: 2, recorded: 2 });
    expect(t.adaptive).toBe(false);
    expect(t.samples).toBe(0);
  });

  it("a rule gives its fallback until minSamples values are known, then their percentile", () => {
    const t = new Threshold({ percentile: 50, window: 4, minSamples: 3, fallback: 9 });
    // Nothing known before the first decision: the fallback, 0 samples.
    expect(t.decide(1).recorded).toEqual({ value: 9, source: "fallback", percentile: 50, samples: 0 });
    expect(t.decide(3).recorded).toEqual({ value: 9, source: "fallback", percentile: 50, samples: 1 });
    expect(t.decide(2).recorded).toEqual({ value: 9, source: "fallback", percentile: 50, samples: 2 });
    // Known {1, 3, 2}: median 2.
    expect(t.decide(10).recorded).toEqual({ value: 2, source: "percentile", percentile: 50, samples: 3 });
    // Known {1, 3, 2, 10}: median (2 + 3) / 2 = 2.5.
    expect(t.decide(4).value).toBe(2.5);
    // Window 4: the 1 is gone, known {3, 2, 10, 4}: median (3 + 4) / 2 = 3.5.
    expect(t.decide(0).value).toBe(3.5);
  });

  it("never uses the value being judged: a spike does not raise its own bar", () => {
    const t = new Threshold({ percentile: 100, window: 10, minSamples: 1, fallback: 5 });
    t.observe(1);
    // The maximum known before is 1, so a value of 100 is judged against 1, not 100.
    expect(t.decide(100).value).toBe(1);
    expect(t.current().value).toBe(100);
  });

  it("two-sided rules sample |value|", () => {
    const t = new Threshold({ percentile: 50, window: 10, minSamples: 2, fallback: 1 }, { absolute: true });
    t.observe(-4);
    t.observe(2);
    // |−4|, 2: median 3.
    expect(t.current().value).toBe(3);
  });

  it("property: the threshold at step t is the percentile of the window of values strictly before t (no look-ahead)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 200 }),
        fc.integer({ min: 0, max: 100 }),
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: 1, max: 50 }),
        fc.boolean(),
        (values, p, window, min, absolute) => {
          const minSamples = Math.min(min, window);
          const t = new Threshold({ percentile: p, window, minSamples, fallback: 0.123 }, { absolute });
          values.forEach((x, i) => {
            const before = values.slice(Math.max(0, i - window), i).map((y) => (absolute ? Math.abs(y) : y));
            const got = t.decide(x).recorded as ThresholdMet;
            expect(got.samples).toBe(before.length);
            if (before.length < minSamples) {
              expect(got).toEqual({ value: 0.123, source: "fallback", percentile: p, samples: before.length });
            } else {
              expect(got.source).toBe("percentile");
              const want = npPercentile(before, p);
              expect(Math.abs(got.value - want)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(want)));
            }
          });
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("threshold settings", () => {
  const schema = v.strictObject({ t: thresholdWithDefault(0, 1, "fraction", percentileRule(0.5)) });

  it("accept a number or a rule; the default is the memo's rule (p90 of 1000, 100 to warm)", () => {
    expect(parseStrategyConfig("strategies.x", schema, {}).t).toEqual({ percentile: 90, window: 1000, minSamples: 100, fallback: 0.5 });
    expect(parseStrategyConfig("strategies.x", schema, { t: 0.2 }).t).toBe(0.2);
    const rule = { percentile: 75, window: 500, minSamples: 50, fallback: 0.3 };
    expect(parseStrategyConfig("strategies.x", schema, { t: rule }).t).toEqual(rule);
  });

  it("reject out-of-range numbers and bad rules with the key, the value and what is allowed", () => {
    expect(() => parseStrategyConfig("strategies.x", schema, { t: 2 })).toThrow("config strategies.x.t = 2 is invalid: a number of fraction between 0 and 1");
    expect(() => parseStrategyConfig("strategies.x", schema, { t: { percentile: 190, window: 10, minSamples: 5, fallback: 0.3 } })).toThrow(
      "config strategies.x.t.percentile = 190 is invalid",
    );
    expect(() => parseStrategyConfig("strategies.x", schema, { t: { percentile: 90, window: 10, minSamples: 50, fallback: 0.3 } })).toThrow("minSamples at most window");
    expect(() => parseStrategyConfig("strategies.x", schema, { t: { percentile: 90, window: 10, minSamples: 5 } })).toThrow("or a percentile rule");
    expect(() => parseStrategyConfig("strategies.x", schema, { t: { percentile: 90, window: 10, minSamples: 5, fallback: 2 } })).toThrow(ConfigError);
  });

  it("weak/strong pairs are checked on percentiles and on their nominal values", () => {
    expect(() => checkOrdered("s", "weak", 0.4, "strong", 0.6)).not.toThrow();
    expect(() => checkOrdered("s", "weak", 0.7, "strong", 0.6)).toThrow("config s.weak = 0.7 is invalid: at most strong (0.6)");
    expect(() => checkOrdered("s", "weak", percentileRule(0.4, 95), "strong", percentileRule(0.6, 90))).toThrow("a percentile at most strong's (90)");
    expect(() => checkOrdered("s", "weak", percentileRule(0.4, 75), "strong", percentileRule(0.6, 90))).not.toThrow();
    expect(describeSetting(percentileRule(2), true)).toBe("p90 of the last 1000 |values| (2 until 100)");
  });

  it("a signal's threshold source: fixed, percentile, fallback or mixed", () => {
    const met = (source: "percentile" | "fallback"): ThresholdMet => ({ value: 1, source, percentile: 90, samples: 100 });
    expect(thresholdSourceOf({ a: 1 })).toBe("fixed");
    expect(thresholdSourceOf({ a: 1, b: met("percentile") })).toBe("percentile");
    expect(thresholdSourceOf({ b: met("fallback") })).toBe("fallback");
    expect(thresholdSourceOf({ b: met("fallback"), c: met("percentile") })).toBe("mixed");
  });
});
