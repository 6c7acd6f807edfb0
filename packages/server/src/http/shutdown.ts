import type { FastifyInstance } from 'fastify';
import { ApiError } from '../errors/api-error.js';

/**
 * While the app closes, a request that still arrives (on a keep-alive connection opened before:
 * new connections are no longer accepted) is refused with the documented 503 APIGW.0202 and
 * Retry-After, as the gateway answers when a backend goes away, so that clients and the SDK send
 * it again (to another node). Fastify's own `return503OnClosing` answers an undocumented body
 * without a request id, so it is off and this hook answers instead. Requests already past routing
 * are not affected: `close` waits for them to be answered. Fastify adds `Connection: close`.
 */
export function installShutdownRefusal(app: FastifyInstance): void {
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onRequest', async (_request, reply) => {
    if (!closing) return;
    reply.header('retry-after', '1');
    throw new ApiError('storeUnavailable');
  });
}
