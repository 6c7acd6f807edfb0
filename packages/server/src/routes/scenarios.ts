import { FAULT_LIMITS, ScenarioResponseSchema } from '@ddm-jobs/contract';
import type { FastifyInstance } from 'fastify';
import { ApiError } from '../errors/api-error.js';
import type { FaultRegistry } from '../faults/registry.js';
import { guardForService } from '../http/route-guard.js';
import type { Authenticator } from '../identity/authenticate.js';
import { type ApplyDeps, applyScenario, parseScenario, ScenarioError } from '../simulator/index.js';

/** A scenario is larger than a task body: hundreds of tasks with their timelines. */
export const SCENARIO_BODY_LIMIT_BYTES = 1024 * 1024;

const YAML_TYPES = ['application/yaml', 'text/yaml'];

/**
 * `POST /internal/v1/scenarios` (role `service`): applies a scenario sent as JSON or YAML, the
 * same document as `serve --scenario FILE`. A bad scenario is 400 DBS.280001 naming the field,
 * and then nothing was recorded.
 */
export function scenarioRoutes(
  app: FastifyInstance,
  deps: ApplyDeps & { auth: Authenticator; faults?: FaultRegistry | undefined },
): void {
  guardForService(app, deps.auth);
  // The bytes are kept as the JSON parser keeps them: an AK/SK signature covers them.
  app.addContentTypeParser(
    YAML_TYPES,
    { parseAs: 'buffer', bodyLimit: SCENARIO_BODY_LIMIT_BYTES },
    (request, body, done) => {
      request.rawBody = body as Buffer;
      done(null, undefined);
    },
  );
  // Any other type (this scope only): the gateway's 415, naming YAML too, which this route takes.
  app.addContentTypeParser('*', (_request, _payload, done) => {
    done(new ApiError('unsupportedMediaType', `or YAML (${YAML_TYPES.join(', ')})`), undefined);
  });

  app.post(
    '/internal/v1/scenarios',
    { bodyLimit: SCENARIO_BODY_LIMIT_BYTES, schema: { response: { 201: ScenarioResponseSchema } } },
    async (request, reply) => {
      try {
        const scenario = parseScenario(request.rawBody?.toString('utf8') ?? '', 'the request body');
        if (scenario.faults && !deps.faults)
          throw new ApiError('parameter', "faults are the emulator's: start the server with --emulator.");
        // Checked before anything is recorded: the rules held and the scenario's within the limit.
        if (
          scenario.faults &&
          (deps.faults?.list().length ?? 0) + scenario.faults.length > FAULT_LIMITS.rules
        )
          throw new ApiError('parameter', `At most ${FAULT_LIMITS.rules} fault rules are held at once.`);
        const result = await applyScenario(deps, scenario);
        for (const rule of scenario.faults ?? []) deps.faults?.add(rule);
        reply.code(201);
        return result;
      } catch (error) {
        if (error instanceof ScenarioError) throw new ApiError('parameter', error.detail);
        throw error;
      }
    },
  );
}
