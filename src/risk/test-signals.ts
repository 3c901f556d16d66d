import { perp, spot } from "../core/index.ts";
import type { Confidence, Side, Signal } from "../strategies/index.ts";

/** A one-leg test signal on a perp, created at `createdMs` (default 0) with a 120 s expiry. */
export function oneLegSignal(
  opts: { coin?: string; side?: Side; entryPx: number; stopPx: number; targetPx?: number; confidence?: Confidence; createdMs?: number; strategy?: string; id?: string },
): Signal {
  const side = opts.side ?? (opts.stopPx < opts.entryPx ? "long" : "short");
  const market = perp(opts.coin ?? "BTC");
  const targetPx = opts.targetPx ?? (side === "long" ? opts.entryPx * 1.02 : opts.entryPx * 0.98);
  const createdMs = opts.createdMs ?? 0;
  const strategy = opts.strategy ?? "test";
  return {
    id: opts.id ?? `${strategy}:${market.key}:${createdMs}:0`,
    strategy,
    market,
    legs: [{ market, side, entryPx: opts.entryPx }],
    side,
    confidence: opts.confidence ?? "HIGH",
    entryPx: opts.entryPx,
    stopPx: opts.stopPx,
    targetPx,
    maxHoldMs: 8 * 3_600_000,
    createdMs,
    expiryMs: 120_000,
    reason: "test",
    metrics: {},
    thresholds: {},
    executable: true,
  };
}

/** A two-leg basis test signal: perp `perpPx` against UBTC/USDC `spotPx`, short perp / long spot when perp is rich. */
export function basisSignal(opts: { perpPx: number; spotPx: number; targetBasis?: number; stopBasis: number; createdMs?: number; id?: string }): Signal {
  const p = perp("BTC");
  const s = spot("UBTC/USDC", "BTC");
  const basis = (opts.perpPx - opts.spotPx) / opts.spotPx;
  const side: Side = basis > 0 ? "short" : "long";
  const targetBasis = opts.targetBasis ?? 0;
  const createdMs = opts.createdMs ?? 0;
  return {
    id: opts.id ?? `basis-arbitrage:${p.key}:${createdMs}:0`,
    strategy: "basis-arbitrage",
    market: p,
    legs: [
      { market: p, side, entryPx: opts.perpPx },
      { market: s, side: side === "short" ? "long" : "short", entryPx: opts.spotPx },
    ],
    side,
    confidence: "MEDIUM",
    entryPx: opts.perpPx,
    stopPx: opts.spotPx * (1 + opts.stopBasis),
    targetPx: opts.spotPx * (1 + targetBasis),
    maxHoldMs: 8 * 3_600_000,
    createdMs,
    expiryMs: 120_000,
    reason: "test basis",
    metrics: {},
    thresholds: {},
    executable: true,
    spread: { entryBasis: basis, targetBasis, stopBasis: opts.stopBasis, roundTripCost: 0.0023, expectedNetEdge: Math.abs(basis - targetBasis) - 0.0023 },
  };
}
