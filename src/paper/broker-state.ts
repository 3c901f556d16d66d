import type { BookLevel, Market } from "../core/index.ts";
import type { ExitReason, OrderSide, PaperFill, PositionSide } from "./types.ts";

/**
 * The paper broker's full state, JSON-serialisable (plain objects, numbers, strings, null), so
 * the journal can checkpoint it and a restart resumes exactly. Markets are re-interned on
 * restore. Prices USD per coin, sizes coins, money USD, times ms.
 */
export interface BrokerState {
  readonly version: 1;
  /** Latest event time seen, ms; null before the first event. */
  nowMs: number | null;
  cashUsd: number;
  /** Start of the current UTC day, ms, and the equity then, USD. */
  dayStartMs: number | null;
  dayStartEquityUsd: number;
  /** Latest mark (book mid or bar close) per market key. */
  marks: Record<string, { px: number; tsMs: number }>;
  /** Latest oracle price per perp market key (from asset contexts). */
  oracles: Record<string, number>;
  /** Latest book per market key (book model), for an order due at once (latency 0) and end-of-data exits. */
  books: Record<string, { tsMs: number; bids: BookLevel[]; asks: BookLevel[] }>;
  /** Time of the latest funding settlement applied per market key (duplicates are ignored). */
  lastFundingMs: Record<string, number>;
  pendingEntries: PendingEntry[];
  positions: OpenPosition[];
}

/** One leg of an entry waiting for its fill. */
export interface PendingEntryLeg {
  legIndex: number;
  market: Market;
  side: PositionSide;
  orderId: string;
  sz: number;
  /** The signal's reference price, for exposure while pending. */
  refPx: number;
  fill: PaperFill | null;
}

/**
 * A funding settlement seen while a bar-model fill that will be stamped in the past was pending
 * (an entry, or an exit, fills at the next bar's open, known only at that bar's close): paid once
 * the fill's time is known, iff the position was held through it (`openedMs < tsMs ≤ closedMs`).
 */
export interface HeldSettlement {
  marketKey: string;
  /** Settlement time, ms. */
  tsMs: number;
  /** Rate for the settlement's period, fraction; positive: longs pay. */
  rate: number;
  /** Oracle (or mark) price when the settlement was seen. */
  oraclePx: number;
}

/** An accepted signal's entry, all-or-nothing across its legs. */
export interface PendingEntry {
  positionId: string;
  signalId: string;
  strategy: string;
  createdMs: number;
  /** When the entry orders were placed (the decision's event time), ms. */
  placedMs: number;
  /** When the order reaches the venue: signal + latency, ms. Book: first book time; bar: a bar opening at or after dueMs − barOpenToleranceMs may fill it. */
  dueMs: number;
  /** Last time a fill's price may be from, ms. */
  deadlineMs: number;
  /** Signal expiry (createdMs + expiryMs), ms: a fill at or after it is refused. */
  expiresMs: number;
  stopPx: number;
  targetPx: number;
  maxHoldMs: number;
  spread: { targetBasis: number; stopBasis: number } | null;
  legs: PendingEntryLeg[];
  /** Bar model: settlements seen while this entry waited for its bar (absent: none). */
  heldFunding?: HeldSettlement[];
}

/** One leg of an open position. */
export interface OpenLeg {
  market: Market;
  side: PositionSide;
  /** Size filled at entry, coins. */
  sz: number;
  entryPx: number;
  /** Size still held, coins (less than `sz` while an exit fills in parts). */
  remainingSz: number;
  /** Price P&L realised by exit fills so far, USD. */
  realizedUsd: number;
}

/** An exit in progress: one order per leg, filled in one or more parts. */
export interface PendingExit {
  reason: ExitReason;
  triggeredMs: number;
  dueMs: number;
  orders: { legIndex: number; orderId: string; side: OrderSide; fills: number }[];
}

/** An open position and its exit, if one is under way. */
export interface OpenPosition {
  id: string;
  signalId: string;
  strategy: string;
  openedMs: number;
  stopPx: number;
  targetPx: number;
  maxHoldMs: number;
  spread: { targetBasis: number; stopBasis: number } | null;
  legs: OpenLeg[];
  entryNotionalUsd: number;
  feesUsd: number;
  fundingUsd: number;
  slippageUsd: number;
  exit: PendingExit | null;
  /** Bar model: settlements seen while this position's exit waited for its bar (absent: none). */
  heldFunding?: HeldSettlement[];
}
