import { describe, expect, it } from "vitest";
import { barFillPrice } from "./bar-fill.ts";
import { barExit, basisExit, pointExit } from "./exits.ts";
import { fundingAmountUsd } from "./funding.ts";

describe("barExit (only bars known)", () => {
  it("assumes the stop first when one bar holds both the stop and the target (long)", () => {
    expect(barExit("long", 98, 102, { open: 100, high: 103, low: 97 })).toEqual({ reason: "stop", refPx: 98 });
  });
  it("assumes the stop first for a short too", () => {
    expect(barExit("short", 102, 98, { open: 100, high: 103, low: 97 })).toEqual({ reason: "stop", refPx: 102 });
  });
  it("fills a gap through the stop at the open, not at the better stop level", () => {
    expect(barExit("long", 98, 102, { open: 96, high: 97, low: 95 })).toEqual({ reason: "stop", refPx: 96 });
  });
  it("takes the target at its level when only the target is in range", () => {
    expect(barExit("long", 98, 102, { open: 100, high: 102.5, low: 99 })).toEqual({ reason: "target", refPx: 102 });
  });
  it("does nothing inside the bracket", () => {
    expect(barExit("short", 102, 98, { open: 100, high: 101, low: 99 })).toBeUndefined();
  });
});

describe("pointExit and basisExit", () => {
  it("fires stop and target at their levels", () => {
    expect(pointExit("long", 98, 102, 98)?.reason).toBe("stop");
    expect(pointExit("short", 102, 98, 98)?.reason).toBe("target");
    expect(pointExit("short", 102, 98, 100)).toBeUndefined();
  });
  it("a short-perp basis position converges at basis ≤ target and stops at basis ≥ stop", () => {
    expect(basisExit("short", 0, 0.006, 0)).toBe("convergence");
    expect(basisExit("short", 0, 0.006, 0.006)).toBe("stop");
    expect(basisExit("short", 0, 0.006, 0.003)).toBeUndefined();
    expect(basisExit("long", 0, -0.006, 0.0001)).toBe("convergence");
    expect(basisExit("long", 0, -0.006, -0.007)).toBe("stop");
  });
});

describe("barFillPrice and fundingAmountUsd", () => {
  it("moves a buy up and a sell down by half the spread plus slippage", () => {
    // 1 bp spread → 0.5 bp half + 1 bp slippage = 1.5 bp: 100 × 1.00015 = 100.015.
    expect(barFillPrice(100, "buy", 0.0001, 0.0001)).toBeCloseTo(100.015, 10);
    expect(barFillPrice(100, "sell", 0.0001, 0.0001)).toBeCloseTo(99.985, 10);
  });
  it("makes longs pay and shorts receive a positive rate", () => {
    // 2 coins × 100 USD × 0.01 % = 0.02 USD.
    expect(fundingAmountUsd(2, 100, 0.0001)).toBeCloseTo(-0.02, 15);
    expect(fundingAmountUsd(-2, 100, 0.0001)).toBeCloseTo(0.02, 15);
    expect(fundingAmountUsd(2, 100, -0.00005)).toBeCloseTo(0.01, 15);
    expect(Object.is(fundingAmountUsd(2, 100, 0), 0)).toBe(true);
  });
});
