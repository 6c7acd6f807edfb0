import type { TSchema } from 'typebox';
import { ErrorBodySchema, GatewayErrorBodySchema } from './schemas/jobs.js';
import { TenantCreateBodySchema, TenantResponseSchema } from './schemas/tenants.js';

const json = (schema: TSchema, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});

/** The emulator's tenant per test (docs/testing.md, "A tenant per test"). */
export function tenantPaths(): Record<string, object> {
  return {
    '/internal/v1/tenants': {
      post: {
        operationId: 'CreateTenant',
        summary: 'Make a tenant for one test: a project, a te_admin user and an access key (role service)',
        description:
          'Emulator only (--emulator; without it 404 APIGW.0101, as an unknown route). Project and user are ' +
          'both called `name` (by default `tenant-` and 12 random hex digits), in domain default. The answer ' +
          'holds the password and the secret key, shown this once.',
        'x-ddm-jobs-extension': true,
        requestBody: { required: false, content: { 'application/json': { schema: TenantCreateBodySchema } } },
        responses: {
          '201': json(TenantResponseSchema, 'Made: the ids, the secrets, the auth URL and the endpoint'),
          '400': json(ErrorBodySchema, 'DBS.280001: a bad name or another field'),
          '401': json(GatewayErrorBodySchema, 'APIGW.0301: no or bad credentials; APIGW.0307: expired token'),
          '403': json(GatewayErrorBodySchema, 'APIGW.0302: without the role service'),
          '404': json(GatewayErrorBodySchema, 'APIGW.0101: the server is not an emulator'),
          '409': json(ErrorBodySchema, 'DDMJOBS.0430: a project or user of domain default has this name'),
        },
      },
    },
  };
}
