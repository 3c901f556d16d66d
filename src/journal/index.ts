/** The SQLite journal: numbered migrations, batched writes with checkpoints, report and resume queries. */
export { JournalError } from "./errors.ts";
export { Journal } from "./journal.ts";
export type { DashboardFill, DashboardPrice, DashboardWatermark, JournalOpenOptions, JournalSynchronous, LedgerSignal, SignalLedgerFilter } from "./journal.ts";
export { JournalOpenInterestSeries } from "./oi-series.ts";
export { MIGRATIONS } from "./migrations/index.ts";
export { DEFAULT_TRIAL_REGISTRY, TrialRegistry, registerJournalTrials, trialRegistryPath } from "./trial-registry.ts";
export type { RegisteredTrial } from "./trial-registry.ts";
export type { Migration } from "./migrations/index.ts";
export { OWN_BOOK } from "./records.ts";
export type {
  BookFilter,
  Checkpoint,
  FundingFilter,
  JournalRecord,
  JournalRecordKind,
  JournalSignal,
  LifecycleEntry,
  RunInfo,
  StrategyTimeRange,
  StrategyVariant,
  TimeRange,
} from "./records.ts";
