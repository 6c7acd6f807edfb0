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

/** One attempt's plumbing: its timeout, the caller's signal, and how a failure is told. */
class Attempt {
  readonly controller = new AbortController();
  #timedOut = false;
  readonly #timer: ReturnType<typeof setTimeout>;
  readonly #onAbort = () => this.controller.abort(this.options.signal?.reason);

  constructor(
    readonly request: HttpRequest,
    readonly options: AttemptOptions,
  ) {
    this.#timer = setTimeout(() => {
      this.#timedOut = true;
      this.controller.abort();
    }, options.timeoutMs);
    options.signal?.addEventListener('abort', this.#onAbort, { once: true });
  }

  /** Awaits a step of the exchange (the fetch, a read), its failure told apart. */
  async step<T>(work: Promise<T>): Promise<T> {
    try {
      return await work;
    } catch (error) {
      throw this.failed(error);
    }
  }

  fetch(fetchFn: typeof fetch): Promise<Response> {
    const { request } = this;
    return this.step(
      fetchFn(request.url, {
        method: request.method,
        headers: request.headers,
        ...(request.body === undefined ? {} : { body: request.body }),
        signal: this.controller.signal,
      }),
    );
  }

  failed(error: unknown): unknown {
    const { request, options } = this;
    if (options.signal?.aborted) return options.signal.reason;
    if (this.#timedOut) {
      return new TimeoutError(
        `${request.method} ${request.url.origin}${request.url.pathname}: no answer within ${options.timeoutMs} ms`,
        options.timeoutMs,
      );
    }
    return networkError(request, error);
  }

  /** The answer's headers are in: what follows is no longer bounded by the timeout. */
  stopTimer(): void {
    clearTimeout(this.#timer);
  }

  release(): void {
    clearTimeout(this.#timer);
    this.options.signal?.removeEventListener('abort', this.#onAbort);
  }
}

/** An error answer as a DdmApiError, its body read within the attempt. */
async function errorAnswer(attempt: Attempt, response: Response): Promise<DdmApiError> {
  const text = await attempt.step(response.text());
  return apiErrorFrom(
    response.status,
    text,
    response.headers.get('x-request-id'),
    retryAfterOf(response.headers),
  );
}

const succeeded = (response: Response) => response.status >= 200 && response.status <= 299;

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
  if (options.signal?.aborted) throw options.signal.reason;
  const attempt = new Attempt(request, options);
  try {
    const response = await attempt.fetch(fetchFn);
    if (!succeeded(response)) throw await errorAnswer(attempt, response);
    const text = await attempt.step(response.text());
    return { status: response.status, headers: response.headers, json: parseJson(response, text) };
  } finally {
    attempt.release();
  }
}

/** A 2xx answer whose body is still to be read, as a stream. */
export interface OpenAnswer {
  response: Response;
  /** What a failed read of the body stands for: the caller's abort, or a NetworkError. */
  failed(error: unknown): unknown;
  /** Closes the connection (if still open) and lets go of the caller's signal. */
  close(): void;
}

/**
 * Sends one attempt and resolves as soon as a 2xx answer's headers are in, leaving its body to
 * be read: a stream. `timeoutMs` bounds the wait for the headers only; the caller's signal
 * cancels the body's reading too, until `close()`. Rejects as `sendOnce` does.
 *
 * @example const { response, close } = await openOnce(fetch, { method: 'GET', url, headers }, { timeoutMs: 30_000, signal })
 */
export async function openOnce(
  fetchFn: typeof fetch,
  request: HttpRequest,
  options: AttemptOptions,
): Promise<OpenAnswer> {
  if (options.signal?.aborted) throw options.signal.reason;
  const attempt = new Attempt(request, options);
  try {
    const response = await attempt.fetch(fetchFn);
    if (!succeeded(response)) throw await errorAnswer(attempt, response);
    attempt.stopTimer();
    return {
      response,
      failed: (error) => attempt.failed(error),
      close: () => {
        attempt.release();
        attempt.controller.abort();
      },
    };
  } catch (error) {
    attempt.release();
    throw error;
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
