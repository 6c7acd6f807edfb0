import { buildOpenApiDocument, PolicyResponseSchema } from '@ddm-jobs/contract';
import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import type { Store } from '../store/interfaces.js';

/**
 * Unauthenticated routes for operators and clients: health, metrics, the API description, and
 * the role model's action roles (no secret: role names; the console hides what its user may not do).
 */
export function serviceInfoRoutes(
  app: FastifyInstance,
  deps: { store: Store; metrics: Registry; version: string; actionRoles: readonly string[] },
) {
  const openapi = JSON.stringify(buildOpenApiDocument(deps.version));

  app.get('/healthz', async () => {
    await deps.store.ping();
    return { status: 'ok' };
  });

  app.get('/metrics', async (_request, reply) => {
    reply.type(deps.metrics.contentType);
    return deps.metrics.metrics();
  });

  app.get('/policy', { schema: { response: { 200: PolicyResponseSchema } } }, async () => ({
    action_roles: [...deps.actionRoles],
  }));

  app.get('/openapi.json', async (_request, reply) => {
    reply.type('application/json');
    return openapi;
  });
}
