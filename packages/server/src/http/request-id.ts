import { randomBytes } from 'node:crypto';

/**
 * Request ids as the cloud's gateway writes them: 32 lowercase hex characters. A random prefix
 * per process plus a counter keeps them unique across nodes without a random draw per request.
 */
export function createRequestIdGenerator(): () => string {
  const prefix = randomBytes(8).toString('hex');
  let counter = 0;
  return () => {
    counter = (counter + 1) % 0x1_0000_0000_0000;
    return prefix + counter.toString(16).padStart(16, '0');
  };
}
