import { describe, expect, it } from "vitest";
import { REDACTED, createLogger, nullLogger } from "./logger.ts";
import type { LogDestination } from "./logger.ts";

/** A destination that keeps written chunks. */
function capture(isTTY = false): LogDestination & { text(): string; json(): Record<string, unknown>[] } {
  const chunks: string[] = [];
  return {
    isTTY,
    write(line: string) {
      chunks.push(line);
      return true;
    },
    text: () => chunks.join(""),
    json: () =>
      chunks
        .join("")
        .split("\n")
        .filter((line) => line !== "")
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

describe("createLogger", () => {
  it("writes JSON lines with the fields and the message", () => {
    const out = capture();
    createLogger({ level: "info", format: "json", destination: out }).info({ coin: "BTC", reconnects: 2 }, "resubscribed");
    const [line] = out.json();
    expect(line).toMatchObject({ level: 30, coin: "BTC", reconnects: 2, msg: "resubscribed" });
  });

  it("redacts a privateKey at the top level and nested, and an authorization header", () => {
    const out = capture();
    const log = createLogger({ level: "info", format: "json", destination: out });
    log.warn({ privateKey: "0xdeadbeef", wallet: { privateKey: "0xdeadbeef", address: "0xabc" }, req: { headers: { authorization: "Bearer s3cret" } } }, "oops");
    expect(out.text()).not.toContain("deadbeef");
    expect(out.text()).not.toContain("s3cret");
    const [line] = out.json();
    expect(line).toMatchObject({ privateKey: REDACTED, wallet: { privateKey: REDACTED, address: "0xabc" }, req: { headers: { authorization: REDACTED } } });
  });

  it("redacts through child loggers' bindings too", () => {
    const out = capture();
    createLogger({ level: "info", format: "json", destination: out }).child({ apiKey: "k-123", component: "rest" }).info("ready");
    expect(out.text()).not.toContain("k-123");
    expect(out.json()[0]).toMatchObject({ apiKey: REDACTED, component: "rest", msg: "ready" });
  });

  it("drops lines below the level", () => {
    const out = capture();
    const log = createLogger({ level: "warn", format: "json", destination: out });
    log.info("hidden");
    log.error("shown");
    expect(out.json().map((line) => line.msg)).toEqual(["shown"]);
  });

  it("auto format writes JSON to a non-TTY destination", () => {
    const out = capture(false);
    createLogger({ level: "info", format: "auto", destination: out }).info("plain");
    expect(out.json()[0]).toMatchObject({ msg: "plain" });
  });

  it("auto format writes pretty lines to a TTY destination, still redacted", () => {
    const out = capture(true);
    createLogger({ level: "info", format: "auto", destination: out }).info({ secret: "hunter2" }, "pretty line");
    expect(out.text()).toContain("pretty line");
    expect(out.text()).toContain(REDACTED);
    expect(out.text()).not.toContain("hunter2");
    expect(() => JSON.parse(out.text()) as unknown).toThrow();
  });

  it("pretty format is pretty even without a TTY (and without colours)", () => {
    const out = capture(false);
    createLogger({ level: "info", format: "pretty", destination: out }).info("no colour");
    expect(out.text()).toContain("INFO");
    expect(out.text()).toContain("no colour");
    expect(out.text()).not.toContain("\u001b[");
  });
});

describe("nullLogger", () => {
  it("accepts every call and returns itself as child", () => {
    expect(() => nullLogger.fatal({ a: 1 }, "x")).not.toThrow();
    expect(nullLogger.child({ coin: "BTC" })).toBe(nullLogger);
  });
});
