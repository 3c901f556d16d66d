/**
 * Where the open-interest tracker keeps its history. Hyperliquid has no open-interest history
 * endpoint, so a 7-day change needs 7 days of our own recording; the SQLite journal implements
 * this port so that a restart keeps the series. The port is synchronous because the journal
 * (node:sqlite) is, and the metric stays pure by only calling it.
 */

/** One open-interest observation: time (ms, UTC) and open interest in base-asset units. */
export interface OpenInterestSample {
  readonly tsMs: number;
  readonly openInterest: number;
}

/** Per-coin, time-indexed storage of open-interest samples. */
export interface OpenInterestSeriesPort {
  /** Samples of `coin` with `tsMs >= fromMs`, oldest first. */
  load(coin: string, fromMs: number): readonly OpenInterestSample[];
  /** Stores one sample of `coin`; samples arrive in time order. */
  append(coin: string, sample: OpenInterestSample): void;
}

/** Options of {@link InMemoryOpenInterestSeries}. */
export interface InMemoryOpenInterestSeriesOptions {
  /**
   * Samples older than this before a coin's newest sample are dropped on append, ms.
   * Default 7 days + 1 hour (the tracker's longest horizon plus its lookup tolerance, with room).
   * Memory: per coin, at most retentionMs / (spacing of appended samples) + 1 samples.
   */
  retentionMs?: number;
}

/**
 * The port kept in memory (tests, and runs without a journal). Each coin has its own array,
 * so one busy coin never pushes another's history out (the memo's shared deque did).
 */
export class InMemoryOpenInterestSeries implements OpenInterestSeriesPort {
  readonly retentionMs: number;
  private readonly series = new Map<string, OpenInterestSample[]>();

  constructor(options: InMemoryOpenInterestSeriesOptions = {}) {
    this.retentionMs = options.retentionMs ?? 7 * 86_400_000 + 3_600_000;
  }

  load(coin: string, fromMs: number): readonly OpenInterestSample[] {
    const samples = this.series.get(coin) ?? [];
    return samples.filter((s) => s.tsMs >= fromMs);
  }

  append(coin: string, sample: OpenInterestSample): void {
    let samples = this.series.get(coin);
    if (samples === undefined) {
      samples = [];
      this.series.set(coin, samples);
    }
    samples.push({ tsMs: sample.tsMs, openInterest: sample.openInterest });
    // Drop the expired prefix in one splice; amortised O(1) per append.
    const cutoff = sample.tsMs - this.retentionMs;
    let expired = 0;
    while (expired < samples.length && (samples[expired]?.tsMs ?? Infinity) < cutoff) expired += 1;
    if (expired > 0) samples.splice(0, expired);
  }
}
