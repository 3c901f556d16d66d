import { describe, expect, it } from "vitest";
import { TokenBucket } from "./token-bucket.ts";

describe("a token bucket", () => {
  it("gives `burst` tokens at once, then one per 60 000 / ratePerMinute ms", () => {
    // 20 a minute = one token per 3 000 ms; burst 2.
    const b = new TokenBucket(20, 2, 0);
    expect(b.take(0)).toBe(0);
    expect(b.take(0)).toBe(0);
    expect(b.take(0)).toBe(3_000);
    expect(b.take(1_000)).toBe(2_000);
    expect(b.take(3_000)).toBe(0);
    expect(b.take(3_000)).toBe(3_000);
  });

  it("never holds more than `burst` tokens, however long it waits", () => {
    const b = new TokenBucket(60, 3, 0);
    const taken = [0, 0, 0, 0].map(() => b.take(3_600_000));
    expect(taken).toEqual([0, 0, 0, 1_000]);
  });
});
