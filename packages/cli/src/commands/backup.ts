import { existsSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { type Command, Option } from 'commander';
import { databaseUrlOption } from './database-options.js';

/** A refusal before anything is copied: exit 2, as commander's own usage errors. */
class BackupUsageError extends Error {
  override name = 'BackupUsageError';
  readonly usage = true;
}

interface BackupOptions {
  dataDir: string;
  databaseUrl?: string;
  force?: boolean;
}

/**
 * `ddm-jobs backup FILE`: a consistent copy of the SQLite database of a data folder, taken while
 * a server may be writing to it (SQLite's online backup: store/sqlite/backup.ts in the server),
 * into a file beside FILE that is checked and only then renamed to FILE, so a failed backup never
 * leaves half a file or destroys the previous one.
 */
export function backupCommand(program: Command): void {
  program
    .command('backup')
    .description('copy the SQLite database of a data folder to FILE, consistently, while a server runs')
    .argument('<file>', 'where to write the copy (refused if it exists, unless --force)')
    .addOption(
      new Option('--data-dir <dir>', 'data folder holding ddm-jobs.sqlite')
        .env('DDM_JOBS_DATA_DIR')
        .default('./data'),
    )
    .addOption(new Option('--force', 'replace FILE if it exists'))
    .addOption(databaseUrlOption().hideHelp())
    .addHelpText(
      'after',
      `
The copy holds every task, identity and password hash, and the access keys' secret keys sealed
with the credential key file, which is NOT in it: back up that file (credential.key in the data
folder, or --credential-key-file) separately, and keep both private. Restoring: docs/backup.md.
A PostgreSQL database is backed up with pg_dump instead (docs/backup.md).

Exit codes: 0 copied and checked, 1 the copy failed (no database in the folder, FILE not
writable), 2 a usage error (FILE exists without --force, a PostgreSQL setting).

Examples:
  $ ddm-jobs backup --data-dir /var/lib/ddm-jobs /backups/ddm-jobs-$(date +%F).sqlite
  $ DDM_JOBS_DATA_DIR=/var/lib/ddm-jobs ddm-jobs backup --force /backups/ddm-jobs-latest.sqlite`,
    )
    .action(async (file: string, options: BackupOptions) => backup(file, options));
}

async function backup(file: string, options: BackupOptions): Promise<void> {
  if (options.databaseUrl)
    throw new BackupUsageError(
      'backup copies the SQLite file of a data folder; a PostgreSQL database (--database-url or DDM_JOBS_DATABASE_URL) is backed up with pg_dump: see docs/backup.md.',
    );
  const { backupSqliteFile, SQLITE_FILE } = await import('@ddm-jobs/server/admin');
  const source = join(options.dataDir, SQLITE_FILE);
  if (!existsSync(source)) throw new Error(`no database in ${options.dataDir} (no ${SQLITE_FILE} there)`);
  const target = resolve(file);
  if (target === resolve(source)) throw new BackupUsageError('FILE must not be the database itself.');
  if (existsSync(target) && !options.force)
    throw new BackupUsageError(`${file} exists: name another file, or add --force to replace it.`);
  // The copy holds password hashes and sealed secrets: readable by the owner only, from the start.
  const partial = join(dirname(target), `.${basename(target)}.partial-${process.pid}`);
  try {
    writeFileSync(partial, '', { mode: 0o600, flag: 'wx' });
  } catch (error) {
    throw new Error(`cannot write ${file}: ${(error as Error).message}`);
  }
  try {
    const facts = await backupSqliteFile(source, partial);
    renameSync(partial, target);
    const size = (statSync(target).size / 1_048_576).toFixed(1);
    process.stdout.write(
      `Backed up ${source} to ${file}: ${facts.pages} pages (${size} MiB), schema version ${facts.schemaVersion}, integrity ok\n` +
        'Back up the credential key file too (credential.key in the data folder, or --credential-key-file), separately: it is not in the copy.\n',
    );
  } finally {
    rmSync(partial, { force: true });
  }
}
