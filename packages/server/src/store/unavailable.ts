/** Socket errors of Node's net module while connecting or talking to the database. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENOTFOUND',
]);

/** PostgreSQL SQLSTATEs: class 08 (connection exception), 57P01-57P03 (shutdown, crash, starting up). */
const POSTGRES_UNAVAILABLE = /^(08...|57P0[1-3])$/;

/** SQLite: another writer held the lock past busy_timeout. */
const SQLITE_CODES = new Set(['SQLITE_BUSY', 'SQLITE_BUSY_SNAPSHOT', 'SQLITE_LOCKED']);

/** node-postgres's own messages for a pool that could not hand out a connection in time, or lost it. */
const POOL_MESSAGES = [
  'timeout exceeded when trying to connect',
  'Connection terminated',
  'Client has encountered a connection error',
];

/**
 * Whether a failure means the database cannot be reached now (down, restarting, the pool out of
 * connections), rather than a fault in the request or the code: those are answered 503 and the
 * request may be sent again; the store reconnects by itself once the database is back.
 */
export function isStoreUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (NETWORK_CODES.has(code) || SQLITE_CODES.has(code) || POSTGRES_UNAVAILABLE.test(code)) return true;
  }
  return POOL_MESSAGES.some((message) => error.message.includes(message));
}
