/**
 * Progress for long work: a bar on a TTY (cli-progress), nothing otherwise (logs carry the
 * milestones). Output goes to stderr so that stdout stays clean for reports and JSON.
 */
import cliProgress from "cli-progress";

export interface Progress {
  /** Sets the position and the text shown after the bar. */
  update(value: number, label: string): void;
  setTotal(total: number): void;
  stop(): void;
}

const NO_PROGRESS: Progress = { update() {}, setTotal() {}, stop() {} };

export function progressBar(title: string, total: number, enabled = process.stderr.isTTY): Progress {
  if (!enabled) {
    return NO_PROGRESS;
  }
  const bar = new cliProgress.SingleBar(
    { format: `${title} |{bar}| {percentage}% {value}/{total} {label}`, stream: process.stderr, hideCursor: true, clearOnComplete: false },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0, { label: "" });
  return {
    update(value, label) {
      bar.update(value, { label });
    },
    setTotal(newTotal) {
      bar.setTotal(newTotal);
    },
    stop() {
      bar.stop();
    },
  };
}

/** What a replay reports as it goes (see {@link replayProgress}). */
export interface ReplayProgressUpdate {
  readonly events: number;
  /** File bytes (as on disk) read so far, and the inputs' total. */
  readonly bytesRead: number;
  readonly bytesTotal: number;
}

/** A replay's progress bar; `note` prints a line above it (a warning) without tearing the bar. */
export interface ReplayProgress {
  update(progress: ReplayProgressUpdate): void;
  note(line: string): void;
  stop(): void;
}

const mb = (bytes: number): string => `${(bytes / 1e6).toFixed(bytes < 1e7 ? 1 : 0)} MB`;

/**
 * The bar of `replay`: the share of the inputs' bytes read (all sources are read side by side in
 * time order, so files finish together at the end and would leave a file count at 0 % until
 * then), and the events so far. Neither figure ever goes back. On stderr, only on a TTY; `note`
 * lines go to stderr either way.
 */
export function replayProgress(title: string, enabled = process.stderr.isTTY): ReplayProgress {
  let bar: cliProgress.SingleBar | undefined;
  let events = 0;
  let bytesRead = 0;
  return {
    update(progress) {
      events = Math.max(events, progress.events);
      bytesRead = Math.max(bytesRead, Math.min(progress.bytesRead, progress.bytesTotal));
      if (!enabled) return;
      const label = { read: mb(bytesRead), size: mb(progress.bytesTotal), events: events.toLocaleString("en-US") };
      if (bar === undefined) {
        bar = new cliProgress.SingleBar(
          { format: `${title} |{bar}| {percentage}% {read} of {size}, {events} events`, stream: process.stderr, hideCursor: true, clearOnComplete: false, barsize: 30 },
          cliProgress.Presets.shades_classic,
        );
        bar.start(Math.max(1, progress.bytesTotal), bytesRead, label);
      } else {
        bar.update(bytesRead, label);
      }
    },
    note(line) {
      process.stderr.write(bar === undefined ? `${line}\n` : `\r\u001b[2K${line}\n`);
    },
    stop() {
      bar?.stop();
    },
  };
}
