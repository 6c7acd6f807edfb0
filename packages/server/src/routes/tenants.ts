import {
  createValidator,
  type TenantCreateBody,
  TenantCreateBodySchema,
  TenantResponseSchema,
} from '@ddm-jobs/contract';
import type { FastifyInstance } from 'fastify';
import type { Clock } from '../clock/clock.js';
import { ApiError } from '../errors/api-error.js';
import { guardForService } from '../http/route-guard.js';
import type { CredentialVault } from '../identity/aksk/credential-vault.js';
import type { Authenticator } from '../identity/authenticate.js';
import { createTenant } from '../identity/tenants.js';
import type { CredentialStore, IdentityStore } from '../store/interfaces.js';

export interface TenantRoutesDeps {
  auth: Authenticator;
  store: IdentityStore & CredentialStore;
  vault: CredentialVault;
  clock: Clock;
  /** The URL clients use to reach this server (`--public-url`); else the request's own, as the catalog's. */
  publicUrl: string | undefined;
}

const validateBody = createValidator<TenantCreateBody>(TenantCreateBodySchema);

/**
 * `POST /internal/v1/tenants` (emulator only, role `service`): a tenant per test, made in one call
 * (identity/tenants.ts), with where to reach the emulator. The answer holds the password and the
 * secret key, shown this once; no log line carries them (the request log names the route only).
 */
export function tenantRoutes(app: FastifyInstance, deps: TenantRoutesDeps): void {
  guardForService(app, deps.auth);
  app.post(
    '/internal/v1/tenants',
    { schema: { response: { 201: TenantResponseSchema } } },
    async (request, reply) => {
      const checked = validateBody(request.body ?? {});
      if (!checked.ok) throw new ApiError('parameter', checked.detail);
      const tenant = await createTenant(deps, checked.value.name);
      const base = deps.publicUrl ?? `${request.protocol}://${request.host}`;
      reply.code(201);
      return {
        project: tenant.project,
        domain: tenant.domain,
        user: tenant.user,
        role: tenant.role,
        access_key: tenant.accessKey,
        auth_url: `${base}/v3`,
        endpoint: base,
      };
    },
  );
}
