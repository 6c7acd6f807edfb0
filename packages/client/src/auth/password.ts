/**
 * Password sign-in to an IAM (Keystone v3's `POST /v3/auth/tokens`): a project-scoped token,
 * kept and renewed before it expires, the project id it names, and the DDM endpoint of its
 * catalog. One token request at a time, however many calls wait for it.
 */
import type { TokenBody, TokenRequest } from '@ddm-jobs/contract/wire';
import { ConfigurationError } from '../errors.js';
import { sendOnce } from '../request.js';
import { raceAbort, withRetries } from '../retry.js';
import type { Authenticator, PasswordAuth } from './types.js';

/** A token is renewed when less than this is left (or a tenth of its life, if that is less). */
export const RENEW_BEFORE_MS = 5 * 60_000;

export interface PasswordSessionOptions {
  fetch: typeof fetch;
  timeoutMs: number;
  retries: number;
  now: () => number;
  /** The scope when the credentials name no project: the client's `projectId`. */
  projectId?: string | undefined;
  /** Read the DDM endpoint from the catalog (no endpoint was configured). */
  wantCatalog: boolean;
  regionName?: string | undefined;
}

interface Issued {
  token: string;
  renewAt: number;
  projectId: string | undefined;
  catalog: TokenBody['token']['catalog'];
}

/**
 * `https://iam.example.com`, `.../v3` or `.../v3/` → `.../v3/auth/tokens`.
 *
 * @example tokensUrl('https://iam.eu-de.otc.t-systems.com/v3/') // 'https://iam.eu-de.otc.t-systems.com/v3/auth/tokens'
 */
export function tokensUrl(authUrl: string): string {
  const base = authUrl.replace(/\/+$/, '');
  return `${/\/v3$/.test(base) ? base : `${base}/v3`}/auth/tokens`;
}

/** Keystone's `2026-11-29T15:41:38.000000Z`, whose microseconds not every engine parses. */
const keystoneTime = (text: string | undefined): number =>
  text === undefined ? Number.NaN : Date.parse(text.replace(/(\.\d{3})\d+/, '$1'));

/**
 * When to renew a token received at `receivedAt` (the client's clock) that lives `lifeMs` (the
 * IAM's expires_at − issued_at, so that the two clocks need not agree): when less than 5
 * minutes, or a tenth of its life if that is less, remain.
 *
 * @example renewAt(0, 86_400_000) // 86_100_000
 */
export function renewAt(receivedAt: number, lifeMs: number): number {
  if (!Number.isFinite(lifeMs)) return Number.POSITIVE_INFINITY;
  return receivedAt + lifeMs - Math.min(RENEW_BEFORE_MS, Math.max(0, lifeMs) / 10);
}

/**
 * The DDM endpoint of a token catalog: the public endpoint of the `ddm` service (in
 * `regionName` when given), without a trailing `/v3...` that some catalogs append.
 *
 * @example catalogEndpoint(body.token.catalog, 'eu-de') // 'https://ddm.eu-de.otc.t-systems.com'
 */
export function catalogEndpoint(
  catalog: TokenBody['token']['catalog'],
  regionName?: string,
): string | undefined {
  for (const service of catalog ?? []) {
    if (service.type !== 'ddm') continue;
    const found = service.endpoints.find(
      (e) =>
        e.interface === 'public' &&
        (regionName === undefined || e.region === regionName || e.region_id === regionName),
    );
    if (found) return found.url.replace(/\/+$/, '').replace(/\/v3(\/[^/]*)?$/, '');
  }
  return undefined;
}

/**
 * Password credentials as an Authenticator.
 *
 * @example
 * const session = new PasswordSession({ authUrl, username, password, projectName: 'eu-de_x' },
 *   { fetch, timeoutMs: 30_000, retries: 3, now: Date.now, wantCatalog: true });
 * await session.projectId();
 */
export class PasswordSession implements Authenticator {
  #current: Issued | undefined;
  #pending: Promise<Issued> | undefined;

  constructor(
    private readonly auth: PasswordAuth,
    private readonly options: PasswordSessionOptions,
  ) {}

  async headers(_request: unknown, signal?: AbortSignal): Promise<Record<string, string>> {
    return { 'X-Auth-Token': (await this.#token(signal)).token };
  }

  discard(sent: Record<string, string>): boolean {
    if (this.#current !== undefined && this.#current.token === sent['X-Auth-Token'])
      this.#current = undefined;
    return true;
  }

  async projectId(signal?: AbortSignal): Promise<string> {
    const id = (await this.#token(signal)).projectId;
    if (id === undefined) throw new ConfigurationError('The IAM issued a token without a project');
    return id;
  }

  async endpoint(signal?: AbortSignal): Promise<string> {
    const found = catalogEndpoint((await this.#token(signal)).catalog, this.options.regionName);
    if (found === undefined) {
      const region = this.options.regionName ? ` in region ${this.options.regionName}` : '';
      throw new ConfigurationError(
        `The IAM's catalog has no public endpoint of type ddm${region}: give the client an endpoint`,
      );
    }
    return found;
  }

  #token(signal?: AbortSignal): Promise<Issued> {
    const current = this.#current;
    if (current !== undefined && this.options.now() < current.renewAt) return Promise.resolve(current);
    // Shared by every waiting call, so no one caller's signal may cancel it; each caller stops
    // waiting on its own abort.
    this.#pending ??= this.#signIn().finally(() => {
      this.#pending = undefined;
    });
    return raceAbort(this.#pending, signal);
  }

  async #signIn(): Promise<Issued> {
    const { fetch, timeoutMs, retries, now, wantCatalog } = this.options;
    const url = new URL(tokensUrl(this.auth.authUrl));
    if (!wantCatalog) url.search = 'nocatalog';
    // A second token is harmless: sending the request again after a 503 changes nothing else.
    const answer = await withRetries(
      () =>
        sendOnce(
          fetch,
          {
            method: 'POST',
            url,
            headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
            body: JSON.stringify(this.#request()),
          },
          { timeoutMs },
        ),
      { retries },
    );
    const token = answer.headers.get('x-subject-token');
    const body = answer.json as TokenBody | undefined;
    if (!token || typeof body?.token !== 'object') {
      throw new ConfigurationError(`${url.origin}${url.pathname} answered no token: is authUrl an IAM?`);
    }
    const expiresAt = keystoneTime(body.token.expires_at);
    const issuedAt = keystoneTime(body.token.issued_at);
    // Without issued_at, the life is reckoned from the client's clock.
    const life = expiresAt - (Number.isFinite(issuedAt) ? issuedAt : now());
    const issued: Issued = {
      token,
      renewAt: renewAt(now(), Number.isNaN(expiresAt) ? Number.POSITIVE_INFINITY : life),
      projectId: body.token.project?.id,
      catalog: body.token.catalog,
    };
    this.#current = issued;
    return issued;
  }

  #request(): TokenRequest {
    const a = this.auth;
    const userDomain = a.userDomainId
      ? { id: a.userDomainId }
      : a.userDomainName
        ? { name: a.userDomainName }
        : { id: 'default' };
    const projectDomain = a.projectDomainId
      ? { id: a.projectDomainId }
      : a.projectDomainName
        ? { name: a.projectDomainName }
        : userDomain;
    const projectId = a.projectId ?? (a.projectName === undefined ? this.options.projectId : undefined);
    const project =
      projectId !== undefined ? { id: projectId } : { name: a.projectName as string, domain: projectDomain };
    return {
      auth: {
        identity: {
          methods: ['password'],
          password: { user: { name: a.username, domain: userDomain, password: a.password } },
        },
        scope: { project },
      },
    };
  }
}
