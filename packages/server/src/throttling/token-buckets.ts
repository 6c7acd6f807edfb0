import type { Clock } from '../clock/clock.js';

/** Buckets kept at most; past it, the full ones (idle callers) are dropped. */
const MAX_BUCKETS = 100_000;

/** A refusal: how many whole seconds until one more request would pass (at least 1). */
export type Admission = { ok: true } | { ok: false; retryAfterSeconds: number };

export interface TokenBuckets {
  take(key: string): Admission;
  /** Puts back one request taken from the key's bucket (a request that turned out not to count). */
  giveBack(key: string): void;
  /** Forgets every bucket: everyone starts full again (the emulator's reset). */
  clear(): void;
}

/**
 * One token bucket per key, holding up to `ratePerSecond` tokens (a second's burst) and refilled
 * at that rate by the injected clock. In memory: each node counts alone (documented). A rate of 0
 * admits everything.
 */
export function createTokenBuckets(ratePerSecond: number, clock: Clock): TokenBuckets {
  const buckets = new Map<string, { tokens: number; at: number }>();
  const refill = (bucket: { tokens: number; at: number }, now: number) => {
    bucket.tokens = Math.min(ratePerSecond, bucket.tokens + ((now - bucket.at) * ratePerSecond) / 1000);
    bucket.at = now;
  };
  const prune = (now: number) => {
    for (const [key, bucket] of buckets) {
      refill(bucket, now);
      if (bucket.tokens >= ratePerSecond) buckets.delete(key);
    }
    if (buckets.size >= MAX_BUCKETS) buckets.clear();
  };
  return {
    take(key) {
      if (ratePerSecond <= 0) return { ok: true };
      const now = clock.now();
      let bucket = buckets.get(key);
      if (!bucket) {
        if (buckets.size >= MAX_BUCKETS) prune(now);
        bucket = { tokens: ratePerSecond, at: now };
        buckets.set(key, bucket);
      } else refill(bucket, now);
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return { ok: true };
      }
      const seconds = Math.ceil((1 - bucket.tokens) / ratePerSecond);
      return { ok: false, retryAfterSeconds: Math.max(1, seconds) };
    },
    giveBack(key) {
      const bucket = buckets.get(key);
      if (bucket) bucket.tokens = Math.min(ratePerSecond, bucket.tokens + 1);
    },
    clear() {
      buckets.clear();
    },
  };
}
