import type { Tenant } from './identities.js';
import type { ServiceApi } from './service-api.js';

/** `POST /internal/v1/tenants`' answer (docs/api.md, "Tenants"). */
interface CreatedTenant {
  project: { id: string; name: string };
  domain: { id: string; name: string };
  user: { id: string; name: string; password: string };
  access_key: { access: string; secret: string };
  auth_url: string;
  endpoint: string;
}

/** A fresh project, a user with role te_admin on it and an access key, in one call. */
export async function createTenant(api: ServiceApi, name: string | undefined): Promise<Tenant> {
  const created = await api.call<CreatedTenant>(
    'POST',
    '/internal/v1/tenants',
    name === undefined ? {} : { name },
    [201],
  );
  return {
    projectId: created.project.id,
    projectName: created.project.name,
    domainId: created.domain.id,
    domainName: created.domain.name,
    userId: created.user.id,
    username: created.user.name,
    password: created.user.password,
    accessKey: created.access_key.access,
    secretKey: created.access_key.secret,
    authUrl: created.auth_url,
    endpoint: created.endpoint,
  };
}
