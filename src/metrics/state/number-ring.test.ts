import { describe, expect, it } from "vitest";
import { NumberRing } from "./number-ring.ts";

describe("NumberRing", () => {
  it("keeps the last `capacity` values, oldest first, and indexes from either end", () => {
    const r = new NumberRing(3);
    for (const x of [1, 2, 3, 4, 5]) r.push(x);
    // holds 3, 4, 5
    expect(r.size).toBe(3);
    expect([r.at(0), r.at(1), r.at(2)]).toEqual([3, 4, 5]);
    expect(r.at(-1)).toBe(5);
    expect(r.at(-3)).toBe(3);
    expect(r.at(3)).toBeNaN();
    expect(r.at(-4)).toBeNaN();
  });

  it("replaces the newest value in place", () => {
    const r = new NumberRing(2);
    r.replaceLast(7); // empty: appends
    r.push(8);
    r.push(9); // holds 8, 9
    r.replaceLast(10);
    expect([r.at(0), r.at(1)]).toEqual([8, 10]);
  });

  it("sums a range oldest first, clamped to the values held", () => {
    const r = new NumberRing(4);
    for (const x of [1, 2, 4, 8, 16]) r.push(x);
    // holds 2, 4, 8, 16
    expect(r.sum(0, 4)).toBe(30);
    expect(r.sum(1, 3)).toBe(12);
    expect(r.sum(-5, 10)).toBe(30);
    // Oldest first, as a batch loop would: (0.1 + 0.2) + 0.3, not 0.1 + (0.2 + 0.3).
    const f = new NumberRing(3);
    for (const x of [0.1, 0.2, 0.3]) f.push(x);
    expect(f.sum(0, 3)).toBe(0.1 + 0.2 + 0.3);
  });
});
