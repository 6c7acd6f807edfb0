/**
 * One attempt of one HTTP request: sent with `fetch`, bounded by a timeout, cancelled by the
 * caller's signal, and its failure told apart as the caller's abort (the signal's reason), a
 * TimeoutError, a NetworkError or a DdmApiError.
 */

import { sdkEscape } from './auth/aksk-signer.js';
import { apiErrorFrom, DdmApiError, NetworkError, TimeoutError } from './errors.js';
import { parseRetryAfter } from './retry.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT';

export interface HttpRequest {
  method: HttpMethod;
  url: URL;
  headers: Record<string, string>;
  /** JSON text, sent as is (an AK/SK signature covers these exact bytes). */
  body?: string | undefined;
}

export interface HttpAnswer {
  status: number;
  headers: Headers;
  /** The parsed JSON body; undefined when the body is empty. */
  json: unknown;
}

export interface AttemptOptions {
  timeoutMs: number;
  signal?: AbortSignal | undefined;
}

/**
 * A URL under `base` (which may carry a path of its own) with the query escaped as the SDK
 * signer escapes it, so that the signed and the sent query are the same text.
 *
 * @example buildUrl('https://ddm.example.com', '/v3/p/jobs', [['limit', '10']]).href
 *   // 'https://ddm.example.com/v3/p/jobs?limit=10'
 */
export function buildUrl(
  base: string,
  path: string,
  query: readonly (readonly [string, string])[] = [],
): URL {
  const url = new URL(base.replace(/\/+$/, '') + path);
  url.search = query.map(([k, v]) => `${sdkEscape(k)}=${sdkEscape(v)}`).join('&');
  return url;
}

/**
 * A path from segments, each escaped: ids and names can never add a segment of their own.
 *
 * @example pathOf('v3', 'p', 'jobs', 'a/b') // '/v3/p/jobs/a%2Fb'
 */
export const pathOf = (...segments: string[]): string =>
  segments.map((segment) => `/${encodeURIComponent(segment)}`).join('');

/**
 * Sends one attempt. Resolves with a 2xx answer; rejects with a DdmApiError for any other
 * status, a TimeoutError when neither headers nor body arrived within `timeoutMs`, a
 * NetworkError when no answer came, or the signal's reason when the caller aborted.
 *
 * @example const answer = await sendOnce(fetch, { method: 'GET', url, headers: {} }, { timeoutMs: 30_000 })
 */
export async function sendOnce(
  fetchFn: typeof fetch,
  request: HttpRequest,
  options: AttemptOptions,
): Promise<HttpAnswer> {
  const { signal, timeoutMs } = options;
  if (signal?.aborted) throw signal.reason;
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, timeoutMs);
  const onAbort = () => controller.abort(signal?.reason);
  signal?.addEventListener('abort', onAbort, { once: true });
  const failed = (error: unknown): unknown => {
    if (signal?.aborted) return signal.reason;
    if (timedOut) {
      return new TimeoutError(
        `${request.method} ${request.url.origin}${request.url.pathname}: no answer within ${timeoutMs} ms`,
        timeoutMs,
      );
    }
    return networkError(request, error);
  };
  try {
    let response: Response;
    let text: string;
    try {
      response = await fetchFn(request.url, {
        method: request.method,
        headers: request.headers,
        ...(request.body === undefined ? {} : { body: request.body }),
        signal: controller.signal,
      });
      text = await response.text();
    } catch (error) {
      throw failed(error);
    }
    if (response.status < 200 || response.status > 299) {
      throw apiErrorFrom(
        response.status,
        text,
        response.headers.get('x-request-id'),
        retryAfterOf(response.headers),
      );
    }
    return { status: response.status, headers: response.headers, json: parseJson(response, text) };
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
  }
}

/** Retry-After, measured from the answer's `Date` when it has one (the server's own clock). */
function retryAfterOf(headers: Headers): number | undefined {
  const date = Date.parse(headers.get('date') ?? '');
  return parseRetryAfter(headers.get('retry-after'), Number.isNaN(date) ? Date.now() : date);
}

function parseJson(response: Response, text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new DdmApiError(
      response.status,
      `HTTP.${response.status}`,
      'The answer is not JSON, so it is not the API this client speaks: check the endpoint.',
      response.headers.get('x-request-id') ?? undefined,
      text,
    );
  }
}

function networkError(request: HttpRequest, error: unknown): NetworkError {
  // undici says only "fetch failed" and puts the reason (ECONNREFUSED ...) in `cause`.
  const cause = (error as { cause?: unknown } | undefined)?.cause;
  const reason =
    cause instanceof Error ? cause.message : error instanceof Error ? error.message : String(error);
  return new NetworkError(
    `${request.method} ${request.url.origin}${request.url.pathname}: no answer (${reason})`,
    error,
  );
}
