import { isIP } from 'node:net';
import { InvalidArgumentError } from 'commander';

/** proxy-addr's names of address ranges, which Fastify's `trustProxy` accepts too. */
const RANGE_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/**
 * `--trust-proxy 127.0.0.1,10.0.0.0/8`: the reverse proxies whose `X-Forwarded-For` is believed,
 * as addresses, CIDRs or the names loopback, linklocal and uniquelocal; empty: none. Checked here
 * so that a bad list stops the start (exit 2) naming the entry, rather than Fastify's constructor
 * failing later. Trusting every address (`true`) is not offered: any client could then choose
 * the address its requests are counted and logged under.
 */
export function parseTrustProxy(value: string): string[] {
  if (value.trim() === '') return [];
  const entries = value.split(',').map((entry) => entry.trim());
  for (const entry of entries) {
    const problem = entryProblem(entry);
    if (problem)
      throw new InvalidArgumentError(
        `${problem}: give addresses or CIDRs of trusted proxies separated by commas (e.g. 127.0.0.1,10.0.0.0/8), or loopback, linklocal, uniquelocal.`,
      );
  }
  return entries;
}

function entryProblem(entry: string): string | undefined {
  if (entry === '') return 'an empty entry';
  if (RANGE_NAMES.has(entry)) return undefined;
  const [address = '', prefix, ...more] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || more.length > 0 || address.includes('%')) return `'${entry}' is not an address or CIDR`;
  if (prefix === undefined) return undefined;
  const bits = family === 4 ? 32 : 128;
  if (!/^\d{1,3}$/.test(prefix) || Number(prefix) > bits)
    return `'${entry}' has a prefix length outside 0 to ${bits}`;
  return undefined;
}
