import { type Command, Option } from 'commander';
import { addConnectionOptions, type ConnectionFlags, connect } from '../../tenant/connection.js';
import { followLog, readLog } from '../../tenant/follow-logs.js';
import { colorEnabled } from '../../tenant/output/colors.js';
import { print, printData } from '../../tenant/output/format.js';
import { logLine } from '../../tenant/output/log-view.js';
import { UsageError } from '../../tenant/usage-error.js';

type LogsFormat = 'text' | 'json' | 'yaml';

interface LogsOptions extends ConnectionFlags {
  follow?: boolean;
  output: LogsFormat;
}

/** The exit codes of Ctrl-C and of a kill, as shells report a process ended by those signals. */
const SIGNAL_EXIT: Record<string, number> = { SIGINT: 130, SIGTERM: 143 };

/**
 * `ddm-jobs logs ID [--follow]`: a task's run log, oldest first so that the newest line is at
 * the bottom of the terminal, as `tail` shows a file; `--follow` then shows each new line from
 * the tenant stream until the task finishes.
 */
export function logsCommand(program: Command): void {
  const command = program
    .command('logs')
    .description("show a task's run log, newest line last; --follow shows new lines until the task finishes")
    .argument('<id>', 'task id (ddm-jobs list shows it)')
    .option('-f, --follow', 'keep showing new lines as they are written, until the task finishes (or Ctrl-C)')
    .addOption(
      new Option(
        '-o, --output <format>',
        'text (for people), or json or yaml: the lines as the API gives them',
      )
        .choices(['text', 'json', 'yaml'])
        .default('text'),
    );
  addConnectionOptions(command).addHelpText(
    'after',
    `
Each line shows its time (UTC, to the millisecond), its level (INFO, WARNING in yellow, ERROR in
red on a terminal) and its message, oldest first. With --output json or yaml: every line as the
API gives it (task_id, ddm_instance_id, level, created_time in epoch milliseconds, message),
newest first as the API orders them; --follow takes the text output only.
--follow reads the tenant stream (Server-Sent Events): it ends by itself, exit 0, when the task
finishes (Completed, Failed, CancelSuccess, RollbackSuccess) or is removed, at once if it has
already finished; Ctrl-C stops it (exit 130).

Examples:
  $ ddm-jobs logs 92370d30-3ddc-4e05-b8ab-51662d824318
  $ ddm-jobs logs 92370d30-3ddc-4e05-b8ab-51662d824318 --follow
  $ ddm-jobs logs 92370d30-3ddc-4e05-b8ab-51662d824318 --output json | jq -r '.[].message'`,
  );
  command.action(async (id: string, options: LogsOptions) => {
    if (options.follow && options.output !== 'text')
      throw new UsageError('--follow shows text only: leave out --output, or --follow.');
    const client = await connect(options);
    const color = colorEnabled(process.stdout);
    const show = (line: Parameters<typeof logLine>[0]) => print(logLine(line, color));
    if (options.follow) {
      const stop = (signal: NodeJS.Signals) => process.exit(SIGNAL_EXIT[signal]);
      process.once('SIGINT', stop).once('SIGTERM', stop);
      try {
        await followLog(client, id, show);
      } finally {
        process.off('SIGINT', stop).off('SIGTERM', stop);
      }
      return;
    }
    const detail = await client.getJob(id);
    const lines = await readLog(client, { jobId: detail.id, instanceId: detail.instance.id });
    if (options.output !== 'text') return printData(options.output, lines.reverse());
    for (const line of lines) show(line);
  });
}
