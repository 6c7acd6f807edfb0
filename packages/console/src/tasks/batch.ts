import type { JobItem } from '@ddm-jobs/contract/wire';
import { describeError, isUnauthorized } from '../api/describe-error.js';
import { actionsOf, type TaskAction } from './actions.js';

/**
 * Actions that need something typed in for each task (the switch window): offered one task at a
 * time only, from the row.
 */
const NEEDS_INPUT: ReadonlySet<TaskAction> = new Set(['window']);

/**
 * The actions every one of the tasks offers now and that take no input, in the order of a row's
 * buttons: what a batch may ask of all of them at once.
 */
export function batchActionsOf(jobs: readonly JobItem[]): TaskAction[] {
  if (jobs.length === 0) return [];
  const [first, ...rest] = jobs.map(actionsOf);
  return (first ?? []).filter(
    (action) => !NEEDS_INPUT.has(action) && rest.every((actions) => actions.includes(action)),
  );
}

/** What became of one task of a batch: done, or refused with the server's words. */
export type BatchResult = { id: string; ok: true } | { id: string; ok: false; message: string };

/**
 * Tasks at once: the server takes a request per task, so they are sent a few at a time, each
 * result told as it comes. A refusal of one task (it moved on since it was selected) stops none
 * of the others; a 401 ends the session, and with it the batch.
 */
export async function runBatch(
  // The console's API (api/console-api.ts); only its action is needed here.
  api: { act(job: JobItem, action: TaskAction): Promise<void> },
  jobs: readonly JobItem[],
  action: TaskAction,
  onResult: (result: BatchResult) => void,
): Promise<void> {
  const queue = [...jobs];
  let ended = false;
  const worker = async () => {
    for (let job = queue.shift(); job && !ended; job = queue.shift()) {
      try {
        await api.act(job, action);
        onResult({ id: job.id, ok: true });
      } catch (error) {
        if (isUnauthorized(error)) ended = true;
        else onResult({ id: job.id, ok: false, message: describeError(error) });
      }
    }
  };
  // Four at a time: quick for a page of tasks, and far below the per-user rate limit (docs/api.md).
  await Promise.all(Array.from({ length: Math.min(4, jobs.length) }, worker));
}
