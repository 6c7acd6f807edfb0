import { type AccessKeyPair, sdkDate, signRequest } from './aksk-signer.js';
import type { Authenticator } from './types.js';

/**
 * Signs every attempt with an access-key pair as the official SDKs do: `X-Sdk-Date` (from
 * `now`, which must be within 15 minutes of the server's clock), `X-Project-Id`, and an
 * `Authorization` covering content-type, host (the URL's, as fetch sends it), x-project-id,
 * x-sdk-date and the body's exact bytes.
 *
 * @example const auth = accessKeyAuthenticator({ accessKey, secretKey }, projectId, Date.now)
 */
export function accessKeyAuthenticator(
  key: AccessKeyPair,
  projectId: string,
  now: () => number,
): Authenticator {
  return {
    async headers(request) {
      const contentType = Object.entries(request.headers).find(
        ([name]) => name.toLowerCase() === 'content-type',
      )?.[1];
      const added = { 'X-Project-Id': projectId, 'X-Sdk-Date': sdkDate(now()) };
      const signed = await signRequest(
        {
          method: request.method,
          path: request.url.pathname,
          query: [...request.url.searchParams],
          headers: {
            ...(contentType === undefined ? {} : { 'Content-Type': contentType }),
            Host: request.url.host,
            ...added,
          },
          body: request.body ?? '',
        },
        key,
      );
      return { ...added, Authorization: signed.authorization };
    },
    discard() {
      return false;
    },
  };
}
