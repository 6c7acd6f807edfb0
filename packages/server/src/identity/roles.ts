/**
 * The role model (docs/identity.md, "Roles"): who may read a project's tasks, who may change
 * them, who may use the internal API, and who may validate another user's token.
 *
 * - read (list, show, history, the tenant stream): any role on the project;
 * - act (the migration-task actions): a role among the action roles, `te_admin` by default;
 * - the internal API: `service`;
 * - validating another user's token: `admin` or `service` on the caller's project, as in
 *   Keystone's default policy (a token may always validate itself).
 */

/** The role a control-plane worker needs for the internal API. */
export const SERVICE_ROLE = 'service';

/** The roles that may change tasks unless the server is told otherwise: the cloud's Tenant Administrator. */
export const DEFAULT_ACTION_ROLES: readonly string[] = ['te_admin'];

/** Keystone's `admin_required or service_role`: the roles that may validate anyone's token. */
export const TOKEN_VALIDATOR_ROLES: readonly string[] = ['admin', SERVICE_ROLE];

/** A role name, as the bootstrap file and `ddm-jobs iam` accept it. */
export const ROLE_NAME_PATTERN = /^[A-Za-z0-9_.-]{1,64}$/;

/** True when `roles` hold at least one of `wanted`. */
export const holdsAny = (roles: readonly string[], wanted: readonly string[]): boolean =>
  roles.some((role) => wanted.includes(role));

/**
 * Reads a comma-separated list of role names (`--action-roles te_admin,ddm_operator`): spaces
 * around a name are dropped, and repeats; an empty name or one outside ROLE_NAME_PATTERN is refused
 * with a message naming it.
 */
export function parseRoleList(value: string): { roles: string[] } | { error: string } {
  const roles = value.split(',').map((role) => role.trim());
  const bad = roles.find((role) => !ROLE_NAME_PATTERN.test(role));
  if (bad !== undefined)
    return {
      error:
        bad === ''
          ? 'must be one or more role names separated by commas, none empty.'
          : `role "${bad.slice(0, 80)}" must be 1 to 64 of A-Z, a-z, 0-9, _, . and -.`,
    };
  return { roles: [...new Set(roles)] };
}
