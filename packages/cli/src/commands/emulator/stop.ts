import { rmSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { isRunning } from './process-state.js';
import { NAME_PATTERN, readEmulatorState, removeEmulatorState, stateFile } from './state.js';

function parseSeconds(value: string): number {
  if (!/^\d{1,4}$/.test(value) || Number(value) < 1)
    throw new InvalidArgumentError('must be a whole number of seconds from 1 to 9999.');
  return Number(value);
}

/** Resolves true once the process has gone, false when `timeoutMs` passes first. */
async function waitForExit(pid: number, dataDir: string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isRunning(pid, dataDir)) {
    if (Date.now() >= deadline) return false;
    await sleep(25);
  }
  return true;
}

/** `ddm-jobs emulator stop [--name NAME]`. */
export function stopCommand(group: Command): void {
  group
    .command('stop')
    .description(
      'stop an emulator that `emulator start` started (SIGTERM, then waits), remove its temporary folder',
    )
    .addOption(
      new Option('--name <name>', 'which emulator').default('default').argParser((value: string) => {
        if (!NAME_PATTERN.test(value)) throw new InvalidArgumentError('must be 1 to 64 of A-Z a-z 0-9 _ -.');
        return value;
      }),
    )
    .addOption(
      new Option('--timeout <seconds>', 'how long to wait before SIGKILL')
        .default(15)
        .argParser(parseSeconds),
    )
    .action(async (flags: { name: string; timeout: number }) => {
      const state = readEmulatorState(flags.name);
      if (!state) throw new Error(`no emulator named ${flags.name} is running (no ${stateFile(flags.name)})`);
      let how = 'had already stopped';
      if (isRunning(state.pid, state.data_dir)) {
        // SIGTERM: requests in flight finish, then it exits (ddm-jobs serve's graceful stop).
        process.kill(state.pid, 'SIGTERM');
        if (await waitForExit(state.pid, state.data_dir, flags.timeout * 1000)) how = 'stopped';
        else {
          process.kill(state.pid, 'SIGKILL');
          await waitForExit(state.pid, state.data_dir, 5_000);
          how = `killed (still running ${flags.timeout} s after SIGTERM)`;
        }
      }
      if (state.owns_data_dir) rmSync(state.data_dir, { recursive: true, force: true });
      removeEmulatorState(flags.name);
      process.stderr.write(`ddm-jobs: emulator ${flags.name} (pid ${state.pid}) ${how}\n`);
    });
}
