import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { CandleEvent } from "../core/index.ts";
import { CandleFlowProxy } from "./candle-flow-proxy.ts";
import type { Bar } from "./test-events.ts";
import { BTC, candle, flat } from "./test-events.ts";

const T0 = Date.UTC(2024, 2, 1);
const MIN = 60_000;
const bar = (open: number, close: number, volume: number): Bar => ({ open, high: Math.max(open, close), low: Math.min(open, close), close, volume });

describe("CandleFlowProxy", () => {
  it("is Σ r·v / Σ |r|·v over the last 10 one-minute bars", () => {
    const m = new CandleFlowProxy({ market: BTC });
    // 8 flat bars (r = 0), then +1 % on 3 units and −2 % on 1 unit:
    // signed = 0.01×3 − 0.02×1 = 0.01; gross = 0.03 + 0.02 = 0.05; proxy = 0.2
    for (let i = 0; i < 8; i += 1) m.update(candle(BTC, "1m", T0 + i * MIN, flat(100, 5)));
    m.update(candle(BTC, "1m", T0 + 8 * MIN, bar(100, 101, 3)));
    expect(m.value(T0 + 9 * MIN)).toBeUndefined(); // only 9 bars
    m.update(candle(BTC, "1m", T0 + 9 * MIN, bar(100, 98, 1)));
    expect(m.value(T0 + 10 * MIN)).toBeCloseTo(0.2, 12);
  });

  it("is +1 when every traded bar rose and undefined when all are flat or volumeless", () => {
    const up = new CandleFlowProxy({ market: BTC, bars: 2 });
    up.update(candle(BTC, "1m", T0, bar(100, 101, 1)));
    up.update(candle(BTC, "1m", T0 + MIN, bar(101, 102, 0)));
    expect(up.value(T0 + 2 * MIN)).toBe(1);
    const dead = new CandleFlowProxy({ market: BTC, bars: 2 });
    dead.update(candle(BTC, "1m", T0, flat(100, 7)));
    dead.update(candle(BTC, "1m", T0 + MIN, bar(100, 105, 0)));
    expect(dead.value(T0 + 2 * MIN)).toBeUndefined();
  });

  it("is undefined across a missing bar and once stale", () => {
    const m = new CandleFlowProxy({ market: BTC, bars: 2 });
    m.update(candle(BTC, "1m", T0, bar(100, 101, 1)));
    m.update(candle(BTC, "1m", T0 + 2 * MIN, bar(101, 100, 1))); // T0 + 1 min is missing
    expect(m.value(T0 + 3 * MIN)).toBeUndefined();
    m.update(candle(BTC, "1m", T0 + 3 * MIN, bar(100, 100.5, 2)));
    // r = −1/101 on 1, +0.005 on 2: (0.01 − 0.0099) / (0.01 + 0.0099)
    const r1 = -1 / 101;
    expect(m.value(T0 + 4 * MIN)).toBeCloseTo((r1 + 0.01) / (-r1 + 0.01), 12);
    // Last bar closes at T0 + 4 min − 1; default staleness is 2 minutes after that.
    expect(m.value(T0 + 6 * MIN - 1)).toBeDefined();
    expect(m.value(T0 + 6 * MIN)).toBeUndefined();
  });

  it("ignores forming bars and other intervals, and survives 1e-12 prices and 1e12 volumes", () => {
    const m = new CandleFlowProxy({ market: BTC, bars: 2 });
    m.update(candle(BTC, "1m", T0, bar(1e-12, 2e-12, 1e12)));
    m.update(candle(BTC, "1m", T0 + MIN, bar(100, 50, 1), false));
    m.update(candle(BTC, "5m", T0, bar(100, 50, 1)));
    expect(m.value(T0 + MIN)).toBeUndefined();
    m.update(candle(BTC, "1m", T0 + MIN, bar(2e-12, 1e-12, 1e12)));
    // r = +1 and −0.5 on equal volume: (1 − 0.5) / 1.5 = 1/3
    expect(m.value(T0 + 2 * MIN)).toBeCloseTo(1 / 3, 12);
  });

  it("equals a batch recomputation over random candle streams", () => {
    const b = fc.record({
      skip: fc.integer({ min: 0, max: 10 }),
      open: fc.double({ min: 1e-6, max: 1e6, noNaN: true }),
      ret: fc.double({ min: -0.5, max: 0.5, noNaN: true }),
      volume: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 1e9, noNaN: true })),
    });
    fc.assert(
      fc.property(fc.array(b, { minLength: 1, maxLength: 40 }), (bars) => {
        const m = new CandleFlowProxy({ market: BTC, bars: 4 });
        const fed: CandleEvent[] = [];
        let open = T0;
        for (const x of bars) {
          open += (x.skip < 9 ? 1 : 2) * MIN; // a bar is sometimes missing
          const c = candle(BTC, "1m", open, bar(x.open, x.open * (1 + x.ret), x.volume));
          fed.push(c);
          m.update(c);
        }
        const last4 = fed.slice(-4);
        let expected: number | undefined;
        if (last4.length === 4 && last4[3]!.openTime - last4[0]!.openTime === 3 * MIN) {
          const rs = last4.map((c) => ({ r: (c.close - c.open) / c.open, v: c.volume }));
          const gross = rs.reduce((a, x) => a + Math.abs(x.r) * x.v, 0);
          expected = gross > 0 ? rs.reduce((a, x) => a + x.r * x.v, 0) / gross : undefined;
        }
        const got = m.value(open + MIN);
        if (expected === undefined) expect(got).toBeUndefined();
        else expect(Math.abs(got! - expected)).toBeLessThanOrEqual(1e-9);
      }),
    );
  });
});
