import type { Command } from 'commander';
import { dataDirOption } from './context.js';
import { credentialCommands } from './credentials.js';
import { domainCommands } from './domain.js';
import { projectCommands } from './project.js';
import { roleCommands } from './role.js';
import { userCommands } from './user.js';

/**
 * `ddm-jobs iam ...`: identity administration on a data folder, also while a server runs on it.
 * `--data-dir` belongs to `iam` and is read with optsWithGlobals, so it may come before or after
 * the subcommand; the help of every subcommand shows it.
 */
export function iamCommand(program: Command): void {
  const iam = program
    .command('iam')
    .description('manage domains, projects, users, roles and access keys in a data folder')
    .addOption(dataDirOption())
    .configureHelp({ showGlobalOptions: true })
    .addHelpText(
      'after',
      `
Names without --domain belong to the domain "default". A running server sees every change at once.

Examples:
  $ ddm-jobs iam project create tenant-a
  $ ddm-jobs iam user create alice
  $ ddm-jobs iam role grant te_admin --user alice --project tenant-a
  $ ddm-jobs iam --data-dir /var/lib/ddm-jobs user list`,
    );
  domainCommands(iam);
  projectCommands(iam);
  userCommands(iam);
  roleCommands(iam);
  credentialCommands(iam);
}
