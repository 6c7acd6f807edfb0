import {
  JOB_STATUSES,
  type JobStatisticsResponse,
  JobStatisticsResponseSchema,
  type JobStatus,
  parseJobStatisticsQuery,
  type QueryValue,
  zoneDays,
} from '@ddm-jobs/contract';
import type { FastifyInstance } from 'fastify';
import type { Clock } from '../clock/clock.js';
import { ApiError } from '../errors/api-error.js';
import type { Authenticator } from '../identity/authenticate.js';
import type { JobStore } from '../store/interfaces.js';

export interface JobStatisticsDeps {
  jobs: Pick<JobStore, 'dailyStatusCounts'>;
  auth: Authenticator;
  clock: Clock;
}

/**
 * `GET /v3/{project_id}/job-statistics`, our extension (the cloud has none): the tasks created on
 * each calendar day of a time zone that the window touches, by their status now, for the
 * console's chart. Authorised as the list; the window and the filters follow the list's rules,
 * and the days are counted from the kept counts (store `dailyStatusCounts`), never by reading
 * tasks, so the answer costs the same in a project of any size.
 */
export function jobStatisticsRoutes(app: FastifyInstance, deps: JobStatisticsDeps): void {
  const { jobs, auth, clock } = deps;

  app.get<{ Params: { project_id: string }; Querystring: Record<string, QueryValue> }>(
    '/v3/:project_id/job-statistics',
    { schema: { response: { 200: JobStatisticsResponseSchema } } },
    async (request): Promise<JobStatisticsResponse> => {
      const projectId = request.params.project_id;
      await auth.forProject(request, projectId);
      const parsed = parseJobStatisticsQuery(request.query, clock.now());
      if (!parsed.ok) throw new ApiError('parameter', parsed.detail);
      const { startTime, endTime, timeZone, filter } = parsed.value;
      const days = zoneDays(startTime, endTime, timeZone);
      const counts = await jobs.dailyStatusCounts(projectId, days, filter);
      return {
        time_zone: timeZone,
        days: days.map((day, i) => {
          const found = counts[i] ?? {};
          // In the documented order of the statuses, whatever order the database grouped them in.
          const statuses: Partial<Record<JobStatus, number>> = {};
          let total = 0;
          for (const status of JOB_STATUSES) {
            const n = found[status] ?? 0;
            if (n <= 0) continue;
            statuses[status] = n;
            total += n;
          }
          return { date: day.date, start_time: day.startTime, end_time: day.endTime, total, statuses };
        }),
      };
    },
  );
}
