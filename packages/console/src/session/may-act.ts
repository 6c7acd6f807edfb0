import type { PolicyResponse } from '@ddm-jobs/contract/wire';
import { readHttpError } from '../api/http-error.js';

/**
 * Whether a user holding `roles` on the project may act on its tasks: one of them must be among
 * the server's action roles (`GET /policy`). The server refuses anyone else anyway (403); this
 * only spares such a user buttons it may not use.
 */
export async function mayActWith(roles: readonly string[]): Promise<boolean> {
  const response = await fetch('/policy', { cache: 'no-store' });
  if (response.status !== 200) throw await readHttpError(response);
  const policy = (await response.json()) as Partial<PolicyResponse>;
  const actionRoles = Array.isArray(policy.action_roles) ? policy.action_roles : [];
  return roles.some((role) => actionRoles.includes(role));
}
