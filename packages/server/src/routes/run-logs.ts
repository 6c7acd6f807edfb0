import { AppendLogsResponseSchema, type QueryValue, RunLogsResponseSchema } from '@ddm-jobs/contract';
import type { FastifyInstance } from 'fastify';
import { guardForService } from '../http/route-guard.js';
import type { Authenticator } from '../identity/authenticate.js';
import type { RunLogs } from '../jobs/run-logs.js';

/** A producer's lines: 1,000 lines of 1,024 ASCII characters, with their JSON, fit. */
export const LOGS_BODY_LIMIT_BYTES = 2 * 1024 * 1024;

/**
 * `GET /v3/{project_id}/instance/{instance_id}/task/{task_id}/run-logs` (ShowMigrationLog, the
 * singular `instance` and `task` as the cloud's SDK has them): a task's run log, for any role on
 * the project, as the list.
 */
export function runLogsRoutes(app: FastifyInstance, deps: { runLogs: RunLogs; auth: Authenticator }): void {
  const { runLogs, auth } = deps;
  app.get<{
    Params: { project_id: string; instance_id: string; task_id: string };
    Querystring: Record<string, QueryValue>;
  }>(
    '/v3/:project_id/instance/:instance_id/task/:task_id/run-logs',
    { schema: { response: { 200: RunLogsResponseSchema } } },
    async (request) => {
      const { project_id: projectId, instance_id: instanceId, task_id: taskId } = request.params;
      await auth.forProject(request, projectId);
      return runLogs.read(projectId, instanceId, taskId, request.query);
    },
  );
}

/** `POST /internal/v1/jobs/{job_id}/logs`: a producer appends lines to a task's run log (role `service`). */
export function internalLogsRoutes(
  app: FastifyInstance,
  deps: { runLogs: RunLogs; auth: Authenticator },
): void {
  const { runLogs, auth } = deps;
  guardForService(app, auth);
  app.post<{ Params: { job_id: string } }>(
    '/internal/v1/jobs/:job_id/logs',
    { bodyLimit: LOGS_BODY_LIMIT_BYTES, schema: { response: { 201: AppendLogsResponseSchema } } },
    async (request, reply) => {
      const appended = await runLogs.append(request.params.job_id, request.body);
      reply.code(201);
      return { appended };
    },
  );
}
