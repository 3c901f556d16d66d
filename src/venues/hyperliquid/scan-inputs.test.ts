import { describe, expect, it } from "vitest";
import { ParseError } from "../../core/index.ts";
import { delistedPerpNames, parsePredictedFundings } from "./scan-inputs.ts";

describe("parsePredictedFundings", () => {
  it("reads each venue's rate per interval and turns it into a rate per hour", () => {
    const { byCoin, rejects } = parsePredictedFundings([
      [
        "BTC",
        [
          ["BinPerp", { fundingRate: "0.0001", nextFundingTime: 1753545600000, fundingIntervalHours: 4 }],
          ["HlPerp", { fundingRate: "0.0000125", nextFundingTime: 1753534800000, fundingIntervalHours: 1 }],
          ["BybitPerp", null],
        ],
      ],
    ]);
    expect(rejects).toEqual([]);
    expect(byCoin.get("BTC")).toEqual([
      // 1e-4 per 4 h = 2.5e-5 an hour
      { venue: "BinPerp", rate: 0.0001, intervalHours: 4, intervalAssumed: false, ratePerHour: 0.000025, nextFundingTimeMs: 1753545600000 },
      { venue: "HlPerp", rate: 0.0000125, intervalHours: 1, intervalAssumed: false, ratePerHour: 0.0000125, nextFundingTimeMs: 1753534800000 },
    ]);
  });

  it("assumes 1 h for Hyperliquid and 8 h for other venues when the answer does not say, and marks it", () => {
    const { byCoin } = parsePredictedFundings([
      [
        "ETH",
        [
          ["HlPerp", { fundingRate: "-0.00001", nextFundingTime: 1 }],
          ["BinPerp", { fundingRate: "0.0008", nextFundingTime: 2 }],
        ],
      ],
    ]);
    expect(byCoin.get("ETH")?.map((v) => [v.venue, v.intervalHours, v.intervalAssumed, v.ratePerHour])).toEqual([
      ["HlPerp", 1, true, -0.00001],
      ["BinPerp", 8, true, 0.0001],
    ]);
  });

  it("refuses a bad entry by its field path and keeps the good ones", () => {
    const { byCoin, rejects } = parsePredictedFundings([
      ["BTC", [["BinPerp", { fundingRate: "NaN", nextFundingTime: 1 }]]],
      ["SOL", [["BinPerp", { fundingRate: "0.0001", nextFundingTime: 1, fundingIntervalHours: 0 }]]],
      "nonsense",
      ["ETH", [["HlPerp", { fundingRate: "0.00001", nextFundingTime: 1 }]]],
    ]);
    expect([...byCoin.keys()]).toEqual(["ETH"]);
    expect(rejects.map((r) => r.field)).toEqual(["predictedFundings[0][1][0][1].fundingRate", "predictedFundings[1][1][0][1].fundingIntervalHours", "predictedFundings[2]"]);
  });

  it("throws a ParseError when the answer is not an array", () => {
    expect(() => parsePredictedFundings({ error: "x" })).toThrow(ParseError);
  });
});

describe("delistedPerpNames", () => {
  it("names the perps the universe marks isDelisted", () => {
    const body = [{ universe: [{ name: "BTC" }, { name: "OLD", isDelisted: true }, { name: "ALSO", isDelisted: true }, { name: "NOT", isDelisted: false }] }, []];
    expect([...delistedPerpNames(body)]).toEqual(["OLD", "ALSO"]);
  });

  it("is empty for a body it cannot read", () => {
    expect(delistedPerpNames(null).size).toBe(0);
    expect(delistedPerpNames([{}]).size).toBe(0);
  });
});
