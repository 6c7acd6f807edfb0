import { DEFAULT_DOMAIN } from '@ddm-jobs/server/admin';
import { InvalidArgumentError, Option } from 'commander';

// The same limits as the bootstrap file's schema, so that whatever `iam` creates could also
// have been declared there.
const ID = /^[A-Za-z0-9_-]{1,64}$/;
const ROLE = /^[A-Za-z0-9_.-]{1,64}$/;

export function parseName(value: string): string {
  const control = [...value].some((c) => (c.codePointAt(0) as number) < 0x20);
  if (value.length < 1 || value.length > 64 || control)
    throw new InvalidArgumentError('must be 1 to 64 characters, no control characters.');
  return value;
}

export function parseId(value: string): string {
  if (!ID.test(value)) throw new InvalidArgumentError('must be 1 to 64 of A-Z, a-z, 0-9, _ and -.');
  return value;
}

export function parseRole(value: string): string {
  if (!ROLE.test(value)) throw new InvalidArgumentError('must be 1 to 64 of A-Z, a-z, 0-9, _, . and -.');
  return value;
}

export function parsePassword(value: string): string {
  if (value.length < 1 || value.length > 1024)
    throw new InvalidArgumentError('must be 1 to 1024 characters.');
  return value;
}

/** `--domain NAME` (or another flag naming a domain), `default` when not given. */
export const domainOption = (flags = '--domain <domain>', what = 'domain name') =>
  new Option(flags, what).default(DEFAULT_DOMAIN).argParser(parseName);
