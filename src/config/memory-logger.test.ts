import { describe, expect, it } from "vitest";
import { createMemoryLogger } from "./memory-logger.ts";

describe("createMemoryLogger", () => {
  it("records level, message and fields, with child bindings merged under the call's fields", () => {
    const log = createMemoryLogger();
    log.info("started");
    log.child({ component: "live", coin: "BTC" }).warn({ coin: "ETH", gapMs: 1500 }, "gap");
    expect(log.entries).toEqual([
      { level: "info", msg: "started", fields: {} },
      { level: "warn", msg: "gap", fields: { component: "live", coin: "ETH", gapMs: 1500 } },
    ]);
  });
});
