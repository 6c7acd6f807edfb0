import type { Clock } from '../clock/clock.js';
import type { CredentialStore, IdentityStore } from '../store/interfaces.js';
import type { CallerRequest, Principal, TokenChecker } from './authenticate.js';
import { authToken, declaredProjectId } from './headers.js';
import { SERVICE_ROLE } from './roles.js';

/**
 * Why a caller that was let in may no longer read, in the words an open stream ends with. Each
 * stands for what an ordinary request with the same credential would now be answered, so it tells
 * the client nothing it could not learn by sending one:
 * - `token_expired`: the token's own lifetime is over (401);
 * - `credentials_revoked`: the token or access key no longer authenticates: the user was disabled
 *   or deleted, its password changed, the key disabled or deleted (401);
 * - `access_revoked`: the credential still authenticates but no longer reaches what the stream
 *   shows: no role left on the project, or no `service` role for the internal feed (403).
 */
export type AccessLoss = 'token_expired' | 'credentials_revoked' | 'access_revoked';

/** Asks again whether the caller still may read: undefined while it may, else why not. */
export type StandingCheck = () => Promise<AccessLoss | undefined>;

/** How often an open stream asks again, by default: revocation reaches it within a few seconds. */
export const DEFAULT_STANDING_CHECK_MS = 2_000;

/**
 * The checks a long-lived answer (an event stream) repeats while it is open, so that revoking a
 * credential ends it as it refuses the next request. They are the checks of an ordinary request,
 * read from the store each time (on PostgreSQL through the token-subject cache that every node
 * clears on a notification of an identity change; access keys are read uncached), except that a
 * signature is not verified again: its date was checked when the stream opened, and a stream
 * outlives the 15 minutes a signature's date may lie from the clock.
 */
export interface StandingChecks {
  /** For a tenant route's stream opened by `principal` on `projectId`: any role on it may read. */
  forProject(request: CallerRequest, principal: Principal, projectId: string): StandingCheck;
  /** For the internal feed opened by `principal`: the role `service`, found as the guard found it. */
  forService(request: CallerRequest, principal: Principal): StandingCheck;
}

export function createStandingChecks(deps: {
  /** The same token checker the authenticator uses (local, or an external IAM with its cache). */
  checkToken: TokenChecker;
  store: IdentityStore & CredentialStore;
  clock: Clock;
}): StandingChecks {
  const { checkToken, store, clock } = deps;

  /** The token's principal now, or why it no longer counts. */
  const tokenNow = async (token: string | undefined, opened: Principal): Promise<Principal | AccessLoss> => {
    // Told apart from a revocation: a client holding a password signs in again at once.
    if (opened.token && clock.now() >= opened.token.e) return 'token_expired';
    const check = await checkToken(token);
    return check.ok && check.principal.userId === opened.userId ? check.principal : 'credentials_revoked';
  };
  /** Whether the access key still counts: it exists, is enabled and is still its user's. */
  const keyCounts = async (accessKey: string, userId: string) => {
    const credential = await store.findCredential(accessKey);
    return credential?.enabled === true && credential.userId === userId;
  };

  return {
    forProject(request, opened, projectId) {
      const token = authToken(request.headers);
      const { accessKey, userId } = opened;
      return async () => {
        if (accessKey === undefined) {
          const now = await tokenNow(token, opened);
          if (typeof now === 'string') return now;
          return now.projectId === projectId && now.roles.length > 0 ? undefined : 'access_revoked';
        }
        if (!(await keyCounts(accessKey, userId))) return 'credentials_revoked';
        const subject = await store.tokenSubject(userId, projectId);
        if (!subject?.enabled) return 'credentials_revoked';
        return subject.roles.length > 0 ? undefined : 'access_revoked';
      };
    },
    forService(request, opened) {
      const token = authToken(request.headers);
      const declared = declaredProjectId(request.headers);
      const { accessKey, userId } = opened;
      return async () => {
        if (accessKey === undefined) {
          const now = await tokenNow(token, opened);
          if (typeof now === 'string') return now;
          return now.roles.includes(SERVICE_ROLE) ? undefined : 'access_revoked';
        }
        if (!(await keyCounts(accessKey, userId))) return 'credentials_revoked';
        const subject = await store.tokenSubject(userId, null);
        if (!subject?.enabled) return 'credentials_revoked';
        // As the guard looked: on the X-Project-Id project when sent, else on any project.
        const grants = await store.listRoleAssignments(
          typeof declared === 'string' ? { userId, projectId: declared } : { userId },
        );
        return grants.some((g) => g.role === SERVICE_ROLE) ? undefined : 'access_revoked';
      };
    },
  };
}
