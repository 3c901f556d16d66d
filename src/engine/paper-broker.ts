import { brokerConfig, PaperBroker } from "../paper/index.ts";
import type { BrokerConfig, BrokerState } from "../paper/index.ts";
import type { KernelBroker } from "./broker-port.ts";
import type { BrokerSetup } from "./kernel.ts";

/**
 * The kernel's broker factory for the paper broker (src/paper). Starting equity and fee rates
 * come from the kernel (one source of truth: the risk configuration sizes with the same fees the
 * broker charges); everything else from `overrides` over the broker's defaults. Candle-only
 * replay sets `fillModel: "bar"` and the `barInterval` of the candles to fill and mark on.
 * `state`: resume from a broker snapshot (a live warm restart); replay recomputes instead.
 */
export function paperBrokerFactory(overrides: Partial<Omit<BrokerConfig, "startingEquityUsd" | "fees">> = {}, state?: BrokerState): (setup: BrokerSetup) => KernelBroker {
  return (setup) => {
    const config = brokerConfig({ ...overrides, startingEquityUsd: setup.startingEquityUsd, fees: setup.risk.fees });
    const broker = state === undefined ? new PaperBroker(config) : PaperBroker.restore(config, state);
    return {
      onEvent: (event) => broker.onEvent(event),
      onSignal: (signal, decision) => broker.onSignal(signal, decision),
      finish: () => broker.finish(),
      portfolio: () => broker.portfolio(),
      snapshot: () => broker.snapshot(),
      onInstantEnd: (nowMs) => broker.onInstantEnd(nowMs),
      equityAt: (tsMs) => broker.equityAt(tsMs),
      costPerSide: (market) => broker.costPerSide(market),
    };
  };
}
