import { InvalidArgumentError, Option } from 'commander';

/** What `serve`, `migrate` and `iam` read to find the store. */
export interface DatabaseOptions {
  dataDir: string;
  databaseUrl?: string;
  databaseSchema?: string;
}

/**
 * `--database-url`: PostgreSQL instead of the SQLite file. Checked in `databaseLocation`, not by
 * commander, whose refusal would print the value, password included.
 */
export const databaseUrlOption = () =>
  new Option(
    '--database-url <url>',
    'PostgreSQL URL (postgres://user:password@host:5432/db) instead of SQLite in the data folder',
  ).env('DDM_JOBS_DATABASE_URL');

/** `--database-schema`: the PostgreSQL schema, so several services or tests can share a database. */
export const databaseSchemaOption = () =>
  new Option('--database-schema <name>', 'PostgreSQL schema holding the tables (default: public)')
    .env('DDM_JOBS_DATABASE_SCHEMA')
    .argParser(parseSchema);

export function parseSchema(value: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(value))
    throw new InvalidArgumentError('must be 1 to 63 of A-Z, a-z, 0-9 and _, not starting with a digit.');
  return value;
}

/** A usage error (exit 2) that never repeats the URL it refuses. */
class DatabaseUrlError extends Error {
  override name = 'DatabaseUrlError';
  readonly usage = true;
}

/** The store's location from the parsed options; refuses a URL that is not PostgreSQL's. */
export function databaseLocation(options: DatabaseOptions): {
  dataDir: string;
  databaseUrl: string | undefined;
  databaseSchema: string | undefined;
} {
  const url = options.databaseUrl || undefined;
  if (url !== undefined) {
    let protocol = '';
    try {
      protocol = new URL(url).protocol;
    } catch {
      throw new DatabaseUrlError('--database-url (or DDM_JOBS_DATABASE_URL) is not a URL.');
    }
    if (protocol !== 'postgres:' && protocol !== 'postgresql:')
      throw new DatabaseUrlError(
        '--database-url (or DDM_JOBS_DATABASE_URL) must be a postgres:// or postgresql:// URL.',
      );
  }
  if (options.databaseSchema && url === undefined)
    throw new DatabaseUrlError('--database-schema needs --database-url (or DDM_JOBS_DATABASE_URL).');
  return { dataDir: options.dataDir, databaseUrl: url, databaseSchema: options.databaseSchema };
}
