import type { Command } from 'commander';
import { databaseSchemaOption, databaseUrlOption } from '../database-options.js';
import { dataDirOption } from './context.js';
import { credentialCommands } from './credentials.js';
import { domainCommands } from './domain.js';
import { projectCommands } from './project.js';
import { roleCommands } from './role.js';
import { userCommands } from './user.js';

/**
 * `ddm-jobs iam ...`: identity administration on a data folder or a PostgreSQL database, also while
 * a server runs on it. `--data-dir` and `--database-url` belong to `iam` and are read with
 * optsWithGlobals, so they may come before or after the subcommand; every subcommand's help shows them.
 */
export function iamCommand(program: Command): void {
  const iam = program
    .command('iam')
    .description('manage domains, projects, users, roles and access keys in a data folder or PostgreSQL')
    .addOption(dataDirOption())
    .addOption(databaseUrlOption())
    .addOption(databaseSchemaOption())
    .configureHelp({ showGlobalOptions: true })
    .addHelpText(
      'after',
      `
Names without --domain belong to the domain "default". A running server sees every change at once.

Examples:
  $ ddm-jobs iam project create tenant-a
  $ ddm-jobs iam user create alice
  $ ddm-jobs iam role grant te_admin --user alice --project tenant-a
  $ ddm-jobs iam --data-dir /var/lib/ddm-jobs user list
  $ DDM_JOBS_DATABASE_URL=postgres://ddm:secret@db:5432/ddm ddm-jobs iam user list`,
    );
  domainCommands(iam);
  projectCommands(iam);
  userCommands(iam);
  roleCommands(iam);
  credentialCommands(iam);
}
