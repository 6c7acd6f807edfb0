import type { FeedNotifications, JobStore } from '../store/interfaces.js';

/** Why a wait ended. */
export type WaitOutcome = 'grown' | 'timeout' | 'aborted' | 'closed';

export interface FeedWatcher {
  /**
   * Resolves once the feed's newest cursor is past `cursor` ('grown'), `timeoutMs` (wall time)
   * passed, `signal` aborted (the client went), or the watcher closed (the app is closing).
   */
  waitBeyond(cursor: number, options?: { signal?: AbortSignal; timeoutMs?: number }): Promise<WaitOutcome>;
  /** Waits now pending, and whether the store is being polled: for tests and metrics. */
  stats(): { waiters: number; polling: boolean };
  /** Aborted when the watcher closes: whatever follows the feed stops then. */
  readonly closing: AbortSignal;
  /** Ends every wait with 'closed', and every later one at once. */
  close(): void;
}

interface Waiter {
  cursor: number;
  settle(outcome: WaitOutcome): void;
}

export const DEFAULT_POLL_MS = 100;

/**
 * With notifications, polling is the safety net for one that was lost, and for entries that a
 * notification announced while an older transaction still held them back (PostgreSQL delivers an
 * entry once every transaction older than it has ended: store/postgres/job-events.ts).
 */
const NOTIFIED_POLL_MS = 250;

/**
 * One per app: reads `lastEventCursor()` while somebody waits, and wakes the waiters whose cursor
 * the feed passed. It reads the database rather than hooking the writers in this process, so a
 * write by another process or node on the same database wakes the waiters too: every `pollMs`
 * (SQLite), or when the database notifies a commit (PostgreSQL's LISTEN/NOTIFY; then a slow poll
 * covers a lost notification). Nobody waiting, nothing read; its timers never keep the process
 * alive.
 */
export function createFeedWatcher(
  store: Pick<JobStore, 'lastEventCursor'> & { feedNotifications?: FeedNotifications | undefined },
  options: { pollMs?: number; onPollError?: (error: unknown) => void } = {},
): FeedWatcher {
  const notifications = store.feedNotifications;
  const basePollMs = options.pollMs ?? DEFAULT_POLL_MS;
  const pollMs = notifications ? Math.max(basePollMs, NOTIFIED_POLL_MS) : basePollMs;
  const waiters = new Set<Waiter>();
  let timer: NodeJS.Timeout | undefined;
  let polling = false;
  let closed = false;
  const closing = new AbortController();
  let pollAgain = false;
  // Subscribed once, for the app's life: a notification while nobody waits costs nothing.
  const unsubscribe = notifications?.subscribe(() => {
    if (closed || waiters.size === 0) return;
    if (polling) pollAgain = true;
    else {
      if (timer) clearTimeout(timer);
      void poll();
    }
  });

  const schedule = () => {
    if (closed || timer || polling || waiters.size === 0) return;
    timer = setTimeout(poll, pollMs);
    timer.unref();
  };

  async function poll() {
    timer = undefined;
    polling = true;
    try {
      const last = await store.lastEventCursor();
      for (const waiter of waiters) if (last > waiter.cursor) waiter.settle('grown');
    } catch (error) {
      // A failed read (the database busy or briefly gone) is retried at the next tick.
      options.onPollError?.(error);
    } finally {
      polling = false;
      if (pollAgain) {
        pollAgain = false;
        void poll();
      } else schedule();
    }
  }

  return {
    waitBeyond(cursor, { signal, timeoutMs } = {}) {
      if (closed) return Promise.resolve('closed');
      if (signal?.aborted) return Promise.resolve('aborted');
      return new Promise<WaitOutcome>((resolve) => {
        let deadline: NodeJS.Timeout | undefined;
        const onAbort = () => waiter.settle('aborted');
        const waiter: Waiter = {
          cursor,
          settle(outcome) {
            if (!waiters.delete(waiter)) return;
            if (deadline) clearTimeout(deadline);
            signal?.removeEventListener('abort', onAbort);
            resolve(outcome);
          },
        };
        waiters.add(waiter);
        signal?.addEventListener('abort', onAbort, { once: true });
        if (timeoutMs !== undefined) {
          deadline = setTimeout(() => waiter.settle('timeout'), timeoutMs);
          deadline.unref();
        }
        schedule();
      });
    },
    stats: () => ({ waiters: waiters.size, polling: timer !== undefined || polling }),
    closing: closing.signal,
    close() {
      closed = true;
      unsubscribe?.();
      closing.abort();
      if (timer) clearTimeout(timer);
      timer = undefined;
      for (const waiter of waiters) waiter.settle('closed');
    },
  };
}

/** How the app follows the feed; the defaults suit production, tests shorten them. */
export interface FeedOptions {
  /** How often the newest cursor is read while somebody waits; 100 ms by default. */
  pollMs?: number;
  /** Interval of the `: keep-alive` comment on event streams; 15 s by default. */
  keepAliveMs?: number;
  /**
   * How often an open event stream checks again that its caller may still read (2 s by default,
   * and at least at each keep-alive): a revoked or expired credential ends it within this time.
   */
  standingCheckMs?: number;
}

export const DEFAULT_KEEP_ALIVE_MS = 15_000;
