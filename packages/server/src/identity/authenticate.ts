import type { IncomingHttpHeaders } from 'node:http';
import type { Clock } from '../clock/clock.js';
import { ApiError } from '../errors/api-error.js';
import type { IdentityStore } from '../store/interfaces.js';
import type { CallerKind, CredentialThrottle } from '../throttling/throttling.js';
import { isSigned } from './aksk/signature.js';
import type { SignedRequestVerifier } from './aksk/signed-request-verifier.js';
import { authToken, declaredProjectId } from './headers.js';
import { DEFAULT_ACTION_ROLES, holdsAny, SERVICE_ROLE } from './roles.js';
import type { TokenCodec, TokenPayload } from './tokens.js';

export interface Principal {
  userId: string;
  projectId: string | null;
  roles: string[];
  /** The local token's payload; absent when an external IAM vouched for the token. */
  token?: TokenPayload;
  /** The access key that signed the request, for an AK/SK caller. */
  accessKey?: string;
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

/** What authentication reads of a request: its headers, and for a signature all of it. */
export interface CallerRequest {
  method: string;
  /** The raw request target (path and query as sent). */
  url: string;
  headers: IncomingHttpHeaders;
  /** The body's bytes as received; none for a request without a body. */
  rawBody?: Buffer | undefined;
  /** The caller's address, for throttling. */
  ip?: string | undefined;
}

export interface Authenticator {
  /**
   * The principal for a tenant route: a valid token scoped to `projectId`, or a valid
   * signature by a user, with a role on that project. The request's `X-Project-Id`, when sent,
   * must name the same project.
   */
  forProject(request: CallerRequest, projectId: string): Promise<Principal>;
  /**
   * The principal for a route that changes the project's tasks: as `forProject`, and the role on
   * the project must be one of the action roles (else 403 APIGW.0302), token and signature alike.
   */
  forAction(request: CallerRequest, projectId: string): Promise<Principal>;
  /**
   * The principal for the internal API, which must hold the role `service`: on a token's
   * project, or for a signature on the `X-Project-Id` project when sent, else on any project.
   */
  forService(request: CallerRequest): Promise<Principal>;
}

export interface AuthenticatorOptions {
  /** Verifies `SDK-HMAC-SHA256` signatures; without it every signed request is refused. */
  verifySigned?: SignedRequestVerifier;
  /** The roles of a signature's user (tokens carry theirs); needed with `verifySigned`. */
  identity?: IdentityStore;
  /** Admits one request of an authenticated credential, or throws (throttling). */
  admit?: CredentialThrottle;
  /** The roles that may change tasks (`--action-roles`); DEFAULT_ACTION_ROLES when not given. */
  actionRoles?: readonly string[];
}

export function createAuthenticator(
  checkTokenOf: TokenChecker,
  options: AuthenticatorOptions = {},
): Authenticator {
  const { verifySigned, identity, admit } = options;
  const actionRoles = options.actionRoles ?? DEFAULT_ACTION_ROLES;
  /** The credential a principal's requests count against: its access key, or its token's user. */
  const credentialOf = (principal: Principal) =>
    principal.accessKey === undefined ? `user ${principal.userId}` : `ak ${principal.accessKey}`;
  const count = (request: CallerRequest, principal: Principal, kind: CallerKind) =>
    admit?.(credentialOf(principal), kind, request.ip);
  const authenticate = async (request: CallerRequest) => {
    const check = await checkTokenOf(authToken(request.headers));
    if (!check.ok) throw new ApiError(FAILURES[check.reason]);
    return check.principal;
  };
  const signer = async (request: CallerRequest) => {
    if (!verifySigned || !identity) throw new ApiError('signatureInvalid');
    // Named one by one: a Fastify request's fields are getters, which a spread would not copy.
    const { method, url, headers } = request;
    const signer = await verifySigned({ method, url, headers, body: request.rawBody ?? '' });
    return { signer, identity };
  };
  const api: Authenticator = {
    async forProject(request, projectId) {
      const declared = declaredProjectId(request.headers);
      let principal: Principal;
      if (isSigned(request.headers)) {
        const { signer: by, identity: store } = await signer(request);
        principal = {
          userId: by.userId,
          projectId,
          roles: await store.rolesOn(by.userId, projectId),
          accessKey: by.accessKey,
        };
      } else principal = await authenticate(request);
      count(request, principal, 'tenant');
      if (principal.projectId !== projectId || principal.roles.length === 0)
        throw new ApiError('notAuthorized');
      if (declared !== undefined && declared !== projectId) throw new ApiError('notAuthorized');
      return principal;
    },
    async forAction(request, projectId) {
      const principal = await api.forProject(request, projectId);
      if (!holdsAny(principal.roles, actionRoles)) throw new ApiError('notAuthorized');
      return principal;
    },
    async forService(request) {
      // A caller without the role counts as a tenant: only a worker's requests count as a worker's.
      const refuse = (principal: Principal) => {
        count(request, principal, 'tenant');
        return new ApiError('notAuthorized');
      };
      if (!isSigned(request.headers)) {
        const principal = await authenticate(request);
        if (!principal.roles.includes(SERVICE_ROLE)) throw refuse(principal);
        count(request, principal, 'service');
        return principal;
      }
      const { signer: by, identity: store } = await signer(request);
      const signed: Principal = { userId: by.userId, projectId: null, roles: [], accessKey: by.accessKey };
      const declared = declaredProjectId(request.headers);
      if (declared === null) throw refuse(signed);
      const grants = await store.listRoleAssignments(
        declared === undefined ? { userId: by.userId } : { userId: by.userId, projectId: declared },
      );
      const service = grants.find((g) => g.role === SERVICE_ROLE);
      if (!service) throw refuse(signed);
      const principal = { ...signed, projectId: service.projectId, roles: [SERVICE_ROLE] };
      count(request, principal, 'service');
      return principal;
    },
  };
  return api;
}
