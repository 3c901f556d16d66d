import { describe, expect, it } from "vitest";
import { realisedEquityPoints } from "./realised-equity.ts";

describe("realisedEquityPoints", () => {
  it("books each outcome's net P&L at its close time, in time order", () => {
    const pts = realisedEquityPoints(
      [
        { closedMs: 3_000, pnlUsd: -50 },
        { closedMs: 1_000, pnlUsd: 120 },
      ],
      10_000,
    );
    expect(pts).toEqual([
      { tsMs: 1_000, equityUsd: 10_120 },
      { tsMs: 3_000, equityUsd: 10_070 },
    ]);
  });

  it("is empty without outcomes", () => {
    expect(realisedEquityPoints([], 10_000)).toEqual([]);
  });
});
