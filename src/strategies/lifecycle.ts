/**
 * Strategy lifecycle: `candidate` → `forward-testing` → `validated` | `killed`. Only validated
 * strategies may be backtested or weighted into the convergence score. The state is kept with
 * the journal; this file holds the rules only.
 *
 * Shadow mode: a killed strategy keeps running and every signal it fires is still recorded, but
 * it takes no paper positions unless `paperTradeWhenKilled` is set (to keep measuring it).
 */
export type LifecycleState = "candidate" | "forward-testing" | "validated" | "killed";

export const LIFECYCLE_STATES: readonly LifecycleState[] = ["candidate", "forward-testing", "validated", "killed"];

/** Allowed moves. A killed strategy may be revived only as a new candidate (a fresh test). */
const TRANSITIONS: Readonly<Record<LifecycleState, readonly LifecycleState[]>> = {
  candidate: ["forward-testing", "killed"],
  "forward-testing": ["validated", "killed"],
  validated: ["killed"],
  killed: ["candidate"],
};

/** The result of a transition: the new state, or why it is not allowed. */
export type TransitionResult = { readonly ok: true; readonly state: LifecycleState } | { readonly ok: false; readonly reason: string };

/** Moves `from` to `to` if the lifecycle allows it. */
export function transition(from: LifecycleState, to: LifecycleState): TransitionResult {
  if (TRANSITIONS[from].includes(to)) return { ok: true, state: to };
  return { ok: false, reason: `a ${from} strategy cannot become ${to}; allowed: ${TRANSITIONS[from].join(", ") || "none"}` };
}

/** Per-strategy lifecycle settings. */
export interface LifecyclePolicy {
  /** Let a killed strategy keep paper trading (default false: record signals only). */
  readonly paperTradeWhenKilled: boolean;
}

/** Every strategy records its signals, in every state. */
export function recordsSignals(_state: LifecycleState): true {
  return true;
}

/** Whether signals of a strategy in `state` open paper positions. */
export function takesPaperPositions(state: LifecycleState, policy: LifecyclePolicy = { paperTradeWhenKilled: false }): boolean {
  return state !== "killed" || policy.paperTradeWhenKilled;
}

/** Shadow mode: signals recorded, no positions. */
export function isShadow(state: LifecycleState, policy: LifecyclePolicy = { paperTradeWhenKilled: false }): boolean {
  return !takesPaperPositions(state, policy);
}

/** Only validated strategies may be backtested or weighted into the convergence score. */
export function mayBeWeighted(state: LifecycleState): boolean {
  return state === "validated";
}
