import { describe, expect, it } from "vitest";
import { perp } from "../../core/index.ts";
import { PriceBand } from "./quarantine.ts";

const BTC = perp("BTC");
const ETH = perp("ETH");

describe("PriceBand", () => {
  it("accepts the first price of a market and moves within ±10 % of the latest accepted one", () => {
    const band = new PriceBand();
    expect(band.observe(BTC, 100_000, 0)).toEqual({ kind: "accept" });
    // 110 000 / 100 000 − 1 = 10 %: on the band's edge, inside.
    expect(band.observe(BTC, 110_000, 100)).toEqual({ kind: "accept" });
    // The reference follows: 99 000 / 110 000 − 1 = −10 %.
    expect(band.observe(BTC, 99_000, 200)).toEqual({ kind: "accept" });
    expect(band.stats).toEqual({ quarantined: 0, confirmedJumps: 0 });
  });

  it("quarantines a jump beyond the band; a price back at the old level ends the quarantine unconfirmed", () => {
    const band = new PriceBand();
    band.observe(BTC, 100_000, 0);
    expect(band.observe(BTC, 50_000, 100)).toEqual({ kind: "quarantine", first: true, reference: 100_000 });
    expect(band.observe(BTC, 50_000, 200)).toEqual({ kind: "quarantine", first: false, reference: 100_000 });
    expect(band.observe(BTC, 100_010, 300)).toEqual({ kind: "accept" });
    // Counting starts over: the next half price opens a new quarantine.
    expect(band.observe(BTC, 50_000, 400)).toMatchObject({ kind: "quarantine", first: true });
    expect(band.stats).toEqual({ quarantined: 3, confirmedJumps: 0 });
  });

  it("confirms a jump after 5 prices at the new level spanning at least 2 s, not before", () => {
    const band = new PriceBand();
    band.observe(BTC, 100_000, 0);
    // Five prices in 400 ms: enough frames, too short a time.
    for (let i = 0; i < 5; i++) expect(band.observe(BTC, 80_000 - i, 1_000 + i * 100).kind).toBe("quarantine");
    // The sixth, 2 000 ms after the first (1 000 → 3 000): confirmed, and it becomes the reference.
    expect(band.observe(BTC, 80_100, 3_000)).toEqual({ kind: "accept", confirmedJumpFrom: 100_000 });
    expect(band.observe(BTC, 80_000, 3_100)).toEqual({ kind: "accept" });
    expect(band.stats).toEqual({ quarantined: 5, confirmedJumps: 1 });
  });

  it("needs the frames as well as the time: 2 prices 5 s apart do not confirm", () => {
    const band = new PriceBand();
    band.observe(BTC, 100, 0);
    band.observe(BTC, 50, 1_000);
    expect(band.observe(BTC, 50, 6_000).kind).toBe("quarantine");
  });

  it("restarts the count when a third level appears beyond the band of both", () => {
    const band = new PriceBand({ confirmFrames: 2, confirmMs: 0 });
    band.observe(BTC, 100, 0);
    expect(band.observe(BTC, 50, 1)).toMatchObject({ first: true });
    // 200 is beyond ±10 % of 100 and of 50: a new pending level, not a confirmation of 50.
    expect(band.observe(BTC, 200, 2)).toMatchObject({ kind: "quarantine", first: true });
    expect(band.observe(BTC, 201, 3)).toEqual({ kind: "accept", confirmedJumpFrom: 100 });
  });

  it("keeps one state per market", () => {
    const band = new PriceBand();
    band.observe(BTC, 100_000, 0);
    expect(band.observe(ETH, 4_000, 1)).toEqual({ kind: "accept" });
  });

  it("takes its band from the options: ±25 % lets a −20 % move through", () => {
    const band = new PriceBand({ bandFraction: 0.25 });
    band.observe(BTC, 100, 0);
    expect(band.observe(BTC, 80, 1)).toEqual({ kind: "accept" });
  });
});
