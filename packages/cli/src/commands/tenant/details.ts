import type { Command } from 'commander';
import { addConnectionOptions, type ConnectionFlags, connect } from '../../tenant/connection.js';
import { findMigration } from '../../tenant/find-migration.js';
import { migrationDetailLines } from '../../tenant/output/details-view.js';
import { type OutputFormat, outputOption, print, printData } from '../../tenant/output/format.js';

/**
 * `ddm-jobs details ID`: a shard-migration task's details (MigrateResults), found as the actions
 * find their task (the path needs its instance and database), so a task that is no migration
 * is told as for an action (exit 1).
 */
export function detailsCommand(program: Command): void {
  const command = program
    .command('details')
    .description('show a shard-migration task: shards and data nodes before and after, node, switch window')
    .argument('<id>', 'task id (ddm-jobs list shows it)')
    .addOption(outputOption());
  addConnectionOptions(command).addHelpText(
    'after',
    `
With --output json or yaml: the details as the API gives them (MigrateResults: original_shard_num,
after_shard_num, original_dn_info_list, after_dn_info_list, switch_route_is_manual,
auto_switch_begin_time, auto_switch_end_time, node_id_for_migrate, is_exclusive). What no
producer recorded shows as "-" in the table, and as 0, [] or "" in the data.

Examples:
  $ ddm-jobs details 92370d30-3ddc-4e05-b8ab-51662d824318
  $ ddm-jobs details 92370d30-3ddc-4e05-b8ab-51662d824318 --output yaml`,
  );
  command.action(async (id: string, options: ConnectionFlags & { output: OutputFormat }) => {
    const client = await connect(options);
    const task = await findMigration(client, id);
    const details = await client.getMigrationDetails(task);
    if (options.output !== 'table') return printData(options.output, details);
    print(`Instance:  ${details.instance_name || task.instance_id}`);
    for (const line of migrationDetailLines(details, task.id)) print(line);
  });
}
