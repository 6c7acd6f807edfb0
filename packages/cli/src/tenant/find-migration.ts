import type { DdmClient } from '@ddm-jobs/client';
import { aTask, isMigrationTask, type JobItem } from '@ddm-jobs/contract/wire';

/**
 * A task the action commands cannot act on although it exists: not a shard migration, or too
 * old for the list that gives its instance and database. Exit 1, as a refusal of the service
 * would be: the command was well formed, the task is what it is.
 */
export class NotActionableError extends Error {
  override name = 'NotActionableError';
}

/**
 * The task an action names, as the list shows it: the action paths need its instance and
 * database. An unknown id is left to `getJob`, so the person sees the API's own 404
 * (DBS.300400, with its request id) rather than a message of ours.
 */
export async function findMigration(client: DdmClient, id: string): Promise<JobItem> {
  const job = await client.findJob(id);
  if (job === undefined) {
    await client.getJob(id);
    throw new NotActionableError(
      `task ${id} is older than the 30 days the list shows, so its database is unknown; it cannot be acted on.`,
    );
  }
  if (!isMigrationTask(job.name))
    throw new NotActionableError(
      `task ${id} is ${aTask(job.name)}: only shard-migration tasks (migrateLogicDb, retryMigrateLogicDb) take actions.`,
    );
  return job;
}
