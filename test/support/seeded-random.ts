/**
 * Randomness a failing run can replay: a small seeded generator (mulberry32) and the seed printed.
 * A test takes its seed from an environment variable when set (to replay a run), else draws one, and
 * prints it either way, as the fuzz suite does with FUZZ_SEED.
 */

/** Numbers in [0, 1) from a 32-bit seed; the same seed gives the same sequence. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** The seed in `variable` if set, else a fresh one; printed as `seed: N (replay with VARIABLE=N)`. */
export function printedSeed(variable: string): number {
  const forced = process.env[variable];
  const seed = forced !== undefined && forced !== '' ? Number(forced) : Math.floor(Math.random() * 2 ** 31);
  if (!Number.isInteger(seed) || seed < 0) throw new Error(`${variable} must be a non-negative integer, not ${forced}`);
  console.log(`seed: ${seed} (replay with ${variable}=${seed})`);
  return seed;
}
