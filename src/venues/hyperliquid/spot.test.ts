import { describe, expect, it } from "vitest";
import { ParseError, spot } from "../../core/index.ts";
import { baseOfPairName, DEFAULT_SPOT_BASE_ALIASES, SpotResolver } from "./spot.ts";

/**
 * An excerpt of the real mainnet spotMeta recorded 2025-11-09 (python SDK cassette
 * test_spot_asset_ctx.yaml): token and pair indices are the real ones. Extra venue fields are
 * kept on a few entries to show they are tolerated.
 */
const SPOT_META_EXCERPT = {
  tokens: [
    { name: "USDC", szDecimals: 8, weiDecimals: 8, index: 0, tokenId: "0x6d1e7cde53ba9467b783cb7c530ce054", isCanonical: true, evmContract: null, fullName: null },
    { name: "PURR", szDecimals: 0, weiDecimals: 5, index: 1, tokenId: "0xc1fb593aeffbeb02f85e0308e9956a90", isCanonical: true },
    { name: "HYPE", szDecimals: 2, weiDecimals: 8, index: 150, tokenId: "0x0d01dc56dcaaca66ad901c959b4011ec", isCanonical: false, fullName: "Hyperliquid" },
    { name: "UBTC", szDecimals: 5, weiDecimals: 10, index: 197, tokenId: "0x8f254b963e8468305d409b33aa137c67", isCanonical: false, fullName: "Unit Bitcoin" },
    { name: "UETH", szDecimals: 4, weiDecimals: 9, index: 221, tokenId: "0xe1edd30daaf5caac3fe63569e24748da", isCanonical: false, fullName: "Unit Ethereum" },
    { name: "USDT0", szDecimals: 2, weiDecimals: 8, index: 268, isCanonical: false },
    { name: "USDH", szDecimals: 2, weiDecimals: 8, index: 360, isCanonical: false },
  ],
  universe: [
    { tokens: [1, 0], name: "PURR/USDC", index: 0, isCanonical: true },
    { tokens: [150, 0], name: "@107", index: 107, isCanonical: false },
    { tokens: [197, 0], name: "@142", index: 142, isCanonical: false },
    { tokens: [221, 0], name: "@151", index: 151, isCanonical: false },
    { tokens: [150, 268], name: "@207", index: 207, isCanonical: false },
    { tokens: [197, 360], name: "@234", index: 234, isCanonical: false },
  ],
};

function parseError(fn: () => unknown): ParseError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ParseError) {
      return error;
    }
    throw error;
  }
  throw new Error("expected a ParseError");
}

