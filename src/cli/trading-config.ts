/**
 * The trading sections of the one configuration — `strategies`, `risk`, `broker`, `analytics`
 * (gates) and `paperTradeWhenKilled` — validated here, in the composition root. src/config types
 * them only as JSON objects because it may not import the layers that own their content; this
 * file checks that content with each layer's own schema, so an error names the full key path,
 * the value and what is allowed:
 *
 * ```
 * config strategies.flow-toxicity.threshold = -1 is invalid: a number of toxicity units (mean / std of impact) between 0 and 1000
 * config strategies.flow-tox = {} is invalid: not a known strategy id; did you mean flow-toxicity? (ids: basis-arbitrage, ...)
 * ```
 *
 * The risk layer and the paper broker have no validator of their own yet (`riskConfig` and
 * `brokerConfig` only merge), so their schemas live here, beside the defaults they check.
 */
import * as v from "valibot";
import { CANDLE_INTERVALS, ConfigError, perp, spot } from "../core/index.ts";
import type { CandleInterval } from "../core/index.ts";
import { parseGateConfig } from "../analytics/index.ts";
import type { GateConfig } from "../analytics/index.ts";
import { nearest } from "../config/index.ts";
import type { Config } from "../config/index.ts";
import { DEFAULT_BROKER_CONFIG } from "../paper/index.ts";
import type { BrokerConfig } from "../paper/index.ts";
import { DEFAULT_RISK_CONFIG, HYPERLIQUID_FEE_TIERS, riskConfig } from "../risk/index.ts";
import type { FeeRates, RiskConfig } from "../risk/index.ts";
import {
  adaptiveConvergenceConfigSchema,
  BASIS_ARBITRAGE_ID,
  basisArbitrageConfigSchema,
  CONTRARIAN_FUNDING_ID,
  contrarianFundingConfigSchema,
  CONVERGENCE_ADAPTIVE_ID,
  CONVERGENCE_ID,
  convergenceConfigSchema,
  createStrategies,
  FLOW_TOXICITY_ID,
  flowToxicityConfigSchema,
  FUNDING_VELOCITY_ID,
  FUNDING_VOLUME_ID,
  fundingVelocityConfigSchema,
  fundingVolumeConfigSchema,
  LIQUIDITY_ID,
  liquidityConfigSchema,
  OPEN_INTEREST_ID,
  openInterestConfigSchema,
  parseStrategyConfig,
  POSITIONING_REGIMES_ID,
  positioningRegimesConfigSchema,
  VWAP_REVERSION_ID,
  vwapReversionConfigSchema,
} from "../strategies/index.ts";
import type { StrategyConfigs } from "../strategies/index.ts";

/** Where each strategy id's settings go in the catalog's {@link StrategyConfigs}, and its schema. */
const STRATEGY_SECTIONS = {
  [BASIS_ARBITRAGE_ID]: { catalogKey: "basisArbitrage", schema: basisArbitrageConfigSchema },
  [FLOW_TOXICITY_ID]: { catalogKey: "flowToxicity", schema: flowToxicityConfigSchema },
  [OPEN_INTEREST_ID]: { catalogKey: "openInterest", schema: openInterestConfigSchema },
  [VWAP_REVERSION_ID]: { catalogKey: "vwapReversion", schema: vwapReversionConfigSchema },
  [FUNDING_VELOCITY_ID]: { catalogKey: "fundingVelocity", schema: fundingVelocityConfigSchema },
  [FUNDING_VOLUME_ID]: { catalogKey: "fundingVolume", schema: fundingVolumeConfigSchema },
  [CONTRARIAN_FUNDING_ID]: { catalogKey: "contrarianFunding", schema: contrarianFundingConfigSchema },
  [CONVERGENCE_ID]: { catalogKey: "convergence", schema: convergenceConfigSchema },
  [CONVERGENCE_ADAPTIVE_ID]: { catalogKey: "convergenceAdaptive", schema: adaptiveConvergenceConfigSchema },
  [POSITIONING_REGIMES_ID]: { catalogKey: "positioningRegimes", schema: positioningRegimesConfigSchema },
  [LIQUIDITY_ID]: { catalogKey: "liquidity", schema: liquidityConfigSchema },
} as const satisfies Record<string, { readonly catalogKey: keyof StrategyConfigs; readonly schema: v.GenericSchema }>;

