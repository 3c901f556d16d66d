/**
 * Loads the configuration from its four sources, lowest to highest precedence:
 * built-in defaults < JSON file < `SM_` environment variables < command-line overrides.
 * The merged result is validated once; the first problem stops the program with a
 * `ConfigError` that names the key, the value, what is allowed and where the value came from.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import * as v from "valibot";
import { ConfigError } from "../core/index.ts";
import { parseSettingText } from "./coerce.ts";
import { ENV_ALIASES, ENV_PREFIX, SECTIONS, SETTINGS, SETTING_BY_ENV, SETTING_BY_KEY, nearest } from "./keys.ts";
import type { Setting } from "./keys.ts";
import { DEFAULT_CONFIG, NETWORK_URLS, rawConfigSchema } from "./schema.ts";
import type { Config, RawConfig } from "./schema.ts";

/** File looked for in the working directory when no `--config` is given. */
export const DEFAULT_CONFIG_FILE = "strategy-monitor.json";

/** Reads a text file; returns `undefined` when it does not exist, throws on other failures. */
export type ReadConfigFile = (absolutePath: string) => string | undefined;

/** Inputs of {@link loadConfig}. */
export interface LoadConfigOptions {
  /** `--config FILE`, relative to `cwd`. When absent, `./strategy-monitor.json` is used if it exists. */
  readonly file?: string | undefined;
  /** The process environment (only `SM_*` variables are read). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Command-line overrides by dotted key, e.g. `{ coins: ["BTC"], "record.dir": "captures" }`. `undefined` values are ignored; strings are parsed like env values. */
  readonly overrides: Readonly<Record<string, unknown>>;
  /** Directory that relative paths are resolved against. */
  readonly cwd: string;
  /** File reader, injectable for tests. Default: UTF-8 `readFileSync`. */
  readonly readFile?: ReadConfigFile | undefined;
}

/** Where a value came from. `network` = derived from the chosen network (the URLs). */
export type ConfigSourceKind = "default" | "file" | "env" | "flag" | "network";

/** One effective setting and its origin, for `strategy-monitor config`. */
export interface ConfigSourceRow {
  /** Dotted key, e.g. `live.pingIntervalMs`. */
  readonly key: string;
  readonly value: unknown;
  readonly source: ConfigSourceKind;
  /** The file path, env variable name, flag key or network name; `built-in` for defaults. */
  readonly origin: string;
}

/** The configuration together with where each value came from. */
export interface LoadedConfig {
  readonly config: Config;
  readonly sources: readonly ConfigSourceRow[];
  /** Absolute path of the config file read, if any. */
  readonly file: string | undefined;
}

interface Provenance {
  readonly source: ConfigSourceKind;
  readonly origin: string;
}

interface Entry extends Provenance {
  readonly value: unknown;
}

