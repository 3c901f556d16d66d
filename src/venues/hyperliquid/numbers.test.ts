import { describe, expect, it } from "vitest";
import { ParseError } from "../../core/index.ts";
import {
  decimal,
  optionalCount,
  optionalFinite,
  requiredFinite,
  requiredNonNegative,
  requiredPositive,
  requiredTimeMs,
} from "./numbers.ts";

describe("decimal", () => {
  it("parses Hyperliquid decimal strings and plain numbers", () => {
    expect(decimal("110427.0")).toBe(110427);
    expect(decimal("-0.0000015186")).toBe(-0.0000015186);
    expect(decimal("1.25e-05")).toBe(0.0000125);
    expect(decimal("0.0")).toBe(0);
    expect(decimal(".5")).toBe(0.5);
    expect(decimal(709)).toBe(709);
  });

  it("returns NaN for what Number() would wrongly accept", () => {
    for (const bad of ["", " ", " 1", "1 ", "0x10", "0b1", "0o7", "Infinity", "-Infinity", "NaN", "1e", "-", "abc", "1,5"]) {
      expect(decimal(bad), JSON.stringify(bad)).toBeNaN();
    }
    for (const bad of [null, undefined, true, [], [1], {}, Number.POSITIVE_INFINITY, Number.NaN]) {
      expect(decimal(bad)).toBeNaN();
    }
  });
});

describe("checked numbers", () => {
  it("names the field and the raw value when rejecting", () => {
    expect(() => requiredPositive("-1", "trades[2].sz")).toThrow(new ParseError("trades[2].sz", "-1", "must be a positive finite number"));
    expect(() => requiredPositive("-1", "trades[2].sz")).toThrow('trades[2].sz: must be a positive finite number (got "-1")');
  });

  it("rejects zero where a positive number is required but accepts it as non-negative", () => {
    expect(() => requiredPositive("0.0", "l2Book.levels[0][0].sz")).toThrow(ParseError);
    expect(requiredNonNegative("0.0", "candle.v")).toBe(0);
    expect(() => requiredNonNegative("-0.1", "candle.v")).toThrow("candle.v: must be a non-negative finite number");
  });

  it("accepts negative finite numbers where any sign is allowed", () => {
    expect(requiredFinite("-0.00061334", "fundingRate")).toBe(-0.00061334);
    expect(() => requiredFinite("NaN", "fundingRate")).toThrow('fundingRate: must be a finite number (got "NaN")');
  });

  it("takes times as non-negative integers from numbers or digit strings", () => {
    expect(requiredTimeMs(1761786491067, "time")).toBe(1761786491067);
    expect(requiredTimeMs("1684699200000", "t")).toBe(1684699200000);
    expect(() => requiredTimeMs(1.5, "time")).toThrow(ParseError);
    expect(() => requiredTimeMs(-1, "time")).toThrow(ParseError);
    expect(() => requiredTimeMs(2 ** 60, "time")).toThrow(ParseError);
  });

  it("reads absent optional values as undefined and checks present ones", () => {
    expect(optionalFinite(null, "premium")).toBeUndefined();
    expect(optionalFinite("", "premium")).toBeUndefined();
    expect(optionalFinite(undefined, "premium")).toBeUndefined();
    expect(optionalFinite("-0.00091334", "premium")).toBe(-0.00091334);
    expect(() => optionalFinite("x", "premium")).toThrow(ParseError);
    expect(optionalCount(709, "n")).toBe(709);
    expect(() => optionalCount(2.5, "n")).toThrow("n: must be a non-negative integer (got 2.5)");
  });
});
