import { buildOpenApiDocument } from '@ddm-jobs/contract';
import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import type { Store } from '../store/interfaces.js';

/** Unauthenticated routes for operators: health, metrics and the API description. */
export function serviceInfoRoutes(
  app: FastifyInstance,
  deps: { store: Store; metrics: Registry; version: string },
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

  app.get('/openapi.json', async (_request, reply) => {
    reply.type('application/json');
    return openapi;
  });
}
