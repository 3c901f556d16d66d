import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../core/index.ts";
import { numberIn, parseStrategyConfig, withDefault } from "./config.ts";

const schema = v.strictObject({ threshold: withDefault(numberIn(0, 10, "ratio units"), 2) });

describe("parseStrategyConfig", () => {
  it("fills defaults for a missing section or key", () => {
    expect(parseStrategyConfig("strategies.x", schema, undefined)).toEqual({ threshold: 2 });
    expect(parseStrategyConfig("strategies.x", schema, { threshold: 3 })).toEqual({ threshold: 3 });
  });

  it("names the key, the value and what is allowed", () => {
    let error: unknown;
    try {
      parseStrategyConfig("strategies.x", schema, { threshold: 11 });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).key).toBe("strategies.x.threshold");
    expect((error as ConfigError).message).toBe("config strategies.x.threshold = 11 is invalid: a number of ratio units between 0 and 10");
  });

  it("rejects unknown keys", () => {
    expect(() => parseStrategyConfig("strategies.x", schema, { treshold: 1 })).toThrow("config strategies.x.treshold = 1 is invalid: not a known key of this strategy");
  });
});
