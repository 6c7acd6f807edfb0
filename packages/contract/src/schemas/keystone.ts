import { type Static, Type } from '../typebox.js';

/** A domain, project or user named by id, or by name (and, for projects and users, domain). */
const DomainRef = Type.Object({ id: Type.Optional(Type.String()), name: Type.Optional(Type.String()) });

/** `POST /v3/auth/tokens` with Keystone v3's password method. */
export const TokenRequestSchema = Type.Object({
  auth: Type.Object({
    identity: Type.Object({
      methods: Type.Array(Type.String(), { minItems: 1 }),
      password: Type.Object({
        user: Type.Object({
          id: Type.Optional(Type.String()),
          name: Type.Optional(Type.String()),
          domain: Type.Optional(DomainRef),
          password: Type.String(),
        }),
      }),
    }),
    scope: Type.Optional(
      Type.Union([
        Type.Object({
          project: Type.Object({
            id: Type.Optional(Type.String()),
            name: Type.Optional(Type.String()),
            domain: Type.Optional(DomainRef),
          }),
        }),
        Type.Literal('unscoped'),
      ]),
    ),
  }),
});
export type TokenRequest = Static<typeof TokenRequestSchema>;

const NamedRef = Type.Object({ id: Type.String(), name: Type.String() });

const CatalogEntry = Type.Object({
  endpoints: Type.Array(
    Type.Object({
      id: Type.String(),
      interface: Type.String(),
      region: Type.String(),
      region_id: Type.String(),
      url: Type.String(),
    }),
  ),
  id: Type.String(),
  type: Type.String(),
  name: Type.String(),
});

/** The token body Keystone answers, which keystoneauth and the `openstack` command read. */
export const TokenBodySchema = Type.Object({
  token: Type.Object({
    methods: Type.Array(Type.String()),
    user: Type.Object({
      domain: NamedRef,
      id: Type.String(),
      name: Type.String(),
      password_expires_at: Type.Null(),
    }),
    audit_ids: Type.Array(Type.String()),
    expires_at: Type.String({ description: 'e.g. 2026-11-29T15:41:38.000000Z' }),
    issued_at: Type.String(),
    project: Type.Optional(Type.Object({ domain: NamedRef, id: Type.String(), name: Type.String() })),
    is_domain: Type.Optional(Type.Boolean()),
    roles: Type.Optional(Type.Array(NamedRef)),
    catalog: Type.Optional(Type.Array(CatalogEntry)),
  }),
});
export type TokenBody = Static<typeof TokenBodySchema>;
