/**
 * A database whose schema is newer than the code: a migration this release does not know was
 * applied to it, by a later release. Opening it stops before anything is written, because this
 * code would misread what the newer one keeps, and downgrades are not supported.
 */
export class NewerSchemaError extends Error {
  override name = 'NewerSchemaError';

  constructor(
    /** Where the database is, for the message (the SQLite file; PostgreSQL's caller names it). */
    where: string,
    /** The highest migration version the database records. */
    readonly found: number,
    /** The highest migration version this code knows. */
    readonly known: number,
  ) {
    super(
      `${where}is at schema version ${found}, newer than this release of ddm-jobs knows (schema version ${known}): ` +
        'a newer release of ddm-jobs has upgraded it. Run that release (or a later one) on it; downgrades are not supported (docs/upgrading.md).',
    );
  }
}

/** The latest version of a migration list. */
export const latestVersion = (migrations: readonly { version: number }[]): number =>
  migrations.reduce((max, migration) => Math.max(max, migration.version), 0);
