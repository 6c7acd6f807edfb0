/**
 * The client's options, checked once when it is made: every mistake in them is a
 * ConfigurationError before anything is sent, naming what to give.
 */
import { accessKeyAuthenticator } from './auth/access-key.js';
import { PasswordSession } from './auth/password.js';
import { tokenAuthenticator } from './auth/token.js';
import type { Auth, Authenticator, PasswordAuth } from './auth/types.js';
import { ConfigurationError } from './errors.js';
import type { TransportConfig } from './transport.js';

export interface DdmClientOptions {
  /**
   * The DDM service URL, e.g. `https://ddm.eu-de.otc.t-systems.com`. Optional with password
   * auth: then the token catalog's public `ddm` endpoint (in `regionName`, when given).
   */
  endpoint?: string;
  /** Required unless password auth names the project (by id, or by name: then learnt from the token). */
  projectId?: string;
  /** Picks the catalog's endpoint of this region. */
  regionName?: string;
  auth: Auth;
  /** Per attempt, in ms; 30 000 by default. */
  timeoutMs?: number;
  /** Extra attempts for idempotent calls; 3 by default. */
  retries?: number;
  /** The fetch to use; `globalThis.fetch` by default. */
  fetch?: typeof fetch;
  /**
   * The client's clock, epoch ms: for `since`, `X-Sdk-Date` and token renewal. `Date.now` by
   * default; for tests and emulators whose server runs on a virtual clock.
   */
  now?: () => number;
}

/** Per attempt, unless the client or the call says otherwise. */
export const DEFAULT_TIMEOUT_MS = 30_000;
/** Extra attempts of an idempotent call, unless the client says otherwise. */
export const DEFAULT_RETRIES = 3;

/** What a client runs on once its options are checked. */
export interface ClientSetup {
  transport: TransportConfig;
  now: () => number;
  projectId(signal?: AbortSignal): Promise<string>;
}

const text = (value: unknown): value is string => typeof value === 'string' && value !== '';

function checkUrl(value: string, what: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigurationError(`${what} is not a URL: ${value}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigurationError(`${what} must be an http or https URL: ${value}`);
  }
  return value.replace(/\/+$/, '');
}

function checkPassword(password: PasswordAuth, projectId: string | undefined): PasswordAuth {
  for (const key of ['authUrl', 'username', 'password'] as const) {
    if (!text(password[key])) throw new ConfigurationError(`password auth needs ${key}`);
  }
  checkUrl(password.authUrl, 'authUrl');
  if (!text(password.projectId) && !text(password.projectName) && projectId === undefined) {
    throw new ConfigurationError('password auth needs a project: projectId or projectName');
  }
  return password;
}

/**
 * Checks the options and builds what the client runs on.
 *
 * @example const setup = setUp({ endpoint: 'http://127.0.0.1:8080', projectId: 'p', auth: 'token' })
 */
export function setUp(options: DdmClientOptions): ClientSetup {
  if (typeof options !== 'object' || options === null) throw new ConfigurationError('options are required');
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (!(Number.isFinite(timeoutMs) && timeoutMs > 0)) {
    throw new ConfigurationError('timeoutMs must be a positive number of milliseconds');
  }
  const retries = options.retries ?? DEFAULT_RETRIES;
  if (!(Number.isInteger(retries) && retries >= 0))
    throw new ConfigurationError('retries must be an integer, 0 or more');
  const fetchFn = options.fetch ?? globalThis.fetch?.bind(globalThis);
  if (typeof fetchFn !== 'function') throw new ConfigurationError('no fetch here: pass options.fetch');
  const now = options.now ?? Date.now;
  if (options.projectId !== undefined && !text(options.projectId)) {
    throw new ConfigurationError('projectId must be a non-empty string');
  }
  const endpoint = options.endpoint === undefined ? undefined : checkUrl(options.endpoint, 'endpoint');
  const auth = options.auth;

  let authenticator: Authenticator;
  let projectId = options.projectId;
  if (typeof auth === 'string' || (typeof auth === 'object' && auth !== null && 'token' in auth)) {
    const token = typeof auth === 'string' ? auth : auth.token;
    if (!text(token)) throw new ConfigurationError('the token is empty');
    authenticator = tokenAuthenticator(token);
  } else if (typeof auth === 'object' && auth !== null && 'password' in auth) {
    const password = checkPassword(auth.password, projectId);
    projectId ??= text(password.projectId) ? password.projectId : undefined;
    authenticator = new PasswordSession(password, {
      fetch: fetchFn,
      timeoutMs,
      retries,
      now,
      projectId,
      wantCatalog: endpoint === undefined,
      regionName: options.regionName,
    });
  } else if (typeof auth === 'object' && auth !== null && 'accessKey' in auth) {
    if (!text(auth.accessKey) || !text(auth.secretKey)) {
      throw new ConfigurationError('AK/SK auth needs accessKey and secretKey');
    }
    if (projectId === undefined) throw new ConfigurationError('AK/SK auth needs projectId');
    authenticator = accessKeyAuthenticator(auth, projectId, now);
  } else {
    throw new ConfigurationError('auth must be a token, { password }, or { accessKey, secretKey }');
  }
  if (projectId === undefined && authenticator.projectId === undefined) {
    throw new ConfigurationError('projectId is required with token auth');
  }
  if (endpoint === undefined && authenticator.endpoint === undefined) {
    throw new ConfigurationError('endpoint is required unless password auth finds it in the catalog');
  }

  const known = projectId;
  return {
    now,
    transport: {
      fetch: fetchFn,
      timeoutMs,
      retries,
      authenticator,
      endpoint: async (signal) => endpoint ?? (await learnt(authenticator, 'endpoint', signal)),
    },
    projectId: async (signal) => known ?? (await learnt(authenticator, 'projectId', signal)),
  };
}

/** What only signing in tells (checked above to be available when the options lack it). */
function learnt(authenticator: Authenticator, what: 'endpoint' | 'projectId', signal?: AbortSignal) {
  if (what === 'endpoint' && authenticator.endpoint) return authenticator.endpoint(signal);
  if (what === 'projectId' && authenticator.projectId) return authenticator.projectId(signal);
  throw new ConfigurationError(`${what} is required`);
}
