import {
  parseLogLines,
  parsePaging,
  type QueryValue,
  type RunLogItem,
  type RunLogsResponse,
} from '@ddm-jobs/contract';
import type { Clock } from '../clock/clock.js';
import { ApiError } from '../errors/api-error.js';
import type { JobStore, RunLogStore } from '../store/interfaces.js';
import type { JobRow, RunLogLine } from '../store/records.js';

/** A line as the run-logs route, the feed and the tenant stream show it. */
export const runLogItemOf = (job: Pick<JobRow, 'id' | 'instanceId'>, line: RunLogLine): RunLogItem => ({
  task_id: job.id,
  ddm_instance_id: job.instanceId,
  level: line.level,
  created_time: line.at,
  message: line.message,
});

export interface RunLogs {
  /**
   * Appends a producer's lines (`{"logs": [{"level", "message"}]}`) to a task's run log, timed
   * by the server's clock; answers how many. 400 for a bad body, 404 for a task not (or no
   * longer) stored.
   */
  append(jobId: string, body: unknown): Promise<number>;
  /**
   * A page of the run log of a tenant's task, newest first. The task must be the project's and
   * on the instance the path names, else 404 (as if it did not exist).
   */
  read(
    projectId: string,
    instanceId: string,
    taskId: string,
    query: Record<string, QueryValue>,
  ): Promise<RunLogsResponse>;
}

/** The run logs of tasks: producers append lines, tenants read them (docs/api.md, "Run logs"). */
export function createRunLogs(store: Pick<JobStore, 'getJob'> & RunLogStore, clock: Clock): RunLogs {
  return {
    async append(jobId, body) {
      const lines = parseLogLines(body);
      if (!lines.ok) throw new ApiError('parameter', lines.detail);
      const job = await store.appendRunLogs(jobId.toLowerCase(), lines.value, clock.now());
      if (!job) throw new ApiError('jobNotFound');
      return lines.value.length;
    },

    async read(projectId, instanceId, taskId, query) {
      // As the actions: the parameters first, then the task.
      const paging = parsePaging(query);
      if (!paging.ok) throw new ApiError('parameter', paging.detail);
      const { offset, limit } = paging.value;
      const job = await store.getJob(taskId.toLowerCase());
      // Another project's or instance's task is answered exactly as a task that does not exist.
      if (!job || job.projectId !== projectId || job.instanceId !== instanceId)
        throw new ApiError('jobNotFound');
      const page = await store.runLogs(job.id, offset, limit);
      return {
        task_logs: page.lines.map((line) => runLogItemOf(job, line)),
        cur_page: Math.floor(offset / limit) + 1,
        per_page: limit,
        total: page.total,
      };
    },
  };
}
