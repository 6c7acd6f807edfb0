import type { FastifyInstance } from 'fastify';
import { ThrottledError } from '../errors/throttled-error.js';
import type { Throttling } from '../throttling/throttling.js';

/**
 * Counts every request per source address before anything else is done with it, and sets
 * `Retry-After` on every 429 APIGW.0308, whoever refused (the address, a credential, a stream slot).
 */
export function installThrottling(app: FastifyInstance, throttling: Throttling): void {
  app.addHook('onRequest', async (request) => throttling.admitAddress(request.ip));
  // onError runs before the error handler and may add headers: the one place Retry-After is set.
  app.addHook('onError', async (_request, reply, error) => {
    if (error instanceof ThrottledError) reply.header('retry-after', String(error.retryAfterSeconds));
  });
}
