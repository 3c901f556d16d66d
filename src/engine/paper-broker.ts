import { COMBINED_BOOK } from "../core/index.ts";
import type { BookId } from "../core/index.ts";
import { brokerConfig, PaperBroker } from "../paper/index.ts";
import type { BrokerConfig, BrokerState } from "../paper/index.ts";
import type { KernelBroker } from "./broker-port.ts";
import type { BrokerSetup } from "./kernel.ts";

/**
 * The kernel's broker factory for the paper broker (src/paper), called once per book. Starting
 * equity and fee rates come from the kernel (one source of truth: the risk configuration sizes
 * with the same fees the broker charges); everything else from `overrides` over the broker's
 * defaults. Candle-only replay sets `fillModel: "bar"` and the `barInterval` of the candles to
 * fill and mark on. A strategy's own book prefixes its position ids with `<book>/`, so they
 * never collide with the combined book's (`pos:<signal id>`).
 * `state`: resume each book from its broker snapshot (a live warm restart; a book without one
 * starts fresh); replay recomputes instead.
 */
export function paperBrokerFactory(
  overrides: Partial<Omit<BrokerConfig, "startingEquityUsd" | "fees">> = {},
  state?: (book: BookId) => BrokerState | undefined,
): (setup: BrokerSetup) => KernelBroker {
  return (setup) => {
    const config = brokerConfig({ ...overrides, startingEquityUsd: setup.startingEquityUsd, fees: setup.risk.fees });
    const options = { idPrefix: setup.book === COMBINED_BOOK ? "" : `${setup.book}/` };
    const restored = state?.(setup.book);
    const broker = restored === undefined ? new PaperBroker(config, undefined, options) : PaperBroker.restore(config, restored, options);
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