const readFileOrUndefined: ReadConfigFile = (absolutePath) => {
  try {
    return readFileSync(absolutePath, "utf8");
  } catch (error) {
    if (error instanceof Error && (error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
};

function fromText(p: Provenance): string {
  switch (p.source) {
    case "file":
      return ` (from file ${p.origin})`;
    case "env":
      return ` (from env ${p.origin})`;
    case "flag":
      return ` (from command-line flag ${p.origin})`;
    case "default":
    case "network":
      return "";
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function unknownKey(key: string, value: unknown, candidates: Iterable<string>, p: Provenance): ConfigError {
  const near = nearest(key, candidates);
  const hint = near.length > 0 ? `; did you mean ${near.join(", ")}?` : "; see docs/CONFIGURATION.md for the keys";
  return new ConfigError(key, value, `not a known key${hint}${fromText(p)}`);
}

function getPath(root: unknown, key: string): unknown {
  let node: unknown = root;
  for (const part of key.split(".")) {
    if (!isPlainObject(node)) return undefined;
    node = node[part];
  }
  return node;
}

function setPath(root: Record<string, unknown>, key: string, value: unknown): void {
  const parts = key.split(".");
  let node = root;
  for (const part of parts.slice(0, -1)) {
    const next = node[part];
    if (isPlainObject(next)) {
      node = next;
    } else {
      const created: Record<string, unknown> = {};
      node[part] = created;
      node = created;
    }
  }
  node[parts[parts.length - 1] ?? ""] = value;
}

function readFileLayer(options: LoadConfigOptions, read: ReadConfigFile): { path: string; data: Record<string, unknown> } | undefined {
  const explicit = options.file !== undefined;
  const path = resolve(options.cwd, options.file ?? DEFAULT_CONFIG_FILE);
  const text = read(path);
  if (text === undefined) {
    if (explicit) throw new ConfigError("file", path, "no such file (named by --config)");
    return undefined;
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ConfigError("file", path, `a readable JSON file (${reason})`);
  }
  if (!isPlainObject(data)) throw new ConfigError("file", path, "a JSON object at the top level");
  return { path, data };
}

// Walks a file's object along the known sections, so an unknown key anywhere is caught.
function collectFileEntries(data: Record<string, unknown>, prefix: string, p: Provenance, out: Map<string, Entry>): void {
  for (const [name, value] of Object.entries(data)) {
    const key = prefix === "" ? name : `${prefix}.${name}`;
    if (SETTING_BY_KEY.has(key)) {
      out.set(key, { value, ...p });
    } else if (SECTIONS.has(key)) {
      if (!isPlainObject(value)) {
        const children = SETTINGS.filter((s) => s.key.startsWith(`${key}.`)).map((s) => s.key.slice(key.length + 1));
        throw new ConfigError(key, value, `an object with keys ${children.join(", ")}${fromText(p)}`);
      }
      collectFileEntries(value, key, p, out);
    } else {
      throw unknownKey(key, value, [...SETTING_BY_KEY.keys()], p);
    }
  }
}

function collectEnvEntries(env: LoadConfigOptions["env"], out: Map<string, Entry>): void {
  // Sorted so that, of several bad variables, the same one is always reported; aliases
  // first, so that a canonical variable set beside its alias wins.
  const names = Object.keys(env).sort((a, b) => Number(!ENV_ALIASES.has(a)) - Number(!ENV_ALIASES.has(b)) || a.localeCompare(b));
  for (const name of names) {
    const text = env[name];
    // An empty variable (`SM_COINS=`) counts as unset, as shells make it easy to blank one.
    if (!name.startsWith(ENV_PREFIX) || text === undefined || text === "") continue;
    const p: Provenance = { source: "env", origin: name };
    const alias = ENV_ALIASES.get(name);
    const setting = SETTING_BY_ENV.get(name) ?? (alias === undefined ? undefined : SETTING_BY_KEY.get(alias));
    if (setting === undefined) {
      const near = nearest(name, SETTING_BY_ENV.keys());
      const hint = near.length > 0 ? `; did you mean ${near.join(", ")}?` : "; see docs/CONFIGURATION.md for the variables";
      throw new ConfigError(name, text, `not a known setting${hint}`);
    }
    out.set(setting.key, { value: parseSettingText(setting, text, `env ${name}`), ...p });
  }
}

function collectOverrideEntries(overrides: LoadConfigOptions["overrides"], out: Map<string, Entry>): void {
  for (const [key, value] of Object.entries(overrides)) {
    if (value === undefined) continue;
    const p: Provenance = { source: "flag", origin: key };
    const setting: Setting | undefined = SETTING_BY_KEY.get(key);
    if (setting === undefined) throw unknownKey(key, value, [...SETTING_BY_KEY.keys()], p);
    const parsed = typeof value === "string" && setting.kind !== "string" ? parseSettingText(setting, value, `command-line flag ${key}`) : value;
    out.set(key, { value: parsed, ...p });
  }
}

function issueKey(issue: v.BaseIssue<unknown>): { display: string; leaf: string } {
  let display = "";
  let leaf = "";
  for (const item of issue.path ?? []) {
    const segment = item.key;
    if (typeof segment === "number") {
      display += `[${segment}]`;
    } else {
      const name = String(segment);
      display = display === "" ? name : `${display}.${name}`;
      if (!SETTING_BY_KEY.has(leaf)) leaf = display;
    }
  }
  return { display, leaf };
}

function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

/**
 * Loads, merges and validates the configuration and reports where each value came from.
 * Pure apart from reading the config file (through `options.readFile`).
 *
 * @throws ConfigError for a missing `--config` file, unreadable JSON, an unknown key or
 *   environment variable, or an invalid value; the message names key, value, what is
 *   allowed and the source.
 */
export function loadConfigWithSources(options: LoadConfigOptions): LoadedConfig {
  const entries = new Map<string, Entry>();
  for (const setting of SETTINGS) {
    const value = getPath(DEFAULT_CONFIG, setting.key);
    if (value !== undefined) entries.set(setting.key, { value: structuredClone(value), source: "default", origin: "built-in" });
  }

  const file = readFileLayer(options, options.readFile ?? readFileOrUndefined);
  if (file !== undefined) collectFileEntries(file.data, "", { source: "file", origin: file.path }, entries);
  collectEnvEntries(options.env, entries);
  collectOverrideEntries(options.overrides, entries);

  const merged: Record<string, unknown> = {};
  for (const [key, entry] of entries) setPath(merged, key, entry.value);

  const result = v.safeParse(rawConfigSchema, merged);
  if (!result.success) {
    const [issue] = result.issues;
    const { display, leaf } = issueKey(issue);
    const provenance = entries.get(leaf) ?? { source: "default", origin: "built-in" };
    throw new ConfigError(display, issue.input, `${issue.message}${fromText(provenance)}`);
  }

  const raw = result.output;
  const where = (key: string): string => fromText(entries.get(key) ?? { source: "default", origin: "built-in" });
  checkRelations(raw, where);
  const { restUrl, wsUrl, urlSource } = resolveUrls(raw, where);
  const config: Config = deepFreeze({ ...raw, restUrl, wsUrl });

  const sources: ConfigSourceRow[] = [];
  for (const setting of SETTINGS) {
    const isUrl = setting.key === "restUrl" || setting.key === "wsUrl";
    const entry = entries.get(setting.key);
    const provenance: Provenance = isUrl && urlSource !== undefined ? urlSource : (entry ?? { source: "default", origin: "built-in" });
    // The validated value (an entry's provenance also holds the raw one, which must not win: a SecretUrl shows only its host).
    sources.push({ key: setting.key, value: getPath(config, setting.key), source: provenance.source, origin: provenance.origin });
  }
  return { config, sources: Object.freeze(sources), file: file?.path };
}

/**
 * Loads, merges and validates the configuration. See {@link loadConfigWithSources}.
 * @throws ConfigError naming key, value, what is allowed and the source.
 */
export function loadConfig(options: LoadConfigOptions): Config {
  return loadConfigWithSources(options).config;
}

/** The effective value and origin of every setting, in schema order. @throws ConfigError as {@link loadConfig}. */
export function configSources(options: LoadConfigOptions): readonly ConfigSourceRow[] {
  return loadConfigWithSources(options).sources;
}

// Rules between settings, which the per-field schema cannot express.
function checkRelations(raw: RawConfig, where: (key: string) => string): void {
  const { live, rest } = raw;
  if (live.pongTimeoutMs >= live.pingIntervalMs) {
    throw new ConfigError(
      "live.pongTimeoutMs",
      live.pongTimeoutMs,
      `an integer number of ms below live.pingIntervalMs (${live.pingIntervalMs}), so each pong is judged before the next ping${where("live.pongTimeoutMs")}`,
    );
  }
  if (live.silenceTimeoutMs <= live.pingIntervalMs) {
    throw new ConfigError(
      "live.silenceTimeoutMs",
      live.silenceTimeoutMs,
      `an integer number of ms above live.pingIntervalMs (${live.pingIntervalMs}), or a quiet socket is dropped between pings${where("live.silenceTimeoutMs")}`,
    );
  }
  if (live.reconnectMaxMs < live.reconnectBaseMs) {
    throw new ConfigError(
      "live.reconnectMaxMs",
      live.reconnectMaxMs,
      `an integer number of ms at least live.reconnectBaseMs (${live.reconnectBaseMs})${where("live.reconnectMaxMs")}`,
    );
  }
  if (rest.maxBackoffMs < rest.baseBackoffMs) {
    throw new ConfigError(
      "rest.maxBackoffMs",
      rest.maxBackoffMs,
      `an integer number of ms at least rest.baseBackoffMs (${rest.baseBackoffMs})${where("rest.maxBackoffMs")}`,
    );
  }
}

function resolveUrls(raw: RawConfig, where: (key: string) => string): { restUrl: string; wsUrl: string; urlSource: Provenance | undefined } {
  if (raw.network === "custom") {
    if (raw.restUrl === undefined) {
      throw new ConfigError("restUrl", undefined, `required when network is "custom": an http or https URL such as https://api.hyperliquid.xyz${where("network")}`);
    }
    if (raw.wsUrl === undefined) {
      throw new ConfigError("wsUrl", undefined, `required when network is "custom": a ws or wss URL such as wss://api.hyperliquid.xyz/ws${where("network")}`);
    }
    // Both URLs were set explicitly; their sources are those of the entries.
    return { restUrl: raw.restUrl, wsUrl: raw.wsUrl, urlSource: undefined };
  }
  const fixed = NETWORK_URLS[raw.network];
  for (const key of ["restUrl", "wsUrl"] as const) {
    const value = raw[key];
    if (value !== undefined) {
      // Catches a forgotten `--network custom`: the URL would otherwise be silently ignored.
      throw new ConfigError(key, value, `settable only with network "custom" (network "${raw.network}" uses ${fixed[key]})${where(key)}`);
    }
  }
  return { ...fixed, urlSource: { source: "network", origin: raw.network } };
}

const MAX_ALIGNED_VALUE = 60;

/**
 * Renders rows as aligned `key = value  source origin` lines for `strategy-monitor config`.
 */
export function formatConfigSources(rows: readonly ConfigSourceRow[]): string {
  const shown = rows.map((row) => ({ key: row.key, value: JSON.stringify(row.value) ?? "undefined", from: row.source === "default" ? "default" : `${row.source} ${row.origin}` }));
  const keyWidth = Math.max(...shown.map((r) => r.key.length));
  // Object sections can be hundreds of characters: they do not set the column width, or every line would be that wide.
  const valueWidth = Math.max(0, ...shown.map((r) => r.value.length).filter((n) => n <= MAX_ALIGNED_VALUE));
  return shown.map((r) => `${r.key.padEnd(keyWidth)} = ${r.value.padEnd(valueWidth)}  # ${r.from}`).join("\n") + "\n";
}
