import { describe, expect, it } from "vitest";
import { canonicalJson, toJson } from "./json.ts";

describe("journal JSON", () => {
  it("round-trips finite doubles exactly", () => {
    const values = [0.1 + 0.2, 173.51855 / 6_001, -0.000012500000000000001, 5e-324, 1.7976931348623157e308];
    expect(JSON.parse(toJson(values))).toEqual(values);
  });

  it("refuses what JSON would silently turn into null or drop", () => {
    expect(() => toJson({ a: [1, Infinity] })).toThrow("$.a[1] is Infinity, which JSON cannot hold");
    expect(() => toJson([undefined])).toThrow("$[0] is undefined");
    expect(() => toJson({ n: 1n })).toThrow("$.n is a bigint");
  });

  it("leaves out absent optional members, as JSON.stringify does", () => {
    expect(toJson({ a: 1, b: undefined })).toBe('{"a":1}');
  });

  it("sorts keys at every depth so equal configurations have equal text", () => {
    expect(canonicalJson({ b: { d: 1, c: [{ f: 1, e: 2 }] }, a: 0 })).toBe('{"a":0,"b":{"c":[{"e":2,"f":1}],"d":1}}');
  });
});
