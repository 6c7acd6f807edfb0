import {
  createValidator,
  isMigrationTask,
  type MigrateResults,
  MigrateResultsSchema,
  type MigrationPath,
  MigrationPathSchema,
} from '@ddm-jobs/contract';
import type { FastifyInstance } from 'fastify';
import { ApiError } from '../errors/api-error.js';
import type { Authenticator } from '../identity/authenticate.js';
import { migrateResultsOf } from '../jobs/migration-details.js';
import type { JobStore, MigrationDetailsStore } from '../store/interfaces.js';
import type { JobRow } from '../store/records.js';

const validatePath = createValidator<MigrationPath>(MigrationPathSchema);

type DetailParams = { project_id: string; instance_id: string; db_name: string; job_id: string };

/**
 * `GET /v3/{project_id}/instances/{instance_id}/databases/{db_name}/migration/jobs/{job_id}`
 * (MigrateResults): a shard-configuration task's details, for any role on the project. Checked
 * as the actions on the same path: credentials, the path's shapes (400), then the task: not the
 * project's, on another instance, not a shard migration or of another database is 404.
 */
export function migrationDetailsRoutes(
  app: FastifyInstance,
  deps: {
    jobs: Pick<JobStore, 'getJob'> & Pick<MigrationDetailsStore, 'migrationDetails'>;
    auth: Authenticator;
    /** A switch window's time as `HH:mm:ss`, in the server's time zone. */
    formatWindowTime: (time: NonNullable<JobRow['switchBegin']>) => string;
  },
): void {
  const { jobs, auth, formatWindowTime } = deps;
  app.get<{ Params: DetailParams }>(
    '/v3/:project_id/instances/:instance_id/databases/:db_name/migration/jobs/:job_id',
    { schema: { response: { 200: MigrateResultsSchema } } },
    async (request): Promise<MigrateResults> => {
      const {
        project_id: projectId,
        instance_id: instanceId,
        db_name: dbName,
        job_id: jobId,
      } = request.params;
      await auth.forProject(request, projectId);
      const path = validatePath({ instance_id: instanceId, db_name: dbName });
      if (!path.ok) throw new ApiError('parameter', path.detail);
      const job = await jobs.getJob(jobId.toLowerCase());
      // Any task the path does not name is answered as one that does not exist (docs/api.md).
      if (
        !job ||
        job.projectId !== projectId ||
        job.instanceId !== instanceId ||
        !isMigrationTask(job.name) ||
        job.databaseName !== dbName
      )
        throw new ApiError('jobNotFound');
      return migrateResultsOf(job, await jobs.migrationDetails(job.id), formatWindowTime);
    },
  );
}
