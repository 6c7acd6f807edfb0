import type { DailySwitchWindow } from '@ddm-jobs/client';
import { type Command, Option } from 'commander';
import { addConnectionOptions, type ConnectionFlags, connect } from '../../tenant/connection.js';
import { findMigration } from '../../tenant/find-migration.js';
import { print } from '../../tenant/output/format.js';
import { parseDailyTimeFlag } from '../../tenant/time-input.js';
import { UsageError } from '../../tenant/usage-error.js';

interface SwitchWindowOptions extends ConnectionFlags {
  begin?: string;
  end?: string;
  manual?: boolean;
}

/** The window asked for: both ends, or --manual; half a window is a usage error. */
export function windowOf(options: SwitchWindowOptions): DailySwitchWindow | 'manual' {
  if (options.manual) return 'manual';
  if (options.begin === undefined || options.end === undefined)
    throw new UsageError('give the window as --begin and --end, or --manual to switch by hand.');
  return { begin: options.begin, end: options.end };
}

/**
 * `ddm-jobs switch-window ID`: the daily window (`HH:mm:ss`, in the server's time zone) in which
 * a migration waiting in ToBeSwitched switches its routes by itself, or `--manual` for never
 * (the tenant then runs `ddm-jobs switch ID`). The window's rule (one day, at least 60 minutes)
 * is the API's (DBS.300377), not repeated here.
 */
export function switchWindowCommand(program: Command): void {
  const command = program
    .command('switch-window')
    .description('set when a shard-migration task in ToBeSwitched switches its routes, or --manual')
    .argument('<id>', 'task id (ddm-jobs list shows it)')
    .addOption(
      new Option('--begin <time>', "daily window start, HH:mm:ss in the server's time zone").argParser(
        parseDailyTimeFlag,
      ),
    )
    .addOption(
      new Option('--end <time>', "daily window end, HH:mm:ss in the server's time zone").argParser(
        parseDailyTimeFlag,
      ),
    )
    .addOption(
      new Option('--manual', 'no window: the routes switch only with ddm-jobs switch ID').conflicts([
        'begin',
        'end',
      ]),
    );
  addConnectionOptions(command).addHelpText(
    'after',
    `
Examples:
  $ ddm-jobs switch-window 92370d30-3ddc-4e05-b8ab-51662d824318 --begin 17:00:00 --end 18:00:00
  $ ddm-jobs switch-window 92370d30-3ddc-4e05-b8ab-51662d824318 --begin 01:00:00 --end 04:30:00
  $ ddm-jobs switch-window 92370d30-3ddc-4e05-b8ab-51662d824318 --manual`,
  );
  command.action(async (id: string, options: SwitchWindowOptions) => {
    const window = windowOf(options);
    const client = await connect(options);
    const task = await findMigration(client, id);
    await client.changeSwitchStrategy(task, window);
    print(
      window === 'manual'
        ? `Switch window of task ${id} cleared: its routes switch when you run ddm-jobs switch ${id}.`
        : `Switch window of task ${id} set: daily from ${window.begin} to ${window.end} (the server's time zone).`,
    );
  });
}
