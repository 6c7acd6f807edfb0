import type { JobStore, RunLogStore } from '../store/interfaces.js';
import type { JobRow } from '../store/records.js';
import type { InstanceInventory } from '../store/shard-records.js';
import { encode } from './plan.js';
import { checkShardChangeTemplate, type ShardChangePlan } from './scenario.js';
import type { Plan } from './timeline.js';

/**
 * The default timeline of a perform's task in the emulator (docs/scenarios.md, "Inventory"): it
 * migrates for 10 minutes, waits in ToBeSwitched for its window (or the tenant's switch), switches
 * in 30 seconds and completes, with a run-log line as it starts and one as it waits.
 */
export const DEFAULT_SHARD_CHANGE: ShardChangePlan = checkShardChangeTemplate(
  {
    steps: [
      {
        status: 'Running',
        progress: 100,
        over: '10m',
        logs: [
          { level: 'INFO', message: 'Shard configuration started: copying the data to the new shards.' },
        ],
      },
      {
        status: 'ToBeSwitched',
        logs: [{ level: 'INFO', message: 'Data copied; the routes switch in the switch window or by hand.' }],
      },
    ],
    on_switch: { after: '30s' },
  },
  'shard_change',
  'the default shard change',
);

/**
 * Hands a perform's migrateLogicDb task to the simulator: the instance's declared template or the
 * default, with the window the tenant's request gave the task. The first step's run-log lines are
 * written at once, timed at the creation, as a scenario's task gets them; the simulator writes the
 * later steps' lines as the task reaches them.
 */
export async function simulateShardChange(
  store: Pick<JobStore, 'saveSimulation'> & Pick<RunLogStore, 'appendRunLogs'>,
  job: JobRow,
  instance: InstanceInventory,
): Promise<void> {
  const timeline = instance.template
    ? (JSON.parse(instance.template) as ShardChangePlan)
    : DEFAULT_SHARD_CHANGE;
  const plan: Plan = {
    v: 1,
    ...timeline,
    window: { begin: job.switchBegin, end: job.switchEnd, since: job.createdAt },
  };
  const firstLines = timeline.steps[0]?.logs;
  if (firstLines?.length) await store.appendRunLogs(job.id, firstLines, job.createdAt);
  await store.saveSimulation(encode({ jobId: job.id, plan, step: 0, stepStartedAt: job.createdAt }));
}
