import {
  AvailableDataNodesResponseSchema,
  PerformResponseSchema,
  PreCheckResponseSchema,
  type QueryValue,
} from '@ddm-jobs/contract';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { guardCallers } from '../http/route-guard.js';
import type { Authenticator } from '../identity/authenticate.js';
import type { ShardChanges, ShardPath } from '../shards/shard-changes.js';

type Params = { project_id: string; instance_id: string; db_name: string };

const BASE = '/v3/:project_id/instances/:instance_id/databases/:db_name/migration';

const pathOf = (params: Params): ShardPath => ({
  projectId: params.project_id,
  instanceId: params.instance_id,
  databaseName: params.db_name,
});

/**
 * Starting a shard change (docs/api.md, "Starting a shard change"): the data nodes available and a
 * pre-check's result for any role on the project; the pre-check and perform, which change
 * things, for the action roles only, refused before the body is looked at. Its own plugin, so the
 * guard guards these routes only.
 */
export function shardChangeRoutes(
  app: FastifyInstance,
  deps: { shardChanges: ShardChanges; auth: Authenticator },
): void {
  const { shardChanges, auth } = deps;
  guardCallers(app, async (request: FastifyRequest) => {
    const { project_id: projectId } = request.params as Params;
    if (request.method === 'POST') await auth.forAction(request, projectId);
    else await auth.forProject(request, projectId);
  });

  app.get<{ Params: Params; Querystring: Record<string, QueryValue> }>(
    `${BASE}/available-data-nodes`,
    { schema: { response: { 200: AvailableDataNodesResponseSchema } } },
    async (request) => shardChanges.availableNodes(pathOf(request.params), request.query),
  );

  app.post<{ Params: Params }>(
    `${BASE}/precheck`,
    { schema: { response: { 202: PreCheckResponseSchema } } },
    async (request, reply) => {
      const answer = await shardChanges.preCheck(pathOf(request.params), request.body);
      reply.code(202);
      return answer;
    },
  );

  app.get<{ Params: Params & { job_id: string } }>(
    `${BASE}/precheck/:job_id`,
    { schema: { response: { 200: PreCheckResponseSchema } } },
    async (request) => shardChanges.preCheckResult(pathOf(request.params), request.params.job_id),
  );

  app.post<{ Params: Params }>(
    `${BASE}/migration`,
    { schema: { response: { 202: PerformResponseSchema } } },
    async (request, reply) => {
      const answer = await shardChanges.perform(pathOf(request.params), request.body);
      reply.code(202);
      return answer;
    },
  );
}
