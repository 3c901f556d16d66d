import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { SETTINGS } from "./keys.ts";
import { loadConfigWithSources } from "./load.ts";
import { DEFAULT_CONFIG } from "./schema.ts";

const ROOT = new URL("../../", import.meta.url);
const read = (path: string): string => readFileSync(new URL(path, ROOT), "utf8");

describe("documentation and example agree with the schema", () => {
  const doc = read("docs/CONFIGURATION.md");

  const rowOf = (key: string): string | undefined => doc.split("\n").find((line) => line.startsWith(`| \`${key}\` |`));

  it.each(SETTINGS.filter((s) => s.kind !== "object").map((s) => [s.key, s.envName] as const))("docs/CONFIGURATION.md has a row for %s with %s", (key, envName) => {
    expect(rowOf(key)).toContain(`\`${envName}\``);
  });

  it.each(SETTINGS.filter((s) => s.kind === "object").map((s) => [s.key] as const))("docs/CONFIGURATION.md has a row for the object section %s, file only", (key) => {
    expect(rowOf(key)).toContain("file only");
  });

  it("strategy-monitor.example.json holds the defaults of every plain key, and fills the object sections, all taken from the file", () => {
    const example = read("strategy-monitor.example.json");
    const parsed = JSON.parse(example) as Record<string, unknown>;
    const objectKeys = SETTINGS.filter((s) => s.kind === "object").map((s) => s.key);
    // The object sections show their settings (at their defaults; src/cli/trading-config.test.ts checks their content).
    // Object sections may sit inside a section (`alerts.destinations`): addressed by their dotted path.
    const at = (root: unknown, key: string): unknown => key.split(".").reduce<unknown>((node, part) => (node as Record<string, unknown> | undefined)?.[part], root);
    const withoutObjects = (root: object): Record<string, unknown> => {
      const copy = structuredClone(root) as Record<string, unknown>;
      for (const key of objectKeys) {
        const parts = key.split(".");
        const parent = (parts.length === 1 ? copy : at(copy, parts.slice(0, -1).join("."))) as Record<string, unknown>;
        delete parent[parts[parts.length - 1] ?? ""];
      }
      return copy;
    };
    for (const key of objectKeys) expect(Object.keys(at(parsed, key) as object).length, key).toBeGreaterThan(0);
    expect(withoutObjects(parsed)).toEqual(withoutObjects(DEFAULT_CONFIG));
    const loaded = loadConfigWithSources({ file: "strategy-monitor.example.json", env: {}, overrides: {}, cwd: "/repo", readFile: () => example });
    const notFromFile = loaded.sources.filter((row) => row.source !== "file").map((row) => row.key);
    // The URLs follow from the network, so the example must not set them.
    expect(notFromFile).toEqual(["restUrl", "wsUrl"]);
  });
});
