import { FaultListResponseSchema, FaultResponseSchema } from '@ddm-jobs/contract';
import type { FastifyInstance } from 'fastify';
import { ApiError } from '../errors/api-error.js';
import type { FaultRegistry } from '../faults/registry.js';
import { checkFaultRule } from '../faults/rules.js';
import { guardForService } from '../http/route-guard.js';
import type { Authenticator } from '../identity/authenticate.js';

/**
 * The emulator's faults on demand (role `service`, registered with `--emulator` only, so that
 * without it these paths are unknown routes): add a rule, list them, remove one or all. A bad
 * rule is 400 DBS.280001 naming the field, and nothing is added.
 */
export function faultRoutes(
  app: FastifyInstance,
  deps: { faults: FaultRegistry; auth: Authenticator },
): void {
  const { faults } = deps;
  guardForService(app, deps.auth);

  app.post(
    '/internal/v1/faults',
    { schema: { response: { 201: FaultResponseSchema } } },
    async (request, reply) => {
      const checked = checkFaultRule(request.body);
      if (!checked.ok) throw new ApiError('parameter', checked.detail);
      reply.code(201);
      return { fault: faults.add(checked.value) };
    },
  );

  app.get('/internal/v1/faults', { schema: { response: { 200: FaultListResponseSchema } } }, async () => ({
    faults: faults.list(),
  }));

  app.delete('/internal/v1/faults', async (_request, reply) => {
    faults.clear();
    return reply.code(204).send();
  });

  app.delete<{ Params: { id: string } }>('/internal/v1/faults/:id', async (request, reply) => {
    if (!faults.remove(request.params.id))
      throw new ApiError('faultNotFound', 'GET /internal/v1/faults lists them.');
    return reply.code(204).send();
  });
}