describe("SpotResolver", () => {
  const resolver = SpotResolver.fromSpotMeta(SPOT_META_EXCERPT);

  it("resolves a wire name @N to the readable pair and its aliased base", () => {
    const pair = resolver.byWireName("@142");
    expect(pair).toEqual({
      index: 142,
      wireName: "@142",
      pairName: "UBTC/USDC",
      baseToken: "UBTC",
      quoteToken: "USDC",
      base: "BTC",
      market: spot("UBTC/USDC", "BTC"),
    });
    expect(pair?.market.key).toBe("hyperliquid:spot:UBTC/USDC");
    expect(pair?.market.base).toBe("BTC");
  });

  it("resolves the legacy pair by its own name", () => {
    const pair = resolver.byWireName("PURR/USDC");
    expect(pair?.pairName).toBe("PURR/USDC");
    expect(pair?.index).toBe(0);
    expect(pair?.base).toBe("PURR");
  });

  it("keeps every pair in universe order, with the pair index (not the array position)", () => {
    expect(resolver.pairs.map((p) => [p.index, p.pairName])).toEqual([
      [0, "PURR/USDC"],
      [107, "HYPE/USDC"],
      [142, "UBTC/USDC"],
      [151, "UETH/USDC"],
      [207, "HYPE/USDT0"],
      [234, "UBTC/USDH"],
    ]);
  });

  it("finds a pair by readable name", () => {
    expect(resolver.byPairName("UETH/USDC")?.wireName).toBe("@151");
    expect(resolver.byPairName("HYPE/USDT0")?.wireName).toBe("@207");
    expect(resolver.byPairName("BTC/USDC")).toBeUndefined();
  });

  it("finds by base asset the USDC-quoted pair even when other quotes exist", () => {
    // UBTC trades against USDC (@142) and USDH (@234); HYPE against USDC (@107) and USDT0 (@207).
    expect(resolver.byBase("BTC")?.wireName).toBe("@142");
    expect(resolver.byBase("HYPE")?.wireName).toBe("@107");
    expect(resolver.byBase("ETH")?.pairName).toBe("UETH/USDC");
    expect(resolver.byBase("SOL")).toBeUndefined();
  });

  it("prefers a USDC quote regardless of universe order", () => {
    const reordered = { ...SPOT_META_EXCERPT, universe: [...SPOT_META_EXCERPT.universe].reverse() };
    expect(SpotResolver.fromSpotMeta(reordered).byBase("BTC")?.wireName).toBe("@142");
  });

  it("falls back to another quote when a base has no USDC pair", () => {
    const meta = {
      tokens: SPOT_META_EXCERPT.tokens,
      universe: [{ tokens: [197, 360], name: "@234", index: 234 }],
    };
    expect(SpotResolver.fromSpotMeta(meta).byBase("BTC")?.pairName).toBe("UBTC/USDH");
  });

  it("uses custom aliases instead of the defaults when given", () => {
    const custom = SpotResolver.fromSpotMeta(SPOT_META_EXCERPT, { PURR: "PURRP" });
    expect(custom.byWireName("PURR/USDC")?.base).toBe("PURRP");
    // Without the default table UBTC is its own base.
    expect(custom.byWireName("@142")?.base).toBe("UBTC");
    expect(custom.byBase("BTC")).toBeUndefined();
  });

  it("knows nothing when empty", () => {
    const empty = SpotResolver.empty();
    expect(empty.pairs).toEqual([]);
    expect(empty.byWireName("@142")).toBeUndefined();
    expect(empty.byBase("BTC")).toBeUndefined();
  });

  it("rejects a meta without a universe, naming the field", () => {
    const error = parseError(() => SpotResolver.fromSpotMeta({ tokens: [] }));
    expect(error.field).toBe("spotMeta.universe");
    expect(error.value).toBeUndefined();
  });

  it("rejects a pair whose token index is not a number, naming the path and value", () => {
    const meta = { tokens: SPOT_META_EXCERPT.tokens, universe: [{ tokens: [197, "0"], name: "@142", index: 142 }] };
    const error = parseError(() => SpotResolver.fromSpotMeta(meta));
    expect(error.field).toBe("spotMeta.universe[0].tokens[1]");
    expect(error.value).toBe("0");
    expect(error.message).toMatch(/^spotMeta\.universe\[0\]\.tokens\[1\]: .*\(got "0"\)$/);
  });

  it("rejects a pair that names an unknown token", () => {
    const meta = { tokens: SPOT_META_EXCERPT.tokens, universe: [{ tokens: [999, 0], name: "@5", index: 5 }] };
    const error = parseError(() => SpotResolver.fromSpotMeta(meta));
    expect(error.message).toBe("spotMeta.universe[0].tokens[0]: unknown token index (got 999)");
  });

  it("rejects two pairs with the same wire name", () => {
    const meta = {
      tokens: SPOT_META_EXCERPT.tokens,
      universe: [
        { tokens: [197, 0], name: "@142", index: 142 },
        { tokens: [221, 0], name: "@142", index: 151 },
      ],
    };
    expect(parseError(() => SpotResolver.fromSpotMeta(meta)).field).toBe("spotMeta.universe[1].name");
  });

  it("rejects a non-object meta", () => {
    expect(parseError(() => SpotResolver.fromSpotMeta(null)).field).toBe("spotMeta");
    expect(parseError(() => SpotResolver.fromSpotMeta("spotMeta")).value).toBe("spotMeta");
  });
});

describe("baseOfPairName", () => {
  it("maps wrapped spot pairs to the perp asset", () => {
    expect(baseOfPairName("UBTC/USDC")).toBe("BTC");
    expect(baseOfPairName("UETH/USDC")).toBe("ETH");
    expect(baseOfPairName("USOL/USDC")).toBe("SOL");
    expect(baseOfPairName("HYPE/USDC")).toBe("HYPE");
  });

  it("takes the base of a CEX pair as is", () => {
    expect(baseOfPairName("BTC/USDT")).toBe("BTC");
    expect(baseOfPairName("BTC/USDT:USDT")).toBe("BTC");
  });

  it("treats a name without a slash as a token", () => {
    expect(baseOfPairName("UFART")).toBe("FARTCOIN");
    expect(baseOfPairName("BTC")).toBe("BTC");
  });

  it("does not treat inherited object keys as aliases", () => {
    expect(baseOfPairName("constructor/USDC")).toBe("constructor");
    expect(baseOfPairName("toString")).toBe("toString");
  });

  it("uses the aliases given", () => {
    expect(baseOfPairName("UBTC/USDC", {})).toBe("UBTC");
    expect(baseOfPairName("WBTC/USDC", { WBTC: "BTC" })).toBe("BTC");
  });
});

describe("DEFAULT_SPOT_BASE_ALIASES", () => {
  it("holds the documented core set", () => {
    expect(DEFAULT_SPOT_BASE_ALIASES).toMatchObject({ UBTC: "BTC", UETH: "ETH", USOL: "SOL", UFART: "FARTCOIN", UPUMP: "PUMP", HYPE: "HYPE" });
  });

  it("does not alias 1000x-unit perps or stablecoins", () => {
    expect(Object.hasOwn(DEFAULT_SPOT_BASE_ALIASES, "UBONK")).toBe(false);
    expect(Object.hasOwn(DEFAULT_SPOT_BASE_ALIASES, "USDT0")).toBe(false);
  });
});
