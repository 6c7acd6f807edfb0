import { ThrottledError } from '../errors/throttled-error.js';

/** Event streams one user may hold open at once on one node, by default. */
export const DEFAULT_MAX_STREAMS_PER_USER = 10;

/** Seconds a refused stream is told to wait: streams end only when their clients go. */
const RETRY_AFTER_SECONDS = 5;

export interface StreamSlots {
  /**
   * Takes one of the user's stream slots, or throws 429 APIGW.0308 with Retry-After when all are
   * held; the returned function gives the slot back (once, however often it is called).
   */
  take(userId: string): () => void;
  /** Streams open now, all users together (for tests and metrics). */
  open(): number;
}

/**
 * Counts the open event streams per user: each holds a connection and a feed reader for as long
 * as its client wants, so one credential (or a leaked one) could otherwise pile them up.
 * `max` 0: no limit.
 */
export function createStreamSlots(max: number): StreamSlots {
  const held = new Map<string, number>();
  let total = 0;
  return {
    take(userId) {
      const count = held.get(userId) ?? 0;
      if (max > 0 && count >= max) throw new ThrottledError(RETRY_AFTER_SECONDS);
      held.set(userId, count + 1);
      total++;
      let given = false;
      return () => {
        if (given) return;
        given = true;
        total--;
        const left = (held.get(userId) ?? 1) - 1;
        if (left === 0) held.delete(userId);
        else held.set(userId, left);
      };
    },
    open: () => total,
  };
}
