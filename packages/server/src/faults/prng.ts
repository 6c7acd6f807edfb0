/**
 * mulberry32 (Tommy Ettinger's 32-bit generator, public domain): a small, fast, well-known
 * seeded source, good enough for deciding whether a fault fires. The same seed gives the same
 * sequence on every machine, which is the point: a flaky-looking test can be replayed.
 *
 * @example const next = mulberry32(42); next() // 0.6011037519201636, then always the same sequence
 */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
