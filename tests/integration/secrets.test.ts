import { afterEach, describe, expect, it } from "vitest";
import type { ConnectionStatusEvent } from "../../src/core/index.ts";
import { HyperliquidLiveSource } from "../../src/venues/hyperliquid/live.ts";
import type { LiveLogger } from "../../src/venues/hyperliquid/live.ts";
import { HyperliquidParser } from "../../src/venues/hyperliquid/parse.ts";
import { SpotResolver } from "../../src/venues/hyperliquid/spot.ts";
import { startWsServer } from "../../test-support/hyperliquid-server/ws-server.ts";
import type { HyperliquidWsServer } from "../../test-support/hyperliquid-server/ws-server.ts";

/*
 * Secrets never logged (issue 13): credentials in the WebSocket URL (user info, a ?key= query
 * parameter) appear neither in the log lines nor in the status events (which the recorder writes
 * to the capture), whether the connection succeeds or fails.
 */
const FAST = { pingIntervalMs: 200, pongTimeoutMs: 200, silenceTimeoutMs: 1_000, reconnectBaseMs: 20, reconnectMaxMs: 100 };

let server: HyperliquidWsServer | undefined;
const sources: HyperliquidLiveSource[] = [];

afterEach(async () => {
  for (const source of sources.splice(0)) await source.stop();
  await server?.close();
  server = undefined;
});

function recording(): { logger: LiveLogger; lines: string[] } {
  const lines: string[] = [];
  const put = (obj: object, msg: string): void => {
    lines.push(`${msg} ${JSON.stringify(obj)}`);
  };
  return { logger: { debug: put, info: put, warn: put, error: put }, lines };
}

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (check()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe("credentials in the WebSocket URL", () => {
  it("are redacted in the log and in the status events of a session that connects", async () => {
    server = await startWsServer();
    const wsUrl = server.url.replace("ws://", "ws://bob:hunter2@") + "?key=s3cret";
    const { logger, lines } = recording();
    const statuses: ConnectionStatusEvent[] = [];
    const source = new HyperliquidLiveSource({ ...FAST, wsUrl, logger }, new HyperliquidParser({ spot: SpotResolver.empty() }), {
      onEvent: (event) => {
        if (event.kind === "status") statuses.push(event);
      },
      onReject: () => undefined,
    });
    sources.push(source);
    await source.start({ perps: ["BTC"], spotPairs: [], candleIntervals: [] });
    await source.stop();
    const written = [...lines, ...statuses.map((s) => s.detail)].join("\n");
    expect(statuses[0]?.detail).toBe(`connected to ${server.url.replace("ws://", "ws://***@")}?key=***`);
    expect(written).not.toContain("hunter2");
    expect(written).not.toContain("s3cret");
  });

  it("are redacted in the warning of a failed connection attempt", async () => {
    // A port nothing listens on: take one from a server, then close it.
    const closed = await startWsServer();
    const url = closed.url;
    await closed.close();
    const { logger, lines } = recording();
    const source = new HyperliquidLiveSource({ ...FAST, wsUrl: url.replace("ws://", "ws://bob:hunter2@") + "?token=s3cret", logger }, new HyperliquidParser({ spot: SpotResolver.empty() }), {
      onEvent: () => undefined,
      onReject: () => undefined,
    });
    sources.push(source);
    const started = source.start({ perps: ["BTC"], spotPairs: [], candleIntervals: [] }).catch(() => undefined);
    await until(() => lines.some((line) => line.includes("connection attempt")), "a failed attempt");
    await source.stop();
    await started;
    const written = lines.join("\n");
    expect(written).toContain("ws://***@127.0.0.1");
    expect(written).toContain("?token=***");
    expect(written).not.toContain("hunter2");
    expect(written).not.toContain("s3cret");
  });
});
