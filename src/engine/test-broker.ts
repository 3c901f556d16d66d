import type { MarketEvent } from "../core/index.ts";
import type { BrokerRecord, PaperOrder, PaperPosition, RiskDecision } from "../paper/index.ts";
import type { PortfolioView } from "../risk/index.ts";
import type { Signal } from "../strategies/index.ts";
import type { KernelBroker } from "./broker-port.ts";
import type { BrokerSetup } from "./kernel.ts";

/**
 * A deliberately tiny broker for kernel tests (test-only; production uses src/paper): one-leg
 * entries fill at the next candle's open of their market, no fees; a later bar through the
 * stop (checked first) or target closes at that price. Entries of strategies in `unfillable`
 * give up on the next candle instead.
 */
export class TestBroker implements KernelBroker {
  private cashUsd: number;
  private readonly pending: { signal: Signal; sz: number; orderTs: number; positionId: string }[] = [];
  private readonly open: { position: PaperPosition; side: "long" | "short" }[] = [];
  private readonly unfillable: ReadonlySet<string>;
  private seq = 0;
  private readonly idPrefix: string;

  constructor(setup: BrokerSetup, unfillable: readonly string[] = []) {
    this.cashUsd = setup.startingEquityUsd;
    this.unfillable = new Set(unfillable);
    this.idPrefix = setup.book === "combined" ? "" : `${setup.book}/`;
  }

  onEvent(event: MarketEvent, nowMs: number): BrokerRecord[] {
    if (event.kind !== "candle") return [];
    const out: BrokerRecord[] = [];
    for (const p of [...this.pending]) {
      if (p.signal.market.key !== event.market.key || event.tsEvent <= p.orderTs) continue;
      this.pending.splice(this.pending.indexOf(p), 1);
      if (this.unfillable.has(p.signal.strategy)) {
        const order = this.entryOrder(p.positionId, p.signal, p.sz, p.orderTs);
        out.push({ kind: "orderUnfilled", orderId: order.id, signalId: p.signal.id, positionId: p.positionId, tsMs: nowMs, code: "no_depth", reason: "test", order });
        continue;
      }
      out.push({ kind: "fill", fill: this.fill(p.positionId, "entry", p.signal.side === "long" ? "buy" : "sell", event.open, p.sz, nowMs, p.signal) });
      const position: PaperPosition = {
        id: p.positionId, signalId: p.signal.id, strategy: p.signal.strategy,
        legs: [{ market: p.signal.market, side: p.signal.side, sz: p.sz, entryPx: event.open }],
        openedMs: nowMs, stopPx: p.signal.stopPx, targetPx: p.signal.targetPx, maxHoldMs: p.signal.maxHoldMs,
        entryNotionalUsd: p.sz * event.open, feesUsd: 0, fundingUsd: 0, slippageUsd: 0,
      };
      this.open.push({ position, side: p.signal.side });
      out.push({ kind: "positionOpened", position }, this.equity(nowMs));
    }
    for (const o of [...this.open]) {
      const leg = o.position.legs[0]!;
      if (leg.market.key !== event.market.key || o.position.openedMs >= nowMs) continue;
      const long = o.side === "long";
      const stopHit = long ? event.low <= o.position.stopPx : event.high >= o.position.stopPx;
      const targetHit = long ? event.high >= o.position.targetPx : event.low <= o.position.targetPx;
      if (!stopHit && !targetHit) continue;
      const px = stopHit ? o.position.stopPx : o.position.targetPx;
      const orderId = `${o.position.id}:exit`;
      out.push({ kind: "order", order: { id: orderId, signalId: o.position.signalId, positionId: o.position.id, legIndex: 0, market: leg.market, side: long ? "sell" : "buy", sz: leg.sz, tsMs: nowMs, purpose: "exit" } });
      out.push({ kind: "fill", fill: { ...this.fill(o.position.id, "exit", long ? "sell" : "buy", px, leg.sz, nowMs, undefined), orderId, market: leg.market } });
      const pnlUsd = (px - leg.entryPx) * leg.sz * (long ? 1 : -1);
      this.cashUsd += pnlUsd;
      this.open.splice(this.open.indexOf(o), 1);
      out.push({ kind: "positionClosed", position: o.position, closedMs: nowMs });
      out.push({
        kind: "outcome",
        outcome: {
          positionId: o.position.id, signalId: o.position.signalId, strategy: o.position.strategy, market: leg.market, side: o.side,
          openedMs: o.position.openedMs, closedMs: nowMs, holdMs: nowMs - o.position.openedMs, entryNotionalUsd: o.position.entryNotionalUsd,
          pnlUsd, pnlPct: pnlUsd / o.position.entryNotionalUsd, grossPnlUsd: pnlUsd, feesUsd: 0, fundingUsd: 0, slippageUsd: 0,
          exitReason: stopHit ? "stop" : "target",
        },
      }, this.equity(nowMs));
    }
    return out;
  }

  onSignal(signal: Signal, decision: RiskDecision, nowMs: number): BrokerRecord[] {
    if (!decision.accepted) return [];
    const positionId = `${this.idPrefix}pos-${(this.seq += 1)}`;
    const sz = decision.sz ?? 0;
    this.pending.push({ signal, sz, orderTs: nowMs, positionId });
    return [{ kind: "order", order: this.entryOrder(positionId, signal, sz, nowMs) }];
  }

  private entryOrder(positionId: string, signal: Signal, sz: number, tsMs: number): PaperOrder {
    return { id: `${positionId}:entry`, signalId: signal.id, positionId, legIndex: 0, market: signal.market, side: signal.side === "long" ? "buy" : "sell", sz, tsMs, purpose: "entry" };
  }

  finish(): BrokerRecord[] {
    return [];
  }

  portfolio(nowMs: number): PortfolioView {
    return { tsMs: nowMs, equityUsd: this.cashUsd, dayStartEquityUsd: this.cashUsd, openPositions: this.open.length + this.pending.length, legs: [] };
  }

  snapshot(): unknown {
    return { cashUsd: this.cashUsd, open: this.open.length, pending: this.pending.length };
  }

  private fill(positionId: string, purpose: string, side: "buy" | "sell", px: number, sz: number, tsMs: number, signal: Signal | undefined) {
    return {
      id: `${positionId}:${purpose}:fill`, orderId: `${positionId}:${purpose}`, positionId, legIndex: 0,
      market: signal?.market ?? this.open.find((o) => o.position.id === positionId)!.position.legs[0]!.market,
      side, px, sz, feeUsd: 0, liquidity: "taker" as const, slippageUsd: 0, tsMs, model: "bar" as const, partial: false,
    };
  }

  private equity(tsMs: number): BrokerRecord {
    return { kind: "equity", snapshot: { tsMs, equityUsd: this.cashUsd, cashUsd: this.cashUsd, unrealizedUsd: 0, openPositions: this.open.length, grossExposureUsd: 0 } };
  }
}
