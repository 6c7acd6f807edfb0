import { setTimeout as sleep } from 'node:timers/promises';
import type { DdmClient } from '@ddm-jobs/client';
import { EXECUTING_STATUSES, FINISHED_STATUSES, THIRTY_DAYS_MS } from '@ddm-jobs/contract/wire';
import type { WatchView } from './views.js';
import { fromDetail, fromItem, isExecuting, type WatchedTask } from './watched-task.js';

// Polling, not the server's event stream: the cloud's DDM has none, and `watch` must work there.

export interface PollSettings {
  intervalMs: number;
}

/**
 * Watches the tasks executing in the window from `sinceMs` before the start until now (`now`: the
 * server's clock): a task is
 * shown from the first poll that finds it executing (also one that starts during the watch, such
 * as a retry's task or a cancelled one), and stays until the end. Ends when none of the tasks
 * shown executes any more; resolves with them (none when nothing executed at the start).
 */
export async function watchExecuting(
  client: DdmClient,
  view: WatchView,
  settings: PollSettings & { sinceMs: number; now: () => Promise<number> },
): Promise<WatchedTask[]> {
  // The start is fixed, so a task shown never slides out of a moving window; it moves only when
  // the API's 30-day limit would refuse it (a watch running for weeks). Both ends are on the
  // server's clock, which each poll's answers keep up to date (a virtual clock moves in jumps).
  const from = (await settings.now()) - settings.sinceMs;
  const shown = new Map<string, WatchedTask>();
  for (;;) {
    const end = await settings.now();
    const listed = new Set<string>();
    for await (const item of client.jobs({ startTime: Math.max(from, end - THIRTY_DAYS_MS), endTime: end })) {
      listed.add(item.id);
      const before = shown.get(item.id);
      if (before || EXECUTING_STATUSES.has(item.status)) shown.set(item.id, fromItem(item, before));
    }
    const tasks = [...shown.values()];
    // A task no longer listed (cleaned, purged) cannot be seen to finish: it does not hold the watch.
    if (!tasks.some((task) => listed.has(task.id) && isExecuting(task))) return tasks;
    view.update(tasks);
    await sleep(settings.intervalMs);
  }
}

/**
 * Watches one task until it finishes (Completed, Failed, CancelSuccess, RollbackSuccess); a
 * migration waiting for its route switch keeps the watch going. Resolves with its final state,
 * with the fail reason (which only the list has) when it failed.
 */
export async function watchOne(
  client: DdmClient,
  jobId: string,
  view: WatchView,
  settings: PollSettings,
): Promise<WatchedTask> {
  let task: WatchedTask | undefined;
  for (;;) {
    task = fromDetail(await client.getJob(jobId), task);
    if (FINISHED_STATUSES.has(task.status)) break;
    view.update([task]);
    await sleep(settings.intervalMs);
  }
  if (task.status !== 'Failed') return task;
  // Best effort: the outcome is known already, and a missing reason must not turn it into an error.
  const listed = await client.findJob(jobId).catch(() => undefined);
  return listed ? { ...fromItem(listed, task), status: task.status } : task;
}
