import type { FastifyInstance } from 'fastify';
import { ApiError } from '../errors/api-error.js';

/**
 * A node listens before it applies its declarations (the bootstrap file, the first admin, the
 * demo and scenario tasks: serve.ts), so that a port already taken stops the start before any of
 * them is written. A request that arrives in between waits until that work is done and is then
 * answered as any other, never with a 5xx for a state it caught half made. Should the start fail,
 * the requests waiting are refused as a closing node refuses them (503 APIGW.0202 with
 * Retry-After), for the process is about to exit.
 */
export function installStartupGate(app: FastifyInstance, startup: Promise<unknown>): void {
  let open = false;
  let failed = false;
  const settled = startup.then(
    () => {
      open = true;
    },
    () => {
      failed = true;
    },
  );
  app.addHook('onRequest', async (_request, reply) => {
    if (!open && !failed) await settled;
    if (!failed) return;
    reply.header('retry-after', '1');
    throw new ApiError('storeUnavailable');
  });
}
