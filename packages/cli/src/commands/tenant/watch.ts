import { type Command, InvalidArgumentError, Option } from 'commander';
import { addConnectionOptions, type ConnectionFlags, connectWithClock } from '../../tenant/connection.js';
import { colorEnabled } from '../../tenant/output/colors.js';
import { parseSince } from '../../tenant/time-input.js';
import { LineView, LiveView, type WatchView } from '../../tenant/watch/views.js';
import { watchExecuting, watchOne } from '../../tenant/watch/watch-loop.js';
import { shortDuration } from '../../tenant/watch/watched-task.js';

const DAY = 86_400_000;

/**
 * Seconds between polls for `--interval`, fractions allowed: from 0.2 (more would be a load on
 * the API for nothing a person can see) to an hour. Answers milliseconds.
 */
export function parseInterval(value: string): number {
  const seconds = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value) || seconds < 0.2 || seconds > 3600)
    throw new InvalidArgumentError('must be a number of seconds from 0.2 to 3600.');
  return Math.round(seconds * 1000);
}

interface WatchOptions extends ConnectionFlags {
  since: number;
  interval: number;
}

/** The exit codes of Ctrl-C and of a kill, as shells report a process ended by those signals. */
const SIGNAL_EXIT: Record<string, number> = { SIGINT: 130, SIGTERM: 143 };

/**
 * `ddm-jobs watch [ID]`: live progress bars, by polling the API (the cloud has no event stream).
 * A terminal gets bars redrawn in place; a pipe gets a line per change, with no escape codes.
 */
export function watchCommand(program: Command): void {
  const command = program
    .command('watch')
    .description('show live progress bars of executing tasks, or of one task, until they finish')
    .argument('[id]', 'a task ID: watch that task until it finishes')
    .addOption(
      new Option(
        '--since <duration>',
        'without ID: the tasks executing among those created this long ago until now (s, m, h, d; at most 30d)',
      )
        .default(DAY, '24h')
        .argParser(parseSince),
    )
    .addOption(
      new Option('--interval <seconds>', 'seconds between refreshes, from 0.2; fractions allowed')
        .default(2000, '2')
        .argParser(parseInterval),
    );
  addConnectionOptions(command)
    .addHelpText(
      'after',
      `
Without an ID, watch shows every task that executes (Running, Expanding, Switching, Canceling,
Rollbacking) among those created in the --since window, and tasks that start executing while it
runs, until none of them executes; then it prints a line per task with its final status and
exits 0. A migration waiting for its route switch (ToBeSwitched) no longer executes.
With an ID, it watches that task until it finishes: exit 0 when it ends Completed, CancelSuccess
or RollbackSuccess, 1 when it ends Failed. A ToBeSwitched migration keeps it waiting.
On a terminal the bars are redrawn in place; piped or redirected, watch prints one line each time a
task's status or percent changes, with no escape codes. Ctrl-C stops it (exit 130).
Progress is polled from the API every --interval seconds; no event stream is needed.

Examples:
  $ ddm-jobs watch
  $ ddm-jobs watch --since 2h --interval 0.5
  $ ddm-jobs watch 6f1d2c3b-4a59-4e87-b6d5-c4b3a2918071 && echo "migrated"
  $ ddm-jobs watch > watch.log`,
    )
    .action(async (id: string | undefined, options: WatchOptions) => {
      const { client, serverNow } = await connectWithClock(options);
      const stdout = process.stdout;
      const color = colorEnabled(stdout);
      const print = (line: string) => stdout.write(`${line}\n`);
      const view: WatchView =
        stdout.isTTY === true && process.env.TERM !== 'dumb'
          ? new LiveView(stdout, { color, intervalMs: options.interval })
          : new LineView(print, color);
      // Ctrl-C stops the watch at once, wherever it is (a poll in flight or a pause): the
      // cursor is shown again before the process ends, or the user's shell would have none.
      const stop = (signal: NodeJS.Signals) => {
        view.close();
        process.exit(SIGNAL_EXIT[signal]);
      };
      process.once('SIGINT', stop).once('SIGTERM', stop);
      try {
        const settings = { intervalMs: options.interval };
        if (id !== undefined) {
          const task = await watchOne(client, id, view, settings);
          view.finish([task]);
          process.exitCode = task.status === 'Failed' ? 1 : 0;
          return;
        }
        const tasks = await watchExecuting(client, view, {
          ...settings,
          sinceMs: options.since,
          now: serverNow,
        });
        if (tasks.length === 0)
          print(`No task created in the last ${shortDuration(options.since)} is executing.`);
        else view.finish(tasks);
      } finally {
        view.close();
        process.off('SIGINT', stop).off('SIGTERM', stop);
      }
    });
}
