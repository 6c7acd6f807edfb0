import type { FastifyInstance, FastifyReply } from 'fastify';
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
  const refuse = (reply: FastifyReply, done: (error?: Error) => void) => {
    reply.header('retry-after', '1');
    done(new ApiError('storeUnavailable'));
  };
  // A callback hook, not an async one: once open, every request passes without a promise.
  app.addHook('onRequest', (_request, reply, done) => {
    if (open) return done();
    if (failed) return refuse(reply, done);
    settled.then(() => (failed ? refuse(reply, done) : done()));
  });
}
