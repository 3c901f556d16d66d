import { describe, expect, it } from "vitest";
import { WeightLimiter, baseWeight, itemWeight } from "./rate-limiter.ts";

/** Fake time: `sleep` advances the clock at once and records the wait. */
function fakeTime(start = 1_700_000_000_000) {
  const state = { now: start, sleeps: [] as number[] };
  return {
    state,
    now: () => state.now,
    sleep: (ms: number) => {
      state.sleeps.push(ms);
      state.now += ms;
      return Promise.resolve();
    },
  };
}

describe("request weights", () => {
  it("charges 2 for l2Book and 20 for the other info requests we send", () => {
    expect(baseWeight("l2Book")).toBe(2);
    expect(baseWeight("candleSnapshot")).toBe(20);
    expect(baseWeight("fundingHistory")).toBe(20);
    expect(baseWeight("metaAndAssetCtxs")).toBe(20);
    expect(baseWeight("spotMetaAndAssetCtxs")).toBe(20);
  });

  it("charges 1 per started group of 20 funding rows and of 60 candles", () => {
    expect(itemWeight("fundingHistory", 0)).toBe(0);
    expect(itemWeight("fundingHistory", 20)).toBe(1);
    expect(itemWeight("fundingHistory", 21)).toBe(2);
    expect(itemWeight("fundingHistory", 500)).toBe(25);
    expect(itemWeight("candleSnapshot", 60)).toBe(1);
    // 5000 / 60 = 83.33 -> 84
    expect(itemWeight("candleSnapshot", 5000)).toBe(84);
    expect(itemWeight("l2Book", 40)).toBe(0);
  });
});

describe("WeightLimiter", () => {
  it("lets 60 requests of weight 20 through at once and holds the 61st exactly 1000 ms", async () => {
    const time = fakeTime();
    const limiter = new WeightLimiter({ weightPerMinute: 1200, now: time.now, sleep: time.sleep });
    for (let i = 0; i < 60; i += 1) {
      await limiter.acquire(20);
    }
    expect(time.state.sleeps).toEqual([]);
    const before = time.state.now;
    await limiter.acquire(20);
    // 20 weight at 1200 per minute refills in 20 * 60 000 / 1200 = 1000 ms.
    expect(time.state.sleeps).toEqual([1000]);
    expect(time.state.now - before).toBe(1000);
    expect(limiter.available()).toBe(0);
  });

  it("refills continuously, never above a minute's budget", async () => {
    const time = fakeTime();
    const limiter = new WeightLimiter({ weightPerMinute: 1200, now: time.now, sleep: time.sleep });
    await limiter.acquire(200);
    expect(limiter.available()).toBe(1000);
    time.state.now += 2_500; // 2.5 s * 20 per s = 50
    expect(limiter.available()).toBe(1050);
    time.state.now += 3_600_000;
    expect(limiter.available()).toBe(1200);
  });

  it("makes the next request wait out a debt charged after a response", async () => {
    const time = fakeTime();
    const limiter = new WeightLimiter({ weightPerMinute: 1200, now: time.now, sleep: time.sleep });
    await limiter.acquire(1200);
    // A 5000-candle answer costs 84 more: the bucket is 84 in debt.
    limiter.charge(84);
    expect(limiter.available()).toBe(-84);
    await limiter.acquire(20);
    // (84 + 20) weight at 20 per second = 5.2 s.
    expect(time.state.sleeps).toEqual([5_200]);
  });

  it("serves concurrent waiters in arrival order, each waiting only for its own weight", async () => {
    const time = fakeTime();
    const limiter = new WeightLimiter({ weightPerMinute: 120, now: time.now, sleep: time.sleep });
    await limiter.acquire(120);
    const order: string[] = [];
    const a = limiter.acquire(20).then(() => order.push(`a@${time.state.now}`));
    const b = limiter.acquire(2).then(() => order.push(`b@${time.state.now}`));
    await Promise.all([a, b]);
    // 120 per minute = 2 per second: 20 weight takes 10 s, then 2 more take 1 s.
    expect(order).toEqual(["a@1700000010000", "b@1700000011000"]);
    expect(time.state.sleeps).toEqual([10_000, 1_000]);
  });

  it("lets a request heavier than the whole budget through once the bucket is full", async () => {
    const time = fakeTime();
    const limiter = new WeightLimiter({ weightPerMinute: 60, now: time.now, sleep: time.sleep });
    await limiter.acquire(100);
    expect(time.state.sleeps).toEqual([]);
    expect(limiter.available()).toBe(-40);
    await limiter.acquire(100);
    // Waits from -40 back to a full 60: 100 weight at 1 per second.
    expect(time.state.sleeps).toEqual([100_000]);
  });

  it("rejects a non-positive budget as a programming error", () => {
    const time = fakeTime();
    expect(() => new WeightLimiter({ weightPerMinute: 0, now: time.now, sleep: time.sleep })).toThrow(RangeError);
  });
});
