import type { Clock } from '../clock/clock.js';
import { ThrottledError } from '../errors/throttled-error.js';
import { createTokenBuckets } from './token-buckets.js';

/** Requests a second; 0 turns a limit off. */
export interface RateLimits {
  /** Per credential: a token's user, or an access key. */
  perCredential: number;
  /** Per source address, on every route (the identity routes count per address only). */
  perAddress: number;
}

export const DEFAULT_RATE_LIMITS: RateLimits = { perCredential: 100, perAddress: 1000 };

/** Admits one request of a credential, or throws ThrottledError. */
export type CredentialThrottle = (credential: string) => void;

export interface Throttling {
  /** Admits one request from a source address, or throws ThrottledError. */
  admitAddress(address: string): void;
  /** Admits one request of an authenticated credential, or throws ThrottledError. */
  admit: CredentialThrottle;
  /** Refills every bucket (the emulator's reset). */
  reset(): void;
}

/**
 * Requests counted per source address (before anything else is done with a request) and per
 * credential (by the authenticator, which knows the credential only once it is verified, so that
 * a stranger cannot spend someone else's allowance with a made-up token).
 */
export function createThrottling(limits: RateLimits, clock: Clock): Throttling {
  const addresses = createTokenBuckets(limits.perAddress, clock);
  const credentials = createTokenBuckets(limits.perCredential, clock);
  const admitOne = (buckets: typeof addresses, key: string) => {
    const admitted = buckets.take(key);
    if (!admitted.ok) throw new ThrottledError(admitted.retryAfterSeconds);
  };
  return {
    admitAddress: (address) => admitOne(addresses, address),
    admit: (credential) => admitOne(credentials, credential),
    reset() {
      addresses.clear();
      credentials.clear();
    },
  };
}
