import { createHash } from 'node:crypto';
import type { Clock } from '../clock/clock.js';
import type { Principal, TokenCheck, TokenChecker } from './authenticate.js';

export interface ExternalIamOptions {
  /** The IAM's base URL, without `/v3`: `https://iam.example.com`. */
  url: string;
  clock: Clock;
  /** How long one validation may take before the token is refused; 3 s by default. */
  timeoutMs?: number;
  /** Longest time an accepted token is trusted without asking again; 5 minutes by default. */
  validLifeMs?: number;
  /** How long a refusal (401 or 404 from the IAM) is remembered; 10 s by default. */
  refusalLifeMs?: number;
  /** Most tokens remembered; the oldest is forgotten first. 10,000 by default. */
  maxEntries?: number;
}

interface Remembered {
  check: TokenCheck;
  /** Epoch ms (on the injected clock) after which the IAM is asked again. */
  until: number;
  /** The token's own expiry, checked on every use so a cached token never outlives it. */
  expiresAt: number;
}

// Same defaults as keystonemiddleware's auth_token (token_cache_time = 300 s): a revoked token
// stays usable here for at most that long, the price of not asking the IAM on every request.
const DEFAULT_VALID_LIFE_MS = 5 * 60_000;
const DEFAULT_REFUSAL_LIFE_MS = 10_000;
const DEFAULT_TIMEOUT_MS = 3_000;
const DEFAULT_MAX_ENTRIES = 10_000;

const INVALID: TokenCheck = { ok: false, reason: 'invalid' };
const EXPIRED: TokenCheck = { ok: false, reason: 'expired' };

/**
 * A `TokenChecker` that asks a Keystone-compatible IAM (`GET {url}/v3/auth/tokens` with the token
 * as both caller and subject, since a Keystone user may validate its own token) and trusts its
 * answer: the user, the scoped project and the role names. Answers are remembered in a bounded
 * cache until the token expires (at most `validLifeMs`), refusals briefly. It fails closed: an
 * IAM that cannot be reached, times out or answers anything but a token body refuses the token
 * (401 APIGW.0301), and such failures are not remembered, so the IAM's return is seen at once.
 *
 *   buildApp({ store, tokenChecker: externalIamChecker({ url: 'https://iam.example.com', clock }) })
 */
export function externalIamChecker(options: ExternalIamOptions): TokenChecker {
  const { clock } = options;
  const endpoint = `${options.url.replace(/\/+$/, '')}/v3/auth/tokens?nocatalog`;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const validLifeMs = options.validLifeMs ?? DEFAULT_VALID_LIFE_MS;
  const refusalLifeMs = options.refusalLifeMs ?? DEFAULT_REFUSAL_LIFE_MS;
  const maxEntries = options.maxEntries ?? DEFAULT_MAX_ENTRIES;
  // Keyed by the token's hash, so that the process's memory holds no usable token.
  const cache = new Map<string, Remembered>();
  // Concurrent requests with one uncached token share one question to the IAM.
  const asking = new Map<string, Promise<TokenCheck>>();

  const remember = (key: string, entry: Remembered) => {
    cache.delete(key);
    cache.set(key, entry);
    // A Map iterates in insertion order: the first key is the oldest entry.
    while (cache.size > maxEntries) cache.delete(cache.keys().next().value as string);
  };

  async function ask(key: string, token: string): Promise<TokenCheck> {
    const answer = await askIam(endpoint, token, timeoutMs);
    const now = clock.now();
    if (answer.kind === 'refused') {
      remember(key, { check: EXPIRED, until: now + refusalLifeMs, expiresAt: Number.POSITIVE_INFINITY });
      return EXPIRED;
    }
    if (answer.kind === 'unusable') return INVALID;
    if (now >= answer.expiresAt) return EXPIRED;
    const check: TokenCheck = { ok: true, principal: answer.principal };
    remember(key, {
      check,
      until: Math.min(answer.expiresAt, now + validLifeMs),
      expiresAt: answer.expiresAt,
    });
    return check;
  }

  return async (token) => {
    if (!token) return { ok: false, reason: 'missing' };
    const key = createHash('sha256').update(token).digest('base64url');
    const now = clock.now();
    const known = cache.get(key);
    if (known && now < known.until) return now >= known.expiresAt ? EXPIRED : known.check;
    if (known) cache.delete(key);
    let pending = asking.get(key);
    if (!pending) {
      pending = ask(key, token).finally(() => asking.delete(key));
      asking.set(key, pending);
    }
    return pending;
  };
}

type IamAnswer =
  | { kind: 'valid'; principal: Principal; expiresAt: number }
  | { kind: 'refused' }
  | { kind: 'unusable' };

/** One validation: 401 or 404 refuse the token; anything else but a token body is unusable. */
async function askIam(endpoint: string, token: string, timeoutMs: number): Promise<IamAnswer> {
  try {
    const response = await fetch(endpoint, {
      headers: { 'x-auth-token': token, 'x-subject-token': token, accept: 'application/json' },
      redirect: 'error',
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (response.status === 401 || response.status === 404) {
      await response.body?.cancel();
      return { kind: 'refused' };
    }
    if (response.status !== 200) {
      await response.body?.cancel();
      return { kind: 'unusable' };
    }
    return principalOf(await response.json());
  } catch {
    // Refused connection, DNS failure, timeout, a body that is not JSON: nobody vouched.
    return { kind: 'unusable' };
  }
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Keystone's token body: `{"token": {"expires_at", "user": {"id"}, "project"?: {"id"}, "roles"?}}`. */
function principalOf(body: unknown): IamAnswer {
  const token = isRecord(body) ? body.token : undefined;
  if (!isRecord(token) || !isRecord(token.user) || typeof token.user.id !== 'string' || !token.user.id)
    return { kind: 'unusable' };
  const expiresAt = keystoneTime(token.expires_at);
  if (expiresAt === undefined) return { kind: 'unusable' };
  let projectId: string | null = null;
  if (token.project !== undefined) {
    if (!isRecord(token.project) || typeof token.project.id !== 'string') return { kind: 'unusable' };
    projectId = token.project.id;
  }
  const roles: string[] = [];
  if (token.roles !== undefined) {
    if (!Array.isArray(token.roles)) return { kind: 'unusable' };
    for (const role of token.roles) {
      if (!isRecord(role) || typeof role.name !== 'string') return { kind: 'unusable' };
      roles.push(role.name);
    }
  }
  // An unscoped token carries no roles: it reads no tasks, as a local one does not.
  return { kind: 'valid', principal: { userId: token.user.id, projectId, roles }, expiresAt };
}

/** Keystone's `2026-11-29T15:41:38.000000Z`; a time without a zone is UTC, as Keystone means it. */
function keystoneTime(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const match = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(\.\d+)?(Z|[+-]\d{2}:?\d{2})?$/.exec(value);
  if (!match) return undefined;
  const fraction = match[2] ? match[2].slice(0, 4) : '';
  const ms = Date.parse(`${match[1]}${fraction}${match[3] ?? 'Z'}`);
  return Number.isNaN(ms) ? undefined : ms;
}
