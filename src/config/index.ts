/** Configuration (defaults, file, env, flags) and logging: the only place that reads env and config files. */
export * from "./schema.ts";
export { ENV_ALIASES, ENV_PREFIX, SETTINGS, envNameOf, nearest } from "./keys.ts";
export type { Setting, SettingKind } from "./keys.ts";
export * from "./load.ts";
export * from "./logger.ts";
export * from "./memory-logger.ts";
