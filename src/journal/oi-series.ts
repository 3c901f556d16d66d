import type { OpenInterestSample, OpenInterestSeriesPort } from "../metrics/oi-series-port.ts";

/** Reads stored samples of a coin with `tsMs >= fromMs`, oldest first. */
export type StoredOpenInterestReader = (coin: string, fromMs: number) => readonly OpenInterestSample[];

/** One appended sample waiting for the next batch transaction. */
export interface PendingOpenInterest {
  readonly coin: string;
  readonly sample: OpenInterestSample;
}

/**
 * The open-interest series port on the journal. `append` does not write at once: it buffers the
 * sample, and the journal writes the buffer inside the next `writeBatch` transaction, beside the
 * checkpoint of the events that produced it. So after a crash `oi_history` holds exactly the
 * samples up to the last checkpoint, and a resumed replay re-appends the later ones without
 * duplicates (a sample written on its own transaction would already be there, and its re-append
 * would collide). Live, a crash loses at most the samples of the unfinished batch, like every
 * other record. `load` sees stored and buffered samples alike.
 */
export class JournalOpenInterestSeries implements OpenInterestSeriesPort {
  private readonly readStored: StoredOpenInterestReader;
  private pending: PendingOpenInterest[] = [];

  constructor(readStored: StoredOpenInterestReader) {
    this.readStored = readStored;
  }

  load(coin: string, fromMs: number): readonly OpenInterestSample[] {
    const stored = this.readStored(coin, fromMs);
    const buffered = this.pending.filter((p) => p.coin === coin && p.sample.tsMs >= fromMs).map((p) => p.sample);
    return buffered.length === 0 ? stored : [...stored, ...buffered];
  }

  append(coin: string, sample: OpenInterestSample): void {
    this.pending.push({ coin, sample: { tsMs: sample.tsMs, openInterest: sample.openInterest } });
  }

  /** Samples appended since the last committed batch, in append order. */
  pendingSamples(): readonly PendingOpenInterest[] {
    return this.pending;
  }

  /** Forgets the first `count` pending samples: the journal committed them. */
  committed(count: number): void {
    this.pending = this.pending.slice(count);
  }
}
