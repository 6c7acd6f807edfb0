import type { Clock } from '../clock/clock.js';
import { ThrottledError } from '../errors/throttled-error.js';
import { createTokenBuckets } from './token-buckets.js';

/** Requests a second; 0 turns a limit off. */
export interface RateLimits {
  /** Per tenant credential (a token's user, or an access key) on the tenant routes. */
  perCredential: number;
  /**
   * Per credential of a control-plane worker (role `service`) on the internal API: workers report
   * for every tenant at once, so theirs is a limit of its own, far above a tenant's.
   */
  perServiceCredential: number;
  /** Per source address, on every route (the identity routes count per address only). */
  perAddress: number;
}

export const DEFAULT_RATE_LIMITS: RateLimits = {
  perCredential: 100,
  perServiceCredential: 10_000,
  perAddress: 1000,
};

/** Who a credential's request counts as: a tenant, or a worker on the internal API. */
export type CallerKind = 'tenant' | 'service';

/**
 * Admits one request of an authenticated credential from `address`, or throws ThrottledError.
 * A service caller's request is given back to its address's bucket: the address limit is there
 * for requests nobody vouches for, and a worker sends far more than one address's share.
 */
export type CredentialThrottle = (credential: string, kind: CallerKind, address: string | undefined) => void;

export interface Throttling {
  /** Admits one request from a source address, or throws ThrottledError. */
  admitAddress(address: string): void;
  admit: CredentialThrottle;
  /** Refills every bucket (the emulator's reset). */
  reset(): void;
}

/**
 * Requests counted per source address (before anything else is done with a request) and per
 * credential (by the authenticator, which knows the credential only once it is verified, so that
 * a stranger cannot spend someone else's allowance with a made-up token), tenants and workers
 * apart.
 */
export function createThrottling(limits: RateLimits, clock: Clock): Throttling {
  const addresses = createTokenBuckets(limits.perAddress, clock);
  const credentials = {
    tenant: createTokenBuckets(limits.perCredential, clock),
    service: createTokenBuckets(limits.perServiceCredential, clock),
  };
  const admitOne = (buckets: typeof addresses, key: string) => {
    const admitted = buckets.take(key);
    if (!admitted.ok) throw new ThrottledError(admitted.retryAfterSeconds);
  };
  return {
    admitAddress: (address) => admitOne(addresses, address),
    admit(credential, kind, address) {
      admitOne(credentials[kind], credential);
      if (kind === 'service' && address !== undefined) addresses.giveBack(address);
    },
    reset() {
      addresses.clear();
      credentials.tenant.clear();
      credentials.service.clear();
    },
  };
}
