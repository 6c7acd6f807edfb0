import type { FastifyInstance } from 'fastify';
import type { Clock } from '../clock.js';
import { ApiError } from '../http/api-error.js';
import { createTokenBuckets } from './token-buckets.js';

/** Requests a second; 0 turns a limit off. */
export interface RateLimits {
  /** Per credential: a token's user, or an access key. */
  perCredential: number;
  /** Per source address, on every route (the identity routes count per address only). */
  perAddress: number;
}

export const DEFAULT_RATE_LIMITS: RateLimits = { perCredential: 100, perAddress: 1000 };

/** 429 APIGW.0308, with the seconds to wait for the `Retry-After` header. */
export class ThrottledError extends ApiError {
  constructor(readonly retryAfterSeconds: number) {
    super('throttled');
  }
}

/** Admits one request of a credential, or throws ThrottledError. */
export type CredentialThrottle = (credential: string) => void;

export interface Throttling {
  admit: CredentialThrottle;
  /** Refills every bucket (the emulator's reset). */
  reset(): void;
}

/**
 * Counts every request per source address before anything else is done with it, and returns
 * the per-credential throttle for the authenticator, which knows the credential only once it
 * is verified (so a stranger cannot spend someone else's allowance with a made-up token).
 */
export function installThrottling(app: FastifyInstance, limits: RateLimits, clock: Clock): Throttling {
  const addresses = createTokenBuckets(limits.perAddress, clock);
  const credentials = createTokenBuckets(limits.perCredential, clock);
  app.addHook('onRequest', async (request) => {
    const admitted = addresses.take(request.ip);
    if (!admitted.ok) throw new ThrottledError(admitted.retryAfterSeconds);
  });
  // onError runs before the error handler and may add headers: the one place Retry-After is set.
  app.addHook('onError', async (_request, reply, error) => {
    if (error instanceof ThrottledError) reply.header('retry-after', String(error.retryAfterSeconds));
  });
  return {
    admit(credential) {
      const admitted = credentials.take(credential);
      if (!admitted.ok) throw new ThrottledError(admitted.retryAfterSeconds);
    },
    reset() {
      addresses.clear();
      credentials.clear();
    },
  };
}
