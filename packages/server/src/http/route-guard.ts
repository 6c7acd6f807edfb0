import type { FastifyInstance, FastifyRequest } from 'fastify';
import { isSigned } from '../identity/aksk/signature.js';
import type { Authenticator, Principal } from '../identity/authenticate.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The caller a service guard authenticated (routes that need who it is, e.g. to count streams). */
    principal?: Principal;
  }
}

/**
 * Guards every route of a plugin with `authenticate`. A token is checked before any body is read;
 * a signature covers the body, so it is checked once the body is read (a body that did not parse
 * is refused only after, see http/raw-json-body.ts). Register it in the route plugin's own scope
 * so that it guards those routes only.
 */
export function guardCallers(
  app: FastifyInstance,
  authenticate: (request: FastifyRequest) => Promise<unknown>,
): void {
  app.addHook('onRequest', async (request) => {
    if (!isSigned(request.headers)) await authenticate(request);
  });
  app.addHook('preValidation', async (request) => {
    if (isSigned(request.headers)) await authenticate(request);
  });
}

/** Guards a plugin's routes for control-plane callers (role `service`). */
export function guardForService(app: FastifyInstance, auth: Authenticator): void {
  guardCallers(app, async (request) => {
    request.principal = await auth.forService(request);
  });
}
