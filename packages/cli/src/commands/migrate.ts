import { type Command, Option } from 'commander';
import {
  type DatabaseOptions,
  databaseLocation,
  databaseSchemaOption,
  databaseUrlOption,
} from './database-options.js';

/**
 * `ddm-jobs migrate`: applies the pending migrations and exits, so a deployment can migrate once
 * before it starts (or rolls) its nodes. Nodes migrate at start too; a lock makes either safe
 * when several run at once.
 */
export function migrateCommand(program: Command): void {
  program
    .command('migrate')
    .description('apply pending database migrations (PostgreSQL, or SQLite in the data folder) and exit')
    .addOption(databaseUrlOption())
    .addOption(databaseSchemaOption())
    .addOption(
      new Option('--data-dir <dir>', 'data folder of the SQLite file, without --database-url')
        .env('DDM_JOBS_DATA_DIR')
        .default('./data'),
    )
    .addHelpText(
      'after',
      `
Exit codes: 0 migrated (or nothing to do), 1 the database could not be reached or migrated.

Examples:
  $ DDM_JOBS_DATABASE_URL=postgres://ddm:secret@db:5432/ddm ddm-jobs migrate
  $ ddm-jobs migrate --database-url postgres://ddm@db/ddm --database-schema jobs
  $ ddm-jobs migrate --data-dir /var/lib/ddm-jobs`,
    )
    .action(async (options: DatabaseOptions) => {
      const location = databaseLocation(options);
      const { describeStore, migrateStore } = await import('@ddm-jobs/server/admin');
      const applied = await migrateStore(location);
      const what =
        applied === undefined
          ? ''
          : applied.length === 0
            ? ' (nothing pending)'
            : ` (applied ${applied.join(', ')})`;
      process.stdout.write(`Migrated: ${describeStore(location)} is up to date${what}\n`);
    });
}
