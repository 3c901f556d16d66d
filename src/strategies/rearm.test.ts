import { describe, expect, it } from "vitest";
import { Rearm } from "./rearm.ts";

const run = (r: Rearm, conditions: boolean[]): boolean[] => conditions.map((c) => r.step(c));

describe("Rearm", () => {
  it("fires once for a condition that stays true", () => {
    expect(run(new Rearm(), [true, true, true])).toEqual([true, false, false]);
  });

  it("fires again after one false evaluation by default", () => {
    expect(run(new Rearm(), [true, false, true, true, false, true])).toEqual([true, false, true, false, false, true]);
  });

  it("needs N consecutive false evaluations to re-arm when asked", () => {
    // true false true: streak broken at 1 → still disarmed; then 3 falses re-arm.
    expect(run(new Rearm(3), [true, false, true, false, false, false, true])).toEqual([true, false, false, false, false, false, true]);
  });
});
