import { afterEach, describe, expect, it, vi } from "vitest";
import { ConfigError, VenueError } from "../core/index.ts";
import { createMemoryLogger } from "../config/index.ts";
import { StoppedBeforeStartError, retryUntilStopped, unlessStopped } from "./shared.ts";

afterEach(() => {
  vi.useRealTimers();
});

describe("retryUntilStopped (a venue outage at start)", () => {
  it("waits 5 s, 10 s, 20 s after transient failures, says so each time, and returns the first success", async () => {
    vi.useFakeTimers({ now: 0 });
    const log = createMemoryLogger();
    const attempts: number[] = [];
    const result = retryUntilStopped(
      "metaAndAssetCtxs",
      () => {
        attempts.push(Date.now());
        // Network error, 500, 429, then an answer.
        const failures = [new VenueError("ECONNREFUSED"), new VenueError("HTTP 500", 500), new VenueError("HTTP 429", 429)];
        const failure = failures[attempts.length - 1];
        return failure === undefined ? Promise.resolve("meta") : Promise.reject(failure);
      },
      { stopped: new Promise(() => {}), log },
    );
    await vi.advanceTimersByTimeAsync(35_000);
    await expect(result).resolves.toBe("meta");
    // 0, +5 s, +10 s, +20 s.
    expect(attempts).toEqual([0, 5_000, 15_000, 35_000]);
    expect(log.entries.filter((e) => e.level === "warn").map((e) => e.msg)).toEqual([
      "the venue did not answer metaAndAssetCtxs; waiting 5 s and trying again (Ctrl-C stops)",
      "the venue did not answer metaAndAssetCtxs; waiting 10 s and trying again (Ctrl-C stops)",
      "the venue did not answer metaAndAssetCtxs; waiting 20 s and trying again (Ctrl-C stops)",
    ]);
  });

  it("caps the wait at 60 s", async () => {
    vi.useFakeTimers({ now: 0 });
    const attempts: number[] = [];
    let stop!: () => void;
    const stopped = new Promise<void>((r) => (stop = r));
    const result = retryUntilStopped(
      "meta",
      () => {
        attempts.push(Date.now());
        return Promise.reject(new VenueError("down"));
      },
      { stopped, log: createMemoryLogger() },
    );
    result.catch(() => {});
    await vi.advanceTimersByTimeAsync(300_000);
    // 0, 5, 15, 35, 75, 135, 195, 255 s: waits 5, 10, 20, 40, then 60 each.
    expect(attempts.map((t) => t / 1000)).toEqual([0, 5, 15, 35, 75, 135, 195, 255]);
    stop();
    await expect(result).rejects.toThrow(/stopped after 300 s without reaching the venue \(meta\): down/);
  });

  it("a stop ends the wait at once with StoppedBeforeStartError, and aborts the attempt in flight", async () => {
    let stop!: () => void;
    const stopped = new Promise<void>((r) => (stop = r));
    let signal: AbortSignal | undefined;
    const result = retryUntilStopped(
      "meta",
      (s) => {
        signal = s;
        return new Promise(() => {});
      },
      { stopped, log: createMemoryLogger() },
    );
    stop();
    await expect(result).rejects.toBeInstanceOf(StoppedBeforeStartError);
    expect(signal?.aborted).toBe(true);
  });

  it("does not retry what will not pass: a 4xx refusal or a bad configuration", async () => {
    const log = createMemoryLogger();
    await expect(retryUntilStopped("meta", () => Promise.reject(new VenueError("HTTP 422", 422)), { stopped: new Promise(() => {}), log })).rejects.toThrow("HTTP 422");
    await expect(retryUntilStopped("meta", () => Promise.reject(new ConfigError("coins", "XYZ", "a listed perp")), { stopped: new Promise(() => {}), log })).rejects.toBeInstanceOf(ConfigError);
    expect(log.entries).toEqual([]);
  });
});

describe("unlessStopped", () => {
  it("gives the work's value, or stopped when the stop comes first", async () => {
    await expect(unlessStopped(Promise.resolve(7), new Promise(() => {}))).resolves.toEqual({ stopped: false, value: 7 });
    await expect(unlessStopped(new Promise(() => {}), Promise.resolve())).resolves.toEqual({ stopped: true });
  });
});
