/**
 * `strategy-monitor demo` end to end (runDemo: the synthetic venue in-process, the real run path):
 * the planted toxic flow on DOGE and the basis dislocation on ETH are found by their strategies
 * inside their windows, within the first simulated hour.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runDemo } from "../../src/cli/demo.ts";

const tmp = mkdtempSync(join(tmpdir(), "sm-demo-test-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("strategy-monitor demo", () => {
  it("finds the planted toxic flow and basis dislocation within 25 s of wall time at 240×", async () => {
    const result = await runDemo({ speed: 240, durationS: 25, dbPath: join(tmp, "demo.db"), seed: 1 });
    const byId = Object.fromEntries(result.findings.map((f) => [f.effect.id, f]));
    expect(byId["toxic-flow:DOGE"]?.found).toBe(true);
    expect(byId["basis-dislocation:ETH"]?.found).toBe(true);
    // The toxic flow starts 10 min after the venue's start and lasts 20 bars: the strategy needs
    // 7 or more of them in its 10-bar window, so its first signal comes 17–40 simulated minutes in.
    expect(result.simulatedMs).toBeGreaterThan(40 * 60_000);
  }, 60_000);
});
