import {
  filterScanRefusal,
  jobDetailOf,
  jobItemOf,
  ListJobsResponseSchema,
  parseListJobsQuery,
  type QueryValue,
  ShowJobResponseSchema,
  type TimeFormatter,
} from '@ddm-jobs/contract';
import type { FastifyInstance } from 'fastify';
import type { Clock } from '../clock/clock.js';
import { ApiError } from '../errors/api-error.js';
import type { Authenticator } from '../identity/authenticate.js';
import type { JobStore } from '../store/interfaces.js';
import { FilterScanRefused } from '../store/listing/job-filter.js';

export interface TenantJobsDeps {
  jobs: JobStore;
  auth: Authenticator;
  clock: Clock;
  formatTime: TimeFormatter;
  /** Times are shown in UTC, as the store pre-renders each listed task. */
  utc: boolean;
  /**
   * The emulator's count of tenants' reads (simulator/read-counts.ts): called with the tasks an
   * answer holds once it is made, before it is sent. None: reads are not counted.
   */
  onRead?: ((projectId: string, jobIds: readonly string[]) => Promise<void>) | undefined;
}

type ProjectParams = { project_id: string };

/** A window too wide for the instance and database filters is the caller's to narrow: a 400. */
async function refusingWideScans<T>(page: Promise<T>): Promise<T> {
  try {
    return await page;
  } catch (error) {
    if (error instanceof FilterScanRefused)
      throw new ApiError('parameter', filterScanRefusal(error.candidates, error.limit));
    throw error;
  }
}

/** The tenant's task API: `GET /v3/{project_id}/jobs` and `GET /v3/{project_id}/jobs/{job_id}`. */
export function tenantJobsRoutes(app: FastifyInstance, deps: TenantJobsDeps): void {
  const { jobs, auth, clock, formatTime, utc, onRead } = deps;

  app.get<{ Params: ProjectParams; Querystring: Record<string, QueryValue> }>(
    '/v3/:project_id/jobs',
    { schema: { response: { 200: ListJobsResponseSchema } } },
    async (request, reply) => {
      const projectId = request.params.project_id;
      await auth.forProject(request, projectId);
      const parsed = parseListJobsQuery(request.query, clock.now());
      if (!parsed.ok) throw new ApiError('parameter', parsed.detail);
      const { offset, limit, startTime, endTime, filter } = parsed.value;
      if (utc) {
        // Each task's JSON was rendered when it was written: the page is joined, not re-serialised.
        const page = await refusingWideScans(
          jobs.listJobsJson(projectId, startTime, endTime, offset, limit, filter),
        );
        reply.type('application/json; charset=utf-8');
        const answer = `{"jobs":[${page.jobs.join(',')}],"offset":${offset},"limit":${limit},"total":${page.total}}`;
        await onRead?.(
          projectId,
          page.jobs.map((json) => (JSON.parse(json) as { id: string }).id),
        );
        return answer;
      }
      const page = await refusingWideScans(
        jobs.listJobs(projectId, startTime, endTime, offset, limit, filter),
      );
      const answer = {
        jobs: page.jobs.map((job) => jobItemOf(job, formatTime)),
        offset,
        limit,
        total: page.total,
      };
      await onRead?.(
        projectId,
        page.jobs.map((job) => job.id),
      );
      return answer;
    },
  );

  app.get<{ Params: ProjectParams & { job_id: string } }>(
    '/v3/:project_id/jobs/:job_id',
    { schema: { response: { 200: ShowJobResponseSchema } } },
    async (request) => {
      const { project_id: projectId, job_id: jobId } = request.params;
      await auth.forProject(request, projectId);
      const job = await jobs.getJob(jobId.toLowerCase());
      // Another project's task is answered exactly as a task that does not exist.
      if (!job || job.projectId !== projectId) throw new ApiError('jobNotFound');
      const answer = { job: jobDetailOf(job, formatTime) };
      await onRead?.(projectId, [job.id]);
      return answer;
    },
  );
}
