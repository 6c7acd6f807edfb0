import type { TSchema } from 'typebox';
import { FaultListResponseSchema, FaultResponseSchema, FaultRuleBodySchema } from './schemas/faults.js';
import { ErrorBodySchema, GatewayErrorBodySchema } from './schemas/jobs.js';

const json = (schema: TSchema, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});
const ddmError = (description: string) => json(ErrorBodySchema, description);
const responses = {
  '401': json(
    GatewayErrorBodySchema,
    'APIGW.0301: no or bad credentials; APIGW.0307: expired or revoked token',
  ),
  '403': json(GatewayErrorBodySchema, 'APIGW.0302: without the role service'),
  '404': json(GatewayErrorBodySchema, 'APIGW.0101: the server is not an emulator (start it with --emulator)'),
};
const EMULATOR_ONLY = 'Emulator only (--emulator; without it 404 APIGW.0101, as an unknown route). ';

/** The emulator's faults on demand (docs/api.md, "Faults on demand"). */
export function faultPaths(): Record<string, object> {
  return {
    '/internal/v1/faults': {
      post: {
        operationId: 'AddFault',
        summary: 'Add a fault rule (role service)',
        description:
          `${EMULATOR_ONLY}The rule matches calls of the tenant API and the Keystone token routes (never the ` +
          'internal API) by operation, or by method and path, optionally of one project; fires always, on the ' +
          'next N matching calls, or with a seeded probability; answers an error of the table, adds latency, ' +
          'drops the connection or cuts the body short.',
        'x-ddm-jobs-extension': true,
        requestBody: { required: true, content: { 'application/json': { schema: FaultRuleBodySchema } } },
        responses: {
          '201': json(FaultResponseSchema, 'Added; `fire.seed` is the seed given or drawn'),
          '400': ddmError(
            'DBS.280001: the rule breaks a rule of its own (the message names the field), or 100 rules are held',
          ),
          ...responses,
        },
      },
      get: {
        operationId: 'ListFaults',
        summary:
          'The fault rules held, in the order they are tried, each with how often it fired (role service)',
        description: EMULATOR_ONLY,
        'x-ddm-jobs-extension': true,
        responses: { '200': json(FaultListResponseSchema, 'The rules'), ...responses },
      },
      delete: {
        operationId: 'RemoveFaults',
        summary: 'Remove every fault rule (role service)',
        description: EMULATOR_ONLY,
        'x-ddm-jobs-extension': true,
        responses: { '204': { description: 'Removed' }, ...responses },
      },
    },
    '/internal/v1/faults/{fault_id}': {
      delete: {
        operationId: 'RemoveFault',
        summary: 'Remove one fault rule (role service)',
        description: EMULATOR_ONLY,
        'x-ddm-jobs-extension': true,
        parameters: [{ name: 'fault_id', in: 'path', required: true, schema: { type: 'string' } }],
        responses: {
          '204': { description: 'Removed' },
          ...responses,
          '404': ddmError('DDMJOBS.0431: no rule has this id; APIGW.0101: the server is not an emulator'),
        },
      },
    },
  };
}