// Every catalog key must have an id above (compile-time check).
const _everyCatalogKey = (key: keyof StrategyConfigs): (typeof STRATEGY_SECTIONS)[keyof typeof STRATEGY_SECTIONS]["catalogKey"] => key;
void _everyCatalogKey;

/** Every strategy id the `strategies` section and `paperTradeWhenKilled` accept, in catalog order. */
export const STRATEGY_IDS: readonly string[] = Object.keys(STRATEGY_SECTIONS);

/** The trading sections as written in the configuration file (content not yet validated). */
export interface TradingSections {
  /** Strategy id → that strategy's settings. Default `{}`. */
  readonly strategies?: Readonly<Record<string, unknown>> | undefined;
  /** Risk settings (keys of `RiskConfig`, plus `feeTier`). Default `{}`. */
  readonly risk?: Readonly<Record<string, unknown>> | undefined;
  /** Paper-broker settings (see {@link BrokerSettings}). Default `{}`. */
  readonly broker?: Readonly<Record<string, unknown>> | undefined;
  /** Strategy ids that keep paper trading while killed. Default `[]`. */
  readonly paperTradeWhenKilled?: readonly string[] | undefined;
}

/** The paper-broker settings a configuration may set (the fill model is the command's choice; fees are `risk.fees`). */
export type BrokerSettings = Partial<Omit<BrokerConfig, "fillModel" | "fees">>;

/** Validated trading settings, ready for the kernel. */
export interface TradingSettings {
  /** The `strategies` section as given (validated), by strategy id: what the user changed. */
  readonly strategyOverrides: Readonly<Record<string, unknown>>;
  /** The same for `createStrategies` / the kernel, by catalog key. */
  readonly strategies: StrategyConfigs;
  /** Every strategy's effective configuration (defaults filled in), by id: the variant the journal records. */
  readonly variants: Readonly<Record<string, unknown>>;
  /** Risk settings replacing the defaults (`confidenceMultiplier` and `fees` completed from the defaults). */
  readonly risk: Partial<RiskConfig>;
  /** Broker settings replacing the defaults (`barSpread` completed from the defaults). */
  readonly broker: BrokerSettings;
  readonly paperTradeWhenKilled: readonly string[];
}

// ─── leaves ───────────────────────────────────────────────────────────────────────────────────

function numberIn(min: number, max: number, what: string) {
  const allowed = `${what} between ${min} and ${max}`;
  return v.optional(v.pipe(v.number(allowed), v.finite(allowed), v.minValue(min, allowed), v.maxValue(max, allowed)));
}

function integerIn(min: number, max: number, what: string) {
  const allowed = `an integer number of ${what} between ${min} and ${max}`;
  return v.optional(v.pipe(v.number(allowed), v.integer(allowed), v.minValue(min, allowed), v.maxValue(max, allowed)));
}

function oneOf<const T extends readonly [string, ...string[]]>(options: T) {
  return v.optional(v.picklist(options, `one of ${options.map((o) => JSON.stringify(o)).join(", ")}`));
}

const fraction = (what: string, max = 1) => numberIn(0, max, `a fraction (${what})`);
const multiple = (max: number) => numberIn(0, max, "a multiple of equity");
const feeRate = numberIn(-0.001, 0.01, "a fee rate per side as a fraction of notional (0.00045 = 0.045 %; negative = rebate)");

