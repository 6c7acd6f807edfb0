/**
 * A task's run log (`GET /v3/{project_id}/instance/{instance_id}/task/{task_id}/run-logs`):
 * which task it names, and every line of it, page after page. The route pages newest first, so
 * a line appended while paging shifts every older line one offset further; lines are therefore
 * followed by their position counted from the oldest, which never changes.
 */
import type { JobItem, RunLogItem, RunLogsResponse } from '@ddm-jobs/contract/wire';
import { nonEmpty } from './tasks.js';

/**
 * A task whose run log to read: its id (the client reads the task for its instance first), its
 * id and instance, or a task as the list shows it. Every MigrationTask is one.
 */
export type LoggedTask = string | { jobId: string; instanceId: string } | Pick<JobItem, 'id' | 'instance_id'>;

export interface LogTarget {
  jobId: string;
  instanceId: string;
}

/**
 * The path parameters of a run log; a task given by id is looked up with `instanceOf` (whose
 * 404 is the server's own).
 *
 * @example const target = await logTarget(task, async (id) => (await client.getJob(id)).instance.id)
 */
export async function logTarget(
  task: LoggedTask,
  instanceOf: (jobId: string) => Promise<string>,
): Promise<LogTarget> {
  if (typeof task === 'string') {
    const jobId = nonEmpty(task, 'task');
    return { jobId, instanceId: await instanceOf(jobId) };
  }
  const target = 'jobId' in task ? task : { jobId: task.id, instanceId: task.instance_id };
  return {
    jobId: nonEmpty(target.jobId, 'the task id'),
    instanceId: nonEmpty(target.instanceId, 'the task instance id'),
  };
}

export type LogPage = (query: { offset: number; limit: number }) => Promise<RunLogsResponse>;

/**
 * Yields each line the log held at the first page, newest first, once; lines appended
 * meanwhile are skipped (the tenant stream's `log` events tell them). Ends at a page that
 * brings nothing expected, so a misbehaving server cannot keep it going.
 *
 * @example for await (const line of logLines(read, 128)) console.log(line.level, line.message)
 */
export async function* logLines(
  read: LogPage,
  pageSize: number,
): AsyncGenerator<RunLogItem, void, undefined> {
  let next: number | undefined;
  let offset = 0;
  for (;;) {
    const page = await read({ offset, limit: pageSize });
    next ??= page.total - 1;
    let taken = 0;
    for (const [i, line] of page.task_logs.entries()) {
      if (page.total - 1 - (offset + i) !== next) continue;
      yield line;
      taken += 1;
      next -= 1;
    }
    if (next < 0 || taken === 0) return;
    offset = page.total - 1 - next;
  }
}
