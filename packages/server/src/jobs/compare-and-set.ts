import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Writes to a task are compare-and-set on its version: one that lost to another change reads the
 * task again and retries. Under contention (a tenant's action racing a burst of reports, over a
 * pool of connections) one writer can lose many rounds in a row, so the retries are many and
 * spread by a small random wait that grows, letting the others through.
 */
export const MAX_CAS_ATTEMPTS = 50;

/** Waits before the next attempt after `lost` lost rounds: up to `lost` ms, at random. */
export function afterLostRound(lost: number): Promise<void> {
  return sleep(Math.random() * Math.min(lost, 20));
}