const RISK_SCHEMA = v.strictObject({
  riskPerTrade: numberIn(0.0001, 0.1, "a fraction of equity (0.01 = 1 %)"),
  confidenceMultiplier: v.optional(
    v.strictObject({ HIGH: fraction("size multiplier"), MEDIUM: fraction("size multiplier"), LOW: fraction("size multiplier") }, "an object with HIGH, MEDIUM and/or LOW"),
  ),
  feeTier: integerIn(0, (HYPERLIQUID_FEE_TIERS.at(-1)?.tier ?? 0), "Hyperliquid fee tiers"),
  fees: v.optional(v.strictObject({ perpTaker: feeRate, perpMaker: feeRate, spotTaker: feeRate, spotMaker: feeRate }, "an object with perpTaker, perpMaker, spotTaker and/or spotMaker")),
  slippagePerSide: fraction("of price per side", 0.01),
  minNotionalUsd: numberIn(0, 1e9, "a number of USD"),
  maxNotionalFraction: numberIn(0.0001, 10, "a multiple of equity"),
  oversize: oneOf(["reject", "cap"]),
  spreadOversize: oneOf(["reject", "cap"]),
  minStopDistance: fraction("of the entry price"),
  maxStopDistance: fraction("of the entry price"),
  minSpreadStopDistance: fraction("of the entry price"),
  maxCorrelatedExposure: multiple(100),
  maxOpenPositions: integerIn(1, 10_000, "positions"),
  maxGrossLeverage: multiple(100),
  maxPerCoinExposure: multiple(100),
  maxDailyLoss: fraction("of the day's starting equity"),
});

const BROKER_SCHEMA = v.strictObject({
  startingEquityUsd: numberIn(1, 1e12, "a number of USD"),
  latencyMs: integerIn(0, 60_000, "ms"),
  maxFillWaitMs: integerIn(0, 3_600_000, "ms"),
  maxBarWaitMs: integerIn(0, 7 * 86_400_000, "ms"),
  barOpenToleranceMs: integerIn(0, 3_600_000, "ms"),
  barInterval: v.optional(v.picklist(CANDLE_INTERVALS as readonly [CandleInterval, ...CandleInterval[]], `one of ${CANDLE_INTERVALS.join(", ")}`)),
  barSpread: v.optional(v.strictObject({ perp: fraction("full bid-ask spread", 0.1), spot: fraction("full bid-ask spread", 0.1) }, "an object with perp and/or spot")),
  barSlippage: fraction("of price per fill", 0.1),
  maxLegSkewMs: integerIn(0, 86_400_000, "ms"),
});

// ─── helpers ──────────────────────────────────────────────────────────────────────────────────

/** Runs `schema`; the first issue becomes a ConfigError under `path` (unknown keys name the known ones). */
function parseSection<S extends v.GenericSchema>(path: string, schema: S, input: unknown): v.InferOutput<S> {
  const result = v.safeParse(schema, input ?? {});
  if (result.success) return result.output;
  const issue = result.issues[0];
  const dot = v.getDotPath(issue);
  const key = dot === null || dot === "" ? path : `${path}.${dot}`;
  if (issue.type === "strict_object") {
    const segments = (issue.path ?? []).map((item) => (typeof item.key === "string" ? item.key : ""));
    const name = segments.at(-1) ?? "";
    const known = knownKeys(schema, segments.slice(0, -1));
    const near = nearest(name, known);
    const hint = near.length > 0 ? `; did you mean ${near.join(", ")}?` : "";
    throw new ConfigError(key, issue.path?.at(-1)?.value, `not a known key${hint} (keys: ${known.join(", ")})`);
  }
  throw new ConfigError(key, issue.input, issue.message);
}

// The keys of the strict object at `path` inside `schema` (through optional wrappers).
function knownKeys(schema: unknown, path: readonly string[]): string[] {
  type Node = { readonly entries?: Readonly<Record<string, unknown>>; readonly wrapped?: unknown };
  let node = schema as Node | undefined;
  for (const segment of path) node = (node?.wrapped as Node | undefined ?? node)?.entries?.[segment] as Node | undefined;
  const object = (node?.wrapped as Node | undefined) ?? node;
  return Object.keys(object?.entries ?? {});
}

/** The entries whose value is not `undefined` (valibot's optional keys), for exact optional types. */
function defined<T extends object>(value: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, x]) => x !== undefined)) as { [K in keyof T]?: Exclude<T[K], undefined> };
}

/**
 * `--strategies a,b` → the strategy ids, each checked against the catalog.
 * @throws ConfigError naming an unknown id with the nearest known ones.
 */
