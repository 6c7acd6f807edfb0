import { type Command, Option } from 'commander';
import { addConnectionOptions } from '../tenant/connection.js';
import {
  type DatabaseOptions,
  databaseLocation,
  databaseSchemaOption,
  databaseUrlOption,
} from './database-options.js';
import { addShardOptions, type ShardFlags, startShardChange } from './tenant/shard-changes.js';

/**
 * `ddm-jobs migrate`: applies the pending migrations and exits, so a deployment can migrate once
 * before it starts (or rolls) its nodes. Nodes migrate at start too; a lock makes either safe
 * when several run at once. With an instance and a database, it is the tenant's command that
 * starts a shard change of that schema (docs/cli.md, "Starting a shard change").
 */
export function migrateCommand(program: Command): void {
  const command = program
    .command('migrate')
    .description(
      'apply pending database migrations and exit; with INSTANCE_ID DB_NAME, start a shard change of that schema',
    )
    .argument('[instance_id]', 'a shard change: the DDM instance id')
    .argument('[db_name]', 'a shard change: the logical database (schema)')
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
  $ ddm-jobs migrate --data-dir /var/lib/ddm-jobs

With INSTANCE_ID DB_NAME it starts a shard change (after a passed ddm-jobs precheck with the
same --shards and data nodes), and the service options above do not apply:
  $ printf '%s' "$DN_PASSWORD" | ddm-jobs migrate 733c...in09 db_orders --shards 9 \\
      --data-node 7edae0250ebc464897bd92b8d3e8b769in01 --user ddm_migrator --password-stdin \\
      --begin 02:00:00 --end 04:00:00`,
    )
    .action(
      async (
        instanceId: string | undefined,
        dbName: string | undefined,
        options: DatabaseOptions & ShardFlags,
      ) => {
        if (instanceId !== undefined) {
          if (dbName === undefined)
            command.error('error: a shard change needs INSTANCE_ID and DB_NAME', { exitCode: 2 });
          return startShardChange(instanceId, dbName as string, options);
        }
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
      },
    );
  addShardOptions(command);
  addConnectionOptions(command);
}
