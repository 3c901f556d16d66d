/**
 * Hysteresis for one entry condition, so that a ranging market does not flap.
 *
 * Rule: the trigger fires on a rising edge only. After it fires it is disarmed, and it re-arms
 * only once the condition has been observed FALSE on `falseEvaluations` consecutive evaluations
 * (default 1; raise it to demand a longer quiet spell). An evaluation whose inputs are missing
 * or stale is not an observation: call nothing, and the state stays as it was. So a condition
 * that stays true for an hour fires once, and a condition that flickers true/false every bar
 * fires at most every `falseEvaluations + 1` bars. Together with the {@link SignalBook}'s one
 * open signal per strategy and market and its cooldown, this bounds how often a strategy fires.
 */
export class Rearm {
  readonly falseEvaluations: number;
  private armed = true;
  private falseStreak = 0;

  constructor(falseEvaluations = 1) {
    this.falseEvaluations = Math.max(1, Math.floor(falseEvaluations));
  }

  /** Records one evaluation; true when the signal should fire now. */
  step(condition: boolean): boolean {
    if (condition) {
      this.falseStreak = 0;
      if (!this.armed) return false;
      this.armed = false;
      return true;
    }
    this.falseStreak += 1;
    if (this.falseStreak >= this.falseEvaluations) this.armed = true;
    return false;
  }

  get isArmed(): boolean {
    return this.armed;
  }
}