export function parseStrategySubset(list: string): string[] {
  const ids = list.split(",").map((x) => x.trim()).filter((x) => x.length > 0);
  if (ids.length === 0) throw new ConfigError("--strategies", list, `a comma-separated list of strategy ids (ids: ${STRATEGY_IDS.join(", ")})`);
  for (const id of ids) if (!STRATEGY_IDS.includes(id)) throw unknownStrategy("--strategies", id, id);
  return [...new Set(ids)];
}

function unknownStrategy(key: string, value: unknown, id: string): ConfigError {
  const near = nearestIds(id);
  return new ConfigError(key, value, `not a known strategy id${near.length > 0 ? `; did you mean ${near.join(", ")}?` : ""} (ids: ${STRATEGY_IDS.join(", ")})`);
}

// Ids near by edit distance, or sharing the first word (`flow-tox` → `flow-toxicity`).
function nearestIds(id: string): string[] {
  const near = nearest(id, STRATEGY_IDS);
  if (near.length > 0) return near;
  const head = id.split("-")[0] ?? id;
  return STRATEGY_IDS.filter((known) => head.length >= 3 && known.startsWith(head));
}

// ─── the sections ─────────────────────────────────────────────────────────────────────────────

/**
 * Validates the `strategies` section: known ids, each strategy's own schema, then its cross-field
 * rules (by building every strategy once on a stand-in market, the strategies' own constructors).
 * @throws ConfigError naming `strategies.<id>.<key>`, the value and what is allowed.
 */
export function parseStrategiesSection(input: Readonly<Record<string, unknown>> = {}): Pick<TradingSettings, "strategyOverrides" | "strategies" | "variants"> {
  const catalog: Record<string, unknown> = {};
  const catalogToId = new Map<string, string>();
  for (const [id, section] of Object.entries(input)) {
    const entry = (STRATEGY_SECTIONS as Readonly<Record<string, { readonly catalogKey: keyof StrategyConfigs; readonly schema: v.GenericSchema }>>)[id];
    if (entry === undefined) throw unknownStrategy(`strategies.${id}`, section, id);
    parseStrategyConfig(`strategies.${id}`, entry.schema, section);
    catalog[entry.catalogKey] = section;
  }
  for (const [id, entry] of Object.entries(STRATEGY_SECTIONS)) catalogToId.set(entry.catalogKey, id);
  const strategies = catalog as StrategyConfigs;
  let built;
  try {
    // Pure: a stand-in perp with a spot leg so the basis strategy is built too.
    built = createStrategies(perp("BTC"), strategies, { spot: spot("UBTC/USDC", "BTC") });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    // The strategies name their own sections by catalog key (`strategies.vwapReversion.minAbsZ`); the file uses ids.
    const match = /^strategies\.([A-Za-z]+)(.*)$/.exec(error.key);
    const id = match === null ? undefined : catalogToId.get(match[1] ?? "");
    if (match === null || id === undefined) throw error;
    const allowed = error.message.slice(error.message.indexOf(" is invalid: ") + " is invalid: ".length);
    throw new ConfigError(`strategies.${id}${match[2] ?? ""}`, error.value, allowed);
  }
  const variants: Record<string, unknown> = {};
  for (const strategy of built) variants[strategy.id] = strategy.config;
  return { strategyOverrides: structuredClone(input), strategies, variants };
}

/**
 * Validates the `risk` section. `feeTier` picks a row of Hyperliquid's tier table; `fees` sets
 * rates directly (not both). Partial `confidenceMultiplier` / `fees` objects keep the other defaults.
 * @throws ConfigError naming `risk.<key>`, the value and what is allowed.
 */
