import { formatConfigSources } from "../config/index.ts";
import type { ConfigSourceRow } from "../config/index.ts";
import { DEFAULT_BROKER_CONFIG } from "../paper/index.ts";
import { redactSecrets } from "../venues/hyperliquid/redact.ts";
import { commandContext } from "./shared.ts";
import type { CommonOptions } from "./shared.ts";
import { effectiveRiskConfig, gatesFromConfig, parseTradingSections, tradingSectionsFromConfig } from "./trading-config.ts";

/**
 * `strategy-monitor config`: the effective configuration, one key a line, with its source.
 * The trading sections are validated as `replay` and `run` validate them (a bad value is the same
 * ConfigError, exit 2) and shown key by key with the defaults filled in, not as the `{}` a
 * config without them holds.
 */
export function runConfig(options: CommonOptions): Promise<void> {
  const { config, sources } = commandContext(options);
  const trading = parseTradingSections(tradingSectionsFromConfig(config));
  const gates = gatesFromConfig(config);
  const { fees: _fees, fillModel: _fillModel, ...brokerDefaults } = DEFAULT_BROKER_CONFIG;
  const effective: Readonly<Record<string, unknown>> = {
    strategies: trading.variants,
    risk: effectiveRiskConfig(trading.risk),
    // replay's bar fills default to hourly candles (`run` walks the live books); fees are risk.fees.
    broker: { ...brokerDefaults, barInterval: "1h", ...trading.broker },
    analytics: gates,
  };
  const rows = sources.flatMap((row) => (row.key in effective ? expandSection(row, effective[row.key]) : [row]));
  // restUrl / wsUrl may carry credentials (user:pass@, ?key=): never print them.
  const shown = rows.map((row) => (typeof row.value === "string" ? { ...row, value: redactSecrets(row.value) } : row));
  process.stdout.write(`${formatConfigSources(shown)}\n`);
  return Promise.resolve();
}

const isPlainObject = (x: unknown): x is Record<string, unknown> => typeof x === "object" && x !== null && !Array.isArray(x);

/**
 * One row per leaf of a section's effective value (`risk.riskPerTrade = 0.01`): from the
 * section's source where the section as written sets that leaf, else the default.
 */
export function expandSection(row: ConfigSourceRow, effective: unknown): ConfigSourceRow[] {
  const out: ConfigSourceRow[] = [];
  const walk = (value: unknown, written: unknown, key: string): void => {
    if (isPlainObject(value) && Object.keys(value).length > 0) {
      for (const [name, child] of Object.entries(value)) walk(child, isPlainObject(written) ? written[name] : undefined, `${key}.${name}`);
      return;
    }
    out.push(written === undefined ? { key, value, source: "default", origin: "built-in" } : { key, value, source: row.source, origin: row.origin });
  };
  walk(effective, row.source === "default" ? undefined : row.value, row.key);
  return out;
}
