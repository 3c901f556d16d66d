/**
 * A time-indexed series of one number (a price) kept at one sample per `stepMs` (the first seen
 * in each step), for "the value N hours ago". Bounded to `retentionMs` before the newest sample:
 * at most retentionMs / stepMs + 1 samples (24 h + 15 min at 1 min ≈ 1 455).
 */
export class SampledSeries {
  readonly stepMs: number;
  readonly retentionMs: number;
  private samples: { tsMs: number; value: number }[] = [];
  private head = 0;

  constructor(stepMs: number, retentionMs: number) {
    this.stepMs = stepMs;
    this.retentionMs = retentionMs;
  }

  /** Adds a sample; older than the newest → ignored (time order is the contract). */
  add(tsMs: number, value: number): void {
    const last = this.samples.at(-1);
    if (!Number.isFinite(value) || (last !== undefined && tsMs < last.tsMs)) return;
    if (last === undefined || Math.floor(last.tsMs / this.stepMs) < Math.floor(tsMs / this.stepMs)) this.samples.push({ tsMs, value });
    const cutoff = tsMs - this.retentionMs;
    while (this.head < this.samples.length && (this.samples[this.head]?.tsMs ?? Infinity) < cutoff) this.head += 1;
    if (this.head > 1024 && this.head * 2 > this.samples.length) {
      this.samples = this.samples.slice(this.head);
      this.head = 0;
    }
  }

  /** The stored sample nearest to `targetMs` within `toleranceMs` (ties: the earlier), else undefined. */
  nearest(targetMs: number, toleranceMs: number): number | undefined {
    let best: { tsMs: number; value: number } | undefined;
    for (let i = this.head; i < this.samples.length; i += 1) {
      const s = this.samples[i];
      if (s === undefined || s.tsMs < targetMs - toleranceMs) continue;
      if (s.tsMs > targetMs + toleranceMs) break;
      if (best === undefined || Math.abs(s.tsMs - targetMs) < Math.abs(best.tsMs - targetMs)) best = s;
    }
    return best?.value;
  }
}
