import type { Clock } from '../clock.js';
import { ApiError } from '../http/api-error.js';
import type { IdentityStore } from '../store/types.js';
import type { TokenCodec, TokenPayload } from './tokens.js';

export interface Principal {
  userId: string;
  projectId: string | null;
  roles: string[];
  /** The local token's payload; absent when an external IAM vouched for the token. */
  token?: TokenPayload;
}

export type TokenCheck =
  | { ok: true; principal: Principal }
  | { ok: false; reason: 'missing' | 'invalid' | 'expired' };

/**
 * Checks a token as the gateway does: it must decrypt, be unexpired, and its user must still
 * exist, be enabled and have the password it had when the token was issued. The user's state is
 * read from the store on every request, so a change on any node takes effect on every node.
 */
export async function checkToken(
  token: string | undefined,
  codec: TokenCodec,
  identity: IdentityStore,
  clock: Clock,
): Promise<TokenCheck> {
  if (!token) return { ok: false, reason: 'missing' };
  const payload = codec.open(token);
  if (!payload) return { ok: false, reason: 'invalid' };
  if (clock.now() >= payload.e) return { ok: false, reason: 'expired' };
  const subject = await identity.tokenSubject(payload.u, payload.p);
  if (!subject?.enabled || subject.tokenEpoch !== payload.v) return { ok: false, reason: 'expired' };
  return {
    ok: true,
    principal: { userId: payload.u, projectId: payload.p, roles: subject.roles, token: payload },
  };
}

/** Checks one `X-Auth-Token`: against the local identities, or an external IAM. */
export type TokenChecker = (token: string | undefined) => Promise<TokenCheck>;

export const localTokenChecker =
  (codec: TokenCodec, identity: IdentityStore, clock: Clock): TokenChecker =>
  (token) =>
    checkToken(token, codec, identity, clock);

const FAILURES = { missing: 'tokenMissing', invalid: 'tokenInvalid', expired: 'tokenExpired' } as const;

export interface Authenticator {
  /**
   * The principal for a tenant route: a valid token scoped to `projectId`, with a role on it.
   * `declaredProjectId` is the request's `X-Project-Id`: when sent, it must name the same project.
   */
  forProject(
    token: string | undefined,
    projectId: string,
    declaredProjectId?: string | null,
  ): Promise<Principal>;
  /** The principal for the internal API: a valid token whose roles include `service`. */
  forService(token: string | undefined): Promise<Principal>;
}

export function createAuthenticator(checkTokenOf: TokenChecker): Authenticator {
  const authenticate = async (token: string | undefined) => {
    const check = await checkTokenOf(token);
    if (!check.ok) throw new ApiError(FAILURES[check.reason]);
    return check.principal;
  };
  return {
    async forProject(token, projectId, declaredProjectId) {
      const principal = await authenticate(token);
      if (principal.projectId !== projectId || principal.roles.length === 0)
        throw new ApiError('notAuthorized');
      if (declaredProjectId !== undefined && declaredProjectId !== projectId) {
        throw new ApiError('notAuthorized');
      }
      return principal;
    },
    async forService(token) {
      const principal = await authenticate(token);
      if (!principal.roles.includes(SERVICE_ROLE)) throw new ApiError('notAuthorized');
      return principal;
    },
  };
}

/** The role a control-plane worker needs for the internal API. */
export const SERVICE_ROLE = 'service';
