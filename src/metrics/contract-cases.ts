import type { Market, MarketEvent } from "../core/index.ts";
import type { StreamingMetric } from "./contract.ts";

/**
 * One metric registered in the shared contract test (`contract.test.ts`).
 * `stream` optionally supplies a seeded event stream that exercises the metric; without it the
 * contract test uses its own generic random stream of every event kind.
 */
export interface ContractCase {
  name: string;
  make: (market: Market) => StreamingMetric<unknown>;
  stream?: (seed: number) => MarketEvent[];
}

/** Registry of every metric: append one line per metric (append only). */
export const CONTRACT_CASES: ContractCase[] = [
];
