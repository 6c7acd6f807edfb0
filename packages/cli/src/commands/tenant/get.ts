import { isMigrationTask } from '@ddm-jobs/contract/wire';
import type { Command } from 'commander';
import { addConnectionOptions, type ConnectionFlags, connectWithClock } from '../../tenant/connection.js';
import { colorEnabled } from '../../tenant/output/colors.js';
import { migrationDetailLines } from '../../tenant/output/details-view.js';
import { type OutputFormat, outputOption, print, printData } from '../../tenant/output/format.js';
import { jobDetails } from '../../tenant/output/job-view.js';

/**
 * `ddm-jobs get ID`: one task. The list's view of it comes first (findJob), since only the list
 * carries the database, the fail reason and the offered actions; a task the list no longer
 * shows (older than 30 days) falls back to `GET .../jobs/{id}`, whose 404 is the answer for an
 * unknown id. A shard migration the list shows gets its details too (table only: the data stays
 * the task as the list gives it, which scripts read; `details -o json` gives the details).
 */
export function getCommand(program: Command): void {
  const command = program
    .command('get')
    .description('show one task: status, progress, times, fail reason and the actions it offers now')
    .argument('<id>', 'task id')
    .addOption(outputOption());
  addConnectionOptions(command).addHelpText(
    'after',
    `
With --output json or yaml: the task as the list gives it (with database_name, operations and
fail_reason), or, for a task older than the list's 30 days, as GET /v3/{project_id}/jobs/{id}
gives it. A shard-migration task's table also shows its details (as ddm-jobs details ID).

Examples:
  $ ddm-jobs get 7a6b5c4d-3e2f-4a1b-8c9d-0e1f2a3b4c5d
  $ ddm-jobs get 7a6b5c4d-3e2f-4a1b-8c9d-0e1f2a3b4c5d --output json`,
  );
  command.action(async (id: string, options: ConnectionFlags & { output: OutputFormat }) => {
    const { client, clock } = await connectWithClock(options);
    const job = (await client.findJob(id)) ?? (await client.getJob(id));
    if (options.output !== 'table') return printData(options.output, job);
    // The answers just read told the server's clock: "3 minutes ago" on a virtual one too.
    for (const line of jobDetails(job, clock.now(), colorEnabled(process.stdout))) print(line);
    if ('operations' in job && isMigrationTask(job.name)) {
      print('');
      for (const line of migrationDetailLines(await client.getMigrationDetails(job), job.id)) print(line);
    }
  });
}
