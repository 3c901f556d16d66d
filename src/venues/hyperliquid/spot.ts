import * as v from "valibot";
import { ParseError, spot } from "../../core/index.ts";
import type { Market } from "../../core/index.ts";

/**
 * Hyperliquid spot pairs: from the wire name (`@142`, or the legacy `PURR/USDC`) to a readable
 * pair (`UBTC/USDC`) and the base asset the perp trades (`BTC`).
 *
 * Pair indices differ between mainnet and testnet and pairs get delisted (the recorded
 * mainnet `spotMeta` of 2025-11-09 has 233 pairs with indices up to 248), so the mapping is
 * always built from a fetched `spotMeta`, never hard-coded.
 */
export interface SpotPair {
  /** The pair's `index` in `spotMeta.universe` (not its array position: delisted pairs leave holes). */
  readonly index: number;
  /** What the API uses as `coin`: `"@142"`, or `"PURR/USDC"` for the legacy pair. */
  readonly wireName: string;
  /** Readable pair, base token name + "/" + quote token name: `"UBTC/USDC"`. */
  readonly pairName: string;
  /** Base token name: `"UBTC"`. */
  readonly baseToken: string;
  /** Quote token name: `"USDC"`. */
  readonly quoteToken: string;
  /** Base asset after aliasing: `"BTC"` (the base token itself when it has no alias). */
  readonly base: string;
  /** `spot(pairName, base)` from the core. */
  readonly market: Market;
}

/**
 * Default map from a spot token to the perp asset it tracks (configurable as `spot.baseAliases`).
 *
 * Unit's wrapped tokens (`fullName` "Unit …" in spotMeta) are 1:1 with the underlying coin.
 * Beyond the core set (UBTC, UETH, USOL, UFART, UPUMP, HYPE) the ones listed are Unit tokens
 * seen in the recorded mainnet spotMeta (2025-11-09) whose perp uses the same unit.
 * Deliberately NOT aliased: UBONK and UMOG (their perps `kBONK`/`kMOG` price 1000 coins, so a
 * basis against them would be off by 1000×), USPYX (an equity token, no perp), and stablecoins
 * (USDE, USDT0, USDH, ...), which are quotes, not bases.
 */
export const DEFAULT_SPOT_BASE_ALIASES: Readonly<Record<string, string>> = Object.freeze({
  UBTC: "BTC",
  UETH: "ETH",
  USOL: "SOL",
  UFART: "FARTCOIN",
  UPUMP: "PUMP",
  HYPE: "HYPE",
  // Further Unit tokens from the recorded spotMeta (fullName "Unit Ethena", "Unit Plasma", ...).
  UENA: "ENA",
  UXPL: "XPL",
  UWLD: "WLD",
  UDOGE: "DOGE",
  UMON: "MON",
  UUUSPX: "SPX",
});

/** The alias of `token`, or `token` itself. Own keys only, so a token named `constructor` stays itself. */
function aliasOf(token: string, aliases: Readonly<Record<string, string>>): string {
  return Object.hasOwn(aliases, token) ? (aliases[token] ?? token) : token;
}

/**
 * Base asset of a readable pair name from history files or config:
 * `"UBTC/USDC"` → `"BTC"`, `"BTC/USDT"` → `"BTC"`, `"BTC/USDT:USDT"` → `"BTC"`, `"HYPE/USDC"` → `"HYPE"`.
 * A name without `/` is treated as a token (`"UETH"` → `"ETH"`).
 * @param aliases token → base asset; defaults to `DEFAULT_SPOT_BASE_ALIASES`.
 */
export function baseOfPairName(pairName: string, aliases: Readonly<Record<string, string>> = DEFAULT_SPOT_BASE_ALIASES): string {
  const slash = pairName.indexOf("/");
  const token = slash < 0 ? pairName : pairName.slice(0, slash);
  return aliasOf(token, aliases);
}

const NonNegativeInteger = v.pipe(v.number(), v.integer(), v.minValue(0));

/** Only the fields we use are checked; the venue adds fields over time (evmContract, fullName, ...). */
const SpotMetaSchema = v.object({
  tokens: v.array(
    v.object({
      name: v.pipe(v.string(), v.minLength(1)),
      index: NonNegativeInteger,
    }),
  ),
  universe: v.array(
    v.object({
      name: v.pipe(v.string(), v.minLength(1)),
      tokens: v.tuple([NonNegativeInteger, NonNegativeInteger]),
      index: NonNegativeInteger,
    }),
  ),
});

/** Field path of a valibot issue under `root`: `spotMeta.universe[3].tokens[0]`. */
export function fieldOfIssue(root: string, issue: v.BaseIssue<unknown>): string {
  let field = root;
  for (const item of issue.path ?? []) {
    const key: unknown = item.key;
    field += typeof key === "number" ? `[${key}]` : `.${String(key)}`;
  }
  return field;
}

