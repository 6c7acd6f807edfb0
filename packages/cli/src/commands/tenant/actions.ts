import type { DdmClient } from '@ddm-jobs/client';
import { ACTION_RULES, type JobItem } from '@ddm-jobs/contract/wire';
import type { Command } from 'commander';
import { addConnectionOptions, type ConnectionFlags, connect } from '../../tenant/connection.js';
import { findMigration } from '../../tenant/find-migration.js';
import { print } from '../../tenant/output/format.js';

/** The status an accepted action moves the task to, from the contract's one table of actions. */
function movesTo(action: 'cancel' | 'rollback' | 'route-switch'): string {
  const effect = ACTION_RULES[action].effect;
  return effect.kind === 'move' ? effect.to : '';
}

interface ActionCommand {
  name: string;
  description: string;
  /** Sends the action; the line to print once the API accepted it. */
  run(client: DdmClient, task: JobItem): Promise<string>;
  example: string;
}

const ACTIONS: readonly ActionCommand[] = [
  {
    name: 'cancel',
    description: 'cancel a shard-migration task (Running, Failed or ToBeSwitched)',
    async run(client, task) {
      await client.cancelMigration(task);
      return `Cancel accepted: task ${task.id} is now ${movesTo('cancel')}.`;
    },
    example: 'ddm-jobs cancel 7a6b5c4d-3e2f-4a1b-8c9d-0e1f2a3b4c5d',
  },
  {
    name: 'retry',
    description: 'retry a failed shard-migration task; prints the id of the new retry task',
    async run(client, task) {
      const { jobId } = await client.retryMigration(task);
      return `Retry accepted: task ${task.id} stays Failed; the retry is task ${jobId}.`;
    },
    example: 'ddm-jobs retry 7a6b5c4d-3e2f-4a1b-8c9d-0e1f2a3b4c5d',
  },
  {
    name: 'rollback',
    description: 'roll a failed shard-migration task back',
    async run(client, task) {
      await client.rollbackMigration(task);
      return `Rollback accepted: task ${task.id} is now ${movesTo('rollback')}.`;
    },
    example: 'ddm-jobs rollback 7a6b5c4d-3e2f-4a1b-8c9d-0e1f2a3b4c5d',
  },
  {
    name: 'clean',
    description: 'clean up a cancelled or rolled-back shard-migration task (it then leaves the list)',
    async run(client, task) {
      await client.cleanMigration(task);
      return `Clean accepted: task ${task.id} is cleaned up and no longer listed.`;
    },
    example: 'ddm-jobs clean 7a6b5c4d-3e2f-4a1b-8c9d-0e1f2a3b4c5d',
  },
  {
    name: 'switch',
    description: 'switch the routes of a shard-migration task waiting in ToBeSwitched, now',
    async run(client, task) {
      await client.switchRoute(task);
      return `Route switch accepted: task ${task.id} is now ${movesTo('route-switch')}.`;
    },
    example: 'ddm-jobs switch 92370d30-3ddc-4e05-b8ab-51662d824318',
  },
];

/**
 * `ddm-jobs cancel|retry|rollback|clean|switch ID`: one command per action of the API, each
 * finding the task first (the paths name its instance and database) and saying what happened.
 * Whether the task offers the action now is the API's call: a refusal exits 1 with its code.
 */
export function actionCommands(program: Command): void {
  for (const action of ACTIONS) {
    const command = program
      .command(action.name)
      .description(action.description)
      .argument('<id>', 'task id (ddm-jobs list shows it)');
    addConnectionOptions(command).addHelpText(
      'after',
      `
A task offers an action only in some statuses (ddm-jobs get ID lists them under Actions); the
API refuses the others with DBS.300379, and the command exits 1.

Examples:
  $ ${action.example}
  $ OS_CLOUD=otc ${action.example}`,
    );
    command.action(async (id: string, options: ConnectionFlags) => {
      const client = await connect(options);
      print(await action.run(client, await findMigration(client, id)));
    });
  }
}
