import { describe, expect, it } from "vitest";
import { mulberry32, randomInt, randomNormal } from "./prng.ts";

describe("mulberry32", () => {
  it("gives the same sequence for the same seed and a different one for another seed", () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const c = mulberry32(43);
    const xs = [a.next(), a.next(), a.next()];
    expect([b.next(), b.next(), b.next()]).toEqual(xs);
    expect(c.next()).not.toBe(xs[0]);
  });

  it("matches the reference implementation's first output for seed 1", () => {
    // Reference JS: mulberry32(1)() = 0.6270739405881613
    expect(mulberry32(1).next()).toBeCloseTo(0.6270739405881613, 15);
  });

  it("is uniform in [0, 1): mean ≈ 1/2 and variance ≈ 1/12 over 100 000 draws", () => {
    const r = mulberry32(7);
    let s = 0;
    let ss = 0;
    const n = 100_000;
    for (let i = 0; i < n; i += 1) {
      const u = r.next();
      expect(u >= 0 && u < 1).toBe(true);
      s += u;
      ss += u * u;
    }
    const mean = s / n;
    // Standard error of the mean: sqrt(1/12/n) ≈ 0.0009; 5 standard errors.
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.0046);
    expect(Math.abs(ss / n - mean * mean - 1 / 12)).toBeLessThan(0.002);
  });

  it("draws integers in range and normals with mean 0 and variance 1", () => {
    const r = mulberry32(9);
    const counts = [0, 0, 0];
    for (let i = 0; i < 30_000; i += 1) counts[randomInt(r, 3)]! += 1;
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(500);
    let s = 0;
    let ss = 0;
    for (let i = 0; i < 50_000; i += 1) {
      const z = randomNormal(r);
      s += z;
      ss += z * z;
    }
    expect(Math.abs(s / 50_000)).toBeLessThan(0.025);
    expect(Math.abs(ss / 50_000 - 1)).toBeLessThan(0.04);
  });
});
