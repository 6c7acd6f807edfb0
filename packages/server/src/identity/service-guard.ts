import type { FastifyInstance } from 'fastify';
import { isSigned } from './aksk/signature.js';
import type { Authenticator } from './authenticate.js';

/**
 * Guards every route of a plugin for control-plane callers (role `service`). A token is checked
 * before any body is read; a signature covers the body, so it is checked once the body is read
 * (a body that did not parse is refused only after, see http/raw-json-body.ts). Register it in
 * the route plugin's own scope so that it guards those routes only.
 */
export function guardForService(app: FastifyInstance, auth: Authenticator): void {
  app.addHook('onRequest', async (request) => {
    if (!isSigned(request.headers)) await auth.forService(request);
  });
  app.addHook('preValidation', async (request) => {
    if (isSigned(request.headers)) await auth.forService(request);
  });
}
