import { describe, expect, it } from "vitest";
import { VOLUME_FILTER_DEFAULTS, VolumeFilter } from "./volume-filter.ts";
import { bar, BTC, T0 } from "./test-events.ts";

const MIN = 60_000;

function filterAfter(lastVolume: number, enabled = true): { filter: VolumeFilter; nowMs: number } {
  const filter = new VolumeFilter(BTC, { ...VOLUME_FILTER_DEFAULTS, enabled });
  for (let i = 0; i < 20; i += 1) filter.update(bar(BTC, "1m", T0 + i * MIN, 100, 10));
  const last = bar(BTC, "1m", T0 + 20 * MIN, 100, lastVolume);
  filter.update(last);
  return { filter, nowMs: last.closeTime };
}

describe("VolumeFilter", () => {
  it("passes at exactly 1.2 × the 20-bar mean (12 against 10)", () => {
    const { filter, nowMs } = filterAfter(12);
    expect(filter.check(nowMs)).toEqual({ pass: true, volumeRatio: 1.2 });
  });

  it("passes just inside (12.01) and refuses just outside (11.99)", () => {
    const inside = filterAfter(12.01);
    expect(inside.filter.check(inside.nowMs).pass).toBe(true);
    const outside = filterAfter(11.99);
    expect(outside.filter.check(outside.nowMs)).toEqual({ pass: false, reason: "volume-below-filter", volumeRatio: 1.199 });
  });

  it("is not warm before 21 bars, nor when the newest bar is stale", () => {
    const filter = new VolumeFilter(BTC, VOLUME_FILTER_DEFAULTS);
    for (let i = 0; i < 20; i += 1) filter.update(bar(BTC, "1m", T0 + i * MIN, 100, 10));
    expect(filter.check(T0 + 20 * MIN)).toMatchObject({ pass: false, reason: "volume-not-warm" });
    const { filter: warm, nowMs } = filterAfter(12);
    expect(warm.check(nowMs + 2 * MIN + 1)).toMatchObject({ pass: false, reason: "volume-not-warm" });
  });

  it("always passes when disabled", () => {
    const { filter, nowMs } = filterAfter(1, false);
    expect(filter.check(nowMs)).toEqual({ pass: true, volumeRatio: undefined });
  });
});
