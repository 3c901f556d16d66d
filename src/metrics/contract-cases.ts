import type { Market, MarketEvent } from "../core/index.ts";
import { BookImbalance } from "./book-imbalance.ts";
import { BookConcentration, LiquidityVelocity, QuoteStuffing } from "./book-quality.ts";
import { CandleFlowProxy } from "./candle-flow-proxy.ts";
import { FundingRate, FundingVelocity } from "./funding.ts";
import { SessionVwap } from "./session-vwap.ts";
import { hourlyFundingStream } from "./test-events.ts";
import { TradeFlow } from "./trade-flow.ts";
import { VolumeRatio } from "./volume-ratio.ts";
import type { StreamingMetric } from "./contract.ts";
import { OpenInterestTracker } from "./open-interest.ts";
import { FlowToxicity } from "./flow-toxicity.ts";
import { Vpin } from "./vpin.ts";
import { Basis } from "./basis.ts";
import { spot } from "../core/index.ts";
import { AdaptiveThresholdMetric } from "./adaptive-threshold.ts";
import { RealizedVolatility } from "./realized-volatility.ts";
import { RollingCorrelation } from "./correlation.ts";
import { hourlyPairStream } from "./hourly-candle-stream.ts";

/**
 * One metric registered in the shared contract test (`contract.test.ts`).
 * `stream` optionally supplies a seeded, time-ordered event stream that exercises the metric,
 * with events for `perp("BTC")` (and its spot pair `spot("UBTC/USDC", "BTC")` where relevant);
 * the contract test builds the metric for `perp("BTC")`. Without it the contract test uses its
 * own generic random stream of every event kind (`randomEventStream` in `test-events.ts`).
 */
export interface ContractCase {
  name: string;
  make: (market: Market) => StreamingMetric<unknown>;
  stream?: (seed: number) => MarketEvent[];
}

/** Registry of every metric: append one line per metric (append only). */
export const CONTRACT_CASES: ContractCase[] = [
  { name: "bookImbalance", make: (market) => new BookImbalance({ market }) },
  { name: "bookHerfindahl", make: (market) => new BookConcentration({ market }) },
  { name: "liquidityVelocityPerSecond", make: (market) => new LiquidityVelocity({ market }) },
  { name: "quoteStuffing", make: (market) => new QuoteStuffing({ market, window: 5 }) },
  { name: "tradeFlow", make: (market) => new TradeFlow({ market }) },
  { name: "candleFlowProxy", make: (market) => new CandleFlowProxy({ market, bars: 3 }) },
  { name: "sessionVwap", make: (market) => new SessionVwap({ market }) },
  { name: "volumeRatio", make: (market) => new VolumeRatio({ market, bars: 3 }) },
  { name: "fundingRate", make: (market) => new FundingRate({ market }), stream: hourlyFundingStream },
  { name: "fundingRatePredicted", make: (market) => new FundingRate({ market, source: "predicted" }), stream: hourlyFundingStream },
  { name: "fundingVelocity", make: (market) => new FundingVelocity({ market }), stream: hourlyFundingStream },
  { name: "openInterestChange", make: (market) => new OpenInterestTracker({ market }) },
  { name: "flowToxicity", make: (market) => new FlowToxicity({ market }) },
  { name: "vpin", make: (market) => new Vpin({ market, fixedBucketSize: 5, buckets: 5 }) },
  { name: "basisBps", make: (market) => new Basis({ market, spot: spot(`U${market.base}/USDC`, market.base) }) },
  { name: "bookImbalanceP90", make: (market) => new AdaptiveThresholdMetric({ source: new BookImbalance({ market }), fallback: 0.6, absolute: true, sampleEveryMs: 5_000 }) },
  { name: "realizedVolatility", make: (market) => new RealizedVolatility({ market, minCoverage: 0.05, regimeMinSamples: 1 }) },
  { name: "hourlyReturnCorrelation", make: (market) => new RollingCorrelation({ market, other: spot(`U${market.base}/USDC`, market.base) }), stream: hourlyPairStream },
];
