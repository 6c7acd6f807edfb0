import type pg from 'pg';
import type { FeedNotifications } from '../interfaces.js';
import { pgDriver } from './pool.js';

/** Tasks' writes advanced the feed (announced by the writing node after its commit). */
const FEED_CHANNEL = 'ddm_jobs_feed';
/** Users or role assignments changed (announced by triggers, migration 7, whoever wrote). */
const IDENTITY_CHANNEL = 'ddm_jobs_identity';
/** Wait before listening again after the connection broke (the database restarting). */
const RECONNECT_MS = 1_000;

/** Tells every node's feed watchers that this node wrote to the feed. */
export interface FeedAnnouncer {
  /** After a committed write: sent soon, once for all writes until it is sent. */
  announce(): void;
}

/**
 * Announces feed writes with `NOTIFY` in a statement of its own, after the writer's commit, rather
 * than in the writer's transaction: PostgreSQL commits notifying transactions one at a time
 * (under one lock, WAL flush included), which would serialise the writers again. At most one
 * announcement is on its way at a time; writes meanwhile are told by the next one. One lost (the
 * database away) is covered by the watchers' slow poll.
 */
export function createFeedAnnouncer(pool: pg.Pool, schema: string): FeedAnnouncer {
  let sending = false;
  let again = false;
  const send = async (): Promise<void> => {
    sending = true;
    try {
      await pool.query({
        name: 'feed-announce',
        text: 'SELECT pg_notify($1, $2)',
        values: [FEED_CHANNEL, schema],
      });
    } catch {
      // Covered by the watchers' poll.
    } finally {
      sending = false;
      if (again) {
        again = false;
        void send();
      }
    }
  };
  return {
    announce() {
      if (sending) again = true;
      else void send();
    },
  };
}

/** Changes of users and role assignments, as told by the database. */
export interface IdentityNotifications {
  /** Calls `listener` after each committed change, and whenever one may have been missed. */
  subscribe(listener: () => void): () => void;
  /** True while changes are being listened to: only then is a cache of identities trustworthy. */
  listening(): boolean;
}

/**
 * The notifications of one schema's feed and identities, on one connection of its own held
 * outside the pool, opened at the first subscription. It reconnects by itself after an outage;
 * identity subscribers are called at each (re)connection, since a change may have gone untold
 * meanwhile, and `listening()` is false while it is down.
 */
export function listenForChanges(options: { url: string; schema: string }): {
  feed: FeedNotifications;
  identity: IdentityNotifications;
  close(): Promise<void>;
} {
  const feedListeners = new Set<() => void>();
  const identityListeners = new Set<() => void>();
  let client: pg.Client | undefined;
  let ready = false;
  let retry: NodeJS.Timeout | undefined;
  let closed = false;
  const tell = (listeners: Set<() => void>) => {
    for (const listener of listeners) listener();
  };

  const connect = async () => {
    if (closed || client) return;
    // LISTEN is database-wide: the payload names the schema whose feed or identities changed.
    const next = new (pgDriver().Client)({ connectionString: options.url });
    client = next;
    const reconnect = () => {
      if (client !== next) return;
      client = undefined;
      ready = false;
      next.end().catch(() => undefined);
      if (!closed) {
        retry = setTimeout(() => void connect(), RECONNECT_MS);
        retry.unref();
      }
      // Whatever was committed meanwhile is found by the waiters' next read, and the caches drop.
      tell(feedListeners);
      tell(identityListeners);
    };
    next.on('error', reconnect);
    next.on('end', reconnect);
    next.on('notification', (message) => {
      if (message.payload !== options.schema) return;
      tell(message.channel === IDENTITY_CHANNEL ? identityListeners : feedListeners);
    });
    try {
      await next.connect();
      await next.query(`LISTEN ${FEED_CHANNEL}; LISTEN ${IDENTITY_CHANNEL}`);
      if (client !== next) return;
      ready = true;
      // Changes made before listening began are not told: caches start afresh.
      tell(identityListeners);
    } catch {
      reconnect();
    }
  };

  const subscriber =
    (listeners: Set<() => void>) =>
    (listener: () => void): (() => void) => {
      listeners.add(listener);
      void connect();
      return () => listeners.delete(listener);
    };

  return {
    feed: { subscribe: subscriber(feedListeners) },
    identity: { subscribe: subscriber(identityListeners), listening: () => ready },
    async close() {
      closed = true;
      clearTimeout(retry);
      const last = client;
      client = undefined;
      ready = false;
      await last?.end().catch(() => undefined);
    },
  };
}
