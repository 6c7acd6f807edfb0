import pg from 'pg';
import type { FeedNotifications } from '../interfaces.js';

const CHANNEL = 'ddm_jobs_feed';
/** Wait before listening again after the connection broke (the database restarting). */
const RECONNECT_MS = 1_000;

/**
 * Commits that advanced the feed, as PostgreSQL announces them (migration 4's trigger), on one
 * connection of its own, held outside the pool. It reconnects by itself after an outage; a
 * notification lost meanwhile is covered by the feed watcher's slow poll.
 */
export function listenForFeed(options: { url: string; schema: string }): FeedNotifications & {
  close(): Promise<void>;
} {
  const listeners = new Set<() => void>();
  let client: pg.Client | undefined;
  let retry: NodeJS.Timeout | undefined;
  let closed = false;

  const connect = async () => {
    if (closed || client) return;
    // LISTEN is database-wide: the payload names the schema whose feed advanced.
    const next = new pg.Client({ connectionString: options.url });
    client = next;
    const reconnect = () => {
      if (client !== next) return;
      client = undefined;
      next.end().catch(() => undefined);
      if (!closed) {
        retry = setTimeout(() => void connect(), RECONNECT_MS);
        retry.unref();
      }
      // Whatever was committed meanwhile is found by the waiters' next read.
      for (const listener of listeners) listener();
    };
    next.on('error', reconnect);
    next.on('end', reconnect);
    next.on('notification', (message) => {
      if (message.payload !== options.schema) return;
      for (const listener of listeners) listener();
    });
    try {
      await next.connect();
      await next.query(`LISTEN ${CHANNEL}`);
    } catch {
      reconnect();
    }
  };

  return {
    subscribe(listener) {
      listeners.add(listener);
      void connect();
      return () => listeners.delete(listener);
    },
    async close() {
      closed = true;
      clearTimeout(retry);
      const last = client;
      client = undefined;
      await last?.end().catch(() => undefined);
    },
  };
}
