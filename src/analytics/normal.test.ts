import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { normalCdf, normalQuantile } from "./normal.ts";

// Reference values: R's pnorm/qnorm (double precision), e.g. pnorm(1.96) = 0.9750021048517795.
describe("normalCdf", () => {
  it("matches published values of Φ", () => {
    expect(normalCdf(0)).toBe(0.5);
    expect(normalCdf(1.96)).toBeCloseTo(0.9750021048517795, 12);
    expect(normalCdf(1)).toBeCloseTo(0.8413447460685429, 12);
    expect(normalCdf(-1)).toBeCloseTo(0.15865525393145707, 12);
    expect(normalCdf(-3)).toBeCloseTo(0.0013498980316301, 14);
    expect(normalCdf(2.5)).toBeCloseTo(0.9937903346742238, 12);
  });

  it("is accurate in the far tail (continued fraction branch)", () => {
    // pnorm(-8) = 6.220960574271785e-16
    expect(normalCdf(-8) / 6.220960574271785e-16).toBeCloseTo(1, 6);
    expect(normalCdf(-40)).toBe(0);
    expect(normalCdf(40)).toBe(1);
  });

  it("is symmetric: Φ(−x) = 1 − Φ(x)", () => {
    fc.assert(fc.property(fc.double({ min: -10, max: 10, noNaN: true }), (x) => Math.abs(normalCdf(-x) - (1 - normalCdf(x))) < 1e-14));
  });
});

describe("normalQuantile", () => {
  it("matches published values of Φ⁻¹", () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 12);
    expect(normalQuantile(0.5)).toBe(0);
    expect(normalQuantile(0.95)).toBeCloseTo(1.6448536269514722, 12);
    expect(normalQuantile(0.001)).toBeCloseTo(-3.090232306167813, 11);
    expect(normalQuantile(1e-10)).toBeCloseTo(-6.361340902404056, 9);
  });

  it("gives ±Infinity at 0 and 1 and NaN outside [0, 1]", () => {
    expect(normalQuantile(0)).toBe(Number.NEGATIVE_INFINITY);
    expect(normalQuantile(1)).toBe(Number.POSITIVE_INFINITY);
    expect(normalQuantile(-0.1)).toBeNaN();
    expect(normalQuantile(1.1)).toBeNaN();
  });

  it("inverts Φ", () => {
    fc.assert(fc.property(fc.double({ min: 1e-12, max: 1 - 1e-12, noNaN: true }), (p) => Math.abs(normalCdf(normalQuantile(p)) - p) < 1e-13 * Math.max(1, p / (1 - p))));
  });
});
