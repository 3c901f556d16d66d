import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { SETTINGS } from "./keys.ts";
import { loadConfigWithSources } from "./load.ts";
import { DEFAULT_CONFIG } from "./schema.ts";

const ROOT = new URL("../../", import.meta.url);
const read = (path: string): string => readFileSync(new URL(path, ROOT), "utf8");

describe("documentation and example agree with the schema", () => {
  const doc = read("docs/CONFIGURATION.md");

  it.each(SETTINGS.map((s) => [s.key, s.envName] as const))("docs/CONFIGURATION.md has a row for %s with %s", (key, envName) => {
    const row = doc.split("\n").find((line) => line.startsWith(`| \`${key}\` |`));
    expect(row).toBeDefined();
    expect(row).toContain(`\`${envName}\``);
  });

  it("strategy-monitor.example.json holds exactly the defaults, all taken from the file", () => {
    const example = read("strategy-monitor.example.json");
    expect(JSON.parse(example)).toEqual(DEFAULT_CONFIG);
    const loaded = loadConfigWithSources({ file: "strategy-monitor.example.json", env: {}, overrides: {}, cwd: "/repo", readFile: () => example });
    const notFromFile = loaded.sources.filter((row) => row.source !== "file").map((row) => row.key);
    // The URLs follow from the network, so the example must not set them.
    expect(notFromFile).toEqual(["restUrl", "wsUrl"]);
  });
});
