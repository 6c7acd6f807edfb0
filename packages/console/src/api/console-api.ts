import {
  type CountFilters,
  type DailySwitchWindow,
  DdmClient,
  type StreamedEvent,
  type StreamJobsOptions,
} from '@ddm-jobs/client';
import type {
  JobHistoryEntry,
  JobItem,
  JobStatisticsResponse,
  ListJobsResponse,
  MigrateResults,
  RunLogItem,
} from '@ddm-jobs/contract/wire';
import { type Session, serverNow } from '../session/session.js';
import type { TaskAction } from '../tasks/actions.js';
import type { TimeWindow } from '../tasks/range.js';
import { jobFilters, type ViewFilters } from '../view/view-state.js';
import { isUnauthorized } from './describe-error.js';

/** What the console asks of the server, for one session. */
export interface ConsoleApi {
  /** One page of the window's tasks that match the filters (all of them when none is set). */
  listJobs(
    window: TimeWindow,
    offset: number,
    limit: number,
    filters: ViewFilters,
    signal: AbortSignal,
  ): Promise<ListJobsResponse>;
  /** A task as the list shows it, wherever it lies (undefined once it is gone): a link's open task. */
  findJob(jobId: string, signal: AbortSignal): Promise<JobItem | undefined>;
  /** Tasks per calendar day of `timeZone` in the window, by status (the chart above the list). */
  statistics(
    window: TimeWindow,
    filters: CountFilters,
    timeZone: string,
    signal: AbortSignal,
  ): Promise<JobStatisticsResponse>;
  /** Acts on a migration task; the daily window only for `window` (undefined: switch by hand). */
  act(job: JobItem, action: TaskAction, window?: DailySwitchWindow): Promise<void>;
  history(jobId: string, signal: AbortSignal): Promise<JobHistoryEntry[]>;
  /** A shard-migration task's details (shards, data nodes, node, switch window). */
  details(job: JobItem, signal: AbortSignal): Promise<MigrateResults>;
  /** The newest `max` lines of a task's run log, oldest first (as they are read on screen). */
  runLogs(job: JobItem, max: number, signal: AbortSignal): Promise<RunLogItem[]>;
  /** One connection of the tenant stream; its 401 is the caller's, which ends the session itself. */
  stream(options: StreamJobsOptions): AsyncIterableIterator<StreamedEvent>;
}

/**
 * The SDK on this page's origin with the session's token. A 401 from any call ends the session
 * (`onUnauthorized`) before the error goes on to the caller.
 */
export function createConsoleApi(session: Session, onUnauthorized: () => void): ConsoleApi {
  const client = new DdmClient({
    endpoint: location.origin,
    projectId: session.projectId,
    auth: { token: session.token },
    now: () => serverNow(session),
    // A person waits for the page: one retry of a read at most, then the error is shown.
    retries: 1,
    timeoutMs: 20_000,
  });
  const guarded = async <T>(call: () => Promise<T>): Promise<T> => {
    try {
      return await call();
    } catch (error) {
      if (isUnauthorized(error)) onUnauthorized();
      throw error;
    }
  };
  return {
    listJobs: (window, offset, limit, filters, signal) =>
      guarded(() =>
        client.listJobs(
          { startTime: window.start, endTime: window.end, offset, limit, ...jobFilters(filters) },
          { signal },
        ),
      ),
    findJob: (jobId, signal) => guarded(() => client.findJob(jobId, { signal })),
    statistics: (window, filters, timeZone, signal) =>
      guarded(() =>
        client.jobStatistics(
          { startTime: window.start, endTime: window.end, timeZone, ...filters },
          { signal },
        ),
      ),
    act: (job, action, window) =>
      guarded(async () => {
        switch (action) {
          case 'cancel':
            await client.cancelMigration(job);
            return;
          case 'retry':
            await client.retryMigration(job);
            return;
          case 'rollback':
            await client.rollbackMigration(job);
            return;
          case 'clean':
            await client.cleanMigration(job);
            return;
          case 'switch':
            await client.switchRoute(job);
            return;
          case 'window':
            await client.changeSwitchStrategy(job, window ?? 'manual');
            return;
        }
      }),
    history: (jobId, signal) => guarded(() => client.getJobHistory(jobId, { signal })),
    details: (job, signal) => guarded(() => client.getMigrationDetails(job, { signal })),
    runLogs: (job, max, signal) =>
      guarded(async () => {
        const lines: RunLogItem[] = [];
        for await (const line of client.runLogs(job, { signal })) {
          lines.push(line);
          if (lines.length >= max) break;
        }
        return lines.reverse();
      }),
    stream: (options) => client.streamJobs(options),
  };
}
