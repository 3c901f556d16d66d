import { describe, expect, it } from "vitest";
import type { AssetContextEvent } from "../core/index.ts";
import { InMemoryOpenInterestSeries } from "../metrics/oi-series-port.ts";
import { OpenInterestStrategy } from "./open-interest.ts";
import { BTC, ctx, feed, T0 } from "./test-events.ts";

const H = 3_600_000;
const NOW = T0 + 7 * 24 * H;

interface Point {
  oi: number;
  px: number;
}

/** Asset contexts at now − 7 d, now − 24 h, now − 4 h and now (each "then" exactly on its horizon). */
function history(d7: Point | undefined, h24: Point, h4: Point, now: Point): AssetContextEvent[] {
  const at = (ts: number, p: Point) => ctx(BTC, ts, { openInterest: p.oi, markPx: p.px });
  return [...(d7 === undefined ? [] : [at(NOW - 7 * 24 * H, d7)]), at(NOW - 24 * H, h24), at(NOW - 4 * H, h4), at(NOW, now)];
}

/** Accumulation / distribution fixture: OI 7 d ago `oi7d`, 24 h ago 100, 4 h ago = now (no 4 h spike). */
function trend(oiNow: number, pxNow: number, oi7d = 100): AssetContextEvent[] {
  return history({ oi: oi7d, px: 1000 }, { oi: 100, px: 1000 }, { oi: oiNow, px: pxNow }, { oi: oiNow, px: pxNow });
}

const fire = (events: AssetContextEvent[], config: unknown = {}) => feed(new OpenInterestStrategy(BTC, config), events);

describe("OpenInterestStrategy: accumulation and distribution", () => {
  it("goes long with HIGH confidence when OI rose > 3 % in 24 h and > 5 % in 7 d and price > 2 %", () => {
    const signals = fire(trend(105.01, 1020.1));
    expect(signals).toHaveLength(1);
    const s = signals[0]!;
    expect(s.side).toBe("long");
    expect(s.confidence).toBe("HIGH");
    expect(s.createdMs).toBe(NOW);
    expect(s.maxHoldMs).toBe(7 * 24 * H);
    expect(s.metrics["oiChange7d"]).toBeCloseTo(0.0501, 12);
    expect(s.metrics["priceChange24h"]).toBeCloseTo(0.0201, 12);
    expect(s.reason).toMatch(/^institutional accumulation/);
  });

  it("goes short on the same OI with price < −2 %", () => {
    const [s] = fire(trend(105.01, 979.9));
    expect(s?.side).toBe("short");
    expect(s?.confidence).toBe("HIGH");
    expect(fire(trend(105.01, 980))).toHaveLength(0); // exactly −2 %
  });

  it("fires just inside the 7 d OI threshold, not at it (+5 %), not just outside", () => {
    expect(fire(trend(105.01, 1020.1))).toHaveLength(1);
    expect(fire(trend(105, 1020.1))).toHaveLength(0);
    expect(fire(trend(104.99, 1020.1))).toHaveLength(0);
  });

  it("fires just inside the 24 h OI threshold, not at it (+3 %), not just outside", () => {
    // 7 d ago 90: the 7 d change (≥ 14 %) is never the binding condition here.
    expect(fire(trend(103.01, 1020.1, 90))).toHaveLength(1);
    expect(fire(trend(103, 1020.1, 90))).toHaveLength(0);
    expect(fire(trend(102.99, 1020.1, 90))).toHaveLength(0);
  });

  it("fires just inside the 24 h price threshold, not at it (+2 %), not just outside", () => {
    expect(fire(trend(105.01, 1020.1))).toHaveLength(1);
    expect(fire(trend(105.01, 1020))).toHaveLength(0);
    expect(fire(trend(105.01, 1019.9))).toHaveLength(0);
  });
});

describe("OpenInterestStrategy: short-squeeze fade", () => {
  /** OI 24 h ago `oi24h`, 4 h ago 100, now `oiNow`; price 4 h ago 1000, now `pxNow`. */
  const fade = (oiNow: number, pxNow: number, oi24h = 110) =>
    history({ oi: 100, px: 1000 }, { oi: oi24h, px: pxNow }, { oi: 100, px: 1000 }, { oi: oiNow, px: pxNow });

  it("shorts with MEDIUM confidence when OI 4 h > +5 %, OI 24 h < 0 and price 4 h > +1 %", () => {
    const [s] = fire(fade(105.01, 1010.1));
    expect(s?.side).toBe("short");
    expect(s?.confidence).toBe("MEDIUM");
    expect(s?.maxHoldMs).toBe(12 * H);
    expect(s?.reason).toMatch(/^short-squeeze fade/);
  });

  it("respects the 4 h OI threshold: inside, at, outside", () => {
    expect(fire(fade(105.01, 1010.1))).toHaveLength(1);
    expect(fire(fade(105, 1010.1))).toHaveLength(0);
    expect(fire(fade(104.99, 1010.1))).toHaveLength(0);
  });

  it("respects the 4 h price threshold: inside, at, outside", () => {
    expect(fire(fade(105.01, 1010.1))).toHaveLength(1);
    expect(fire(fade(105.01, 1010))).toHaveLength(0);
    expect(fire(fade(105.01, 1009.9))).toHaveLength(0);
  });

  it("needs the 24 h OI change strictly below 0", () => {
    expect(fire(fade(105.01, 1010.1, 105.02))).toHaveLength(1);
    expect(fire(fade(105.01, 1010.1, 105.01))).toHaveLength(0); // exactly 0
    expect(fire(fade(105.01, 1010.1, 105))).toHaveLength(0);
  });
});

describe("OpenInterestStrategy: data it needs", () => {
  it("never fires without a 7-day history (insufficient data)", () => {
    const events = history(undefined, { oi: 100, px: 1000 }, { oi: 105.01, px: 1020.1 }, { oi: 105.01, px: 1020.1 });
    const strategy = new OpenInterestStrategy(BTC);
    expect(feed(strategy, events)).toEqual([]);
    expect(strategy.isWarm(NOW)).toBe(false);
  });

  it("never fires on a context that is stale when it arrives (> 180 s)", () => {
    const strategy = new OpenInterestStrategy(BTC);
    const events = trend(105.01, 1020.1);
    feed(strategy, events.slice(0, -1));
    expect(strategy.onEvent(events.at(-1)!, { nowMs: NOW + 180_001 })).toEqual([]);
  });

  it("keeps its 7-day history across a restart through the series port", () => {
    const series = new InMemoryOpenInterestSeries();
    const events = trend(105.01, 1020.1);
    feed(new OpenInterestStrategy(BTC, {}, { series }), events.slice(0, 1)); // only the 7-day-old sample, then "restart"
    const restarted = new OpenInterestStrategy(BTC, {}, { series, startMs: NOW - 24 * H });
    expect(feed(restarted, events.slice(1))).toHaveLength(1);
  });

  it("says it cannot fire on candle-only history", () => {
    expect(new OpenInterestStrategy(BTC).description.candleOnly.canFire).toBe(false);
  });
});