/** Pick order for `byBase`: a USDC quote first, then the lower pair index. */
function preferForBase(candidate: SpotPair, current: SpotPair): boolean {
  const candidateUsdc = candidate.quoteToken === "USDC";
  const currentUsdc = current.quoteToken === "USDC";
  if (candidateUsdc !== currentUsdc) {
    return candidateUsdc;
  }
  return candidate.index < current.index;
}

/**
 * Resolves spot pairs by wire name, readable name or base asset. Immutable; build a new one
 * when spotMeta is refetched.
 *
 * Note: `Market` objects are interned by pair name, so if two resolvers alias the same pair to
 * different bases, `market.base` keeps the first one while `SpotPair.base` follows its resolver.
 */
export class SpotResolver {
  /** All pairs, in `spotMeta.universe` order. */
  readonly pairs: readonly SpotPair[];
  private readonly wire: ReadonlyMap<string, SpotPair>;
  private readonly named: ReadonlyMap<string, SpotPair>;
  private readonly bases: ReadonlyMap<string, SpotPair>;

  private constructor(pairs: readonly SpotPair[]) {
    this.pairs = Object.freeze([...pairs]);
    const wire = new Map<string, SpotPair>();
    const named = new Map<string, SpotPair>();
    const bases = new Map<string, SpotPair>();
    for (const pair of this.pairs) {
      wire.set(pair.wireName, pair);
      // Token names are unique in spotMeta today; if not, the lower index keeps the name.
      if (!named.has(pair.pairName)) {
        named.set(pair.pairName, pair);
      }
      const current = bases.get(pair.base);
      if (current === undefined || preferForBase(pair, current)) {
        bases.set(pair.base, pair);
      }
    }
    this.wire = wire;
    this.named = named;
    this.bases = bases;
  }

  /**
   * Builds the resolver from a `spotMeta` response (or the first element of `spotMetaAndAssetCtxs`).
   * @param aliases token → base asset; defaults to `DEFAULT_SPOT_BASE_ALIASES`.
   * @throws ParseError naming the field and value when the shape is wrong, a pair names an
   *   unknown token index, or two pairs share a wire name.
   */
  static fromSpotMeta(spotMeta: unknown, aliases: Readonly<Record<string, string>> = DEFAULT_SPOT_BASE_ALIASES): SpotResolver {
    const result = v.safeParse(SpotMetaSchema, spotMeta);
    if (!result.success) {
      const issue = result.issues[0];
      throw new ParseError(fieldOfIssue("spotMeta", issue), issue.input, issue.message);
    }
    const tokenNames = new Map<number, string>();
    for (const token of result.output.tokens) {
      tokenNames.set(token.index, token.name);
    }
    const pairs: SpotPair[] = [];
    const seen = new Set<string>();
    result.output.universe.forEach((entry, position) => {
      const field = `spotMeta.universe[${position}]`;
      const [baseIndex, quoteIndex] = entry.tokens;
      const baseToken = tokenNames.get(baseIndex);
      if (baseToken === undefined) {
        throw new ParseError(`${field}.tokens[0]`, baseIndex, "unknown token index");
      }
      const quoteToken = tokenNames.get(quoteIndex);
      if (quoteToken === undefined) {
        throw new ParseError(`${field}.tokens[1]`, quoteIndex, "unknown token index");
      }
      if (seen.has(entry.name)) {
        throw new ParseError(`${field}.name`, entry.name, "duplicate spot pair name");
      }
      seen.add(entry.name);
      const pairName = `${baseToken}/${quoteToken}`;
      const base = aliasOf(baseToken, aliases);
      pairs.push(
        Object.freeze({
          index: entry.index,
          wireName: entry.name,
          pairName,
          baseToken,
          quoteToken,
          base,
          market: spot(pairName, base),
        }),
      );
    });
    return new SpotResolver(pairs);
  }

  /** A resolver that knows no pairs (before spotMeta is fetched): every `@N` is unknown. */
  static empty(): SpotResolver {
    return new SpotResolver([]);
  }

  /** `"@142"` → the `UBTC/USDC` pair (on the recorded mainnet meta); `"PURR/USDC"` → itself. */
  byWireName(wireName: string): SpotPair | undefined {
    return this.wire.get(wireName);
  }

  /** `"UBTC/USDC"` → that pair. */
  byPairName(pairName: string): SpotPair | undefined {
    return this.named.get(pairName);
  }

  /** `"BTC"` → the pair whose mapped base is BTC, preferring a USDC quote, then the lowest index. */
  byBase(base: string): SpotPair | undefined {
    return this.bases.get(base);
  }
}
