import { BatchJobsResponseSchema, InternalJobResponseSchema } from '@ddm-jobs/contract';
import type { FastifyInstance } from 'fastify';
import { guardForService } from '../http/route-guard.js';
import type { Authenticator } from '../identity/authenticate.js';
import { toInternalJob } from '../jobs/internal-job.js';
import type { Producer } from '../jobs/producer.js';

type JobParams = { job_id: string };

/** A batch holds up to 1,000 items: larger than a task's body, as a scenario is. */
export const BATCH_BODY_LIMIT_BYTES = 1024 * 1024;

/** The producer API under `/internal/v1`, for control-plane workers holding the `service` role. */
export function internalJobsRoutes(
  app: FastifyInstance,
  deps: { producer: Producer; auth: Authenticator },
): void {
  const { producer, auth } = deps;
  const response = {
    schema: { response: { 200: InternalJobResponseSchema, 201: InternalJobResponseSchema } },
  };

  guardForService(app, auth);

  app.post('/internal/v1/jobs', response, async (request, reply) => {
    const { created, job } = await producer.record(request.body);
    reply.code(created ? 201 : 200);
    return { job: toInternalJob(job) };
  });

  app.post(
    '/internal/v1/jobs/batch',
    { bodyLimit: BATCH_BODY_LIMIT_BYTES, schema: { response: { 200: BatchJobsResponseSchema } } },
    async (request) => producer.batch(request.body),
  );

  app.get<{ Params: JobParams }>('/internal/v1/jobs/:job_id', response, async (request) => ({
    job: toInternalJob(await producer.get(request.params.job_id)),
  }));

  app.patch<{ Params: JobParams }>('/internal/v1/jobs/:job_id', response, async (request) => ({
    job: toInternalJob(await producer.report(request.params.job_id, request.body)),
  }));
}
