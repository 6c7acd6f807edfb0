import {
  DataNodeAccountsResponseSchema,
  EmptyResponseSchema,
  InternalShardRequestResponseSchema,
  PendingPreChecksResponseSchema,
  type QueryValue,
} from '@ddm-jobs/contract';
import type { FastifyInstance } from 'fastify';
import { guardForService } from '../http/route-guard.js';
import type { Authenticator } from '../identity/authenticate.js';
import type { ShardWorkers } from '../shards/shard-workers.js';

type RequestParams = { request_id: string };

/** The producer side of shard changes under `/internal/v1` (docs/api.md, "Shard changes for workers"), role `service`. */
export function internalShardRoutes(
  app: FastifyInstance,
  deps: { workers: ShardWorkers; auth: Authenticator },
): void {
  const { workers, auth } = deps;
  guardForService(app, auth);

  app.put<{ Params: { project_id: string; instance_id: string } }>(
    '/internal/v1/inventory/:project_id/instances/:instance_id',
    { schema: { response: { 200: EmptyResponseSchema } } },
    async (request) => {
      await workers.putInventory(request.params.project_id, request.params.instance_id, request.body);
      return {};
    },
  );

  app.get<{ Querystring: Record<string, QueryValue> }>(
    '/internal/v1/shard-requests/pending',
    { schema: { response: { 200: PendingPreChecksResponseSchema } } },
    async (request) => ({ requests: await workers.pending(request.query) }),
  );

  app.get<{ Params: RequestParams }>(
    '/internal/v1/shard-requests/:request_id',
    { schema: { response: { 200: InternalShardRequestResponseSchema } } },
    async (request) => ({ request: await workers.request(request.params.request_id) }),
  );

  app.put<{ Params: RequestParams }>(
    '/internal/v1/shard-requests/:request_id/results',
    { schema: { response: { 200: EmptyResponseSchema } } },
    async (request) => {
      await workers.answer(request.params.request_id, request.body);
      return {};
    },
  );

  app.post<{ Params: RequestParams }>(
    '/internal/v1/shard-requests/:request_id/accounts',
    { schema: { response: { 200: DataNodeAccountsResponseSchema } } },
    async (request) => workers.takeAccounts(request.params.request_id),
  );
}
