import {
  type JobHistoryResponse,
  JobHistoryResponseSchema,
  processOf,
  type TimeFormatter,
} from '@ddm-jobs/contract';
import type { FastifyInstance } from 'fastify';
import { ApiError } from '../errors/api-error.js';
import type { Authenticator } from '../identity/authenticate.js';
import type { JobStore } from '../store/interfaces.js';

export interface JobHistoryDeps {
  jobs: Pick<JobStore, 'getJob' | 'jobHistory'>;
  auth: Authenticator;
  formatTime: TimeFormatter;
}

/**
 * `GET /v3/{project_id}/jobs/{job_id}/history`, our extension (the cloud has none): the statuses
 * the task went through, oldest first, for the console's detail panel. Checked and answered as
 * the show route: the same credentials, and a task that is not the project's, or no longer
 * exists (cleaned, purged), is 404 DBS.300400.
 */
export function jobHistoryRoutes(app: FastifyInstance, deps: JobHistoryDeps): void {
  const { jobs, auth, formatTime } = deps;

  app.get<{ Params: { project_id: string; job_id: string } }>(
    '/v3/:project_id/jobs/:job_id/history',
    { schema: { response: { 200: JobHistoryResponseSchema } } },
    async (request): Promise<JobHistoryResponse> => {
      const { project_id: projectId, job_id: rawId } = request.params;
      await auth.forProject(request, projectId);
      const jobId = rawId.toLowerCase();
      const job = await jobs.getJob(jobId);
      if (!job || job.projectId !== projectId) throw new ApiError('jobNotFound');
      const changes = await jobs.jobHistory(projectId, jobId);
      return {
        history: changes.map((change) => ({
          status: change.status,
          time: formatTime(change.at),
          // As the list shows `process`: the percent in an executing status, otherwise "".
          process: processOf(change),
        })),
      };
    },
  );
}
