import * as v from "valibot";
import { CANDLE_INTERVALS, ConfigError } from "../core/index.ts";

/**
 * Strategy configuration helpers. Every strategy declares one strict valibot object whose
 * leaves carry their unit and default; {@link parseStrategyConfig} turns the first failed
 * check into a `ConfigError` naming the key (`strategies.flowToxicity.threshold`), the value
 * and what is allowed, the same shape as `src/config`'s messages.
 */

/** A finite number in [min, max]; `allowed` names the unit. */
export function numberIn(min: number, max: number, unit: string) {
  const allowed = `a number of ${unit} between ${min} and ${max}`;
  return v.pipe(v.number(allowed), v.finite(allowed), v.minValue(min, allowed), v.maxValue(max, allowed), v.description(allowed));
}

/** An integer in [min, max]; `allowed` names the unit. */
export function integerIn(min: number, max: number, unit: string) {
  const allowed = `an integer number of ${unit} between ${min} and ${max}`;
  return v.pipe(v.number(allowed), v.integer(allowed), v.minValue(min, allowed), v.maxValue(max, allowed), v.description(allowed));
}

/** A candle interval Hyperliquid serves. */
export function intervalLeaf() {
  const allowed = `one of ${CANDLE_INTERVALS.join(", ")}`;
  return v.pipe(v.picklist(CANDLE_INTERVALS, allowed), v.description(allowed));
}

/** true or false. */
export function boolLeaf() {
  const allowed = "true or false";
  return v.pipe(v.boolean(allowed), v.description(allowed));
}

/** `leaf` with a default. */
export function withDefault<S extends v.GenericSchema>(leaf: S, value: v.InferOutput<S>) {
  return v.optional(leaf, value as never);
}

/**
 * Validates one strategy's configuration; missing keys take their defaults.
 * @param path config path of the strategy, e.g. `strategies.flowToxicity`.
 * @param input the raw section (`undefined` = all defaults).
 * @throws ConfigError naming `path.key`, the value and what is allowed (unknown keys too).
 */
export function parseStrategyConfig<S extends v.GenericSchema>(path: string, schema: S, input: unknown): v.InferOutput<S> {
  const result = v.safeParse(schema, input ?? {});
  if (result.success) return result.output;
  const issue = result.issues[0];
  const dot = v.getDotPath(issue);
  const key = dot === null || dot === "" ? path : `${path}.${dot}`;
  if (issue.type === "strict_object") {
    // valibot reports the unknown key's name as the input; the value sits on the path.
    throw new ConfigError(key, issue.path?.at(-1)?.value, "not a known key of this strategy");
  }
  throw new ConfigError(key, issue.input, issue.message);
}
