import { type Static, Type } from '../typebox.js';
import { withRule } from '../validate.js';
import { Identifier } from './fields.js';

/**
 * The emulator's tenant per test (docs/testing.md): `POST /internal/v1/tenants` makes a project,
 * a user with role te_admin on it and an access key in one call, and `POST /internal/v1/reset`
 * with a project empties that project alone.
 */

/** Names a shell, a URL and an OpenStack variable take as they are. */
export const TENANT_NAME_PATTERN = '^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$';

export const TenantCreateBodySchema = Type.Object(
  {
    name: Type.Optional(
      withRule(
        Type.String({ pattern: TENANT_NAME_PATTERN }),
        'must be 1 to 64 letters, digits, ".", "_" or "-", starting with a letter or digit',
      ),
    ),
  },
  { additionalProperties: false },
);
export type TenantCreateBody = Static<typeof TenantCreateBodySchema>;

const Named = Type.Object({ id: Type.String(), name: Type.String() }, { additionalProperties: false });

/** The new tenant: who it is, its secrets (shown this once), and where to reach the emulator. */
export const TenantResponseSchema = Type.Object(
  {
    project: Named,
    domain: Named,
    user: Type.Object(
      { id: Type.String(), name: Type.String(), password: Type.String() },
      { additionalProperties: false },
    ),
    role: Type.String({ description: 'The role the user holds on the project: te_admin' }),
    access_key: Type.Object(
      {
        access: Type.String({ description: 'The access key (AK)' }),
        secret: Type.String({ description: 'The secret key (SK), shown this once' }),
      },
      { additionalProperties: false },
    ),
    auth_url: Type.String({ description: "The identity service's URL (Keystone v3), OS_AUTH_URL" }),
    endpoint: Type.String({ description: "The DDM endpoint the task API's paths follow" }),
  },
  { additionalProperties: false },
);
export type TenantResponse = Static<typeof TenantResponseSchema>;

/** `POST /internal/v1/reset`'s optional body: a project to empty alone. */
export const ResetBodySchema = Type.Object(
  {
    project_id: Type.Optional(Identifier()),
  },
  { additionalProperties: false },
);
export type ResetBody = Static<typeof ResetBodySchema>;
