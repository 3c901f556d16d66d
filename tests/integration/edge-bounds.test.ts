import { afterEach, describe, expect, it } from "vitest";
import type { MarketEvent, ParseError } from "../../src/core/index.ts";
import { logReject } from "../../src/cli/shared.ts";
import type { Logger } from "../../src/config/index.ts";
import { HyperliquidLiveSource } from "../../src/venues/hyperliquid/live.ts";
import { HyperliquidParser } from "../../src/venues/hyperliquid/parse.ts";
import { SpotResolver } from "../../src/venues/hyperliquid/spot.ts";
import { startWsServer } from "../../test-support/hyperliquid-server/ws-server.ts";
import type { HyperliquidWsServer } from "../../test-support/hyperliquid-server/ws-server.ts";

/*
 * Bounded frames and bounded log lines (issue 13, failure 9): one 3 MB garbage frame once gave
 * 400 warning lines (≈ 40 000 bad trades: 20 logged in full, then one per 100) and +93 MB RSS.
 * Through the live source and the CLI's reject logger (`logReject`), as `run` and `record` wire them:
 * now one reject and one short line; a frame under the limit full of bad trades gives 11.
 */
const FAST = { pingIntervalMs: 200, pongTimeoutMs: 200, silenceTimeoutMs: 1_000, reconnectBaseMs: 20, reconnectMaxMs: 100 };

let server: HyperliquidWsServer;
const sources: HyperliquidLiveSource[] = [];
afterEach(async () => {
  for (const source of sources.splice(0)) await source.stop();
  await server.close();
});

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (check()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function session(): Promise<{ lines: string[]; rejects: ParseError[]; events: MarketEvent[] }> {
  server = await startWsServer();
  const lines: string[] = [];
  const log = { warn: (_obj: object, msg: string) => lines.push(msg) } as unknown as Logger;
  const rejects: ParseError[] = [];
  const events: MarketEvent[] = [];
  const source = new HyperliquidLiveSource({ ...FAST, wsUrl: server.url }, new HyperliquidParser({ spot: SpotResolver.empty(), subscribed: { perps: ["BTC"], spotPairs: [] } }), {
    onEvent: (event) => events.push(event),
    onReject: (error) => {
      rejects.push(error);
      logReject(log, error, rejects.length);
    },
  });
  sources.push(source);
  await source.start({ perps: ["BTC"], spotPairs: [], candleIntervals: [] });
  return { lines, rejects, events };
}

const badTrade = '{"coin":"BTC","side":"X","px":"1","sz":"1","time":1,"tid":1},';

describe("bounded frames and log lines through the live source", () => {
  it("one 3 MB garbage frame: one reject, one log line of under 300 characters", async () => {
    const s = await session();
    const frame = `{"channel":"trades","data":[${badTrade.repeat(Math.ceil(3_000_000 / badTrade.length))}{}]}`;
    expect(frame.length).toBeGreaterThan(3_000_000);
    server.sendRaw(frame);
    await until(() => s.rejects.length > 0, "the reject");
    // Let anything else the frame might cause arrive.
    server.sendRaw('{"channel":"pong"}');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(s.rejects).toHaveLength(1);
    expect(s.lines).toHaveLength(1);
    expect(s.lines[0]).toMatch(/^rejected: frame: is \d+ characters, over the 1048576 limit; refused unread/);
    expect(s.lines[0]?.length).toBeLessThan(300);
  });

  it("a frame under the limit full of bad trades (15 000): 10 rejects and one summary, 11 lines", async () => {
    const s = await session();
    server.sendRaw(`{"channel":"trades","data":[${badTrade.repeat(14_999)}${badTrade.slice(0, -1)}]}`);
    await until(() => s.rejects.length >= 11, "the rejects");
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(s.rejects).toHaveLength(11);
    expect(s.lines).toHaveLength(11);
    expect(s.lines[10]).toBe("rejected: trades: more bad trades in this frame after the first 10 (not listed one by one) (got 14990)");
  });

  it("a book for a coin nobody subscribed: no event, one line, however many frames", async () => {
    const s = await session();
    const book = (time: number) => JSON.stringify({ channel: "l2Book", data: { coin: "DOGE", time, levels: [[{ px: "0.1", sz: "1", n: 1 }], [{ px: "0.2", sz: "1", n: 1 }]] } });
    for (let i = 0; i < 50; i++) server.sendRaw(book(Date.now() - 1_000 + i));
    server.sendRaw('{"channel":"pong"}');
    await until(() => s.rejects.length > 0, "the reject");
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(s.events.filter((e) => e.kind === "book")).toEqual([]);
    expect(s.lines).toEqual(['rejected: l2Book.coin: not a subscribed market: its frames are dropped (reported once per market) (got "DOGE")']);
  });
});
