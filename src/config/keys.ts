/**
 * The flat list of settings (leaf keys) derived from the schema, with their environment
 * variable names, so that file, env and flag sources all address the same keys.
 */
import * as v from "valibot";
import { OBJECT_SETTING, rawConfigSchema } from "./schema.ts";

/**
 * How a string from env or a flag is turned into the leaf's value. `object` = a JSON object
 * section (`strategies`, `risk`, ...): file only, its text form is refused with a pointer to the file.
 */
export type SettingKind = "string" | "number" | "boolean" | "list" | "map" | "object";

/** One leaf setting. */
export interface Setting {
  /** Dotted key path, e.g. `live.pingIntervalMs`. */
  readonly key: string;
  /** Environment variable, e.g. `SM_LIVE__PING_INTERVAL_MS`. */
  readonly envName: string;
  readonly kind: SettingKind;
  /** What is allowed, as worded in error messages. */
  readonly allowed: string;
}

/** Prefix of every environment variable the configuration reads. */
export const ENV_PREFIX = "SM_";

/** `pingIntervalMs` → `PING_INTERVAL_MS`. */
export function envSegment(camel: string): string {
  return camel.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toUpperCase();
}

/** `live.pingIntervalMs` → `SM_LIVE__PING_INTERVAL_MS`. */
export function envNameOf(key: string): string {
  return ENV_PREFIX + key.split(".").map(envSegment).join("__");
}

// Just the parts of a valibot schema object the walk needs.
interface SchemaNode {
  readonly type: string;
  readonly entries?: Readonly<Record<string, SchemaNode>>;
  readonly wrapped?: SchemaNode;
}

const KIND_OF_TYPE: Readonly<Record<string, SettingKind>> = {
  string: "string",
  picklist: "string",
  number: "number",
  boolean: "boolean",
  array: "list",
  record: "map",
};

// Object sections are `custom` leaves marked with OBJECT_SETTING metadata (see schema.ts).
function markedKind(leaf: SchemaNode): SettingKind | undefined {
  const metadata: Readonly<Record<string, unknown>> = v.getMetadata(leaf as unknown as Parameters<typeof v.getMetadata>[0]);
  return metadata["settingKind"] === OBJECT_SETTING.settingKind ? "object" : undefined;
}

function collect(node: SchemaNode, prefix: string, out: Setting[]): void {
  const leaf = node.type === "optional" && node.wrapped !== undefined ? node.wrapped : node;
  if (leaf.type === "strict_object" && leaf.entries !== undefined) {
    for (const [name, child] of Object.entries(leaf.entries)) {
      collect(child, prefix === "" ? name : `${prefix}.${name}`, out);
    }
    return;
  }
  const kind = markedKind(leaf) ?? KIND_OF_TYPE[leaf.type];
  const allowed = v.getDescription(leaf as unknown as Parameters<typeof v.getDescription>[0]);
  if (kind === undefined || allowed === undefined) {
    // A schema edit introduced a leaf type or forgot its description: a bug, caught by tests.
    throw new Error(`config schema leaf ${prefix} (type ${leaf.type}) needs a known kind and a description`);
  }
  out.push({ key: prefix, envName: envNameOf(prefix), kind, allowed });
}

function buildSettings(): readonly Setting[] {
  const out: Setting[] = [];
  collect(rawConfigSchema, "", out);
  return Object.freeze(out);
}

/** Every leaf setting, in schema order. */
export const SETTINGS: readonly Setting[] = buildSettings();

/** Leaf settings by dotted key. */
export const SETTING_BY_KEY: ReadonlyMap<string, Setting> = new Map(SETTINGS.map((s) => [s.key, s]));

/** Leaf settings by environment variable name. */
export const SETTING_BY_ENV: ReadonlyMap<string, Setting> = new Map(SETTINGS.map((s) => [s.envName, s]));

/**
 * Older or shorter environment variable names accepted for a key. `SM_SHARED_DATA` is the
 * name README.md and CONTRIBUTING.md give for the real-data directory. When both an alias
 * and the canonical variable are set, the canonical one wins.
 */
export const ENV_ALIASES: ReadonlyMap<string, string> = new Map([["SM_SHARED_DATA", "data.sharedDir"]]);

/** Dotted paths of the objects (sections) that contain settings, e.g. `live`. */
export const SECTIONS: ReadonlySet<string> = new Set(
  SETTINGS.flatMap((s) => {
    const parts = s.key.split(".");
    return parts.slice(0, -1).map((_, i) => parts.slice(0, i + 1).join("."));
  }),
);

function editDistance(a: string, b: string): number {
  const previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = previous[0] ?? 0;
    previous[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = previous[j] ?? 0;
      const left = previous[j - 1] ?? 0;
      previous[j] = Math.min(above + 1, left + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return previous[b.length] ?? 0;
}

/**
 * Up to `limit` candidates nearest to `wanted` by edit distance (case-insensitive), closest
 * first; only those within a third of the length (at least 3 edits) count as near.
 */
export function nearest(wanted: string, candidates: Iterable<string>, limit = 3): string[] {
  const lower = wanted.toLowerCase();
  const threshold = Math.max(3, Math.floor(wanted.length / 3));
  return [...candidates]
    .map((candidate) => ({ candidate, distance: editDistance(lower, candidate.toLowerCase()) }))
    .filter((c) => c.distance <= threshold)
    .sort((x, y) => x.distance - y.distance || x.candidate.localeCompare(y.candidate))
    .slice(0, limit)
    .map((c) => c.candidate);
}
