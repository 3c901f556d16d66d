import { describe, expect, it } from "vitest";
import { DEFAULT_CONFIG } from "../../src/config/index.ts";
import { DEFAULT_SPOT_BASE_ALIASES } from "../../src/venues/hyperliquid/spot.ts";

// src/config may not import the venue layer, so the default alias table is written twice;
// this test keeps the two copies equal.
describe("spot base aliases", () => {
  it("the config default equals the venue parser's default table", () => {
    expect(DEFAULT_CONFIG.spot.baseAliases).toEqual(DEFAULT_SPOT_BASE_ALIASES);
  });
});
