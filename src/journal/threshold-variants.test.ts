import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { perp } from "../core/index.ts";
import { FundingVelocityStrategy } from "../strategies/funding-velocity.ts";
import { Journal } from "./journal.ts";
import { T0 } from "./test-records.ts";
import { TrialRegistry, registerJournalTrials } from "./trial-registry.ts";

/** Each distinct threshold rule (memo "Change 1") is its own variant: the config hash covers the rule. */
describe("threshold rules are variants", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "sm-threshold-variants-"));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  const configOf = (settings: unknown): unknown => new FundingVelocityStrategy(perp("BTC"), settings).config;

  it("a number, the default rule and rules differing in one field hash apart; the same rule written twice does not", () => {
    const journal = Journal.open(join(dir, "a.db"));
    try {
      const rule = { percentile: 90, window: 1000, minSamples: 100, fallback: 1e-6 };
      const hashes = [
        configOf({ accelerationPerHour2: 1e-6 }),
        configOf({}),
        configOf({ accelerationPerHour2: { ...rule, percentile: 95 } }),
        configOf({ accelerationPerHour2: { ...rule, window: 500 } }),
        configOf({ accelerationPerHour2: { ...rule, minSamples: 50 } }),
        configOf({ accelerationPerHour2: { ...rule, fallback: 2e-6 } }),
      ].map((config, i) => journal.recordVariant("funding-velocity", config, T0 + i));
      expect(new Set(hashes.map((h) => h.configHash)).size).toBe(6);
      expect(hashes.every((h) => h.isNew)).toBe(true);
      // The default IS the memo's rule: written out, with its keys in another order, it is the same variant.
      const again = journal.recordVariant("funding-velocity", configOf({ accelerationPerHour2: { fallback: 1e-6, minSamples: 100, window: 1000, percentile: 90 } }), T0 + 10);
      expect(again.isNew).toBe(false);
      expect(again.configHash).toBe(hashes[1]?.configHash);
      expect(journal.variantCount("funding-velocity")).toBe(6);
      registerJournalTrials(journal, join(dir, "trials.db"));
    } finally {
      journal.close();
    }
    const registry = TrialRegistry.open(join(dir, "trials.db"), { readonly: true });
    try {
      expect(registry.count("funding-velocity")).toBe(6);
    } finally {
      registry.close();
    }
  });
});
