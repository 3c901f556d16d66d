import { describe, expect, it } from "vitest";
import { perp, spot } from "../core/index.ts";
import { riskConfig } from "./config.ts";
import { checkPortfolioLimits, correlationWeight } from "./portfolio-limits.ts";
import type { ExposureLeg, PortfolioView } from "./portfolio.ts";

const config = riskConfig(); // 3× correlated, 5 positions, 5× gross, 1× per coin, 3 % daily loss
const leg = (coin: string, side: "long" | "short", notionalUsd: number): ExposureLeg => ({ positionId: `p-${coin}-${side}`, market: perp(coin), side, notionalUsd });
const view = (legs: ExposureLeg[], over: Partial<PortfolioView> = {}): PortfolioView => ({ tsMs: 0, equityUsd: 10_000, dayStartEquityUsd: 10_000, openPositions: legs.length, legs, ...over });
const btcLong = (notionalUsd: number) => ({ legs: [{ market: perp("BTC"), side: "long" as const, notionalUsd }] });
const measured = (a: string, b: string): number | undefined => ([a, b].sort().join("/") === "BTC/ETH" ? 0.8 : undefined);

describe("checkPortfolioLimits", () => {
  it("halts new entries once equity is 3 % below the UTC day's start (9,700 of 10,000), not at 2.99 %", () => {
    expect(checkPortfolioLimits(btcLong(100), view([], { equityUsd: 9_700 }), config, measured)).toMatchObject({
      ok: false,
      code: "daily_loss_halt",
      reason: "equity 9700.00 USD is 3.00 % below the UTC day's start 10000.00 USD; new entries halt at 3.00 %",
    });
    expect(checkPortfolioLimits(btcLong(100), view([], { equityUsd: 9_701 }), config, measured).ok).toBe(true);
  });

  it("refuses a sixth position, allows a fifth", () => {
    const four = [leg("A", "long", 10), leg("B", "long", 10), leg("C", "long", 10), leg("D", "long", 10)];
    expect(checkPortfolioLimits(btcLong(100), view(four), config, measured).ok).toBe(true);
    expect(checkPortfolioLimits(btcLong(100), view([...four, leg("E", "long", 10)]), config, measured)).toMatchObject({ ok: false, code: "max_positions" });
  });

  it("caps gross exposure at 5 × equity: 45,000 held + 5,000 new passes, + 5,001 does not", () => {
    // Opposite sides in different coins so that only the gross limit binds.
    const held = [leg("ETH", "short", 25_000), leg("SOL", "short", 20_000)];
    expect(checkPortfolioLimits(btcLong(5_000), view(held), config, measured).ok).toBe(true);
    expect(checkPortfolioLimits(btcLong(5_001), view(held), config, measured)).toMatchObject({
      ok: false,
      code: "gross_leverage",
      reason: "gross exposure would be 50001.00 USD (held 45000.00 USD + new 5001.00 USD), above 5 × equity 10000.00 USD = 50000.00 USD",
    });
  });

  it("caps one coin at 1 × equity across perp and spot legs: 6,000 held + 4,000 new passes, + 4,001 does not", () => {
    const held: ExposureLeg[] = [{ positionId: "b", market: spot("UBTC/USDC", "BTC"), side: "short", notionalUsd: 6_000 }];
    expect(checkPortfolioLimits(btcLong(4_000), view(held), config, measured).ok).toBe(true);
    expect(checkPortfolioLimits(btcLong(4_001), view(held), config, measured)).toMatchObject({ ok: false, code: "per_coin_cap" });
  });

  it("weights same-side exposure by measured correlation, unmeasured as 1: 4,000 + 20,000 × 0.8 + 10,000 × 1 = 30,000 = 3 × equity passes", () => {
    // The short BTC leg is the other direction and does not count.
    const held = [leg("ETH", "long", 20_000), leg("SOL", "long", 10_000), leg("BTC", "short", 3_000)];
    const pass = checkPortfolioLimits(btcLong(4_000), view(held), config, measured);
    expect(pass).toMatchObject({ ok: true, correlatedExposureUsd: 30_000, grossExposureUsd: 37_000, coinExposureUsd: 7_000 });
    expect(checkPortfolioLimits(btcLong(4_001), view(held), config, measured)).toMatchObject({
      ok: false,
      code: "correlated_exposure",
      reason: "long correlated exposure would be 30001.00 USD (new 4001.00 USD + ETH 20000.00 USD × 0.80 + SOL 10000.00 USD × 1.00), above 3 × equity = 30000.00 USD",
    });
  });

  it("gives a negatively correlated same-side position no hedge credit (weight 0) and the same coin weight 1", () => {
    expect(correlationWeight("BTC", "ETH", () => -0.5)).toBe(0);
    expect(correlationWeight("BTC", "ETH", () => undefined)).toBe(1);
    expect(correlationWeight("BTC", "BTC", () => 0.1)).toBe(1);
  });
});
