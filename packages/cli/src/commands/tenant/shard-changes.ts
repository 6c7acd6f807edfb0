import type { DdmClient, PreCheckResult, ShardChangeInput } from '@ddm-jobs/client';
import { type Command, Option } from 'commander';
import { addConnectionOptions, type ConnectionFlags, connect } from '../../tenant/connection.js';
import { type AccountFlags, accountOptions, accountsOf } from '../../tenant/data-node-accounts.js';
import { type OutputFormat, outputOption, print, printData } from '../../tenant/output/format.js';
import { renderTable } from '../../tenant/output/table.js';
import { parseDailyTimeFlag } from '../../tenant/time-input.js';
import { UsageError } from '../../tenant/usage-error.js';

/**
 * Starting a shard change from the command line (docs/cli.md, "Starting a shard change"):
 * `ddm-jobs nodes`, `ddm-jobs precheck` and `ddm-jobs migrate INSTANCE DB`, on the SDK.
 */

export interface ShardFlags extends ConnectionFlags, AccountFlags {
  shards?: string;
  begin?: string;
  end?: string;
  exclusive?: boolean;
}

const schemaOf = (instanceId: string, dbName: string) => ({ instanceId, dbName });

/** The request options of `precheck` and `migrate INSTANCE DB`. */
export function addShardOptions(command: Command): Command {
  command
    .addOption(new Option('--shards <n>', 'the shard count after the change (more than now, at most 64)'))
    .addOption(
      new Option('--begin <time>', "daily switch window start, HH:mm:ss in the server's time zone").argParser(
        parseDailyTimeFlag,
      ),
    )
    .addOption(
      new Option('--end <time>', "daily switch window end, HH:mm:ss in the server's time zone").argParser(
        parseDailyTimeFlag,
      ),
    )
    .addOption(new Option('--exclusive', 'dedicate a DDM node to the migration (needs load balancing)'));
  for (const option of accountOptions()) command.addOption(option);
  return command;
}

async function requestOf(flags: ShardFlags): Promise<ShardChangeInput> {
  if (!flags.shards || !/^\d{1,3}$/.test(flags.shards))
    throw new UsageError('give the shard count after the change with --shards N.');
  if ((flags.begin === undefined) !== (flags.end === undefined))
    throw new UsageError('give the switch window as both --begin and --end, or neither (switch by hand).');
  return {
    newShardNumber: Number(flags.shards),
    dataNodes: await accountsOf(flags),
    ...(flags.begin && flags.end ? { switchWindow: { begin: flags.begin, end: flags.end } } : {}),
    ...(flags.exclusive ? { isExclusive: true } : {}),
  };
}

function printItems(items: PreCheckResult[]): void {
  const rows = items.map((item) => [item.status, item.name, item.error_message || item.note]);
  for (const line of renderTable([{ header: 'STATUS' }, { header: 'ITEM' }, { header: 'MESSAGE' }], rows))
    print(line);
}

/** `ddm-jobs nodes INSTANCE DB`: the data nodes a schema's shards may move to. */
export function nodesCommand(program: Command): void {
  const command = program
    .command('nodes')
    .description("list the data nodes a schema's shards may move to")
    .argument('<instance_id>', 'DDM instance id')
    .argument('<db_name>', 'logical database (schema)')
    .addOption(new Option('--offset <n>', 'nodes to skip').default('0'))
    .addOption(new Option('--limit <n>', 'nodes to show, 1 to 128').default('10'))
    .addOption(outputOption());
  addConnectionOptions(command).addHelpText(
    'after',
    `
Examples:
  $ ddm-jobs nodes 733c7e8d73a54c27b8308ec784a8be8cin09 db_orders
  $ ddm-jobs nodes 733c7e8d73a54c27b8308ec784a8be8cin09 db_orders --limit 50 -o json`,
  );
  command.action(
    async (
      instanceId: string,
      dbName: string,
      flags: ConnectionFlags & { offset: string; limit: string; output: OutputFormat },
    ) => {
      const client = await connect(flags);
      const page = await client.listAvailableDataNodes(schemaOf(instanceId, dbName), {
        offset: Number(flags.offset),
        limit: Number(flags.limit),
      });
      if (flags.output !== 'table') return printData(flags.output, page);
      const rows = page.data_nodes.map((n) => [
        n.id,
        n.name,
        n.status,
        `${n.engine_name} ${n.engine_version}`,
        `${n.private_ip}:${n.port}`,
        n.time_zone,
      ]);
      for (const line of renderTable(
        [
          { header: 'ID' },
          { header: 'NAME' },
          { header: 'STATUS' },
          { header: 'ENGINE' },
          { header: 'ADDRESS' },
          { header: 'TIME ZONE' },
        ],
        rows,
      ))
        print(line);
      print(`${page.data_nodes.length} of ${page.total} data nodes (offset ${page.offset}).`);
    },
  );
}

/** `ddm-jobs precheck INSTANCE DB ...`, or `--result ID` for a pre-check's later items. */
export function precheckCommand(program: Command): void {
  const command = addShardOptions(
    program
      .command('precheck')
      .description("pre-check a shard change of a schema, or read a pre-check's later items (--result ID)")
      .argument('<instance_id>', 'DDM instance id')
      .argument('<db_name>', 'logical database (schema)')
      .addOption(new Option('--result <id>', 'read the later items of this pre-check instead'))
      .addOption(outputOption()),
  );
  addConnectionOptions(command).addHelpText(
    'after',
    `
The data nodes' password comes piped on stdin (--password-stdin), from DDM_DATA_NODE_PASSWORD,
or from --accounts-file; never from a flag, which the process list shows.

Examples:
  $ printf '%s' "$DN_PASSWORD" | ddm-jobs precheck 733c...in09 db_orders --shards 9 \\
      --data-node 7edae0250ebc464897bd92b8d3e8b769in01 --user ddm_migrator --password-stdin
  $ ddm-jobs precheck 733c...in09 db_orders --result 6f1d2c3b-4a59-4e87-b6d5-c4b3a2918071`,
  );
  command.action(
    async (
      instanceId: string,
      dbName: string,
      flags: ShardFlags & { result?: string; output: OutputFormat },
    ) => {
      const schema = schemaOf(instanceId, dbName);
      const request = flags.result === undefined ? await requestOf(flags) : undefined;
      const client: DdmClient = await connect(flags);
      const answer = request
        ? await client.precheckShardChange(schema, request)
        : await client.getPrecheckResult(schema, flags.result as string);
      if (flags.output !== 'table') return printData(flags.output, answer);
      printItems(answer.pre_check_results);
      print(
        request
          ? `Pre-check ${answer.job_id}: read its later items with ddm-jobs precheck ${instanceId} ${dbName} --result ${answer.job_id}`
          : `Pre-check ${answer.job_id}: ${answer.pre_check_results.length} items answered.`,
      );
    },
  );
}

/** `ddm-jobs migrate INSTANCE DB ...`: starts the shard change a passed pre-check checked. */
export async function startShardChange(instanceId: string, dbName: string, flags: ShardFlags): Promise<void> {
  const request = await requestOf(flags);
  const client = await connect(flags);
  const { jobId } = await client.startShardChange(schemaOf(instanceId, dbName), request);
  print(`Shard change started: task ${jobId} (migrateLogicDb). Follow it with ddm-jobs watch ${jobId}`);
}
