import { createServer } from "node:http";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createMemoryLogger } from "../config/index.ts";
import { AlertDispatcher, backoffMs } from "./dispatcher.ts";
import type { AlertTransport } from "./dispatcher.ts";
import { testAlert, testDestination } from "./test-destination.ts";

/** A webhook receiver on 127.0.0.1: answers each request with `respond(n)` (n = 1-based count). */
interface Receiver {
  readonly url: string;
  readonly requests: { readonly path: string; readonly body: string; readonly type: string | undefined; readonly atMs: number }[];
  close(): Promise<void>;
}

async function startReceiver(respond: (n: number, res: ServerResponse) => void): Promise<Receiver> {
  const requests: Receiver["requests"][number][] = [];
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString("utf8")));
    req.on("end", () => {
      requests.push({ path: req.url ?? "", body, type: req.headers["content-type"], atMs: Date.now() });
      respond(requests.length, res);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/bot123456:SECRET-TOKEN/sendMessage`,
    requests,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

const status = (code: number) => (_n: number, res: ServerResponse) => {
  res.writeHead(code, { "content-type": "application/json" });
  res.end("{}");
};

describe("alert delivery against a local webhook receiver", () => {
  const receivers: Receiver[] = [];
  const dispatchers: AlertDispatcher[] = [];
  afterEach(async () => {
    vi.useRealTimers();
    for (const d of dispatchers.splice(0)) await d.close(0);
    for (const r of receivers.splice(0)) await r.close();
  });
  const receiver = async (respond: (n: number, res: ServerResponse) => void): Promise<Receiver> => {
    const r = await startReceiver(respond);
    receivers.push(r);
    return r;
  };
  const until = async (cond: () => boolean, ms = 5_000): Promise<void> => {
    const end = Date.now() + ms;
    while (!cond()) {
      if (Date.now() > end) throw new Error("timed out");
      await new Promise((r) => setTimeout(r, 5));
    }
  };

  it("posts the Telegram body as JSON and counts it sent; the URL (its token) is never logged", async () => {
    const r = await receiver(status(200));
    const logger = createMemoryLogger();
    const counted: string[] = [];
    const d = new AlertDispatcher({
      destinations: [testDestination({ name: "tg", format: "telegram", chatId: -100123, url: r.url })],
      logger,
      counters: { onAlert: (dest, result) => counted.push(`${dest}:${result}`), onAlertAttempt: (dest, result) => counted.push(`${dest}:attempt:${result}`) },
    });
    dispatchers.push(d);
    d.send(testAlert());
    await until(() => d.stats()["tg"]?.sent === 1);
    expect(r.requests).toHaveLength(1);
    expect(r.requests[0]?.path).toBe("/bot123456:SECRET-TOKEN/sendMessage");
    expect(r.requests[0]?.type).toBe("application/json");
    expect(JSON.parse(r.requests[0]?.body ?? "")).toEqual({ chat_id: -100123, text: "signal taken: liquidity long BTC\nentry ≈ 100" });
    expect(counted).toEqual(["tg:attempt:ok", "tg:sent"]);
    expect(JSON.stringify(logger.entries)).not.toContain("SECRET-TOKEN");
  });

  it("retries a 500 and delivers on the third attempt", async () => {
    const r = await receiver((n, res) => status(n < 3 ? 500 : 200)(n, res));
    const logger = createMemoryLogger();
    const d = new AlertDispatcher({ destinations: [testDestination({ url: r.url, baseBackoffMs: 20, maxBackoffMs: 100 })], logger });
    dispatchers.push(d);
    d.send(testAlert());
    await until(() => d.stats()["ops"]?.sent === 1);
    expect(d.stats()["ops"]).toEqual({ sent: 1, failed: 0, dropped: 0, attempts: 3 });
    // Waits 20 ms, then 40 ms between the attempts.
    const [a, b, c] = r.requests.map((q) => q.atMs);
    expect(b! - a!).toBeGreaterThanOrEqual(19);
    expect(c! - b!).toBeGreaterThanOrEqual(39);
    expect(logger.entries.filter((e) => e.msg === "alert delivery failed; retrying").map((e) => e.fields["failure"])).toEqual(["HTTP 500", "HTTP 500"]);
    expect(JSON.stringify(logger.entries)).not.toContain("SECRET-TOKEN");
  });

  it("gives up after maxAttempts, and does not retry a 400 at all", async () => {
    const r500 = await receiver(status(500));
    const r400 = await receiver(status(400));
    const logger = createMemoryLogger();
    const d = new AlertDispatcher({
      destinations: [testDestination({ name: "a", url: r500.url, maxAttempts: 3, baseBackoffMs: 10, maxBackoffMs: 10 }), testDestination({ name: "b", url: r400.url })],
      logger,
    });
    dispatchers.push(d);
    d.send(testAlert());
    await until(() => d.stats()["a"]?.failed === 1 && d.stats()["b"]?.failed === 1);
    expect(r500.requests).toHaveLength(3);
    expect(r400.requests).toHaveLength(1);
    expect(logger.entries.filter((e) => e.level === "error").map((e) => e.fields["failure"])).toContain("HTTP 400; not retried");
  });

  it("backs off 1 s, 2 s, 4 s, 8 s (capped at maxBackoffMs) between attempts, on fake timers", async () => {
    vi.useFakeTimers();
    const attemptsAt: number[] = [];
    const transport: AlertTransport = () => {
      attemptsAt.push(Date.now());
      return Promise.resolve({ status: 503 });
    };
    const d = new AlertDispatcher({ destinations: [testDestination({ url: "https://hooks.example/x", maxAttempts: 6, baseBackoffMs: 1_000, maxBackoffMs: 8_000 })], logger: createMemoryLogger(), transport });
    dispatchers.push(d);
    const t0 = Date.now();
    d.send(testAlert());
    await vi.advanceTimersByTimeAsync(60_000);
    // Attempts at 0, 1, 3, 7, 15 and 23 s: waits 1, 2, 4, 8, then 8 (the cap).
    expect(attemptsAt.map((t) => t - t0)).toEqual([0, 1_000, 3_000, 7_000, 15_000, 23_000]);
    expect(d.stats()["ops"]?.failed).toBe(1);
    expect([1, 2, 3, 4, 5].map((n) => backoffMs(n, 1_000, 8_000))).toEqual([1_000, 2_000, 4_000, 8_000, 8_000]);
  });

  it("waits out a 429's Retry-After when longer than its own backoff", async () => {
    vi.useFakeTimers();
    const attemptsAt: number[] = [];
    const transport: AlertTransport = () => {
      attemptsAt.push(Date.now());
      return Promise.resolve(attemptsAt.length === 1 ? { status: 429, retryAfterMs: 5_000 } : { status: 204 });
    };
    const d = new AlertDispatcher({ destinations: [testDestination({ url: "https://hooks.example/x", baseBackoffMs: 1_000 })], logger: createMemoryLogger(), transport });
    dispatchers.push(d);
    const t0 = Date.now();
    d.send(testAlert());
    await vi.advanceTimersByTimeAsync(10_000);
    expect(attemptsAt.map((t) => t - t0)).toEqual([0, 5_000]);
    expect(d.stats()["ops"]?.sent).toBe(1);
  });

  it("rate-limits each destination with its token bucket: burst 2, then one per 3 s at 20 a minute", async () => {
    vi.useFakeTimers();
    const sentAt: number[] = [];
    const transport: AlertTransport = () => {
      sentAt.push(Date.now());
      return Promise.resolve({ status: 200 });
    };
    const d = new AlertDispatcher({ destinations: [testDestination({ url: "https://hooks.example/x", ratePerMinute: 20, burst: 2 })], logger: createMemoryLogger(), transport });
    dispatchers.push(d);
    const t0 = Date.now();
    for (let i = 0; i < 5; i++) d.send(testAlert(`alert ${i}`));
    await vi.advanceTimersByTimeAsync(20_000);
    expect(sentAt.map((t) => t - t0)).toEqual([0, 0, 3_000, 6_000, 9_000]);
  });

  it("drops an alert when the destination's queue is full, and counts it", () => {
    const transport: AlertTransport = () => new Promise(() => {});
    const counted: string[] = [];
    const d = new AlertDispatcher({
      destinations: [testDestination({ url: "https://hooks.example/x", maxQueue: 2 })],
      logger: createMemoryLogger(),
      transport,
      counters: { onAlert: (_d, result) => counted.push(result), onAlertAttempt: () => {} },
    });
    dispatchers.push(d);
    // The first goes in flight (off the queue); two wait; the fourth finds the queue full.
    for (let i = 0; i < 4; i++) d.send(testAlert(`alert ${i}`));
    expect(d.queued()).toBe(2);
    expect(counted).toEqual(["dropped"]);
    expect(d.stats()["ops"]?.dropped).toBe(1);
  });

  it("a destination that hangs 30 s blocks neither send() nor another destination", async () => {
    const hanging = await receiver((_n, res) => {
      const t = setTimeout(() => res.end("{}"), 30_000);
      res.on("close", () => clearTimeout(t));
    });
    const fine = await receiver(status(200));
    const d = new AlertDispatcher({
      destinations: [testDestination({ name: "slow", url: hanging.url, timeoutMs: 200, maxAttempts: 2, baseBackoffMs: 10, maxBackoffMs: 10 }), testDestination({ name: "fast", url: fine.url })],
      logger: createMemoryLogger(),
    });
    dispatchers.push(d);
    const t0 = performance.now();
    for (let i = 0; i < 3; i++) d.send(testAlert(`alert ${i}`));
    // send() only queues: the pipeline goes on at once.
    expect(performance.now() - t0).toBeLessThan(50);
    await until(() => d.stats()["fast"]?.sent === 3);
    expect(d.stats()["slow"]?.sent).toBe(0);
    // The slow one times out (200 ms) twice per alert and gives up on each.
    await until(() => d.stats()["slow"]?.failed === 3);
    expect(hanging.requests.length).toBeLessThanOrEqual(6);
  });

  it("close() waits for the queue within its grace, then drops what is left without throwing", async () => {
    const hanging = await receiver(() => {});
    const counted: string[] = [];
    const d = new AlertDispatcher({
      destinations: [testDestination({ url: hanging.url, timeoutMs: 60_000 })],
      logger: createMemoryLogger(),
      counters: { onAlert: (_d, result) => counted.push(result), onAlertAttempt: () => {} },
    });
    d.send(testAlert("a"));
    d.send(testAlert("b"));
    const t0 = performance.now();
    await d.close(100);
    expect(performance.now() - t0).toBeLessThan(2_000);
    expect(counted).toEqual(["dropped"]);
    d.send(testAlert("after close"));
    expect(d.queued()).toBe(0);
  });
});
