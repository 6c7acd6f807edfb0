import type { Authenticator } from './types.js';

/**
 * A fixed IAM token, sent as `X-Auth-Token`. It is not renewed: when it expires, calls fail
 * with 401 APIGW.0307 and the caller gets a new one.
 *
 * @example const auth = tokenAuthenticator(process.env.OS_AUTH_TOKEN ?? '')
 */
export function tokenAuthenticator(token: string): Authenticator {
  return {
    async headers() {
      return { 'X-Auth-Token': token };
    },
    discard() {
      return false;
    },
  };
}
