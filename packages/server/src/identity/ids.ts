import { randomBytes } from 'node:crypto';

/** The domain every name without a domain belongs to; Keystone's default domain id too. */
export const DEFAULT_DOMAIN = 'default';

/** Cloud-style ids: 32 lowercase hex characters. */
export const newId = () => randomBytes(16).toString('hex');

/** A bootstrap file that cannot be read or applied: a usage error for the command line. */
export class BootstrapError extends Error {
  override name = 'BootstrapError';
}
