import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Journal } from "./journal.ts";
import { T0 } from "./test-records.ts";
import { TrialRegistry, registerJournalTrials, trialRegistryPath } from "./trial-registry.ts";

describe("trial registry", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "sm-trials-"));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  /** A journal at `name` in which `variants` (strategy, config) were run. */
  const journalWith = (name: string, variants: readonly (readonly [string, unknown])[]): Journal => {
    const j = Journal.open(join(dir, name));
    variants.forEach(([strategy, config], i) => j.recordVariant(strategy, config, T0 + i));
    return j;
  };

  it("lives beside the journal by default, or where the setting says", () => {
    expect(trialRegistryPath("/data/runs/a.db")).toBe("/data/runs/trials.db");
    expect(trialRegistryPath("/data/runs/a.db", "registry/all-trials.db")).toBe("/data/runs/registry/all-trials.db");
    expect(trialRegistryPath("/data/runs/a.db", "/shared/trials.db")).toBe("/shared/trials.db");
  });

  it("counts every variant of every journal once: a changed config in a new journal is a second trial, not N = 1 again", () => {
    const registryPath = trialRegistryPath(join(dir, "a.db"));
    // Journal a: flow-toxicity at threshold 2, vwap-reversion at z 2.
    const a = journalWith("a.db", [["flow-toxicity", { threshold: 2 }], ["vwap-reversion", { z: 2 }]]);
    expect(registerJournalTrials(a, registryPath)).toBe(2);
    // Registering the same journal again (a resumed replay, a restarted run) adds nothing.
    expect(registerJournalTrials(a, registryPath)).toBe(0);
    a.close();
    // Journal b: flow-toxicity at threshold 3 (new), vwap-reversion unchanged (keys in another order: the same variant).
    const b = journalWith("b.db", [["flow-toxicity", { threshold: 3 }], ["vwap-reversion", { z: 2 }]]);
    expect(b.variantCount("flow-toxicity")).toBe(1); // the journal alone would say N = 1
    expect(registerJournalTrials(b, registryPath)).toBe(1);
    b.close();
    const r = TrialRegistry.open(registryPath, { readonly: true });
    // flow-toxicity {2, 3} = 2, vwap-reversion {2} = 1, 3 in all; 2 journals
    expect([r.count("flow-toxicity"), r.count("vwap-reversion"), r.count(), r.journalCount()]).toEqual([2, 1, 3, 2]);
    expect(r.trials().map((t) => t.strategy)).toEqual(["flow-toxicity", "flow-toxicity", "vwap-reversion"]);
    r.close();
  });

  it("is shared by journals in other directories when the setting is absolute", () => {
    mkdirSync(join(dir, "x"));
    const shared = join(dir, "shared-trials.db");
    const j = journalWith("x/c.db", [["basis-arbitrage", { threshold: 0.003 }]]);
    expect(registerJournalTrials(j, trialRegistryPath(j.path, shared))).toBe(1);
    j.close();
    const r = TrialRegistry.open(shared, { readonly: true });
    expect(r.count()).toBe(1);
    r.close();
  });

  it("refuses a missing file read-only, and a SQLite file that is something else", () => {
    expect(() => TrialRegistry.open(join(dir, "none.db"), { readonly: true })).toThrow(/no such trial registry/);
    const other = join(dir, "other.db");
    const db = new DatabaseSync(other);
    db.exec("CREATE TABLE t (x INTEGER)");
    db.close();
    expect(() => TrialRegistry.open(other)).toThrow(/not a trial registry/);
  });
});
