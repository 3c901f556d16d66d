import { describe, expect, it } from "vitest";
import { countTrials } from "./trial-count.ts";

describe("countTrials", () => {
  it("counts each variant once across a registry and a journal, per strategy and in all", () => {
    const registry = [
      { strategy: "flow-toxicity", configHash: "a" },
      { strategy: "flow-toxicity", configHash: "b" },
      { strategy: "flow-toxicity", configHash: "c" },
      { strategy: "vwap-reversion", configHash: "x" },
    ];
    // the journal's own: flow-toxicity a (also registered), funding-volume f (not yet registered)
    const journal = [
      { strategy: "flow-toxicity", configHash: "a" },
      { strategy: "funding-volume", configHash: "f" },
    ];
    // flow-toxicity {a, b, c} = 3, funding-volume {f} = 1, vwap-reversion {x} = 1; 3 + 1 + 1 = 5
    expect(countTrials(registry, journal)).toEqual({ byStrategy: { "flow-toxicity": 3, "funding-volume": 1, "vwap-reversion": 1 }, total: 5 });
  });

  it("is empty without variants", () => {
    expect(countTrials([], [])).toEqual({ byStrategy: {}, total: 0 });
  });
});