export function parseRiskSection(input: Readonly<Record<string, unknown>> = {}): Partial<RiskConfig> {
  const { feeTier, fees, confidenceMultiplier, ...rest } = parseSection("risk", RISK_SCHEMA, input);
  const out: { -readonly [K in keyof RiskConfig]?: RiskConfig[K] } = defined(rest);
  if (feeTier !== undefined && fees !== undefined) throw new ConfigError("risk.feeTier", feeTier, "not together with risk.fees (set one: a tier of the table, or your own rates)");
  if (feeTier !== undefined) {
    const row = HYPERLIQUID_FEE_TIERS.find((t) => t.tier === feeTier);
    if (row === undefined) throw new ConfigError("risk.feeTier", feeTier, `one of the tiers ${HYPERLIQUID_FEE_TIERS.map((t) => t.tier).join(", ")}`);
    out.fees = ratesOnly(row);
  }
  if (fees !== undefined) out.fees = { ...ratesOnly(DEFAULT_RISK_CONFIG.fees), ...defined(fees) };
  if (confidenceMultiplier !== undefined) out.confidenceMultiplier = { ...DEFAULT_RISK_CONFIG.confidenceMultiplier, ...defined(confidenceMultiplier) };
  const minStop = out.minStopDistance ?? DEFAULT_RISK_CONFIG.minStopDistance;
  const maxStop = out.maxStopDistance ?? DEFAULT_RISK_CONFIG.maxStopDistance;
  if (minStop > maxStop) throw new ConfigError("risk.minStopDistance", minStop, `a fraction at most risk.maxStopDistance (${maxStop})`);
  return out;
}

// The default fee rates are a tier-table row (with `tier`, `min14dVolumeUsd`); settings compare rates only.
function ratesOnly(rates: FeeRates): FeeRates {
  return { perpTaker: rates.perpTaker, perpMaker: rates.perpMaker, spotTaker: rates.spotTaker, spotMaker: rates.spotMaker };
}

/**
 * The full risk configuration in force for `overrides` (defaults filled in, fees as the four
 * rates only), so that equal settings compare equal however they were written: a run's identity.
 */
export function effectiveRiskConfig(overrides: Partial<RiskConfig>): RiskConfig {
  const risk = riskConfig(overrides);
  return { ...risk, fees: ratesOnly(risk.fees) };
}

/**
 * Validates the `broker` section.
 * @throws ConfigError naming `broker.<key>`, the value and what is allowed.
 */
export function parseBrokerSection(input: Readonly<Record<string, unknown>> = {}): BrokerSettings {
  const { barSpread, ...rest } = parseSection("broker", BROKER_SCHEMA, input);
  const out: { -readonly [K in keyof BrokerSettings]: BrokerSettings[K] } = defined(rest);
  if (barSpread !== undefined) out.barSpread = { ...DEFAULT_BROKER_CONFIG.barSpread, ...defined(barSpread) };
  return out;
}

/**
 * Validates `paperTradeWhenKilled`: every entry a known strategy id.
 * @throws ConfigError naming `paperTradeWhenKilled[i]` and the ids.
 */
export function parsePaperTradeWhenKilled(input: readonly string[] = []): readonly string[] {
  input.forEach((id, i) => {
    if (!STRATEGY_IDS.includes(id)) throw unknownStrategy(`paperTradeWhenKilled[${i}]`, id, id);
  });
  return [...input];
}

/**
 * Validates every trading section.
 * @throws ConfigError naming the full key path, the value and what is allowed.
 */
export function parseTradingSections(sections: TradingSections): TradingSettings {
  return {
    ...parseStrategiesSection(sections.strategies),
    risk: parseRiskSection(sections.risk),
    broker: parseBrokerSection(sections.broker),
    paperTradeWhenKilled: parsePaperTradeWhenKilled(sections.paperTradeWhenKilled),
  };
}

/** The trading sections of a loaded configuration. */
export function tradingSectionsFromConfig(config: Config): { readonly [K in keyof TradingSections]-?: Exclude<TradingSections[K], undefined> } {
  return { strategies: config.strategies, risk: config.risk, broker: config.broker, paperTradeWhenKilled: config.paperTradeWhenKilled };
}

/**
 * The gate configuration of a loaded configuration (its `analytics` section, defaults for what it
 * leaves out): what `report` judges strategies with.
 * @throws ConfigError naming `analytics.<key>`, the value and what is allowed.
 */
export function gatesFromConfig(config: Config): GateConfig {
  return parseGateConfig(config.analytics, "analytics");
}
