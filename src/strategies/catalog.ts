import type { Market } from "../core/index.ts";
import type { OpenInterestSeriesPort } from "../metrics/oi-series-port.ts";
import { BasisArbitrageStrategy } from "./basis-arbitrage.ts";
import { ContrarianFundingStrategy } from "./contrarian-funding.ts";
import { AdaptiveConvergenceStrategy } from "./convergence-adaptive.ts";
import type { ComponentPerformanceSource } from "./convergence-adaptive.ts";
import { ConvergenceStrategy } from "./convergence.ts";
import { FlowToxicityStrategy } from "./flow-toxicity.ts";
import { FundingVelocityStrategy } from "./funding-velocity.ts";
import { FundingVolumeStrategy } from "./funding-volume.ts";
import { LiquidityStrategy } from "./liquidity.ts";
import { OpenInterestStrategy } from "./open-interest.ts";
import { PositioningRegimesStrategy } from "./positioning-regimes.ts";
import type { AnyStrategy } from "./strategy.ts";
import { VwapReversionStrategy } from "./vwap-reversion.ts";

/** Raw per-strategy configuration sections (validated by each strategy; `undefined` = defaults). */
export interface StrategyConfigs {
  basisArbitrage?: unknown;
  flowToxicity?: unknown;
  openInterest?: unknown;
  vwapReversion?: unknown;
  fundingVelocity?: unknown;
  fundingVolume?: unknown;
  contrarianFunding?: unknown;
  convergence?: unknown;
  convergenceAdaptive?: unknown;
  positioningRegimes?: unknown;
  liquidity?: unknown;
}

/** What a perp's strategies need besides configuration. */
export interface StrategySetOptions {
  /** The perp's spot leg (venue pair, or an external reference for research); no basis strategy without one. */
  spot?: Market | undefined;
  /** Open-interest history storage, so the 7-day OI series survives a restart. */
  oiSeries?: OpenInterestSeriesPort;
  /** Event time at start, ms (the OI tracker loads history from here). */
  startMs?: number;
  /** Per-component daily returns for the adaptive convergence weights (analytics); without it the fixed weights apply. */
  componentPerformance?: ComponentPerformanceSource;
}

/**
 * Every strategy for one perp, with the given configuration sections.
 * @throws ConfigError for an invalid section.
 */
export function createStrategies(perp: Market, configs: StrategyConfigs = {}, options: StrategySetOptions = {}): AnyStrategy[] {
  const list: AnyStrategy[] = [];
  if (options.spot !== undefined) list.push(new BasisArbitrageStrategy(perp, options.spot, configs.basisArbitrage));
  list.push(
    new FlowToxicityStrategy(perp, configs.flowToxicity),
    new OpenInterestStrategy(perp, configs.openInterest, {
      ...(options.oiSeries === undefined ? {} : { series: options.oiSeries }),
      ...(options.startMs === undefined ? {} : { startMs: options.startMs }),
    }),
    new VwapReversionStrategy(perp, configs.vwapReversion),
    new FundingVelocityStrategy(perp, configs.fundingVelocity),
    new FundingVolumeStrategy(perp, configs.fundingVolume),
    new ContrarianFundingStrategy(perp, configs.contrarianFunding),
  );
  // The convergence scores only READ the OI history: the OI strategy above already appends to the
  // port, and a second writer would store every sample twice.
  const convergence = {
    spot: options.spot,
    ...(options.oiSeries === undefined ? {} : { oiSeries: readOnly(options.oiSeries) }),
    ...(options.startMs === undefined ? {} : { startMs: options.startMs }),
  };
  list.push(
    new ConvergenceStrategy(perp, configs.convergence, convergence),
    new AdaptiveConvergenceStrategy(perp, configs.convergenceAdaptive, {
      ...convergence,
      ...(options.componentPerformance === undefined ? {} : { performance: options.componentPerformance }),
    }),
    new PositioningRegimesStrategy(perp, configs.positioningRegimes),
    new LiquidityStrategy(perp, configs.liquidity),
  );
  return list;
}

/** The port with appends dropped, for a second reader of the same history. */
function readOnly(series: OpenInterestSeriesPort): OpenInterestSeriesPort {
  return { load: (coin, fromMs) => series.load(coin, fromMs), append: () => undefined };
}
