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
