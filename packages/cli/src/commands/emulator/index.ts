import type { Command } from 'commander';
import { saveCommand } from './save.js';
import { startCommand } from './start.js';
import { stopCommand } from './stop.js';

/**
 * `ddm-jobs emulator ...`: an emulator in the background for test suites in any language
 * (docs/testing.md): `start` prints `export` lines for `eval`, `stop` ends it.
 */
export function emulatorCommand(program: Command): void {
  const group = program
    .command('emulator')
    .description('an emulator in the background for tests: start (prints export lines), stop, save');
  startCommand(group);
  stopCommand(group);
  saveCommand(group);
  // Further subcommands of the group are registered here.
}
