#!/usr/bin/env node
import { BootstrapError, VERSION } from '@ddm-jobs/server/admin';
import { Command, CommanderError } from 'commander';
import { iamCommand } from './commands/iam/index.js';
import { migrateCommand } from './commands/migrate.js';
import { serveCommand } from './commands/serve.js';

// `ddm-jobs --help | head` closes the pipe early: that is the reader's choice, not a failure.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

/** Exit codes: 0 success, 1 a runtime failure, 2 a usage error. */
const program = new Command('ddm-jobs')
  .description('ddm-jobs: the task service of a DDM control plane')
  .version(VERSION)
  .exitOverride()
  .configureOutput({ outputError: (text, write) => write(text) });

serveCommand(program);
migrateCommand(program);
iamCommand(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    process.exitCode = error.exitCode === 0 ? 0 : 2;
  } else if (error instanceof BootstrapError || (error instanceof Error && 'usage' in error)) {
    process.stderr.write(`ddm-jobs: ${error.message}\n`);
    process.exitCode = 2;
  } else {
    process.stderr.write(`ddm-jobs: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  }
}
