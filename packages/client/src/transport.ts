/**
 * A call to the service as the client makes it: the endpoint resolved, JSON headers, the
 * credentials of each attempt, retries for idempotent calls, and one more attempt with a fresh
 * token after 401 APIGW.0307 (nothing was done, so sending again is safe for any call).
 */
import type { Authenticator } from './auth/types.js';
import { isDdmApiError } from './errors.js';
import {
  type AttemptOptions,
  buildUrl,
  type HttpAnswer,
  type HttpMethod,
  type HttpRequest,
  type OpenAnswer,
  openOnce,
  sendOnce,
} from './request.js';
import { isRetryable, withRetries } from './retry.js';

/** Per-call options of every method. */
export interface CallOptions {
  /** Aborting rejects the call at once with the signal's reason; it is never retried. */
  signal?: AbortSignal;
  /** This call's timeout per attempt, instead of the client's. */
  timeoutMs?: number;
}

export interface TransportConfig {
  fetch: typeof fetch;
  timeoutMs: number;
  retries: number;
  authenticator: Authenticator;
  endpoint: (signal?: AbortSignal) => Promise<string>;
}

export interface Call {
  method: HttpMethod;
  /** The path under the endpoint, its segments already escaped. */
  path: string;
  query?: readonly (readonly [string, string])[];
  body?: unknown;
  /** Headers of this call, over the JSON ones (`Accept`, `Last-Event-ID`). */
  headers?: Record<string, string>;
  /** Whether sending it twice does no more than sending it once: only then is it retried. */
  idempotent: boolean;
}

/** The 401 that says the token expired, after which a fresh token is worth one more attempt. */
const tokenExpired = (error: unknown): boolean =>
  isDdmApiError(error) && error.status === 401 && error.errorCode === 'APIGW.0307';

/**
 * Sends a call and answers its 2xx answer, or rejects with the SDK's errors.
 *
 * @example const answer = await send(config, { method: 'GET', path: '/v3/p/jobs/x', idempotent: true }, {})
 */
export function send(config: TransportConfig, call: Call, options: CallOptions = {}): Promise<HttpAnswer> {
  return exchange(config, call, options, sendOnce);
}

/**
 * Opens a call whose answer is a stream: resolves once a 2xx answer's headers are in, with its
 * body to read (see `openOnce`); authenticated, renewed and retried as `send` is.
 *
 * @example const { response, close } = await open(config, { method: 'GET', path, idempotent: true }, { signal })
 */
export function open(config: TransportConfig, call: Call, options: CallOptions = {}): Promise<OpenAnswer> {
  return exchange(config, call, options, openOnce);
}

type AttemptFn<T> = (fetchFn: typeof fetch, request: HttpRequest, options: AttemptOptions) => Promise<T>;

async function exchange<T>(
  config: TransportConfig,
  call: Call,
  options: CallOptions,
  once: AttemptFn<T>,
): Promise<T> {
  const { signal } = options;
  const timeoutMs = options.timeoutMs ?? config.timeoutMs;
  if (signal?.aborted) throw signal.reason;
  const base = await config.endpoint(signal);
  const request: HttpRequest = {
    method: call.method,
    url: buildUrl(base, call.path, call.query),
    headers: { Accept: 'application/json', 'Content-Type': 'application/json', ...call.headers },
    body: call.body === undefined ? undefined : JSON.stringify(call.body),
  };
  const { authenticator } = config;
  // A failed sign-in was retried by the sign-in itself; the call does not repeat it.
  let signInError: unknown;
  const authenticated = async () => {
    try {
      return {
        ...request,
        headers: { ...request.headers, ...(await authenticator.headers(request, signal)) },
      };
    } catch (error) {
      signInError = error;
      throw error;
    }
  };
  let renewed = false;
  const attempt = async () => {
    const first = await authenticated();
    try {
      return await once(config.fetch, first, { timeoutMs, signal });
    } catch (error) {
      if (renewed || !tokenExpired(error) || !authenticator.discard(first.headers)) throw error;
      renewed = true;
      return await once(config.fetch, await authenticated(), { timeoutMs, signal });
    }
  };
  return withRetries(attempt, {
    retries: call.idempotent ? config.retries : 0,
    signal,
    retryable: (error) => error !== signInError && isRetryable(error),
  });
}
