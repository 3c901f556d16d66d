import { formatConfigSources } from "../config/index.ts";
import { commandContext } from "./shared.ts";
import type { CommonOptions } from "./shared.ts";

/** `strategy-monitor config`: the effective configuration, one key a line, with its source. */
export function runConfig(options: CommonOptions): Promise<void> {
  const { sources } = commandContext(options);
  process.stdout.write(`${formatConfigSources(sources)}\n`);
  return Promise.resolve();
}
