#!/usr/bin/env node
import { BootstrapError, VERSION } from '@ddm-jobs/server/admin';
import { Command, CommanderError } from 'commander';
import { backupCommand } from './commands/backup.js';
import { completionCommand } from './commands/completion.js';
import { emulatorCommand } from './commands/emulator/index.js';
import { iamCommand } from './commands/iam/index.js';
import { migrateCommand } from './commands/migrate.js';
import { serveCommand } from './commands/serve.js';
import { tenantCommands } from './commands/tenant/index.js';
import { watchCommand } from './commands/tenant/watch.js';
import { describeFailure, isUsageFailure } from './tenant/failure.js';

// `ddm-jobs --help | head` closes the pipe early: that is the reader's choice, not a failure.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

/** Exit codes: 0 success, 1 a runtime failure (the service's, the network's), 2 a usage error. */
const program = new Command('ddm-jobs')
  .description(
    'ddm-jobs: the task service of a DDM control plane, and a tenant client for it and for the cloud',
  )
  .version(VERSION)
  .exitOverride()
  .configureOutput({ outputError: (text, write) => write(text) });

program.commandsGroup('Service commands:');
serveCommand(program);
migrateCommand(program);
backupCommand(program);
iamCommand(program);
emulatorCommand(program);
// The tenant commands talk to a DDM service (this one or the cloud's) through the SDK.
program.commandsGroup('Tenant commands:');
tenantCommands(program);
watchCommand(program);
program.commandsGroup('Other commands:');
completionCommand(program);
program.helpCommand(true); // into the group above, not a "Commands:" of its own

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    process.exitCode = error.exitCode === 0 ? 0 : 2;
  } else if (
    error instanceof BootstrapError ||
    (error instanceof Error && 'usage' in error) ||
    isUsageFailure(error)
  ) {
    process.stderr.write(`ddm-jobs: ${(error as Error).message}\n`);
    process.exitCode = 2;
  } else {
    // The service's and the network's failures show their code and request id (tenant/failure.ts).
    const message = describeFailure(error) ?? (error instanceof Error ? error.message : String(error));
    process.stderr.write(`ddm-jobs: ${message}\n`);
    process.exitCode = 1;
  }
}
