import { join } from 'node:path';
import type { Store } from './interfaces.js';
import { openSqliteStore, SQLITE_FILE } from './sqlite/index.js';

export interface StoreLocation {
  /** A PostgreSQL URL (`postgres://user:password@host:5432/db`); without it, SQLite in `dataDir`. */
  databaseUrl?: string | undefined;
  /** The PostgreSQL schema holding the tables; the store's default when not given. */
  databaseSchema?: string | undefined;
  /** The data folder of the embedded SQLite file. */
  dataDir: string;
}

/**
 * Opens the store a server, `ddm-jobs migrate` or `ddm-jobs iam` is pointed at, applying
 * pending migrations: PostgreSQL when a URL is given, else SQLite in the data folder. A failure
 * to reach the database is one line naming it, its password hidden.
 */
export async function openStore(location: StoreLocation): Promise<Store> {
  if (!location.databaseUrl) return openSqliteStore({ dataDir: location.dataDir });
  // Loaded when asked for: node-postgres costs start-up time that SQLite users need not pay.
  const { openPostgresStore } = await import('./postgres/index.js');
  return explained(location, location.databaseUrl, (options) => openPostgresStore(options));
}

/**
 * Applies pending migrations and closes (`ddm-jobs migrate`): the versions applied on PostgreSQL,
 * or undefined on SQLite, which does not tell.
 */
export async function migrateStore(location: StoreLocation): Promise<number[] | undefined> {
  if (location.databaseUrl) {
    const { migratePostgres } = await import('./postgres/index.js');
    return explained(location, location.databaseUrl, (options) => migratePostgres(options));
  }
  await openSqliteStore({ dataDir: location.dataDir }).close();
  return undefined;
}

/** Runs `work` on the PostgreSQL options of a location; a failure becomes one line naming the database. */
async function explained<T>(
  location: StoreLocation,
  url: string,
  work: (options: { url: string; schema?: string }) => Promise<T>,
): Promise<T> {
  try {
    return await work({ url, ...(location.databaseSchema ? { schema: location.databaseSchema } : {}) });
  } catch (error) {
    throw new Error(`cannot open the database ${describeStore(location)}: ${oneLine(error, url)}`, {
      cause: error,
    });
  }
}

/** Where the store is, for people: `PostgreSQL postgres://app:***@db:5432/jobs (schema s)` or the SQLite file. */
export function describeStore(location: StoreLocation): string {
  if (!location.databaseUrl) return `SQLite ${join(location.dataDir, SQLITE_FILE)}`;
  const schema = location.databaseSchema ? ` (schema ${location.databaseSchema})` : '';
  return `PostgreSQL ${redactDatabaseUrl(location.databaseUrl)}${schema}`;
}

/** The URL with its password replaced by `***`, fit for logs and error messages. */
export function redactDatabaseUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    // A password may also come as a query parameter (`?password=...`).
    if (parsed.searchParams.has('password')) parsed.searchParams.set('password', '***');
    return parsed.toString();
  } catch {
    // Not a URL we can take apart: show its kind only, never its text.
    return '<unparsable database URL>';
  }
}

/** An error as one line, with the URL's password (were it echoed) hidden. */
function oneLine(error: unknown, url: string): string {
  const parts = error instanceof AggregateError && error.errors.length > 0 ? error.errors : [error]; // e.g. ::1 and 127.0.0.1 both refused
  const text = [
    ...new Set(
      parts.map((part) => {
        if (!(part instanceof Error)) return String(part);
        const code = (part as NodeJS.ErrnoException).code;
        return part.message || code || part.name;
      }),
    ),
  ].join('; ');
  let password = '';
  try {
    password = decodeURIComponent(new URL(url).password);
  } catch {
    // Unparsable: nothing to look for.
  }
  const hidden = password ? text.split(password).join('***') : text;
  return hidden.replace(/\s+/g, ' ').trim();
}
