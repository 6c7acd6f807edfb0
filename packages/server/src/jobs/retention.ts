import type { Logger } from 'pino';
import type { Clock } from '../clock/clock.js';
import { repeatEvery } from '../clock/repeat-every.js';
import type { RetentionStore } from '../store/interfaces.js';

/** The list's window: tasks older than this cannot be asked for (docs/api.md, "Listing tasks"). */
export const WINDOW_MS = 30 * 86_400_000;
/** Kept past the window by default, for support and late feed consumers. */
export const DEFAULT_RETENTION_GRACE_DAYS = 7;
/**
 * Days the change feed's entries are kept by default: consumers follow it as it is written, and
 * a consumer down for longer than this misses what was purged (it can read the tasks again).
 */
export const DEFAULT_FEED_RETENTION_DAYS = 2;
const DAY = 86_400_000;
/** Tasks removed per transaction: small, so that a pass never holds the writer for long. */
const BATCH = 500;

export interface Retention {
  /** Removes everything older than the window plus the grace, batch after batch; the count. */
  run(): Promise<{ jobs: number; records: number }>;
  start(intervalMs: number): void;
  stop(): Promise<void>;
}

/**
 * Purges tasks created more than 30 days plus `graceDays` before the clock's now, with their
 * history and cleaned tasks' audit records, and feed entries written more than `feedDays` ago.
 * Batches yield to the event loop between them, so requests keep flowing while a large backlog
 * goes.
 */
export function createRetention(deps: {
  store: RetentionStore;
  clock: Clock;
  graceDays: number;
  feedDays: number;
  logger?: Logger | undefined;
}): Retention {
  const { store, clock, logger } = deps;
  let current: Promise<{ jobs: number; records: number }> | undefined;
  let stopRepeating: (() => void) | undefined;

  const pass = async () => {
    const now = clock.now();
    const cutoffs = { tasks: now - WINDOW_MS - deps.graceDays * DAY, feed: now - deps.feedDays * DAY };
    const total = { jobs: 0, records: 0 };
    for (;;) {
      const removed = await store.purgeBefore(cutoffs, BATCH, now);
      total.jobs += removed.jobs;
      total.records += removed.records;
      if (removed.jobs === 0 && removed.records === 0) break;
      await new Promise((resolve) => setImmediate(resolve));
    }
    if (total.jobs > 0 || total.records > 0)
      logger?.info(
        {
          ...total,
          tasks_before: new Date(cutoffs.tasks).toISOString(),
          feed_before: new Date(cutoffs.feed).toISOString(),
        },
        'retention: purged',
      );
    return total;
  };

  const retention: Retention = {
    run() {
      current ??= pass().finally(() => {
        current = undefined;
      });
      return current;
    },
    start(intervalMs) {
      stopRepeating ??= repeatEvery(
        intervalMs,
        () => retention.run(),
        (error) => logger?.error({ err: error }, 'retention: pass failed'),
      );
    },
    async stop() {
      stopRepeating?.();
      stopRepeating = undefined;
      await current?.catch(() => undefined);
    },
  };
  return retention;
}
