// Bodies of `POST /v3/auth/tokens` for Keystone's password method, as clients send them.

/** A user as the password method names one: by name and domain, by id, or malformed on purpose. */
export type UserRef = Record<string, unknown>;

/**
 * The password sign-in body for `user`, with `scope` when given:
 * `passwordAuth({ id, password }, { project: { name: 'p', domain: { id: 'default' } } })`.
 */
export function passwordAuth(user: UserRef, scope?: unknown) {
  return {
    auth: {
      identity: { methods: ['password'], password: { user } },
      ...(scope === undefined ? {} : { scope }),
    },
  };
}

/**
 * The usual sign-in: a user by name in a domain by name (`default` unless given), scoped to a
 * project by id when one is given, else unscoped:
 * `passwordSignIn({ name: 'alice', password: 'p' }, PROJECT_A)`.
 */
export function passwordSignIn(
  user: { name: string; password: string; domain?: string },
  projectId?: string,
) {
  return passwordAuth(
    { name: user.name, domain: { name: user.domain ?? 'default' }, password: user.password },
    projectId ? { project: { id: projectId } } : undefined,
  );
}
