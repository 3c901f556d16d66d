/**
 * A small seeded pseudo-random generator so that every resampling result is reproducible:
 * the same seed gives the same confidence interval on every machine.
 */

/** Uniform numbers in [0, 1), deterministic for a seed. */
export interface Random {
  /** Next uniform number in [0, 1). */
  next(): number;
}

/**
 * mulberry32 (Tommy Ettinger, public domain): 32-bit state, period 2³², fast and good enough
 * for bootstrap resampling (it passes gjrand's and PractRand's tests up to several GB).
 * @param seed any integer; only its low 32 bits are used.
 */
export function mulberry32(seed: number): Random {
  let state = seed >>> 0;
  return {
    next(): number {
      state = (state + 0x6d2b79f5) >>> 0;
      let t = state;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    },
  };
}

/** A uniform integer in [0, n). */
export function randomInt(random: Random, n: number): number {
  return Math.floor(random.next() * n);
}

/** A standard normal draw (Box–Muller; one of the pair is discarded for simplicity). */
export function randomNormal(random: Random): number {
  // 1 − u keeps the logarithm's argument in (0, 1].
  const u = 1 - random.next();
  const w = random.next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * w);
}
