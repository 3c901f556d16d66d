import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../core/index.ts";
import { parseSettingText } from "./coerce.ts";
import type { Setting } from "./keys.ts";

const setting = (kind: Setting["kind"]): Setting => ({ key: "k", envName: "SM_K", kind, allowed: "what is allowed" });

describe("parseSettingText", () => {
  it("reads integers, decimals and exponents, ignoring surrounding spaces", () => {
    expect(parseSettingText(setting("number"), " 20000 ", "env SM_K")).toBe(20000);
    expect(parseSettingText(setting("number"), "-5", "env SM_K")).toBe(-5);
    expect(parseSettingText(setting("number"), "2.5e4", "env SM_K")).toBe(25000);
  });

  it("rejects number text that Number() would accept loosely", () => {
    // Number("") is 0, Number("0x10") is 16 and Number("Infinity") is Infinity: none is a setting.
    for (const text of ["abc", "0x10", "Infinity", "1_000", "12ms", " "]) {
      expect(() => parseSettingText(setting("number"), text, "env SM_K")).toThrow(ConfigError);
    }
    expect(() => parseSettingText(setting("number"), "abc", "env SM_K")).toThrow('config k = "abc" is invalid: what is allowed (from env SM_K)');
  });

  it("reads every decimal integer back exactly", () => {
    fc.assert(fc.property(fc.integer(), (n) => parseSettingText(setting("number"), String(n), "env SM_K") === n));
  });

  it("reads boolean words in any case", () => {
    expect(parseSettingText(setting("boolean"), "TRUE", "env SM_K")).toBe(true);
    expect(parseSettingText(setting("boolean"), "off", "env SM_K")).toBe(false);
  });

  it("splits lists on commas and drops empty items", () => {
    expect(parseSettingText(setting("list"), "BTC, ETH,,SOL ,", "env SM_K")).toEqual(["BTC", "ETH", "SOL"]);
  });

  it("reads KEY=VALUE maps", () => {
    expect(parseSettingText(setting("map"), "UBTC=BTC, HYPE = HYPE", "env SM_K")).toEqual({ UBTC: "BTC", HYPE: "HYPE" });
    expect(() => parseSettingText(setting("map"), "UBTC=BTC=X", "env SM_K")).toThrow(ConfigError);
  });

  it("refuses text for an object section and points to the config file", () => {
    expect(() => parseSettingText(setting("object"), '{"a":1}', "env SM_K")).toThrow(
      'config k = "{\\"a\\":1}" is invalid: what is allowed, set in the config file (not settable from env SM_K; see docs/CONFIGURATION.md)',
    );
  });

  it("keeps strings as they are", () => {
    expect(parseSettingText(setting("string"), " captures ", "env SM_K")).toBe(" captures ");
  });
});
