import { describe, expect, it } from "vitest";
import { isShadow, mayBeWeighted, recordsSignals, takesPaperPositions, transition } from "./lifecycle.ts";

describe("lifecycle", () => {
  it("moves candidate → forward-testing → validated, and any live state to killed", () => {
    expect(transition("candidate", "forward-testing")).toEqual({ ok: true, state: "forward-testing" });
    expect(transition("forward-testing", "validated")).toEqual({ ok: true, state: "validated" });
    expect(transition("forward-testing", "killed")).toEqual({ ok: true, state: "killed" });
    expect(transition("validated", "killed")).toEqual({ ok: true, state: "killed" });
  });

  it("refuses to validate a strategy that was never forward-tested", () => {
    const r = transition("candidate", "validated");
    expect(r.ok).toBe(false);
    expect(!r.ok && r.reason).toBe("a candidate strategy cannot become validated; allowed: forward-testing, killed");
  });

  it("revives a killed strategy only as a new candidate", () => {
    expect(transition("killed", "validated").ok).toBe(false);
    expect(transition("killed", "candidate").ok).toBe(true);
  });

  it("keeps recording a killed strategy's signals in shadow, without positions unless configured", () => {
    expect(recordsSignals("killed")).toBe(true);
    expect(takesPaperPositions("killed")).toBe(false);
    expect(isShadow("killed")).toBe(true);
    expect(takesPaperPositions("killed", { paperTradeWhenKilled: true })).toBe(true);
    expect(takesPaperPositions("candidate")).toBe(true);
  });

  it("lets only validated strategies be weighted", () => {
    expect(mayBeWeighted("validated")).toBe(true);
    expect(mayBeWeighted("forward-testing")).toBe(false);
  });
});
