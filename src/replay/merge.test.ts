import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { perp } from "../core/index.ts";
import type { MarketEvent, TradeEvent } from "../core/index.ts";
import { mergeSources, MergeReport } from "./merge.ts";
import type { ReplaySource } from "./merge.ts";

const BTC = perp("BTC");

/** A trade whose id names its source and position, so the output order is visible. */
function trade(tsEvent: number, tradeId: string): TradeEvent {
  return { kind: "trade", market: BTC, tsEvent, tsInit: tsEvent, px: 100, sz: 1, side: "buy", tradeId };
}

function source(name: string, batches: MarketEvent[][]): ReplaySource {
  return {
    name,
    batches: (async function* () {
      for (const batch of batches) {
        await Promise.resolve();
        yield batch;
      }
    })(),
  };
}

async function ids(sources: ReplaySource[], report?: MergeReport, batchSize?: number): Promise<string[]> {
  const out: string[] = [];
  const options = { ...(report === undefined ? {} : { report }), ...(batchSize === undefined ? {} : { batchSize }) };
  for await (const batch of mergeSources(sources, options)) {
    for (const e of batch) out.push(e.kind === "trade" ? e.tradeId : e.kind);
  }
  return out;
}

describe("mergeSources", () => {
  it("orders events from several sources by tsEvent", async () => {
    const a = source("a", [[trade(1, "a1"), trade(4, "a4")], [trade(9, "a9")]]);
    const b = source("b", [[trade(2, "b2")], [], [trade(3, "b3"), trade(10, "b10")]]);
    const c = source("c", []);
    expect(await ids([a, b, c])).toEqual(["a1", "b2", "b3", "a4", "a9", "b10"]);
  });

  it("is stable for equal times: source order first, then each source's own order", async () => {
    const a = source("a", [[trade(5, "a-first"), trade(5, "a-second")]]);
    const b = source("b", [[trade(5, "b-first")], [trade(5, "b-second")]]);
    expect(await ids([b, a])).toEqual(["b-first", "b-second", "a-first", "a-second"]);
    const a2 = source("a", [[trade(5, "a-first"), trade(5, "a-second")]]);
    const b2 = source("b", [[trade(5, "b-first")], [trade(5, "b-second")]]);
    expect(await ids([a2, b2])).toEqual(["a-first", "a-second", "b-first", "b-second"]);
  });

  it("keeps an unsorted source's own order and counts what came out early", async () => {
    const report = new MergeReport();
    const a = source("late", [[trade(1, "x1"), trade(10, "x10"), trade(5, "x5"), trade(6, "x6")]]);
    const b = source("sorted", [[trade(7, "y7")]]);
    expect(await ids([a, b], report)).toEqual(["x1", "y7", "x10", "x5", "x6"]);
    // x5 and x6 are earlier than x10, which came out before them.
    expect(report.outOfOrder).toBe(2);
    expect(report.outOfOrderBySource).toEqual(new Map([["late", 2]]));
    expect(report.events).toBe(5);
  });

  it("yields batches no larger than batchSize", async () => {
    const a = source("a", [Array.from({ length: 10 }, (_, i) => trade(i, `a${i}`))]);
    const sizes: number[] = [];
    for await (const batch of mergeSources([a], { batchSize: 4 })) sizes.push(batch.length);
    expect(sizes).toEqual([4, 4, 2]);
  });

  it("equals a stable sort of all sorted sources by time, for any input", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(fc.integer({ min: 0, max: 20 }), { maxLength: 15 }), { maxLength: 5 }), async (times) => {
        const sorted = times.map((list) => [...list].sort((x, y) => x - y));
        const sources = sorted.map((list, s) => source(`s${s}`, [list.map((t, i) => trade(t, `${s}:${i}`))]));
        const expected = sorted
          .flatMap((list, s) => list.map((t, i) => ({ t, s, i })))
          .sort((x, y) => x.t - y.t || x.s - y.s || x.i - y.i)
          .map((e) => `${e.s}:${e.i}`);
        expect(await ids(sources, undefined, 3)).toEqual(expected);
      }),
    );
  });

  it("lets every source close when the consumer stops early", async () => {
    let closed = 0;
    const endless = (name: string): ReplaySource => ({
      name,
      batches: (async function* () {
        try {
          for (let t = 0; ; t += 1) {
            await Promise.resolve();
            yield [trade(t, `${name}${t}`)];
          }
        } finally {
          closed += 1;
        }
      })(),
    });
    for await (const batch of mergeSources([endless("a"), endless("b")], { batchSize: 2 })) {
      expect(batch.length).toBeGreaterThan(0);
      break;
    }
    expect(closed).toBe(2);
  });
});
