import { describe, expect, it } from "vitest";
import { csvField, outcomesCsv } from "./csv.ts";
import { OUTCOMES, trade } from "./test-report.ts";

describe("outcomesCsv", () => {
  it("writes a header with units and one exact row per closed position", () => {
    const lines = outcomesCsv([OUTCOMES[1]!]).split("\n");
    expect(lines[0]).toBe(
      "position_id,signal_id,strategy,market,side,opened_utc,opened_ms,closed_utc,closed_ms,hold_ms,entry_notional_usd,pnl_usd,pnl_fraction,gross_pnl_usd,fees_usd,funding_usd,slippage_usd,exit_reason",
    );
    // flow-toxicity +200, opened 2025-09-03 10:00 UTC, closed 12:00; 200 / 5 000 = 0.04; gross 200 + 1 fee + 0.5 funding
    expect(lines[1]).toBe(
      "p2,sig-p2,flow-toxicity,hyperliquid:perp:BTC,long,2025-09-03T10:00:00.000Z,1756893600000,2025-09-03T12:00:00.000Z,1756900800000,7200000,5000,200,0.04,201.5,1,-0.5,0.25,target",
    );
    expect(lines[2]).toBe("");
    expect(lines).toHaveLength(3);
  });

  it("quotes a strategy name holding a comma or a quote", () => {
    const line = outcomesCsv([trade('a,"b"', 1, 1_756_900_800_000, "p9")]).split("\n")[1]!;
    expect(line.split(",").slice(0, 4)).toEqual(["p9", "sig-p9", '"a', '""b"""']);
    expect(csvField('a,"b"')).toBe('"a,""b"""');
  });

  it("writes only the header without outcomes", () => {
    expect(outcomesCsv([]).split("\n")).toHaveLength(2);
  });
});
