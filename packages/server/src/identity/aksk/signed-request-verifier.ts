import type { Clock } from '../../clock/clock.js';
import { ApiError } from '../../errors/api-error.js';
import type { CredentialStore, IdentityStore } from '../../store/interfaces.js';
import type { SignedParts } from './canonical-request.js';
import type { CredentialVault } from './credential-vault.js';
import { LOCKOUT } from './lockout.js';
import { parseAuthorization, verifySignature } from './signature.js';

/** Who signed a request: the access key and the user owning it. */
export interface Signer {
  accessKey: string;
  userId: string;
}

/** Verifies an `SDK-HMAC-SHA256` request, or throws 401 APIGW.0301. */
export type SignedRequestVerifier = (request: SignedParts) => Promise<Signer>;

/**
 * Every refusal is the same 401 `verify aksk signature fail`: an unknown, disabled or locked key,
 * a disabled user, a bad signature or a stale date cannot be told apart by the caller. A bad
 * signature or date of an existing key counts towards its lockout, in the database.
 */
export function createSignedRequestVerifier(deps: {
  store: CredentialStore & IdentityStore;
  vault: CredentialVault | undefined;
  /** The signature's date is checked against the server's clock (virtual in the emulator). */
  clock: Clock;
  /**
   * Lockouts count failures and last in real wall time, shared by the nodes through the database:
   * they slow down whoever guesses, and a virtual clock standing still must not lock a key forever.
   */
  lockoutClock: Clock;
}): SignedRequestVerifier {
  const { store, vault, clock, lockoutClock } = deps;
  const refuse = () => new ApiError('signatureInvalid');
  return async (request) => {
    const authorization = parseAuthorization(request.headers.authorization);
    if (!authorization || !vault) throw refuse();
    const credential = await store.findCredential(authorization.accessKey);
    const wallNow = lockoutClock.now();
    if (!credential?.enabled || (credential.lockedUntil !== null && wallNow < credential.lockedUntil))
      throw refuse();
    const secret = vault.open(credential.accessKey, credential.sealedSecret);
    if (secret === undefined) throw refuse();
    if (!verifySignature(request, authorization, secret, clock.now())) {
      await store.recordSignatureFailure(credential.accessKey, wallNow, LOCKOUT);
      throw refuse();
    }
    const subject = await store.tokenSubject(credential.userId, null);
    if (!subject?.enabled) throw refuse();
    return { accessKey: credential.accessKey, userId: credential.userId };
  };
}
